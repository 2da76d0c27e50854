"""The photo form in the admin: editing a saved photo, the rounds of an upload, and what it shows."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from newsroom.photos.models import PhotoAsset
from tests.conftest import copies_root, jpeg_upload, make_account, page_text
from tests.photos.conftest import FIELDS, blank_form, sample

pytestmark = pytest.mark.django_db

ADD = "/admin/photos/photoasset/add/"


def change_url(photo):
    return f"/admin/photos/photoasset/{photo.pk}/change/"


def saved_values(photo, **changes):
    """What the change form posts back when the editor changes only `changes`."""
    values = {field: getattr(photo, field) or "" for field in FIELDS} | {"pending_upload": ""}
    values["date_taken"] = photo.date_taken.isoformat() if photo.date_taken else ""
    return values | changes


def field_row(response, name) -> str:
    """The HTML of one field's row in the admin form."""
    found = re.search(
        rf'<div class="form-row[^"]*field-{name}\b.*?(?=<div class="form-row|</fieldset>)',
        response.content.decode(),
        flags=re.S,
    )
    assert found, f"no {name} row"
    return found.group()


# --- Editing a saved photo --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["writer", "editor", "superuser"])
def test_the_edit_page_opens_for_every_role_and_shows_the_public_copy(client, make_photo, role):
    photo = make_photo()
    user = make_account(role, role) if role != "superuser" else None
    if user is None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_superuser("chief", password="a-long-test-password")
    client.force_login(user)

    response = client.get(change_url(photo))

    assert response.status_code == 200
    page = response.content.decode()
    copy = photo.renditions["w480.jpg"]
    assert (
        f'<img src="{photo.public_url("w480.jpg")}" alt="" width="{copy["width"]}" height="{copy["height"]}">' in page
    )
    assert "As readers see it." in page
    # No "Currently: …/Change" widget, and nothing that names the private original.
    assert "Currently" not in page and photo.original.name not in page
    assert "Replace the image" in field_row(response, "original")
    assert 'type="file" name="original"' in page
    with pytest.raises(ValueError, match="private"):
        _ = photo.original.url
    # And every other page of the library the role reaches.
    for address in (
        ADD,
        "/admin/photos/photoasset/",
        "/admin/photos/photoasset/?alt_text=missing&image=missing",
        "/admin/",
    ):
        assert client.get(address).status_code == 200, address


def test_saving_metadata_keeps_the_file_and_its_public_copies(
    editor_client, make_photo, private_root, django_capture_on_commit_callbacks
):
    photo = make_photo(alt_text="")
    original_bytes = (private_root / photo.original.name).read_bytes()
    copies = dict(photo.renditions)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            change_url(photo),
            saved_values(
                photo,
                alt_text="A nurse in blue scrubs checks a child's blood pressure.",
                keywords="clinic, navy",
            ),
        )

    assert response.status_code == 302, page_text(response)[:2000]
    saved = PhotoAsset.objects.get()
    assert saved.alt_text == "A nurse in blue scrubs checks a child's blood pressure."
    assert saved.keywords == "clinic, navy"
    assert saved.original.name == photo.original.name
    assert (private_root / saved.original.name).read_bytes() == original_bytes
    assert saved.renditions == copies, "alt text is not in the public copies: nothing is remade"


def test_a_new_credit_remakes_the_public_copies_but_keeps_the_original(
    editor_client, make_photo, private_root, media_root, django_capture_on_commit_callbacks, run_tasks
):
    photo = make_photo(credit="Navy")
    old_full = photo.full_size["name"]
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(photo), saved_values(photo, credit="Marine Corps"))
    assert response.status_code == 302
    # Until the worker has run, the old set stays whole (readers are shown it) and the editor is told.
    assert PhotoAsset.objects.get().full_size["name"] == old_full and (copies_root(photo) / old_full).exists()
    assert "Copies being made" in editor_client.get(change_url(photo)).content.decode()
    run_tasks()
    saved = PhotoAsset.objects.get()
    assert saved.original.name == photo.original.name and (private_root / saved.original.name).exists()
    assert saved.full_size["name"] != old_full and not (copies_root(saved) / old_full).exists()
    with Image.open(copies_root(saved) / saved.full_size["name"]) as image:
        assert b"Marine Corps" in image.info["xmp"]


