"""The editor's side of tests/photos/test_worker_processes.py, run by `manage.py shell -c` in a
process of its own, against the database the real workers read: the test's own connection may be
an in-memory SQLite database no other process can open."""

import json

from django_tasks_db.models import DBTaskResult

from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_save
from tests.conftest import jpeg_upload, photo_record
from tests.photos.conftest import sample

SAMPLE_PHOTOS = ["210614-A-KX193-1002.jpg", "210615-N-QR552-1045.jpg", "260303-N-TV418-1107.jpg"]


def _originals(count: int):
    """(VIRIN, upload): the sample photos with their metadata, then plain pictures of a camera's size."""
    for name in SAMPLE_PHOTOS[:count]:
        yield name.removesuffix(".jpg"), sample(name)
    for number in range(count - len(SAMPLE_PHOTOS)):
        virin = f"260304-N-TV418-{1001 + number}"
        yield virin, jpeg_upload(f"{virin}.jpg", size=(1600, 1067), color=(40, 90 + 10 * number, 140))


def upload(count: int) -> None:
    """Save `count` new photos as the admin's upload does: each commit queues the making of its copies."""
    for virin, original in _originals(count):
        photo_save(photo=PhotoAsset(original=original, **photo_record(virin=virin)), user=None)


def report() -> None:
    """Print, as JSON, what the photo library and Background tasks now say."""
    photos = [
        {
            "id": photo.pk,
            "virin": photo.virin,
            "has_image": photo.has_image,
            "copies_status": photo.copies_status,
            "public": photo.copies_public,
            "copies": sorted(entry["name"] for entry in photo.renditions.values()),
        }
        for photo in PhotoAsset.objects.order_by("pk")
    ]
    tasks = [
        {
            "task": result.task_path,
            "args": result.args_kwargs["args"],
            "status": result.status,
            "workers": result.worker_ids,
        }
        for result in DBTaskResult.objects.all()
    ]
    print(json.dumps({"photos": photos, "tasks": tasks}))
