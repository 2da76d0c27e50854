"""What the background tasks (Django's Tasks, run by `manage.py db_worker`) share: when a failed
try runs again, and queueing that never fails the save that asked for it."""

import datetime
import logging

from django.utils import timezone

logger = logging.getLogger(__name__)


def next_try_at(tries: int, *, longest: datetime.timedelta = datetime.timedelta(hours=1)) -> datetime.datetime:
    """When to try again after `tries` failed tries: 1, 2, 4 ... minutes later, `longest` at most."""
    return timezone.now() + min(datetime.timedelta(minutes=1) * 2 ** max(tries - 1, 0), longest)


def enqueue_or_log(task, *args, what: str) -> None:
    """Queue `task(*args)`; a queue that refuses is logged, never raised: the change that wants the
    task has committed, and the operator's repair command (named in `what`'s caller) does the work."""
    try:
        task.enqueue(*args)
    except Exception:
        logger.exception("Could not queue %s", what)