def test_replacing_the_image_is_its_own_choice_and_removes_the_old_files(
    editor_client, make_photo, private_root, media_root, django_capture_on_commit_callbacks, run_tasks
):
    photo = make_photo()
    old_original, old_full = private_root / photo.original.name, copies_root(photo) / photo.full_size["name"]
    replacement = jpeg_upload("new.jpg", size=(500, 300), color=(200, 30, 30))

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(photo), saved_values(photo, original=replacement))

    assert response.status_code == 302, page_text(response)[:2000]
    # The old picture is gone at once (readers get the alt text until the new copies are made).
    assert not old_full.exists() and PhotoAsset.objects.get().renditions == {}
    run_tasks()
    saved = PhotoAsset.objects.get()
    assert (saved.width, saved.height) == (500, 300) and saved.file_hash != photo.file_hash
    assert not old_original.exists() and not old_full.exists()
    assert (copies_root(saved) / saved.full_size["name"]).exists()


def test_the_replace_section_says_what_happens_to_the_old_copies(editor_client, make_photo):
    response = editor_client.get(change_url(make_photo()))
    assert re.search(r'<h2 id="[^"]+" class="fieldset-heading">Replace the image</h2>', response.content.decode())
    assert "the old original and its copies are deleted" in field_row(response, "original")


# --- The rounds of an upload ----------------------------------------------------------------------


def test_the_first_round_of_an_upload_is_a_notice_not_an_error(editor_client):
    response = editor_client.post(ADD, blank_form(original=sample("210614-A-KX193-1002.jpg")))

    assert response.status_code == 200 and not PhotoAsset.objects.exists()
    page = response.content.decode()
    assert "Please correct the error" not in page and 'class="errornote"' not in page
    assert "<title>Error:" not in page
    assert re.search(
        r'<ul class="messagelist photo-review"><li class="info">Newsroom filled in 8 fields from the photo’s own record',
        page,
    )
    # "About the file" agrees with the notice.
    about = field_row(response, "from_the_file")
    assert "Nothing: every value was typed in." not in about
    for shown in ("VIRIN (XMP)", "caption (XMP)", "place (IPTC)", "keywords (IPTC)"):
        assert shown in about


def test_the_second_round_shows_the_kept_upload_through_a_staff_only_preview(editor_client, client):
    response = editor_client.post(ADD, blank_form(original=sample("260303-N-TV418-1107.jpg")))
    preview = field_row(response, "preview")
    found = re.search(
        r'<img src="(/admin/photos/photoasset/pending/[^"]+/preview\.jpg)" alt="" width="(\d+)" height="(\d+)">',
        preview,
    )
    assert found, preview
    assert "The file you chose, not saved yet." in preview
    assert re.search(
        r'<div class="form-row field-preview">.*?<div class="form-row field-alt_text',
        response.content.decode(),
        flags=re.S,
    ), "the picture sits right above its alt text"

    picture = editor_client.get(found.group(1))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"
    assert "no-store" in picture["Cache-Control"] and "private" in picture["Cache-Control"]
    with Image.open(io.BytesIO(picture.content)) as image:
        assert image.size == (int(found.group(2)), int(found.group(3)))
        assert max(image.size) <= 480
        assert image.height > image.width, "turned as its EXIF orientation says"
        assert not image.getexif() and "xmp" not in image.info, "no metadata rides along"

    client.logout()
    assert client.get(found.group(1)).status_code == 302, "readers are sent to the login page"


def test_a_forged_token_or_a_file_no_longer_kept_finds_nothing(editor_client, private_root):
    from django.core import signing

    from newsroom.photos.pending import PENDING_SALT

    assert editor_client.get("/admin/photos/photoasset/pending/forged:token/preview.jpg").status_code == 404
    outside = signing.dumps("originals/20/200922-d-bn624-1166.jpg", salt=PENDING_SALT)
    assert editor_client.get(f"/admin/photos/photoasset/pending/{outside}/preview.jpg").status_code == 404

    response = editor_client.post(ADD, blank_form(original=sample("210614-A-KX193-1002.jpg")))
    address = re.search(r'src="(/admin/photos/photoasset/pending/[^"]+)"', response.content.decode()).group(1)
    for kept in (Path(private_root) / "pending").iterdir():
        kept.unlink()
    assert editor_client.get(address).status_code == 404


def test_the_form_shows_a_chosen_file_at_once_under_a_policy_that_allows_only_that(editor_client, client):
    response = editor_client.get(ADD)
    page = response.content.decode()
    assert re.search(
        r'<input type="file" name="original" accept="image/jpeg,image/png,image/webp,image/tiff" '
        r'data-preview="photo-preview"',
        page,
    )
    assert '<figure class="photo-preview" id="photo-preview">' in page
    assert re.search(r'<script src="/static/js/admin-photo-form\.js"', page)
    assert "img-src 'self' data: blob:" in response["Content-Security-Policy"]
    # Every other page keeps the site's policy.
    assert "blob:" not in editor_client.get("/admin/photos/photoasset/")["Content-Security-Policy"]
    assert "blob:" not in client.get("/")["Content-Security-Policy"]
    script = (Path(__file__).parents[2] / "static/js/admin-photo-form.js").read_text()
    assert "URL.createObjectURL" in script and "URL.revokeObjectURL" in script


