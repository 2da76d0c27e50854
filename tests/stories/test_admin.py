"""The editor's round trip in the admin: upload photos, write a story with them in its body, publish."""

import re

import pytest

from newsroom.core.apstyle import ap_datetime
from newsroom.photos.models import PhotoAsset
from newsroom.stories.models import Status, Story
from tests.conftest import jpeg_upload

pytestmark = pytest.mark.django_db

# The body as the story editor posts it: its canonical form (docs/STORY_BODY.md).
BODY = (
    "<p>Sailors aboard a Navy hospital ship treated more than 21,000 patients.</p>"
    "<p>The mission visited six host nations.</p>"
    "<p>Capt. Helen Brandt said the teams trained 1,400 local health workers.</p>"
)


def upload_photo(client, virin, **overrides):
    data = {
        # Colour from the VIRIN: every photo a different file, as in life.
        "original": jpeg_upload(f"{virin}.jpg", size=(800, 533), color=(int(virin[-3:]) % 256, 90, 140)),
        "virin": virin,
        "title": "Community Clinic",
        "caption": "Navy Lt. j.g. Aisha Bello checks a patient's blood pressure, March 3, 2026.",
        "alt_text": "A nurse in blue scrubs checks a child's blood pressure.",
        "photographer": "Mass Communication Specialist 1st Class Tomas Varga",
        "credit": "Navy",
        "date_taken": "2026-03-03",
        **overrides,
    }
    return client.post("/admin/photos/photoasset/add/", data)


