"""The photo embargo: the public copies of a photo no published story uses are reachable by no public
URL until a story using it is published or an Editor releases it; staff (the admin, previews) and a
reviewer holding a story's link still see it, through a view that checks who asks.

Withdrawing the story (or returning it to draft) takes the copies out of public view again unless
another published story uses the photo or an Editor released it.
"""

import datetime
import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.utils import timezone

from newsroom.accounts.models import SecurityEvent
from newsroom.photos.models import PhotoAsset
from newsroom.stories import preview
from newsroom.stories.embargo import photo_release, sync_recent
from newsroom.stories.models import Status
from newsroom.stories.services import story_publish, story_return_to_draft, story_withdraw
from tests.conftest import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    """Someone on the site without an account."""
    return Client()


def files_of(photo, root) -> list[Path]:
    return [Path(root) / entry["name"] for entry in photo.renditions.values()]


def in_public_folder(photo, settings) -> bool:
    present = [path.exists() for path in files_of(photo, settings.MEDIA_ROOT)]
    assert all(present) or not any(present), "all of a photo's copies are in one place"
    return all(present)


def in_private_folder(photo, settings) -> bool:
    return all(path.exists() for path in files_of(photo, settings.PRIVATE_MEDIA_ROOT))


def copy_url(photo, key="w480.jpg"):
    return f"/photos/{photo.virin}/copies/{key}"


def test_a_new_photos_copies_are_outside_the_public_folder_and_answer_404_to_anyone(reader, make_photo, settings):
    photo = make_photo()

    assert photo.is_embargoed and not in_public_folder(photo, settings) and in_private_folder(photo, settings)
    assert photo.public_url("w480.jpg") == copy_url(photo)
    assert photo.full_size_url == copy_url(photo, "full")
    assert reader.get(copy_url(photo)).status_code == 404
    assert reader.get(copy_url(photo, "full")).status_code == 404
    assert reader.get(photo.get_absolute_url()).status_code == 404, "readers' photo page"
    assert reader.get(settings.MEDIA_URL + photo.renditions["w480.jpg"]["name"]).status_code == 404


def test_signed_in_staff_see_it_in_the_admin_and_previews_never_cached(editor_client, writer, make_photo, make_story):
    photo = make_photo()
    draft = make_story(photos=[photo], published=False, status=Status.DRAFT)

    response = editor_client.get(copy_url(photo))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    admin_page = editor_client.get(f"/admin/photos/photoasset/{photo.pk}/change/").content.decode()
    assert f'src="{copy_url(photo, "w480.jpg")}"' in admin_page
    assert "Embargoed: no published story uses it" in admin_page
    staff_preview = editor_client.get(preview.staff_preview_url(draft)).content.decode()
    assert copy_url(photo, "w480.jpg") in staff_preview
    assert editor_client.get(photo.get_absolute_url()).status_code == 200, "the photo page, as a preview"
    editor_client.force_login(writer)
    assert editor_client.get(copy_url(photo)).status_code == 200, "Writers too"


def test_a_reviewer_sees_the_photos_of_the_preview_their_link_opens_and_no_others(
    reader, editor, make_photo, make_story
):
    photo, other = make_photo(), make_photo()
    draft = make_story(photos=[photo], published=False, status=Status.DRAFT)
    link = preview.reviewer_link(draft)
    token = link.rstrip("/").rsplit("/", 1)[1]

    page = reader.get(link).content.decode()

    assert f"{copy_url(photo)}?link=" in page
    assert reader.get(copy_url(photo), {"link": token}).status_code == 200
    assert reader.get(copy_url(other), {"link": token}).status_code == 404, "a photo the story does not show"
    assert reader.get(copy_url(photo), {"link": token + "x"}).status_code == 404
    from newsroom.stories.services import story_revoke_preview_links

    story_revoke_preview_links(story=draft, user=editor)
    assert reader.get(copy_url(photo), {"link": token}).status_code == 404, "a revoked link shows nothing"


