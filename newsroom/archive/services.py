"""Moving stories into and out of historical collections."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from newsroom.archive.models import ArchiveStatus, Collection
from newsroom.stories.models import Action, Story
from newsroom.stories.revisions import record_baseline, record_revision


def _save(story, *, user, action):
    story.version = F("version") + 1
    story.save(update_fields=["archive_status", "collection", "archived_at", "version", "updated_at"])
    story.refresh_from_db(fields=["version"])
    record_revision(story=story, user=user, action=action)
    return story


@transaction.atomic
def story_archive(*, story, collection: Collection, user, at=None):
    """Put a story in a historical collection; it keeps its address and gains the notice."""
    record_baseline(story)
    if story.archive_status == ArchiveStatus.NEVER:
        raise ValidationError(f"“{story.headline}” is marked never to be archived.", code="never_archive")
    story.archive_status = ArchiveStatus.ARCHIVED
    story.collection = collection
    story.archived_at = at or timezone.now()
    return _save(story, user=user, action=Action.ARCHIVED)


@transaction.atomic
def story_unarchive(*, story, user):
    """Bring a story back into current news."""
    record_baseline(story)
    story.archive_status = ArchiveStatus.CURRENT
    story.collection = None
    story.archived_at = None
    return _save(story, user=user, action=Action.UNARCHIVED)


# Moving many stories at once: the commands and the admin's bulk actions choose stories with
# the selectors below and move them with these, so "which stories" and "what counts as
# skipped" mean the same everywhere.


@dataclass
class ArchiveResult:
    """What a bulk move did, story by story, so callers can count or list each outcome."""

    archived: list = field(default_factory=list)
    skipped_never: list = field(default_factory=list)
    already: list = field(default_factory=list)
    # Drafts, stories in review, scheduled, withdrawn or expired: not in any listing, left alone.
    not_published: list = field(default_factory=list)


@dataclass
class UnarchiveResult:
    unarchived: list = field(default_factory=list)
    not_archived: list = field(default_factory=list)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` on the site's clock, where the newsroom's dates begin."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _by_publication_date(stories, *, before, after):
    if before and after and after >= before:
        raise ValidationError(
            f"The start date ({after}) must come before the end date ({before}).", code="dates_out_of_order"
        )
    if before:
        stories = stories.filter(published_at__lt=start_of_day(before))
    if after:
        stories = stories.filter(published_at__gte=start_of_day(after))
    return stories.order_by("published_at", "pk")


def stories_to_archive(*, collection: Collection, before=None, after=None):
    """Published stories that belong in `collection`: by the dates given, else by its rule.

    `before` is exclusive and `after` inclusive, as in the collection's rule. Stories marked
    never to archive, or already in a collection, are included so the move can count them.
    """
    if before is None and after is None:
        before, after = collection.published_before, collection.published_after
        if before is None and after is None:
            raise ValidationError(
                f"The collection “{collection}” has no rule (published before / on or after).", code="no_rule"
            )
    stories = Story.objects.published().select_related("collection")
    return _by_publication_date(stories, before=before, after=after)


def stories_to_unarchive(*, collection: Collection, before=None, after=None):
    """Every story in `collection`, whatever its workflow state, optionally only within dates.

    Not limited to published stories: a story withdrawn while archived must still be able to
    leave the collection (which cannot be deleted while it holds stories).
    """
    return _by_publication_date(collection.stories.select_related("collection"), before=before, after=after)


@transaction.atomic
def stories_archive(*, stories, collection: Collection, user, at=None, each=iter) -> ArchiveResult:
    """Move each published, current story into `collection`, all or none.

    Stories marked never to archive, already in a collection (this one or another) or not
    published are skipped and reported. Every story moved shares one archived time.
    ``each`` wraps the loop, so a command can show a progress bar.
    """
    now = timezone.now()
    at = at or now
    result = ArchiveResult()
    # Read up front: writing rows while a cursor over the same table is open is unsafe on SQLite.
    for story in each(list(stories)):
        if story.archive_status == ArchiveStatus.ARCHIVED:
            result.already.append(story)
        elif story.archive_status == ArchiveStatus.NEVER:
            result.skipped_never.append(story)
        elif not story.is_public(now=now):
            result.not_published.append(story)
        else:
            result.archived.append(story_archive(story=story, collection=collection, user=user, at=at))
    return result


@transaction.atomic
def stories_unarchive(*, stories, user, each=iter) -> UnarchiveResult:
    """Bring each archived story back into current news, all or none."""
    result = UnarchiveResult()
    for story in each(list(stories)):
        if story.archive_status == ArchiveStatus.ARCHIVED:
            result.unarchived.append(story_unarchive(story=story, user=user))
        else:
            result.not_archived.append(story)
    return result