def test_a_file_that_is_not_an_image_gets_that_one_error(editor_client, media_root, private_root):
    response = editor_client.post(ADD, blank_form(original=sample("not-an-image.jpg")))
    assert response.status_code == 200
    text = page_text(response)
    assert "This file is not a photo Newsroom can use" in text
    assert "This field is required" not in text
    assert "Please correct the error below." in text
    assert not list(Path(private_root).rglob("*.*")) and not list(Path(media_root).rglob("*.*"))


def test_a_missing_file_still_says_what_else_is_required(editor_client):
    text = page_text(editor_client.post(ADD, blank_form()))
    assert text.count("This field is required") == 3  # the file, the VIRIN, the caption


def test_a_wrong_virin_gets_every_problem_at_once(editor_client):
    response = editor_client.post(
        ADD,
        blank_form(
            original=jpeg_upload("any.jpg"),
            virin="201322-Q-BN624-0000",
            caption="A caption.",
        ),
    )
    errors = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', field_row(response, "virin"), flags=re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", errors)
    assert len(items) == 4
    for expected, item in zip(
        ["Month 13", "Unknown service letter &quot;Q&quot;", "Scene 0", "Item 000"], items, strict=True
    ):
        assert item.startswith(expected)
    assert not PhotoAsset.objects.exists()


# --- What the form shows ---------------------------------------------------------------------------


def test_checks_are_shown_only_for_a_saved_photo(editor_client, make_photo):
    assert "Checks" not in page_text(editor_client.get(ADD))
    complete = make_photo()
    assert "No problems found." in field_row(editor_client.get(change_url(complete)), "checks")

    invalid = editor_client.post(change_url(complete), saved_values(complete, caption=""))
    assert invalid.status_code == 200 and "Checks" not in page_text(invalid)

    incomplete = make_photo(alt_text="", photographer="")
    checks = field_row(editor_client.get(change_url(incomplete)), "checks")
    assert "No alt text" in checks and "No photographer or credit" in checks and "No problems found." not in checks


def test_date_taken_is_a_day_with_no_time_zone_note(editor_client, make_photo):
    page = editor_client.get(change_url(make_photo())).content.decode()
    assert '<input type="date" name="date_taken" value="2026-03-03"' in page
    assert "vDateField" not in page, "Django's date widget would add the time-zone note"
    # The date the browser sends back is the one saved.
    photo = PhotoAsset.objects.get()
    editor_client.post(change_url(photo), saved_values(photo, date_taken="2026-03-04"))
    photo.refresh_from_db()
    assert photo.date_taken.isoformat() == "2026-03-04"


def test_an_imported_photo_with_a_legacy_virin_takes_its_alt_text(editor_client):
    photo = PhotoAsset.objects.create(
        virin="060515-M-1234S-001",
        caption="Marines unload supplies, May 15, 2006.",
        original="",
        renditions={},
        virin_notes='Old originator ID "1234S" (four digits and a letter).',
    )
    response = editor_client.post(change_url(photo), saved_values(photo, alt_text="Marines carry boxes off a truck."))
    assert response.status_code == 302, page_text(response)[:2000]
    photo.refresh_from_db()
    assert (photo.virin, photo.alt_text) == ("060515-M-1234S-001", "Marines carry boxes off a truck.")

    # A VIRIN the editor types is a new one: it must be in today's form.
    response = editor_client.post(change_url(photo), saved_values(photo, virin="060515-M-1234S-002"))
    assert response.status_code == 200 and "Originator &quot;1234S&quot;" in field_row(response, "virin")
    photo.refresh_from_db()
    assert photo.virin == "060515-M-1234S-001"


def test_an_original_gone_from_storage_is_named_instead_of_failing_the_save(editor_client, make_photo, private_root):
    photo = make_photo(alt_text="")
    (private_root / photo.original.name).unlink()

    # Alt text is not in the public copies: it saves.
    response = editor_client.post(change_url(photo), saved_values(photo, alt_text="A nurse checks a child."))
    assert response.status_code == 302

    # A new credit would remake the copies from the original: the editor is told what to do.
    photo.refresh_from_db()
    response = editor_client.post(change_url(photo), saved_values(photo, credit="Marine Corps"))
    assert response.status_code == 200
    assert "original file is missing from private storage" in field_row(response, "original")
    photo.refresh_from_db()
    assert photo.credit == "Navy"
