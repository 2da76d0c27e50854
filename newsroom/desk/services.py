"""Telling people about workflow steps: who is told, the inbox entries, and the e-mail.

`notify_steps` runs once the step's transaction has committed (signal_handlers.py): it writes a
Notification per person (none for the person who took the step, none of a kind they turned off);
the task worker sends their mail (tasks.py). Nothing here can fail or undo the step: it has
committed already, and a failed send is logged and kept, unsent, to be tried again.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newsroom.desk.mail import message_for
from newsroom.desk.models import Kind, Notification, TurnedOff
from newsroom.stories.models import Action, Revision, Story

logger = logging.getLogger(__name__)

# The workflow steps people are told of, and what they are told.
KIND_OF_STEP = {
    Action.SUBMITTED: Kind.SUBMITTED,
    Action.RETURNED: Kind.RETURNED,
    Action.PUBLISHED: Kind.PUBLISHED,
    Action.SCHEDULED: Kind.SCHEDULED,
    Action.WITHDRAWN: Kind.WITHDRAWN,
    Action.RETRACTED: Kind.RETRACTED,
    # A live story's changes: waiting for the Editors, then out to readers as any publication is.
    Action.CHANGES_SUBMITTED: Kind.SUBMITTED,
    Action.CHANGES_PUBLISHED: Kind.PUBLISHED,
}
# A send that failed this many times is left alone (its error stays on the row, for the record).
MAX_ATTEMPTS = 10
# How many messages one run sends at most: a backlog goes out over a few runs, never in one long one.
BATCH = 200


def editors():
    """Who reviews submitted stories: active accounts that may publish (the Editors' and site
    administrators' role), through their groups or their own permissions."""
    publish = Permission.objects.get(codename="publish_story", content_type__app_label="stories")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions=publish) | Q(user_permissions=publish))
        .distinct()
    )


def writer_of(story: Story):
    """The story's writer: who created it, or else who made its first recorded change (an import
    has no creator); None when nobody did."""
    if story.created_by_id:
        return story.created_by
    first = story.revisions.filter(user__isnull=False).select_related("user").order_by("number").first()
    return first.user if first else None


def recipients(revision: Revision, kind: Kind) -> list:
    if kind == Kind.SUBMITTED:
        people = list(editors())
    else:
        writer = writer_of(revision.story)
        people = [writer] if writer is not None and writer.is_active else []
    turned_off = set(
        TurnedOff.objects.filter(kind=kind, user__in=[person.pk for person in people]).values_list("user", flat=True)
    )
    return [person for person in people if person.pk != revision.user_id and person.pk not in turned_off]


def notify_steps(*, story_id: int, revision_numbers) -> list[Notification]:
    """Notifications for the workflow steps among these revisions of the story, then their mail.

    Read from what is stored, so running it twice for the same step tells nobody twice.
    """
    steps = (
        Revision.objects.filter(story_id=story_id, number__in=list(revision_numbers), action__in=list(KIND_OF_STEP))
        .select_related("story", "story__created_by", "user")
        .order_by("number")
    )
    made = []
    for revision in steps:
        kind = KIND_OF_STEP[Action(revision.action)]
        for person in recipients(revision, kind):
            made.append(
                Notification(
                    recipient=person,
                    kind=kind,
                    story=revision.story,
                    revision_number=revision.number,
                    actor=revision.user,
                    headline=revision.snapshot.get("headline") or revision.story.headline,
                    reason=revision.reason,
                    scheduled_for=revision.story.published_at if kind == Kind.SCHEDULED else None,
                    email_to=person.email,
                )
            )
    if made:
        Notification.objects.bulk_create(made, ignore_conflicts=True)
    return made


def unsent():
    return Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS).exclude(email_to="")


def send_unsent(*, limit: int = BATCH, story_id: int | None = None, revision_numbers=()) -> tuple[int, int]:
    """Send the mail not sent yet, oldest first, over one connection: (sent, failed); with
    `story_id`, only that of those revisions of the story.

    Each row is locked while it is sent (on PostgreSQL; rows another process is sending are
    skipped), so two runs never send one message twice. A failure is logged and counted on the
    row, never raised: the step it tells of has happened whatever the mail server says.
    """
    sent = failed = 0
    waiting = unsent()
    if story_id is not None:
        waiting = waiting.filter(story_id=story_id, revision_number__in=list(revision_numbers))
    with transaction.atomic():
        rows = list(
            waiting.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "actor", "story")
            .order_by("id")[:limit]
        )
        if not rows:
            return 0, 0
        connection = mailers.default
        try:
            connection.open()
        except Exception as error:  # the server refuses, is down, or does not answer in EMAIL_TIMEOUT
            logger.warning("Could not reach the mail server to send %s notification(s): %s", len(rows), error)
            _failed(rows, error)
            return 0, len(rows)
        try:
            for row in rows:
                try:
                    connection.send_messages([message_for(row)])
                except Exception as error:
                    logger.warning("Notification #%s to %s was not sent: %s", row.pk, row.email_to, error)
                    _failed([row], error)
                    failed += 1
                else:
                    row.sent_at, row.attempts, row.last_error = timezone.now(), row.attempts + 1, ""
                    row.save(update_fields=["sent_at", "attempts", "last_error"])
                    sent += 1
        finally:
            try:
                connection.close()
            except Exception:  # a server that went away meanwhile: the messages it took are sent
                logger.info("The mail server closed the connection badly", exc_info=True)
    return sent, failed


def _failed(rows, error) -> None:
    for row in rows:
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"[:1000]
    Notification.objects.bulk_update(rows, ["attempts", "last_error"])


def mark_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def set_turned_off(user, kinds) -> None:
    """`user` is told of every kind but `kinds`."""
    kinds = set(kinds)
    TurnedOff.objects.filter(user=user).exclude(kind__in=kinds).delete()
    TurnedOff.objects.bulk_create([TurnedOff(user=user, kind=kind) for kind in kinds], ignore_conflicts=True)