def test_publishing_a_story_makes_its_photos_public_and_withdrawing_it_embargoes_them_again(
    reader, editor, make_photo, make_story, committed, settings
):
    photo = make_photo()
    story = make_story(photos=[photo], published=False, status=Status.DRAFT)

    committed(story_publish, story=story, user=editor)

    photo.refresh_from_db()
    assert photo.copies_public and in_public_folder(photo, settings) and not in_private_folder(photo, settings)
    assert photo.public_url("w480.jpg") == settings.MEDIA_URL + photo.renditions["w480.jpg"]["name"]
    assert reader.get(photo.get_absolute_url()).status_code == 200
    moved = reader.get(copy_url(photo))
    assert moved.status_code == 302 and moved["Location"] == photo.public_url("w480.jpg"), "old addresses follow"

    committed(story_withdraw, story=story, user=editor, reason="Published by mistake.")

    photo.refresh_from_db()
    assert photo.is_embargoed and not in_public_folder(photo, settings) and in_private_folder(photo, settings)
    assert reader.get(copy_url(photo)).status_code == 404
    assert reader.get(photo.get_absolute_url()).status_code == 404


def test_a_photo_another_published_story_uses_stays_public_when_one_is_withdrawn(
    editor, make_photo, make_story, committed, settings
):
    photo = make_photo()
    make_story(photos=[photo])
    other = make_story(photos=[photo])
    photo.refresh_from_db()
    assert photo.copies_public

    committed(story_withdraw, story=other, user=editor, reason="Duplicate.")

    photo.refresh_from_db()
    assert photo.copies_public and in_public_folder(photo, settings)


def test_returning_a_live_story_to_draft_embargoes_its_photos(editor, make_photo, make_story, committed):
    photo = make_photo()
    story = make_story(photos=[photo])

    committed(story_return_to_draft, story=story, user=editor, reason="Needs a second source.")

    photo.refresh_from_db()
    assert photo.is_embargoed


def test_a_scheduled_storys_photos_stay_embargoed_until_its_time_then_readers_get_them(
    reader, editor, make_photo, make_story, committed, settings, django_capture_on_commit_callbacks
):
    photo = make_photo()
    story = make_story(photos=[photo], published=False, status=Status.DRAFT)
    at = timezone.now() + datetime.timedelta(hours=2)

    committed(story_publish, story=story, user=editor, at=at)

    photo.refresh_from_db()
    assert photo.is_embargoed and reader.get(copy_url(photo)).status_code == 404, "scheduled is not published"
    # Its time has come, with nobody saving anything: readers get the photo through the view at once…
    later = at + datetime.timedelta(seconds=5)
    from newsroom.stories.models import Story

    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=5))
    served = reader.get(copy_url(photo))
    assert served.status_code == 200 and "no-store" in served["Cache-Control"]
    # … and the cron job (publish_scheduled_changes, every minute) puts its copies in the public folder.
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled_changes", stdout=out)
    assert "Made the copies of 1 photo public" in out.getvalue()
    photo.refresh_from_db()
    assert photo.copies_public and in_public_folder(photo, settings)
    assert sync_recent(now=later) == (0, 0), "nothing left to move"


