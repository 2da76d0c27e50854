"""A disk that fills during an export or an import: a message, no part of a file left, no row.

Real full disks, each a small tmpfs of its own (the `small_disk` fixture in tests/conftest.py).
"""

import pytest

from newsroom.photos.models import PhotoAsset
from newsroom.stories.models import Story
from tests.bundles.conftest import export, files_under, run, wipe_site
from tests.importers.test_import_text_stories import ARCHIVED, BYLINE, PHOTOS

pytestmark = pytest.mark.django_db


def test_an_export_to_a_full_disk_says_so_and_leaves_no_part_of_the_bundle(small_site, small_disk):
    backups = small_disk("backups", size_kb=256)
    backups.fill(leave=16 * 1024)

    result = run("export_newsroom", backups.path / "newsroom.zip")

    assert result.status == 1
    assert result.err == (
        f"The disk holding {backups.path} is full: the bundle was not written, and no part of it is left there. "
        "Free some space, or export to a folder on another disk, and run the export again."
    )
    assert backups.files() == [], "no bundle and no hidden temporary file"


@pytest.mark.parametrize("full", ["MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"])
def test_an_import_that_fills_a_disk_stores_no_file_and_writes_no_row(settings, tmp_path, small_site, small_disk, full):
    bundle = export(tmp_path / "newsroom.zip")
    wipe_site(settings, tmp_path)
    disk = small_disk("files", size_kb=1024)
    setattr(settings, full, disk.path)
    disk.fill(leave=12 * 1024)  # some of the photos' files fit, then one is cut off

    result = run("import_newsroom", bundle)

    assert result.status == 1
    assert (
        f"The disk holding {full} is full: {bundle} was not imported; nothing was written, and the files it had "
        "stored are removed. Free some space and import it again."
    ) in result.err
    assert not Story.objects.exists() and not PhotoAsset.objects.exists()
    assert disk.files() == []
    assert files_under(tmp_path / "after") == {}

    disk.free_up()
    assert run("import_newsroom", bundle).status == 0
    assert Story.objects.count() == 3


def test_a_text_import_that_fills_the_disk_stops_saying_so_and_keeps_nothing_of_that_file(settings, small_disk):
    # The photos' originals and copies are written to private storage while the import runs (the
    # copies are embargoed until the story is committed as published): that is the disk that fills.
    media = small_disk("private", size_kb=1024)
    settings.PRIVATE_MEDIA_ROOT = media.path
    media.fill(leave=8 * 1024)

    result = run("import_text_stories", ARCHIVED, "--byline", BYLINE, "--photos-dir", PHOTOS)

    assert result.status == 1
    assert result.err.endswith(
        f"The disk holding PRIVATE_MEDIA_ROOT is full: {ARCHIVED} was not imported (nothing of it was kept); 0 files were "
        "imported before it. Free some space and run the import again: files imported already are brought up to "
        "date, not doubled."
    )
    assert not Story.objects.exists() and not PhotoAsset.objects.exists()
    assert media.files() == []

    media.free_up()
    assert run("import_text_stories", ARCHIVED, "--byline", BYLINE, "--photos-dir", PHOTOS).status == 0
