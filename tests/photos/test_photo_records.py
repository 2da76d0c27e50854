"""A photo's record and its file stay in step."""

import pytest
from django.db import IntegrityError, transaction

from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_save
from tests.conftest import copies_root, jpeg_upload

pytestmark = pytest.mark.django_db


def test_virin_is_unique_in_the_database(make_photo):
    make_photo(virin="200922-D-BN624-1166")
    with pytest.raises(IntegrityError), transaction.atomic():
        PhotoAsset.objects.create(virin="200922-D-BN624-1166", title="T", caption="C", original="x.jpg")


def test_virin_is_stored_upper_case_only(make_photo):
    with pytest.raises(IntegrityError), transaction.atomic():
        PhotoAsset.objects.create(virin="200922-d-bn624-1166", title="T", caption="C", original="x.jpg")


def test_credit_line_reads_as_dod_pages_print_it(make_photo):
    assert make_photo(photographer="Lisa Ferdinando", credit="DOD").credit_line == "Photo By: Lisa Ferdinando, DOD"
    assert make_photo(photographer="", credit="Army").credit_line == "Photo By: Army"
    assert make_photo(photographer="", credit="").credit_line == ""


def test_the_original_is_private_named_by_virin_and_hashed(make_photo, private_root, media_root):
    import hashlib

    photo = make_photo(virin="210614-A-KX193-1002")
    path = private_root / photo.original.name
    assert photo.original.name == "originals/21/210614-a-kx193-1002.jpg"
    assert photo.file_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not path.is_relative_to(media_root)
    with pytest.raises(ValueError, match="private"):
        _ = photo.original.url


def public_paths(photo):
    return [copies_root(photo) / entry["name"] for entry in photo.renditions.values()]


def test_deleting_a_photo_removes_original_and_public_copies_once_committed(
    make_photo, media_root, private_root, django_capture_on_commit_callbacks
):
    photo = make_photo()
    paths = [private_root / photo.original.name, *public_paths(photo)]
    assert all(path.exists() for path in paths) and len(paths) > 5
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not [path for path in paths if path.exists()]


def test_replacing_the_file_removes_the_old_files_and_records_the_new(
    make_photo, media_root, private_root, django_capture_on_commit_callbacks, run_tasks
):
    photo = make_photo()
    old_paths, old_hash = public_paths(photo), photo.file_hash
    photo.original = jpeg_upload("replacement.jpg", size=(300, 200), color=(200, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        photo_save(photo=photo, user=None)
    run_tasks()
    photo.refresh_from_db()
    assert not [path for path in old_paths if path.exists()]
    assert all(path.exists() for path in public_paths(photo))
    assert (photo.width, photo.height) == (300, 200) and photo.file_hash != old_hash
    assert photo.full_size["width"] == 300


def test_a_new_credit_remakes_the_public_copies_with_it(
    make_photo, media_root, django_capture_on_commit_callbacks, run_tasks
):
    from PIL import Image

    photo = make_photo(credit="Navy")
    old_full = copies_root(photo) / photo.full_size["name"]
    photo.credit = "Marine Corps"
    with django_capture_on_commit_callbacks(execute=True):
        photo_save(photo=photo, user=None)
    run_tasks()
    photo.refresh_from_db()
    new_full = copies_root(photo) / photo.full_size["name"]
    assert new_full != old_full and not old_full.exists()
    with Image.open(new_full) as image:
        assert b"Marine Corps" in image.info["xmp"]


def test_a_failed_save_leaves_no_files(make_photo, media_root, private_root):
    make_photo(virin="200922-D-BN624-1166")
    duplicate = PhotoAsset(original=jpeg_upload("dup.jpg", color=(1, 2, 3)), virin="200922-D-BN624-1166", caption="C")
    before = sorted(p for p in media_root.rglob("*") if p.is_file()) + sorted(
        p for p in private_root.rglob("*") if p.is_file()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        photo_save(photo=duplicate, user=None, copies_now=True)
    after = sorted(p for p in media_root.rglob("*") if p.is_file()) + sorted(
        p for p in private_root.rglob("*") if p.is_file()
    )
    assert after == before
