"""The story editor's photo chooser, as its script reads it: JSON from the photo admin, staff only,
never cached; search, filters and pages as the library has them; upload in place in two rounds."""

import datetime

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from newsroom.photos.chooser import PER_PAGE
from newsroom.photos.models import PhotoAsset, originals_storage
from tests.conftest import make_account
from tests.photos.conftest import photo_without_file, sample

pytestmark = pytest.mark.django_db

CHOOSER = "/admin/photos/photoasset/chooser/"
DETAILS = "/admin/photos/photoasset/chooser/details/"
UPLOAD = "/admin/photos/photoasset/chooser/upload/"


def found(response):
    assert response.status_code == 200, response.content
    return [photo["virin"] for photo in response.json()["photos"]]


def test_words_find_photos_by_title_caption_or_keywords_and_a_virin_start_by_virin(editor_client, make_photo):
    levee = make_photo(virin="210614-A-KX193-1002", title="Levee Repair", keywords="levee, engineers")
    sandbags = make_photo(
        virin="210615-N-QR552-1045", title="Sandbag Line", caption="Sailors fill sandbags by a levee."
    )
    make_photo(virin="260303-N-TV418-1107", title="Community Clinic")

    assert set(found(editor_client.get(CHOOSER, {"q": "levee"}))) == {levee.virin, sandbags.virin}
    assert found(editor_client.get(CHOOSER, {"q": "210614-a"})) == [levee.virin]
    assert found(editor_client.get(CHOOSER, {"q": "sandbags levee"})) == [sandbags.virin], "every word, anywhere"
    assert len(found(editor_client.get(CHOOSER))) == 3


def test_filters_by_service_letter_and_year_taken_offer_what_the_library_holds(editor_client):
    army_2021 = photo_without_file(virin="210614-A-KX193-1002", date_taken=datetime.date(2021, 6, 14))
    photo_without_file(virin="210615-N-QR552-1045", date_taken=datetime.date(2021, 6, 15))
    photo_without_file(virin="240101-A-KX193-1003", date_taken=datetime.date(2024, 1, 1))

    response = editor_client.get(CHOOSER, {"service": "A", "year": "2021"})

    assert found(response) == [army_2021.virin]
    answer = response.json()
    assert ["A", "A · Army"] in answer["services"] and ["N", "N · Navy"] in answer["services"]
    assert answer["years"] == ["2024", "2023", "2022", "2021"]


def test_a_filter_value_the_library_does_not_offer_is_refused_with_its_name(editor_client):
    photo_without_file()
    response = editor_client.get(CHOOSER, {"service": ".*"})
    assert response.status_code == 400
    assert response.json()["error"] == "No service “.*” in the library."
    assert editor_client.get(CHOOSER, {"year": "1900"}).status_code == 400


def test_pages_hold_a_grid_each_newest_first_and_say_whether_more_follow(editor_client):
    photos = [photo_without_file() for _ in range(PER_PAGE + 2)]
    newest_first = [photo.virin for photo in reversed(photos)]

    first = editor_client.get(CHOOSER).json()
    second = editor_client.get(CHOOSER, {"page": 2}).json()

    assert [photo["virin"] for photo in first["photos"]] == newest_first[:PER_PAGE]
    assert (first["has_previous"], first["has_next"]) == (False, True)
    assert [photo["virin"] for photo in second["photos"]] == newest_first[PER_PAGE:]
    assert (second["page"], second["has_previous"], second["has_next"]) == (2, True, False)
    assert editor_client.get(CHOOSER, {"page": "junk"}).json()["page"] == 1


def test_each_photo_has_its_public_thumbnail_or_else_its_alt_text_and_says_if_it_is_ready(editor_client, make_photo):
    ready = make_photo(title="Closing the Breach")
    no_alt_text = make_photo(alt_text="")
    no_file = photo_without_file(
        alt_text="Soldiers stack sandbags on a levee.", photographer="Spc. Ann Lee", credit="Army"
    )

    photos = {photo["id"]: photo for photo in editor_client.get(CHOOSER).json()["photos"]}

    shown = photos[ready.pk]
    thumb = ready.renditions["thumb.jpg"]
    assert shown["thumbnail"] == {
        "url": ready.public_url("thumb.jpg"),
        "width": thumb["width"],
        "height": thumb["height"],
    }
    # No published story uses it yet: embargoed, so its copy comes through the view that checks who
    # asks, never from MEDIA_URL; and never the private original.
    assert shown["thumbnail"]["url"] == f"/photos/{ready.virin}/copies/thumb.jpg"
    assert (settings.PRIVATE_MEDIA_ROOT / thumb["name"]).is_file()
    assert not (settings.MEDIA_ROOT / thumb["name"]).exists()
    assert (shown["title"], shown["virin"], shown["ready"]) == ("Closing the Breach", ready.virin, True)
    assert shown["change_url"] == f"/admin/photos/photoasset/{ready.pk}/change/"
    assert photos[no_alt_text.pk]["ready"] is False
    assert photos[no_file.pk]["thumbnail"] is None
    assert photos[no_file.pk]["alt_text"] == "Soldiers stack sandbags on a levee."


