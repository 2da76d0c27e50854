"""Writing feedback: a reader's message, a yes/no answer, an editor handling a message, the statement."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from newsroom.feedback.models import STATEMENT_ID, AccessibilityStatement, FeedbackMessage, Status, StoryHelpfulness

logger = logging.getLogger(__name__)


def message_receive(*, page: str, problem: str, reply_to: str) -> FeedbackMessage:
    message = FeedbackMessage(page=page.strip(), problem=problem.strip(), reply_to=reply_to.strip())
    message.full_clean()
    with transaction.atomic():
        message.save()
    return message


def message_set_status(*, message: FeedbackMessage, status: Status, user, note: str | None = None) -> FeedbackMessage:
    """Marks a message handled (by whom, when) or new again; `note` replaces what was done, when given."""
    if status == Status.HANDLED and message.status != Status.HANDLED:
        message.handled_at, message.handled_by = timezone.now(), user
    elif status == Status.NEW:
        message.handled_at, message.handled_by = None, None
    message.status = status
    if note is not None:
        message.handling_note = note
    message.full_clean()
    with transaction.atomic():
        message.save()
    return message


def messages_mark_handled(*, messages, user) -> int:
    """The changelist's action: every selected message still new becomes handled. Returns how many."""
    with transaction.atomic():
        return messages.filter(status=Status.NEW).update(
            status=Status.HANDLED, handled_at=timezone.now(), handled_by=user
        )


def story_answer_helpful(*, story_id: int, helpful: bool) -> None:
    """Counts one reader's yes or no for a story: one UPDATE, or the story's first answer's INSERT.

    Two readers answering a story's first question at once both try the INSERT; the one that loses
    counts its answer with the UPDATE instead.
    """
    counted = {"yes_count" if helpful else "no_count": F("yes_count" if helpful else "no_count") + 1}
    now = timezone.now()
    with transaction.atomic():
        if StoryHelpfulness.objects.filter(story_id=story_id).update(last_answer_at=now, **counted):
            return
        try:
            with transaction.atomic():
                StoryHelpfulness.objects.create(
                    story_id=story_id, yes_count=int(helpful), no_count=int(not helpful), last_answer_at=now
                )
        except IntegrityError:
            StoryHelpfulness.objects.filter(story_id=story_id).update(last_answer_at=now, **counted)


def statement_save(*, statement: AccessibilityStatement, user) -> AccessibilityStatement:
    """The admin's save of the one statement; its known limitations are saved by the admin's inline after it."""
    statement.pk = STATEMENT_ID
    statement.updated_by = user
    statement.full_clean()
    statement.save()
    return statement