def story_form(**overrides):
    data = {
        "headline": "Navy Hospital Ship Wraps Up Five-Month Mission",
        "slug": "navy-hospital-ship-wraps-up-mission",
        "label": "news",
        "summary": "Sailors treated more than 21,000 patients during a five-month partnership mission.",
        "byline": "Jane Doe, DOD News",
        "body": BODY,
        "published_at_0": "",
        "published_at_1": "",
        "expires_at_0": "",
        "expires_at_1": "",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "placements-TOTAL_FORMS": "0",
        "placements-INITIAL_FORMS": "0",
        "placements-MIN_NUM_FORMS": "0",
        "placements-MAX_NUM_FORMS": "1000",
        "waiting_related-TOTAL_FORMS": "0",
        "waiting_related-INITIAL_FORMS": "0",
        "waiting_related-MIN_NUM_FORMS": "0",
        "waiting_related-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def with_placements(data, *placements):
    """The form's body with a photo block for each (photo, N): after its Nth paragraph, 0 above the first."""
    paragraphs = re.findall(r"<p>.*?</p>", data["body"])
    blocks = []
    for number in range(len(paragraphs) + 1):
        blocks += [f'<figure data-photo="{photo.pk}"></figure>' for photo, after in placements if after == number]
        blocks += paragraphs[number : number + 1]
    data["body"] = "".join(blocks)
    return data


def test_editor_uploads_two_photos_places_them_publishes_and_readers_see_the_story(
    editor_client, client, private_root, django_capture_on_commit_callbacks, run_tasks
):
    for virin in ("260303-N-TV418-1107", "260304-N-TV418-1108"):
        with django_capture_on_commit_callbacks(execute=True):  # each upload queues its copies
            response = upload_photo(editor_client, virin)
        assert response.status_code == 302, response.content.decode()
    assert run_tasks() == 2, "the task worker makes both photos' copies"
    first, second = PhotoAsset.objects.order_by("virin")
    assert (first.width, first.height) == (800, 533)
    assert first.file_size == (private_root / first.original.name).stat().st_size
    assert len(first.file_hash) == 64
    assert first.uploaded_by.username == "editor"

    data = with_placements(story_form(), (first, 0), (second, 2))
    response = editor_client.post("/admin/stories/story/add/", {**data, "_publish": "Save and publish"})

    assert response.status_code == 302
    story = Story.objects.get()
    assert story.status == Status.PUBLISHED and story.published_at is not None
    assert story.created_by.username == "editor"

    page = client.get("/news/navy-hospital-ship-wraps-up-mission/").content.decode()
    body = page.split('class="newsroom-story__body"', 1)[1]
    assert (
        body.index("260303-N-TV418-1107")
        < body.index("treated more than 21,000")
        < body.index("six host nations")
        < body.index("260304-N-TV418-1108")
        < body.index("1,400 local health")
    )
    assert "Photo By: Mass Communication Specialist 1st Class Tomas Varga, Navy" in page
    assert "Navy Hospital Ship Wraps Up Five-Month Mission" in client.get("/").content.decode()


def test_saving_without_publishing_keeps_a_draft_readers_cannot_see(editor_client, client):
    assert editor_client.post("/admin/stories/story/add/", {**story_form(), "_save": "Save"}).status_code == 302
    assert Story.objects.get().status == Status.DRAFT
    assert client.get("/news/navy-hospital-ship-wraps-up-mission/").status_code == 404


def test_publishing_an_incomplete_story_is_refused_with_every_missing_item(editor_client, make_photo):
    photo = make_photo(alt_text="", photographer="")
    data = with_placements(story_form(byline="", body=""), (photo, 0))

    response = editor_client.post("/admin/stories/story/add/", {**data, "_publish": "Save and publish"}, follow=True)

    story = Story.objects.get()
    assert story.status == Status.DRAFT
    assert response.request["PATH_INFO"] == f"/admin/stories/story/{story.pk}/change/"
    page = response.content.decode()
    assert "Saved, but not published" in page
    for problem in (
        "Byline is missing",
        "Body is missing",
        f"Photo {photo.virin} has no alt text",
        f"Photo {photo.virin} needs a photographer and a credit organization",
    ):
        assert problem in page


def test_a_video_the_site_cannot_show_is_refused_naming_the_block_and_nothing_is_saved(editor_client):
    body = BODY + '<figure data-video="https://vimeo.com/123456" data-title="Levee repairs"></figure>'
    response = editor_client.post("/admin/stories/story/add/", story_form(body=body))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Video 1 (https://vimeo.com/123456): only YouTube and DVIDS videos can be shown" in page
    assert not Story.objects.exists()
    # What the editor wrote is still in the form, to fix.
    assert "https://vimeo.com/123456" in page.split('name="body"', 1)[1].split("</textarea>", 1)[0]


def test_the_form_places_photos_in_the_body_only(editor_client, make_story, make_photo):
    story = make_story(photos=[make_photo()])
    page = editor_client.get(f"/admin/stories/story/{story.pk}/change/").content.decode()
    # The body's photos are listed, not edited; no paragraph numbers to place them by.
    assert "Photos in the body" in page and "after_paragraph" not in page
    assert "Corrections and updates" in page and "Correction or updates" not in page
    assert 'name="placements-0-photo"' not in page and "numbered paragraphs" not in page


@pytest.mark.parametrize(
    ("virin", "message"),
    [
        ("201322-D-BN624-1166", "Month 13"),
        ("200922-Q-BN624-1166", "Unknown service letter"),
        ("200922-D-ZZ999-1166", "placeholder"),
        ("200922-D-BN624-1000", "Item 000"),
    ],
)
def test_upload_with_a_bad_virin_names_the_wrong_segment_and_publishes_nothing(
    editor_client, media_root, virin, message
):
    response = upload_photo(editor_client, virin)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PhotoAsset.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_lower_case_virin_is_stored_in_canonical_upper_case(editor_client):
    assert upload_photo(editor_client, "200922-d-bn624-1166").status_code == 302
    assert PhotoAsset.objects.get().virin == "200922-D-BN624-1166"


def test_duplicate_virin_is_refused_with_a_link_to_the_photo_that_has_it(editor_client, make_photo):
    holder = make_photo(virin="200922-D-BN624-1166", title="Honor Cordon")
    response = upload_photo(editor_client, "200922-D-BN624-1166")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Another photo already has VIRIN 200922-D-BN624-1166" in page
    assert f'href="/admin/photos/photoasset/{holder.pk}/change/"' in page
    assert PhotoAsset.objects.count() == 1


def test_a_file_that_is_not_an_image_is_refused(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("200922-D-BN624-1166.jpg", b"this is not a JPEG", content_type="image/jpeg")
    response = upload_photo(editor_client, "200922-D-BN624-1166", original=fake)
    assert response.status_code == 200
    assert "This file is not a photo Newsroom can use" in response.content.decode()
    assert not PhotoAsset.objects.exists()


def test_changelist_shows_status_date_and_thumbnail_at_a_fixed_query_count(
    editor_client, make_story, make_photo, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    published = make_story(headline="Published With Photo", photos=[make_photo()])
    make_story(headline="Draft Story", published=False)

    with CaptureQueriesContext(connection) as few:
        page = editor_client.get("/admin/stories/story/").content.decode()
    assert "Published With Photo" in page and "Draft Story" in page
    assert f'<td class="field-publication">Published<br>{ap_datetime(published.published_at)}</td>' in page
    assert re.search(r'<td class="field-publication">Draft</td>', page)
    assert re.search(r'<img src="/media/photos/26/[^"]+/thumb\.[0-9a-f]{10}\.jpg"', page)

    for _ in range(10):
        make_story(photos=[make_photo()])
    with CaptureQueriesContext(connection) as many:
        editor_client.get("/admin/stories/story/")
    assert len(many) == len(few)


def test_scheduled_story_is_marked_scheduled_in_the_changelist(editor_client, make_story):
    from datetime import timedelta

    from django.utils import timezone

    story = make_story(headline="Coming Soon", published_at=timezone.now() + timedelta(days=1))
    page = editor_client.get("/admin/stories/story/").content.decode()
    assert f"<strong>Scheduled</strong> for {ap_datetime(story.published_at)}" in page
    assert re.search(r"Scheduled</strong> for \w+\.? \d{1,2}, \d{4}, .+ E[SD]T<", page)


def test_admin_search_finds_a_story_by_a_placed_photos_virin(editor_client, make_story, make_photo):
    make_story(headline="Levee Story", photos=[make_photo(virin="210614-A-KX193-1002")])
    make_story(headline="Other Story")
    page = editor_client.get("/admin/stories/story/", {"q": "210614-A-KX193-1002"}).content.decode()
    assert "Levee Story" in page and "Other Story" not in page


def test_publish_action_publishes_ready_stories_and_reports_the_rest(editor_client, make_story):
    ready = make_story(published=False)
    missing = make_story(published=False, byline="")
    response = editor_client.post(
        "/admin/stories/story/",
        {"action": "publish_selected", "_selected_action": [ready.pk, missing.pk]},
        follow=True,
    )
    ready.refresh_from_db()
    missing.refresh_from_db()
    assert ready.status == Status.PUBLISHED
    assert missing.status == Status.DRAFT
    assert "Byline is missing" in response.content.decode()


def test_editors_see_related_headlines_still_waiting_for_their_story(editor_client, make_story):
    from newsroom.stories.models import RelatedHeadline

    story = make_story(headline="Levee Repairs Finish Early")
    RelatedHeadline.objects.create(story=story, headline="Corps Opens Spillway", key="corps opens spillway")
    page = editor_client.get(f"/admin/stories/story/{story.pk}/change/").content.decode()
    assert "Related stories not found yet" in page and "Corps Opens Spillway" in page


def test_tag_and_related_story_choosers_leave_out_clear_all_and_name_their_search_field(editor_client):
    page = editor_client.get("/admin/stories/story/add/").content.decode()
    for field in ("tags", "related_stories"):
        select = re.search(rf'<select name="{field}"[^>]*>', page).group()
        assert 'data-allow-clear="false"' in select, "select2's clear-all is a bare <span> in its list"
    scripts = re.findall(r'<script src="/static/([^"]+)"', page)
    assert scripts.index("js/admin-autocomplete.js") > scripts.index("admin/js/autocomplete.js"), (
        "the search fields are named once the admin has made them"
    )