def test_details_are_given_for_the_ids_asked_and_a_deleted_photo_is_simply_absent(editor_client, make_photo):
    kept, other, deleted = make_photo(), make_photo(), make_photo()
    deleted_id = deleted.pk
    deleted.delete()

    response = editor_client.get(DETAILS, {"id": [kept.pk, deleted_id, "junk", other.pk]})

    assert response.status_code == 200
    assert {photo["id"] for photo in response.json()["photos"]} == {kept.pk, other.pk}


@pytest.mark.parametrize("address", [CHOOSER, DETAILS])
def test_chooser_answers_staff_who_may_view_photos_and_is_never_cached(editor_client, address):
    response = editor_client.get(address, {"id": 1})
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]

    stranger = Client()
    assert stranger.get(address).status_code == 302, "signed out: the admin's login"
    clerk = get_user_model().objects.create_user("clerk", password="a-long-test-password", is_staff=True)
    stranger.force_login(clerk)
    assert stranger.get(address).status_code == 403


def test_upload_in_place_fills_the_values_first_then_saves_with_the_alt_text_written(
    editor, editor_client, django_capture_on_commit_callbacks, run_tasks
):
    first = editor_client.post(UPLOAD, {"original": sample("210614-A-KX193-1002.jpg")})

    assert first.status_code == 200
    round_one = first.json()
    assert round_one["saved"] is False
    assert not PhotoAsset.objects.exists(), "nothing is saved before the editor has checked the values"
    values = {field["name"]: field["value"] for field in round_one["fields"]}
    assert values["virin"] == "210614-A-KX193-1002"
    assert values["title"] == "Levee Repair"
    assert values["date_taken"] == "2021-06-14"
    assert values["alt_text"] == ""
    assert "Check them, add alt text, and save again." in round_one["notes"][0]
    filled = {field["name"]: field["filled_from_file"] for field in round_one["fields"]}
    assert filled["virin"] == "XMP" and filled["alt_text"] == ""
    virin = next(field for field in round_one["fields"] if field["name"] == "virin")
    assert virin["help"] == PhotoAsset._meta.get_field("virin").help_text, "where it came from is said apart"
    assert round_one["preview"]["src"].startswith("/admin/photos/photoasset/pending/")
    assert editor_client.get(round_one["preview"]["src"])["Content-Type"] == "image/jpeg"

    values["alt_text"] = "A soldier in a hard hat signals to an excavator on a grassy levee."
    with django_capture_on_commit_callbacks(execute=True):
        second = editor_client.post(UPLOAD, {**values, "pending_upload": round_one["pending_upload"]})

    assert second.status_code == 201, second.content
    photo = PhotoAsset.objects.get()
    item = second.json()["photo"]
    assert item["id"] == photo.pk and item["copies_status"] == "Copies being made" and item["thumbnail"] is None
    assert item["ready"] is False, "no story can be published with it before its copies are made"
    assert run_tasks() == 1
    details = editor_client.get(f"/admin/photos/photoasset/chooser/details/?id={photo.pk}").json()["photos"][0]
    assert details["ready"] is True and details["copies_status"] == "" and details["thumbnail"]["url"]
    assert photo.alt_text == values["alt_text"]
    assert photo.uploaded_by == editor
    assert originals_storage().exists(photo.original.name)
    assert not originals_storage().listdir("pending")[1], "the kept upload has done its job"
    assert LogEntry.objects.get(object_id=str(photo.pk)).action_flag == ADDITION


def test_upload_of_a_file_that_is_not_a_photo_says_so_and_saves_nothing(editor_client):
    response = editor_client.post(UPLOAD, {"original": sample("not-an-image.jpg")})

    assert response.status_code == 400
    assert response.json()["file_errors"]
    assert response.json()["pending_upload"] == ""
    assert not PhotoAsset.objects.exists()


def test_upload_needs_a_post_and_the_permission_to_add_photos(client, editor_client):
    assert editor_client.get(UPLOAD).status_code == 405
    viewer = get_user_model().objects.create_user("viewer", password="a-long-test-password", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_photoasset"))
    client.force_login(viewer)
    assert client.get(CHOOSER).json()["can_upload"] is False
    assert client.post(UPLOAD, {"original": sample("210614-A-KX193-1002.jpg")}).status_code == 403
    assert not PhotoAsset.objects.exists()


def test_writers_may_upload_from_the_story_editor(client):
    client.force_login(make_account("writer", "writer"))
    assert client.get(CHOOSER).json()["can_upload"] is True
