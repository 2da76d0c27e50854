"""The desk hears of workflow steps from the story write path (stories.signals.story_changed),
after they commit; stories never import the desk (docs/ARCHITECTURE.md)."""

import logging

from newsroom.desk.services import notify_steps
from newsroom.desk.tasks import send_step_mail
from newsroom.stories.models import Story
from newsroom.stories.signals import story_changed

logger = logging.getLogger(__name__)


def step_taken(sender, story_id, changed, revisions=(), **kwargs):
    """The inbox entries at once (they are rows in the same database); the mail by the worker."""
    if not revisions:
        return
    made = notify_steps(story_id=story_id, revision_numbers=revisions)
    if not any(notification.email_to for notification in made):
        return
    numbers = sorted({notification.revision_number for notification in made})
    try:
        send_step_mail.enqueue(story_id, numbers)
    except Exception:  # the step has happened; send_notifications sends what no task was queued for
        logger.exception("Could not queue the e-mail of story #%s's steps %s", story_id, numbers)


def connect():
    story_changed.connect(step_taken, sender=Story, dispatch_uid="desk-step-taken")
