"""The worker command itself (`manage.py db_worker`, as bin/dev and production run it) makes the
copies an upload queued. Transactional: the upload commits for real, which is what queues the task."""

import pytest

from newsroom.photos.models import Copies, PhotoAsset
from tests.conftest import copies_root, jpeg_upload, make_account, run_worker
from tests.photos.test_full_disk import typed

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_command_makes_the_copies_of_an_uploaded_photo(client):
    client.force_login(make_account("editor", "editor"))
    response = client.post("/admin/photos/photoasset/add/", typed(original=jpeg_upload("clinic.jpg")))
    assert response.status_code == 302
    assert PhotoAsset.objects.get().copies == Copies.MAKING

    run_worker()

    photo = PhotoAsset.objects.get()
    assert photo.copies == Copies.MADE and photo.has_image
    assert all((copies_root(photo) / entry["name"]).exists() for entry in photo.renditions.values())
    page = client.get(f"/admin/photos/photoasset/{photo.pk}/change/").content.decode()
    assert f'<img src="{photo.public_url("w480.jpg")}"' in page and "Copies being made" not in page
