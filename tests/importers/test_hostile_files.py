"""import_text_stories given what is not a saved story: devices, FIFOs, folders, huge files,
UTF-16, and a --photos-dir whose entries cannot be used. Each is named; none hangs or crashes."""

import codecs
import os
import shutil
import time

import pytest

from newsroom.photos.models import PhotoAsset
from newsroom.stories.models import Story
from tests.conftest import command_output
from tests.importers.test_import_text_stories import BYLINE, CURRENT, PHOTOS, nothing_written, run_failing

pytestmark = pytest.mark.django_db
HEADLINE = "Navy Hospital Ship Wraps Up Five-Month Partnership Mission"
VIRIN = "260303-N-TV418-1107"


def refusal(path, *options):
    error, output = run_failing(path, "--byline", BYLINE, *options)
    assert error.returncode == 1
    assert "Imported 0 of 1 files; 1 failed" in str(error)
    assert nothing_written()
    return output


def test_dev_zero_is_a_device_and_is_never_read():
    assert "/dev/zero: not imported. It is a device, not a file." in refusal("/dev/zero")


def test_a_fifo_is_named_at_once_not_waited_on(tmp_path, within_seconds):
    fifo = tmp_path / "story.txt"
    os.mkfifo(fifo)  # nobody writes to it: opening it to read would wait for ever

    assert f"{fifo}: not imported. It is a named pipe (FIFO), not a file" in refusal(fifo)


def test_a_folder_given_as_a_file_is_named(tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()

    assert f"{folder}: not imported. It is a folder, not a file. Give the .txt saved from the story page." in refusal(
        folder
    )


def test_a_file_over_the_limit_is_refused_from_its_size_before_a_byte_is_read(settings, tmp_path):
    settings.IMPORT_FILE_MAX_MB = 1
    huge = tmp_path / "story.txt"
    with huge.open("wb") as file:
        file.truncate(20 * 1024**3)  # 20 GB, sparse: reading it would take minutes and more memory than there is

    started = time.monotonic()
    output = refusal(huge)

    assert "It is 20 GB; the limit is 1 MB (IMPORT_FILE_MAX_MB)." in output
    assert time.monotonic() - started < 5


def test_a_file_just_over_the_limit_is_refused_and_one_at_it_is_read(settings, tmp_path):
    settings.IMPORT_FILE_MAX_MB = 1
    story = CURRENT.read_bytes()
    padded = tmp_path / "story.txt"
    padded.write_bytes(story + b"\n" * (1024 * 1024 - len(story) + 1))

    assert "It is 1,048,577 bytes; the limit is 1,048,576 bytes (IMPORT_FILE_MAX_MB)." in refusal(padded)

    padded.write_bytes(story + b"\n" * (1024 * 1024 - len(story)))
    command_output("import_text_stories", padded, "--byline", BYLINE)
    assert Story.objects.get().headline == HEADLINE


SAVED_AS = {
    "UTF-16 LE, as Notepad saves “Unicode”": lambda text: text.encode("utf-16"),
    "UTF-16 BE": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "UTF-32": lambda text: text.encode("utf-32"),
}


@pytest.mark.parametrize("encode", SAVED_AS.values(), ids=SAVED_AS.keys())
def test_utf16_and_utf32_with_their_mark_are_read_as_what_they_are(tmp_path, encode):
    saved = tmp_path / "story.txt"
    saved.write_bytes(encode(CURRENT.read_text()))

    output = command_output("import_text_stories", saved, "--byline", BYLINE)

    assert "Imported 1 of 1 files" in output
    story = Story.objects.get()
    assert story.headline == HEADLINE and story.summary.startswith("Sailors")


def test_utf16_without_its_mark_is_named_for_what_it_is(tmp_path):
    saved = tmp_path / "story.txt"
    saved.write_bytes(CURRENT.read_text().encode("utf-16-le"))

    output = refusal(saved)

    assert f"{saved}: not imported. It is UTF-16 text without the mark that says which byte comes first; " in output
    assert "save it as UTF-8 and import it again." in output
    assert "binary" not in output


def test_damaged_utf16_says_where(tmp_path):
    saved = tmp_path / "story.txt"
    saved.write_bytes("A Headline".encode("utf-16") + b"\x00\xd8" + "x".encode("utf-16-le"))  # a lone surrogate

    assert "It is UTF-16 text (it starts with the UTF-16 mark) but is damaged at byte 22;" in refusal(saved)


# --- --photos-dir -------------------------------------------------------------------------------


def test_a_folder_named_like_a_photo_in_photos_dir_is_named_not_a_crash(tmp_path):
    photos = tmp_path / "photos"
    (photos / f"{VIRIN}.jpg").mkdir(parents=True)

    output = refusal(CURRENT, "--published", "2026-03-03", "--photos-dir", photos)

    assert (
        f"Photo {VIRIN} (line 18): --photos-dir has {photos / (VIRIN + '.jpg')}, but it cannot be used. "
        "It is a folder, not a file. Put the photo's own file there, or take that one away."
    ) in output
    assert not PhotoAsset.objects.exists()


def test_a_fifo_named_like_a_photo_in_photos_dir_is_named(tmp_path, within_seconds):
    photos = tmp_path / "photos"
    photos.mkdir()
    os.mkfifo(photos / f"{VIRIN}.JPG")

    output = refusal(CURRENT, "--published", "2026-03-03", "--photos-dir", photos)

    assert f"{VIRIN}.JPG, but it cannot be used. It is a named pipe (FIFO), not a file" in output


def test_a_photo_over_the_upload_limit_in_photos_dir_is_named_with_the_limit(settings, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(PHOTOS / f"{VIRIN}.jpg", photos)
    settings.PHOTO_MAX_UPLOAD_BYTES = 1024

    output = refusal(CURRENT, "--published", "2026-03-03", "--photos-dir", photos)

    assert f"{VIRIN}.jpg, but it cannot be used. It is " in output
    assert "the limit is 1 KB (PHOTO_MAX_UPLOAD_BYTES)." in output
