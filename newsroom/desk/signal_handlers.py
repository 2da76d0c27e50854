"""The desk hears of workflow steps from the story write path (stories.signals.story_changed),
after they commit; stories never import the desk (docs/ARCHITECTURE.md)."""

from newsroom.core.tasks import enqueue_or_log
from newsroom.desk.services import notify_steps
from newsroom.desk.tasks import send_step_mail
from newsroom.stories.models import Story
from newsroom.stories.signals import story_changed


def step_taken(sender, story_id, changed, revisions=(), **kwargs):
    """The inbox entries at once (they are rows in the same database); the mail by the worker."""
    if not revisions:
        return
    made = notify_steps(story_id=story_id, revision_numbers=revisions)
    if not any(notification.email_to for notification in made):
        return
    numbers = sorted({notification.revision_number for notification in made})
    # The step has happened; send_notifications sends what no task was queued for.
    enqueue_or_log(send_step_mail, story_id, numbers, what=f"the e-mail of story #{story_id}'s steps {numbers}")


def connect():
    story_changed.connect(step_taken, sender=Story, dispatch_uid="desk-step-taken")
