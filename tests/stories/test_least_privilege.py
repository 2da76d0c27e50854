"""Least privilege: what a published story shows readers of a photo or a tag is changed by an Editor.

A Writer sees a photo a published story uses (live or scheduled), and a tag on one, read-only with a
note saying why and whom to ask; a POST anyway is refused with 403 and changes nothing. Photos and
tags no published story shows stay the Writer's to change, and Editors change any.
"""

import datetime

import pytest
from django.utils import timezone

from newsroom.photos.models import PhotoAsset
from newsroom.stories.admin import PHOTO_LOCKED, TAG_LOCKED
from newsroom.stories.models import Status, Tag
from tests.conftest import jpeg_upload, page_text
from tests.photos.test_photo_form import change_url, saved_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_photo(make_photo, make_story):
    photo = make_photo(caption="Sailors load supplies, June 14, 2021.", credit="Navy")
    make_story(photos=[photo])
    return photo


def test_a_writer_sees_a_live_storys_photo_read_only_and_is_told_whom_to_ask(writer_client, live_photo):
    response = writer_client.get(change_url(live_photo))

    assert response.status_code == 200
    page = response.content.decode()
    assert PHOTO_LOCKED in page_text(response)
    assert 'name="caption"' not in page and 'name="alt_text"' not in page and 'name="credit"' not in page
    assert 'name="original"' not in page and "Replace the image" not in page
    assert 'name="_save"' not in page
    assert "Sailors load supplies, June 14, 2021." in page_text(response), "read, as it stands"


@pytest.mark.parametrize(
    "change",
    [
        {"caption": "A new caption."},
        {"credit": "Marine Corps"},
        {"alt_text": "Something else."},
        {"title": "Another Title"},
        {"keywords": "supplies, navy"},
        {"original": jpeg_upload("replacement.jpg", size=(300, 200), color=(200, 10, 10))},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_writers_post_anyway_is_refused_and_changes_nothing(writer_client, live_photo, change):
    before = PhotoAsset.objects.values().get(pk=live_photo.pk)

    response = writer_client.post(change_url(live_photo), saved_values(live_photo, **change))

    assert response.status_code == 403
    assert PhotoAsset.objects.values().get(pk=live_photo.pk) == before


def test_a_scheduled_story_counts_too_its_time_is_an_editors(writer_client, make_photo, make_story):
    photo = make_photo()
    make_story(photos=[photo], published_at=timezone.now() + datetime.timedelta(days=2))

    assert writer_client.post(change_url(photo), saved_values(photo, caption="Changed.")).status_code == 403
    assert PHOTO_LOCKED in page_text(writer_client.get(change_url(photo)))


@pytest.mark.parametrize("where", ["unused", "draft", "withdrawn"])
def test_a_writer_changes_a_photo_no_published_story_shows(writer_client, make_photo, make_story, where):
    photo = make_photo()
    if where == "draft":
        make_story(photos=[photo], published=False, status=Status.DRAFT)
    elif where == "withdrawn":
        make_story(photos=[photo], status=Status.WITHDRAWN)

    page = writer_client.get(change_url(photo))
    assert 'name="caption"' in page.content.decode() and PHOTO_LOCKED not in page_text(page)
    response = writer_client.post(change_url(photo), saved_values(photo, caption="A better caption."))

    assert response.status_code == 302
    assert PhotoAsset.objects.get(pk=photo.pk).caption == "A better caption."


def test_an_editor_changes_a_live_storys_photo(editor_client, live_photo):
    page = editor_client.get(change_url(live_photo))
    assert 'name="caption"' in page.content.decode() and PHOTO_LOCKED not in page_text(page)

    response = editor_client.post(change_url(live_photo), saved_values(live_photo, caption="Corrected caption."))

    assert response.status_code == 302
    assert PhotoAsset.objects.get(pk=live_photo.pk).caption == "Corrected caption."


def test_the_bulk_credit_action_leaves_a_live_storys_photos_to_editors(writer_client, live_photo, make_photo):
    free = make_photo(credit="Navy")
    response = writer_client.post(
        "/admin/photos/photoasset/",
        {
            "action": "edit_credit_and_keywords",
            "_selected_action": [live_photo.pk, free.pk],
            "apply": "1",
            "photographer": "",
            "credit": "DOD",
            "add_keywords": "",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert f"Left as they are: {live_photo.virin}. This photo is in a published story" in page_text(response)
    assert PhotoAsset.objects.get(pk=live_photo.pk).credit == "Navy"
    assert PhotoAsset.objects.get(pk=free.pk).credit == "DOD"


# --- Tags --------------------------------------------------------------------------------------


def tag_url(tag):
    return f"/admin/stories/tag/{tag.pk}/change/"


@pytest.fixture
def live_tag(make_story):
    tag = Tag.objects.create(name="Readiness", slug="readiness")
    make_story().tags.add(tag)
    return tag


def test_a_writer_sees_a_live_storys_tag_read_only_and_cannot_rename_it(writer_client, live_tag):
    page = writer_client.get(tag_url(live_tag))
    assert page.status_code == 200
    assert TAG_LOCKED in page_text(page) and 'name="name"' not in page.content.decode()

    response = writer_client.post(tag_url(live_tag), {"name": "Preparedness", "slug": "preparedness"})

    assert response.status_code == 403
    live_tag.refresh_from_db()
    assert (live_tag.name, live_tag.slug) == ("Readiness", "readiness")


def test_a_writer_renames_a_tag_only_drafts_carry_and_an_editor_any(writer_client, editor, make_story, live_tag):
    draft_tag = Tag.objects.create(name="Exercises", slug="exercises")
    make_story(published=False, status=Status.DRAFT).tags.add(draft_tag)

    assert writer_client.post(tag_url(draft_tag), {"name": "Drills", "slug": "drills"}).status_code == 302
    assert Tag.objects.get(pk=draft_tag.pk).name == "Drills"

    writer_client.force_login(editor)
    assert writer_client.post(tag_url(live_tag), {"name": "Preparedness", "slug": "readiness"}).status_code == 302
    assert Tag.objects.get(pk=live_tag.pk).name == "Preparedness"
