"""Reading feedback: the statement readers see, and what the editors' home lists."""

import datetime

from django.utils import timezone

from newsroom.feedback.models import STATEMENT_ID, AccessibilityStatement, FeedbackMessage, Status, StoryHelpfulness
from newsroom.stories.models import Story

# A statement not reviewed for longer than this is named on the editors' home.
REVIEW_EVERY = datetime.timedelta(days=365)
SHOWN = 10


def current_statement() -> tuple[AccessibilityStatement, list]:
    """The statement and its known limitations (one query), or the starter statement with none."""
    statement = AccessibilityStatement.objects.prefetch_related("limitations").filter(pk=STATEMENT_ID).first()
    if statement is None:
        return AccessibilityStatement.starter(), []
    return statement, list(statement.limitations.all())


def statement_review_due(*, today: datetime.date | None = None) -> dict | None:
    """What the editors' home says about the statement's review, or None while it is current."""
    today = today or timezone.localdate()
    reviewed_on = AccessibilityStatement.objects.filter(pk=STATEMENT_ID).values_list("reviewed_on", flat=True).first()
    if reviewed_on is None:
        return {"reviewed_on": None}
    if today - reviewed_on > REVIEW_EVERY:
        return {"reviewed_on": reviewed_on}
    return None


def public_story(story_id) -> Story | None:
    """The story readers may answer about: published, its time come, not expired; else None."""
    try:
        story_id = int(story_id)
    except (TypeError, ValueError):
        return None
    if not 0 < story_id < 2**63:
        return None
    return Story.objects.published().filter(pk=story_id).only("pk", "headline", "slug").first()


def new_messages() -> dict:
    """The newest new messages (at most SHOWN) and how many are new in all: two queries at most."""
    new = FeedbackMessage.objects.filter(status=Status.NEW).order_by("-received_at", "-id")
    shown = list(new[:SHOWN])
    return {"latest_messages": shown, "new_count": len(shown) if len(shown) < SHOWN else new.count()}


def latest_answers() -> list[StoryHelpfulness]:
    """The stories readers answered "Was this page helpful?" about lately, with their counts: one query."""
    answers = StoryHelpfulness.objects.select_related("story").only(
        "yes_count", "no_count", "last_answer_at", "story__headline"
    )
    return list(answers.order_by("-last_answer_at")[:SHOWN])
