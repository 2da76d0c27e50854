"""Working copies and presence: written only here, and never a story row (the story write path is
stories/services.py; nothing here bumps a version or records a revision)."""

import datetime

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newsroom.core.apstyle import ap_time
from newsroom.core.history import saved_from_the_form
from newsroom.editing.models import Presence, WorkingCopy
from newsroom.stories.models import Story

# What autosave keeps: the words typed into the story form.
TYPED_FIELDS = ("headline", "slug", "summary", "byline", "body")
# A body far beyond any story's (the longest stories run to some 200 KB of HTML).
BODY_MAX_CHARACTERS = 2_000_000
# Working copies nobody came back to are dropped after this long.
WORKING_COPY_DAYS = 30


def presence_lasts() -> datetime.timedelta:
    """How long someone counts as editing after their page's last heartbeat: two and a half
    heartbeats, so one late heartbeat is forgiven and a closed tab is gone within a minute."""
    return datetime.timedelta(seconds=settings.EDITING_HEARTBEAT_SECONDS * 2.5)


def person_name(user) -> str:
    return user.get_full_name().strip() or user.get_username()


def working_copy_of(*, user, story: Story | None) -> WorkingCopy | None:
    return WorkingCopy.objects.filter(user=user, story=story).first()


def typed_fields(data) -> dict[str, str]:
    """The typed fields from a posted form, checked: each one a text within its field's length."""
    fields = {}
    problems = []
    for name in TYPED_FIELDS:
        value = data.get(name, "")
        if not isinstance(value, str):
            problems.append(f"{name} must be text")
            continue
        limit = BODY_MAX_CHARACTERS if name == "body" else WorkingCopy._meta.get_field(name).max_length
        if len(value) > limit:
            problems.append(f"{name} is {len(value):,} characters long; at most {limit:,} are kept")
        fields[name] = value
    if problems:
        raise ValidationError(f"Not saved: {'; '.join(problems)}.")
    return fields


def working_copy_save(
    *, user, story: Story | None, fields: dict[str, str], based_on_version: int | None
) -> WorkingCopy:
    """Keep what the user typed as their working copy of the story (or of their new story)."""
    now = timezone.now()
    with transaction.atomic():
        copy, _ = WorkingCopy.objects.update_or_create(
            user=user, story=story, defaults={**fields, "based_on_version": based_on_version, "saved_at": now}
        )
    # No scheduler needed: whoever autosaves clears the copies nobody came back to.
    WorkingCopy.objects.filter(saved_at__lt=now - datetime.timedelta(days=WORKING_COPY_DAYS)).delete()
    return copy


def working_copy_discard(*, user, story: Story | None) -> None:
    WorkingCopy.objects.filter(user=user, story=story).delete()


def forget_saved_working_copy(sender, instance, created, **kwargs):
    """A story saved (or added) from the admin form: its saver's working copy is now the story.
    List actions (publish, withdraw, archive from the story list) save nothing typed."""
    if not created or instance.action_flag not in (ADDITION, CHANGE):
        return
    if not saved_from_the_form(instance.change_message):  # a list action or a note: nothing typed was saved
        return
    if instance.content_type.model_class() is not Story:
        return
    WorkingCopy.objects.filter(user_id=instance.user_id, story_id=instance.object_id).delete()
    if instance.action_flag == ADDITION:
        WorkingCopy.objects.filter(user_id=instance.user_id, story__isnull=True).delete()


def _editing_now(story: Story, now: datetime.datetime):
    return Presence.objects.filter(story=story, seen_at__gte=now - presence_lasts(), taken_over_by__isnull=True)


def presence_heartbeat(*, user, story: Story) -> dict:
    """The user still has the story open. Says who else does, and whether an Editor took it over
    from this user since the last heartbeat (said once: the user is then no longer editing)."""
    now = timezone.now()
    mine = Presence.objects.filter(user=user, story=story).select_related("taken_over_by").first()
    if mine is not None and mine.taken_over_by_id:
        mine.delete()
        return {
            "taken_over": {"by": person_name(mine.taken_over_by), "at": ap_time(mine.taken_over_at)},
            "editing": [],
        }
    if mine is None or mine.seen_at < now - presence_lasts():
        Presence.objects.update_or_create(
            user=user,
            story=story,
            defaults={"since": now, "seen_at": now, "taken_over_by": None, "taken_over_at": None},
        )
    else:
        Presence.objects.filter(pk=mine.pk).update(seen_at=now)
    Presence.objects.filter(seen_at__lt=now - datetime.timedelta(hours=1)).delete()  # long gone
    others = _editing_now(story, now).exclude(user=user).select_related("user").order_by("since")
    return {
        "taken_over": None,
        "editing": [{"name": person_name(p.user), "since": ap_time(p.since)} for p in others],
    }


def presence_leave(*, user, story: Story) -> None:
    """The user left the story's page: nobody needs to wait for the heartbeat to run out."""
    Presence.objects.filter(user=user, story=story, taken_over_by__isnull=True).delete()


def presence_take_over(*, user, story: Story) -> list[str]:
    """An Editor takes the story over from whoever has it open; each is told at their next
    heartbeat. Returns their names."""
    now = timezone.now()
    others = _editing_now(story, now).exclude(user=user).select_related("user")
    names = [person_name(p.user) for p in others]
    others.update(taken_over_by=user, taken_over_at=now)
    return names
