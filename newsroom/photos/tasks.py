"""A photo's public copies, made by the task worker (`manage.py db_worker`) after the save that
wants them commits: the editor's upload or bulk credit edit returns at once, and a failed try (a
full disk, an original briefly unreadable) is tried again later."""

import logging

from django.tasks import task

from newsroom.core.tasks import enqueue_or_log, next_try_at
from newsroom.photos.renditions import photo_copies_failed, photo_make_copies

logger = logging.getLogger(__name__)

# Five tries, 1, 2, 4 and 8 minutes apart (a quarter of an hour in all): long enough for a disk
# to be freed or a storage mount to come back; after that the photo shows "Copies could not be
# made" and the last try is Failed, with its error, under Background tasks.
MAX_TRIES = 5


@task()
def make_photo_copies(photo_id: int, tries: int = 1) -> str:
    """Make the photo's public copies. A failed try queues the next one and says so; the last
    failed try raises, so the task is Failed with its error for Site administrators to read."""
    try:
        return photo_make_copies(photo_id)
    except Exception as error:
        photo_copies_failed(photo_id, error, last_try=tries >= MAX_TRIES)
        if tries >= MAX_TRIES:
            raise
        logger.warning("Copies of photo #%s not made (try %s of %s): %s", photo_id, tries, MAX_TRIES, error)
        make_photo_copies.using(run_after=next_try_at(tries)).enqueue(photo_id, tries + 1)
        return f"Try {tries} of {MAX_TRIES} failed ({type(error).__name__}: {error}); tried again later."


def queue_copies(photo_id: int) -> None:
    """Queue the making of the photo's copies (called once its save commits)."""
    # The photo is saved; rebuild_renditions makes copies no task was queued for.
    enqueue_or_log(make_photo_copies, photo_id, what=f"the copies of photo #{photo_id}")
