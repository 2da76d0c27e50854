"""A photo's public copies are made by the task worker, not in the editor's request: the upload
returns at once, the editor reads "Copies being made" until the worker has run, a story cannot be
published with the photo before then, readers never get an address with no file behind it, and a
try that fails is tried again, then shown Failed with its error."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom.photos.models import Copies, PhotoAsset
from newsroom.photos.tasks import MAX_TRIES
from newsroom.stories.models import Status
from tests.conftest import copies_root, jpeg_upload, page_text
from tests.photos.test_full_disk import noisy_jpeg, typed
from tests.photos.test_photo_form import saved_values
from tests.stories.test_workflow import change_url, edit

pytestmark = pytest.mark.django_db

ADD = "/admin/photos/photoasset/add/"
LIBRARY = "/admin/photos/photoasset/"
TASKS = "/admin/django_tasks_database/dbtaskresult/"


def photo_url(photo):
    return f"/admin/photos/photoasset/{photo.pk}/change/"


def upload(editor_client, django_capture_on_commit_callbacks, **values) -> PhotoAsset:
    with django_capture_on_commit_callbacks(execute=True):  # the save commits: its task is queued
        response = editor_client.post(ADD, typed(original=jpeg_upload("clinic.jpg", size=(1600, 1067)), **values))
    assert response.status_code == 302, page_text(response)[:2000]
    return PhotoAsset.objects.get()


def media_addresses(page: str) -> set[str]:
    """Every address of a photo copy a page gives readers (src and srcset)."""
    found = set()
    for attribute in re.findall(r'(?:src|srcset)="([^"]+)"', page):
        found.update(part.split()[0] for part in attribute.split(",") if settings.MEDIA_URL in part)
    return found


def missing_files(page: str) -> list[str]:
    return [
        url
        for url in media_addresses(page)
        if not (settings.MEDIA_ROOT / url.removeprefix(settings.MEDIA_URL)).exists()
    ]


def test_an_upload_returns_before_its_copies_are_made_and_the_worker_makes_them(
    editor_client, django_capture_on_commit_callbacks, run_tasks
):
    photo = upload(editor_client, django_capture_on_commit_callbacks)

    assert photo.copies == Copies.MAKING and photo.renditions == {} and not photo.has_image
    assert not list(copies_root(photo).rglob("*.webp")), "no copy was made in the request"
    listing, form = (page_text(editor_client.get(url)) for url in (LIBRARY, photo_url(photo)))
    assert "Copies being made" in listing and "Copies being made" in form
    assert "Nothing yet: its copies are being made." in form and "No image file" not in form
    assert 'src="/admin/photos/photoasset/' not in editor_client.get(photo_url(photo)).content.decode()
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "newsroom.photos.tasks.make_photo_copies" and queued.args_kwargs["args"] == [photo.pk]

    assert run_tasks() == 1

    photo.refresh_from_db()
    assert photo.copies == Copies.MADE and photo.has_image and len(photo.renditions) == 12
    assert all((copies_root(photo) / entry["name"]).exists() for entry in photo.renditions.values())
    form = editor_client.get(photo_url(photo)).content.decode()
    assert "Copies being made" not in form and f'<img src="{photo.public_url("w480.jpg")}"' in form
    assert "Embargoed: no published story uses it" in page_text(editor_client.get(photo_url(photo)))
    assert f'<img src="{photo.public_url("thumb.jpg")}"' in editor_client.get(LIBRARY).content.decode()


def test_a_story_cannot_be_published_before_its_photos_copies_are_made(
    editor_client, django_capture_on_commit_callbacks, run_tasks, make_story
):
    photo = upload(editor_client, django_capture_on_commit_callbacks)
    story = make_story(photos=[photo], published=False, headline="Clinic Opens")

    response = editor_client.post(change_url(story), {**edit(story), "_publish": "1"}, follow=True)

    assert f"Photo {photo.virin}'s public copies are still being made: wait a moment and publish again" in (
        page_text(response)
    )
    story.refresh_from_db()
    assert story.status != Status.PUBLISHED

    run_tasks()
    story.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(story), {**edit(story), "_publish": "1"}, follow=True)
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED, page_text(response)[:2000]
    page = client_page(story)
    assert media_addresses(page) and not missing_files(page)


def client_page(story) -> str:
    from django.test import Client

    response = Client().get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_readers_keep_the_whole_old_set_while_a_new_credit_is_made_then_get_the_new_one(
    editor_client, make_photo, make_story, django_capture_on_commit_callbacks, run_tasks
):
    photo = make_photo(credit="Navy")
    story = make_story(photos=[photo])  # published: the photo's copies are public
    before = client_page(story)
    assert media_addresses(before) and not missing_files(before)

    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(photo_url(photo), saved_values(photo, credit="Marine Corps")).status_code == 302

    meanwhile = client_page(story)
    assert media_addresses(meanwhile) == media_addresses(before) and not missing_files(meanwhile)

    run_tasks()
    after = client_page(story)
    assert media_addresses(after).isdisjoint(media_addresses(before)), "every copy was remade with the new credit"
    assert not missing_files(after)
    assert all(missing_files(before)), "the old set is gone once the new one is in place"


def test_a_replaced_picture_is_not_shown_and_no_copy_is_named_until_the_new_copies_exist(
    editor_client, make_photo, make_story, django_capture_on_commit_callbacks, run_tasks
):
    photo = make_photo()
    story = make_story(photos=[photo])
    replacement = jpeg_upload("new.jpg", size=(900, 600))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(photo_url(photo), saved_values(photo, original=replacement))
    assert response.status_code == 302

    meanwhile = client_page(story)
    assert not media_addresses(meanwhile) and "A nurse in blue scrubs checks" in meanwhile, "its alt text in its place"

    run_tasks()
    after = client_page(story)
    assert media_addresses(after) and not missing_files(after)


def test_a_copy_that_keeps_failing_is_tried_again_then_failed_with_its_error_for_administrators(
    editor_client, admin_client, django_capture_on_commit_callbacks, run_tasks, private_root
):
    photo = upload(editor_client, django_capture_on_commit_callbacks)
    # The original spoiled behind the form's back (a bad disk, a restore gone wrong).
    (private_root / photo.original.name).write_bytes(b"not a picture any more")

    assert run_tasks() == 1
    photo.refresh_from_db()
    assert photo.copies == Copies.MAKING and "UploadRefused" in photo.copies_error
    assert "Copies being made" in page_text(editor_client.get(photo_url(photo)))
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert not DBTaskResult.objects.ready().exists(), "the next try waits a minute"

    for hours in range(1, MAX_TRIES):
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=hours), tick=False):
            assert run_tasks() == 1
    assert DBTaskResult.objects.count() == MAX_TRIES and not DBTaskResult.objects.filter(status="READY").exists()
    [failed] = DBTaskResult.objects.failed()
    assert failed.args_kwargs["args"] == [photo.pk, MAX_TRIES]

    photo.refresh_from_db()
    assert photo.copies == Copies.FAILED
    form = page_text(editor_client.get(photo_url(photo)))
    assert "Copies could not be made" in form and "Replace the image, or save the photo again" in form
    assert "Nothing: its copies could not be made, so no story using it can be published." in form
    assert "Copies could not be made" in page_text(editor_client.get(LIBRARY))
    listing = page_text(admin_client.get(TASKS + "?status__exact=FAILED"))
    assert "Make photo copies" in listing and "UploadRefused" in listing

    # The file put right (restored from a backup), saving the photo again tries again.
    (private_root / photo.original.name).write_bytes(jpeg_upload("clinic.jpg").read())
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(photo_url(photo), saved_values(photo)).status_code == 302
    assert PhotoAsset.objects.get().copies == Copies.MAKING
    run_tasks()
    photo.refresh_from_db()
    assert photo.copies == Copies.MADE and photo.copies_error == "" and photo.has_image


def test_a_full_disk_is_tried_again_and_the_copies_are_made_once_there_is_room(
    editor_client, django_capture_on_commit_callbacks, run_tasks, settings, small_disk
):
    private = small_disk("private", size_kb=4096)
    settings.PRIVATE_MEDIA_ROOT = private.path
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(ADD, typed(original=noisy_jpeg()))
    assert response.status_code == 302
    photo = PhotoAsset.objects.get()
    private.fill(leave=48 * 1024)

    assert run_tasks() == 1
    photo.refresh_from_db()
    assert photo.copies == Copies.MAKING and "is full" in photo.copies_error
    assert private.files() == [photo.original.name], "no copy, whole or in part, is left"

    private.free_up()  # an operator frees some space
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        assert run_tasks() == 1
    photo.refresh_from_db()
    assert photo.copies == Copies.MADE and photo.copies_error == "" and photo.has_image