def test_an_expired_storys_photos_leave_public_view_at_the_next_run(
    make_photo, make_story, settings, django_capture_on_commit_callbacks
):
    photo = make_photo()
    story = make_story(photos=[photo])
    photo.refresh_from_db()
    assert photo.copies_public
    from newsroom.stories.models import Story

    Story.objects.filter(pk=story.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_recent() == (0, 1)
    photo.refresh_from_db()
    assert photo.is_embargoed and not in_public_folder(photo, settings)


def test_an_editor_releases_a_photo_for_public_use_logged_and_may_take_it_back(
    editor_client, reader, editor, make_photo, settings, django_capture_on_commit_callbacks
):
    photo = make_photo()
    release = f"/admin/photos/photoasset/{photo.pk}/release/"
    assert f'href="{release}"' in editor_client.get(f"/admin/photos/photoasset/{photo.pk}/change/").content.decode()
    assert "Release this photo for public use?" in page_text(editor_client.get(release))

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(release, follow=True)

    assert "is released for public use" in page_text(response)
    photo.refresh_from_db()
    assert photo.released_at and photo.released_by == editor and photo.copies_public
    assert in_public_folder(photo, settings)
    event = SecurityEvent.objects.get(action="photo-release")
    assert event.user == "editor" and event.object.startswith(f"photos.photoasset:{photo.pk} ")
    assert event.details == {"step": "Released for public use"}
    assert "Released for public use by editor" in page_text(
        editor_client.get(f"/admin/photos/photoasset/{photo.pk}/change/")
    )

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(release)
    photo.refresh_from_db()
    assert photo.released_at is None and photo.is_embargoed and not in_public_folder(photo, settings)
    assert SecurityEvent.objects.filter(action="photo-release").count() == 2


def test_only_editors_may_release_a_photo(writer_client, writer, make_photo):
    photo = make_photo()
    assert (
        "Release for public use"
        not in writer_client.get(f"/admin/photos/photoasset/{photo.pk}/change/").content.decode()
    )
    assert writer_client.post(f"/admin/photos/photoasset/{photo.pk}/release/").status_code == 403
    with pytest.raises(PermissionDenied, match="Only editors"):
        photo_release(photo=photo, user=writer)
    response = writer_client.post(
        "/admin/photos/photoasset/", {"action": "release_selected", "_selected_action": [photo.pk]}, follow=True
    )
    assert "No action selected" in page_text(response), "not an action a Writer has"
    photo.refresh_from_db()
    assert photo.released_at is None and photo.is_embargoed


def test_the_page_cache_never_hands_an_embargoed_photo_to_a_reader(editor, make_photo, make_story, reader, settings):
    settings.PAGE_CACHE_SECONDS = 300
    photo = make_photo()
    staff = Client()
    staff.force_login(editor)
    assert staff.get(copy_url(photo)).status_code == 200
    assert staff.get(photo.get_absolute_url()).status_code == 200

    # The same addresses, asked without a session, straight after: nothing was kept for them.
    assert reader.get(copy_url(photo)).status_code == 404
    assert reader.get(photo.get_absolute_url()).status_code == 404
    # A reader's cached page of a live story never names an embargoed photo's copy.
    story = make_story(photos=[photo])
    photo.refresh_from_db()
    assert photo.copies_public
    assert copy_url(photo) not in reader.get(story.get_absolute_url()).content.decode()


def test_rebuild_renditions_moves_an_upgraded_sites_embargoed_copies_out_of_the_public_folder(make_photo, settings):
    photo = make_photo()
    # A site upgraded to the embargo: the copies of a photo no published story uses are still public.
    for private, public in zip(files_of(photo, settings.PRIVATE_MEDIA_ROOT), files_of(photo, settings.MEDIA_ROOT)):
        public.parent.mkdir(parents=True, exist_ok=True)
        private.rename(public)

    out = StringIO()
    with pytest.raises(CommandError) as found:  # a dry run that finds something exits with status 1
        call_command("rebuild_renditions", "--dry-run", stdout=out)
    assert found.value.returncode == 1
    assert (
        f"{photo.virin}: {len(photo.renditions)} copies in MEDIA_ROOT, though the photo is embargoed" in out.getvalue()
    )
    assert in_public_folder(photo, settings)

    call_command("rebuild_renditions", stdout=StringIO())

    assert in_private_folder(photo, settings) and not in_public_folder(photo, settings)


def test_an_embargoed_copy_left_in_the_public_folder_is_deleted_as_unused(make_photo, settings):
    photo = make_photo()
    stray = Path(settings.MEDIA_ROOT) / photo.renditions["w480.jpg"]["name"]
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes((Path(settings.PRIVATE_MEDIA_ROOT) / photo.renditions["w480.jpg"]["name"]).read_bytes())

    out = StringIO()
    call_command("rebuild_renditions", stdout=out)

    assert f"{photo.renditions['w480.jpg']['name']}: no photo uses this public file" in out.getvalue()
    assert not stray.exists() and in_private_folder(photo, settings)


def test_the_migration_embargoes_every_photo_no_live_story_uses(make_photo, make_story):
    used, drafted = make_photo(), make_photo()
    make_photo()  # used by no story
    make_story(photos=[used])
    make_story(photos=[drafted], published=False, status=Status.DRAFT)
    PhotoAsset.objects.update(copies_public=False)
    migration = importlib.import_module("newsroom.stories.migrations.0018_preview_generation_and_embargo")
    # The models as the migration sees them: a registry of their own (the function changes its apps).
    historical = MigrationLoader(connection).project_state().apps

    migration.embargo_photos_no_public_story_uses(historical, None)

    assert set(PhotoAsset.objects.filter(copies_public=True).values_list("pk", flat=True)) == {used.pk}
    from django.contrib.auth.models import Group

    assert Group.objects.get(name="Editors").permissions.filter(codename="release_photoasset").exists()
    assert not Group.objects.get(name="Writers").permissions.filter(codename="release_photoasset").exists()
