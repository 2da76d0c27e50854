"""The admin home's lists by role: what a Writer and an Editor each have waiting for them.

A Writer: "My drafts", "Returned to me" (with the reason the Editor gave, when the revision
recording the return has one) and "Waiting for review". An Editor: the review queue, the story
waiting longest first, with how long it has waited. Both: the stories scheduled for today and for
the rest of the week. Each list is one query (at most `SHOWN` rows) whatever the number of stories,
and the review queue's length one more.
"""

import datetime

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from newsroom.core.apstyle import counted
from newsroom.core.clock import start_of_day
from newsroom.stories.models import Action, Revision, Status, Story

SHOWN = 10
# Where a revision may keep the reason for its step (the reason a story was returned to draft).
# Read if the model has one of these fields, so these lists work with or without it.
REASON_FIELDS = ("reason", "return_reason", "step_reason", "message", "comment")


def _stories():
    """Stories, without those in the trash where the model has one (issue 16, point 9)."""
    stories = Story.objects.order_by()
    if "trashed_at" in {field.name for field in Story._meta.concrete_fields}:
        stories = stories.filter(trashed_at__isnull=True)
    return stories


def reason_field() -> str | None:
    names = {field.name for field in Revision._meta.concrete_fields}
    return next((name for name in REASON_FIELDS if name in names), None)


def _last_step(story_ref="pk"):
    """The revisions of a story that were workflow steps (not plain saves), newest first."""
    return Revision.objects.filter(story=OuterRef(story_ref)).exclude(action=Action.SAVED).order_by("-number")


def _stepped(action: Action):
    """The newest revision of a story recording `action`."""
    return Revision.objects.filter(story=OuterRef("pk"), action=action).order_by("-number")


def waited(since: datetime.datetime | None, now: datetime.datetime) -> str:
    """`waiting 3 days`, `waiting 5 hours`, `waiting 20 minutes`: how long, rounded down, in the largest unit."""
    if since is None:
        return ""
    seconds = max(0, (now - since).total_seconds())
    if seconds >= 86400:
        return f"waiting {counted(int(seconds // 86400), 'day', 'days')}"
    if seconds >= 3600:
        return f"waiting {counted(int(seconds // 3600), 'hour', 'hours')}"
    if seconds >= 60:
        return f"waiting {counted(int(seconds // 60), 'minute', 'minutes')}"
    return "waiting less than a minute"


def _waiting_for_review(stories):
    """Stories in review, and live stories whose changes are submitted for review (readers keep the
    live version meanwhile), each with `submitted_at`: when it, or its changes, were last submitted
    (a story with no record of that, when it was last changed)."""
    submitted = Subquery(_stepped(Action.SUBMITTED).values("created_at")[:1])
    return stories.filter(
        Q(status=Status.IN_REVIEW) | Q(status=Status.PUBLISHED, pending_changes__submitted_at__isnull=False)
    ).annotate(
        submitted_at=Coalesce("pending_changes__submitted_at", submitted, F("updated_at")),
        changes=Q(pending_changes__submitted_at__isnull=False),
    )


def writer_lists(user) -> dict:
    """The Writer's own stories: drafts, those returned to them (and why), those in review."""
    mine = _stories().filter(created_by=user).only("pk", "headline", "status", "updated_at")
    drafts = mine.filter(status=Status.DRAFT).annotate(last_step=Subquery(_last_step().values("action")[:1]))
    returned_by = _stepped(Action.RETURNED)
    returned = drafts.filter(last_step=Action.RETURNED).annotate(
        returned_at=Subquery(returned_by.values("created_at")[:1]),
        returned_by_first=Subquery(returned_by.values("user__first_name")[:1]),
        returned_by_last=Subquery(returned_by.values("user__last_name")[:1]),
        returned_by_username=Subquery(returned_by.values("user__username")[:1]),
    )
    field = reason_field()
    if field:
        returned = returned.annotate(reason=Subquery(returned_by.values(field)[:1]))
    returned = list(returned.order_by("-returned_at", "-pk")[:SHOWN])
    for story in returned:
        name = f"{story.returned_by_first} {story.returned_by_last}".strip()
        story.returned_by = name or story.returned_by_username or ""
        story.reason = (getattr(story, "reason", "") or "").strip()
    return {
        "my_drafts": drafts.filter(Q(last_step__isnull=True) | ~Q(last_step=Action.RETURNED)).order_by(
            "-updated_at", "-pk"
        )[:SHOWN],
        "returned": returned,
        "my_in_review": _waiting_for_review(mine).order_by("submitted_at", "pk")[:SHOWN],
    }


def review_queue(now: datetime.datetime) -> dict:
    """Every story in review and every live story's changes submitted for review, the one waiting
    longest first, with how long each has waited."""
    in_review = _waiting_for_review(_stories())
    queue = list(
        in_review.select_related("created_by")
        .only("pk", "headline", "updated_at", "created_by__username", "created_by__first_name", "created_by__last_name")
        .order_by("submitted_at", "pk")[:SHOWN]
    )
    for story in queue:
        story.waited = waited(story.submitted_at, now)
    waiting = len(queue) if len(queue) < SHOWN else in_review.count()
    return {"review_queue": queue, "review_count": waiting}


def scheduled_lists(now: datetime.datetime) -> dict:
    """Published stories whose time is still ahead: today's, then the next seven days'."""
    today = timezone.localdate(now)
    tomorrow = start_of_day(today + datetime.timedelta(days=1))
    week_end = start_of_day(today + datetime.timedelta(days=8))
    scheduled = _stories().scheduled(now=now).order_by("published_at", "pk").only("pk", "headline", "published_at")
    return {
        "scheduled_today": scheduled.filter(published_at__lt=tomorrow)[:SHOWN],
        "scheduled_week": scheduled.filter(published_at__gte=tomorrow, published_at__lt=week_end)[:SHOWN],
        "week_ends": week_end - datetime.timedelta(days=1),
    }


def home_lists(user, *, now: datetime.datetime | None = None) -> dict:
    """What the admin home shows this user, by role; {"shown": False} for one who cannot see stories."""
    if not user.has_perm("stories.view_story"):
        return {"shown": False}
    now = now or timezone.now()
    is_editor = user.has_perm("stories.publish_story")
    lists = {"shown": True, "is_editor": is_editor, "is_writer": False, **scheduled_lists(now)}
    if is_editor:
        lists.update(review_queue(now))
    elif user.has_perm("stories.add_story"):
        lists.update(is_writer=True, **writer_lists(user))
    return lists
