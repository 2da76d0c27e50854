"""The desk hears of workflow steps from the story write path (stories.signals.story_changed),
after they commit; stories never import the desk (docs/ARCHITECTURE.md)."""

from newsroom.desk.services import notify_steps
from newsroom.stories.models import Story
from newsroom.stories.signals import story_changed


def step_taken(sender, story_id, changed, revisions=(), **kwargs):
    if revisions:
        notify_steps(story_id=story_id, revision_numbers=revisions)


def connect():
    story_changed.connect(step_taken, sender=Story, dispatch_uid="desk-step-taken")
