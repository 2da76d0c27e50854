"""A photo's record and its file stay in step."""

import pytest
from django.db import IntegrityError, transaction

from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_save
from tests.conftest import jpeg_upload

pytestmark = pytest.mark.django_db


def test_virin_is_unique_in_the_database(make_photo):
    make_photo(virin="200922-D-BN624-1166")
    with pytest.raises(IntegrityError), transaction.atomic():
        PhotoAsset.objects.create(virin="200922-D-BN624-1166", title="T", caption="C", image="x.jpg", width=1, height=1)


def test_virin_is_stored_upper_case_only(make_photo):
    with pytest.raises(IntegrityError), transaction.atomic():
        PhotoAsset.objects.create(virin="200922-d-bn624-1166", title="T", caption="C", image="x.jpg", width=1, height=1)


def test_credit_line_reads_as_dod_pages_print_it(make_photo):
    assert make_photo(photographer="Lisa Ferdinando", credit="DOD").credit_line == "Photo By: Lisa Ferdinando, DOD"
    assert make_photo(photographer="", credit="Army").credit_line == "Photo By: Army"
    assert make_photo(photographer="", credit="").credit_line == ""


def test_the_file_is_named_by_virin_and_its_hash_recorded(make_photo, media_root):
    import hashlib

    photo = make_photo(virin="210614-A-KX193-1002")
    path = media_root / photo.image.name
    assert photo.image.name == "photos/21/210614-a-kx193-1002.jpg"
    assert photo.file_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_deleting_a_photo_removes_its_file_once_committed(make_photo, media_root, django_capture_on_commit_callbacks):
    photo = make_photo()
    path = media_root / photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not path.exists()


def test_replacing_the_file_removes_the_old_one_and_records_the_new(make_photo, media_root, django_capture_on_commit_callbacks):
    photo = make_photo()
    old_path, old_hash = media_root / photo.image.name, photo.file_hash
    photo.image = jpeg_upload("replacement.jpg", size=(300, 200), color=(200, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        photo_save(photo=photo, user=None)
    photo.refresh_from_db()
    assert not old_path.exists()
    assert (media_root / photo.image.name).exists()
    assert (photo.width, photo.height) == (300, 200) and photo.file_hash != old_hash
