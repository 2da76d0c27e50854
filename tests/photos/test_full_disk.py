"""A disk that fills while a photo is saved: a message, no part of a file left, no row.

Real full disks: MEDIA_ROOT or PRIVATE_MEDIA_ROOT is a small tmpfs of its own, filled but for a
little room, so a file is cut off part way (see the `small_disk` fixture).
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom.photos.models import PhotoAsset
from tests.conftest import command_output

pytestmark = pytest.mark.django_db

ADD = "/admin/photos/photoasset/add/"
MEDIA_FULL = "The disk holding MEDIA_ROOT is full: the photo was not saved. Free some space and upload it again."
PRIVATE_FULL = (
    "The disk holding PRIVATE_MEDIA_ROOT is full: the photo was not saved. Free some space and upload it again."
)


def noisy_jpeg(name="photo.jpg") -> SimpleUploadedFile:
    """A photo whose copies are large (noise does not compress): more than the room left."""
    buffer = io.BytesIO()
    Image.effect_noise((640, 427), 90).convert("RGB").save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def typed(**values):
    return {
        "virin": "260303-N-TV418-1107",
        "title": "Community Clinic",
        "caption": "A nurse checks a patient's blood pressure, March 3, 2026.",
        "alt_text": "A nurse in blue scrubs checks a child's blood pressure.",
        "photographer": "Petty Officer 1st Class Tomas Varga",
        "credit": "Navy",
        "date_taken": "2026-03-03",
        "place": "",
        "keywords": "",
        "pending_upload": "",
        **values,
    }


def test_an_original_that_fills_its_disk_leaves_nothing_and_says_the_file_could_not_be_kept(
    editor_client, settings, small_disk, media_root
):
    private = small_disk("private")
    settings.PRIVATE_MEDIA_ROOT = private.path
    private.fill(leave=32 * 1024)

    response = editor_client.post(ADD, typed(original=noisy_jpeg()))

    assert response.status_code == 200
    page = response.content.decode()
    assert PRIVATE_FULL in page
    assert "The disk holding PRIVATE_MEDIA_ROOT is full, so your file could not be kept for the next round" in page
    assert not PhotoAsset.objects.exists()
    assert private.files() == [], "no original and no kept upload, whole or in part"
    assert not [path for path in media_root.rglob("*") if path.is_file()], "the public copies made first are gone"


def test_the_story_editors_upload_says_the_disk_is_full_and_keeps_what_was_typed(editor_client, settings, small_disk):
    # A new photo's original and copies are private until a published story uses it (the embargo).
    media = small_disk("private", size_kb=4096)
    settings.PRIVATE_MEDIA_ROOT = media.path
    media.fill(leave=48 * 1024)

    response = editor_client.post("/admin/photos/photoasset/chooser/upload/", typed(original=noisy_jpeg()))

    assert response.status_code == 507
    answer = response.json()
    assert answer["saved"] is False and answer["errors"] == [PRIVATE_FULL]
    assert {field["name"]: field["value"] for field in answer["fields"]}["alt_text"] == typed()["alt_text"]
    assert not PhotoAsset.objects.exists() and media.files() == []


def test_remaking_copies_on_a_full_disk_stops_with_a_message_and_keeps_the_old_copies(make_photo, settings, small_disk):
    photo = make_photo(original=noisy_jpeg(), public=True)  # released: its copies go to MEDIA_ROOT
    before = dict(photo.renditions)
    media = small_disk("media", size_kb=4096)
    settings.MEDIA_ROOT = media.path  # its copies are not on this disk: they are remade there
    media.fill(leave=48 * 1024)

    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as stopped:
        command_output("rebuild_renditions")

    assert stopped.value.returncode == 1
    assert re.match(
        rf"The disk holding MEDIA_ROOT is full: the copies of {photo.virin} were not remade \(its old ones stay\), "
        r"and 0 photos were remade before it\. Free some space and run this again\.",
        str(stopped.value),
    )
    photo.refresh_from_db()
    assert photo.renditions == before
    assert media.files() == []
