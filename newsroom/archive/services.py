"""Moving stories into and out of historical collections."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newsroom.archive.models import Collection
from newsroom.core.apstyle import ap_date
from newsroom.core.clock import start_of_day
from newsroom.stories.models import Action, ArchiveStatus, Story
from newsroom.stories.services import story_lock, story_step

# Each move is a workflow step of the story's (stories.services.story_step): locked, checked
# against the user's archive permission, a new version and a revision, like every other change.


@transaction.atomic
def story_archive(*, story, collection: Collection, user, at=None):
    """Put a story in a historical collection; it keeps its address and gains the notice."""
    current = story_lock(story=story)
    if current.archive_status == ArchiveStatus.NEVER:
        raise ValidationError(f"“{current.headline}” is marked never to be archived.", code="never_archive")
    changes = {"archive_status": ArchiveStatus.ARCHIVED, "collection": collection, "archived_at": at or timezone.now()}
    return story_step(story=story, user=user, action=Action.ARCHIVED, changes=changes)


@transaction.atomic
def story_unarchive(*, story, user):
    """Bring a story back into current news."""
    changes = {"archive_status": ArchiveStatus.CURRENT, "collection": None, "archived_at": None}
    return story_step(story=story, user=user, action=Action.UNARCHIVED, changes=changes)


@transaction.atomic
def story_mark_never_archive(*, story, user):
    """Keep a story in current news for good: moves into collections, by hand or by rule, skip it.

    A story already in a collection must be brought back first, so an editor sees it leave the
    archive rather than have it stay there marked "never". Marking a marked story changes nothing.
    """
    current = story_lock(story=story)
    if current.archive_status == ArchiveStatus.ARCHIVED:
        raise ValidationError(
            f"“{current.headline}” is in “{current.collection}”. Bring it back from the collection first, "
            "then mark it never to archive.",
            code="in_collection",
        )
    if current.archive_status == ArchiveStatus.NEVER:
        return story
    changes = {"archive_status": ArchiveStatus.NEVER}
    return story_step(story=story, user=user, action=Action.MARKED_NEVER_ARCHIVE, changes=changes)


@transaction.atomic
def story_allow_archive(*, story, user):
    """Let a story marked never to archive be moved into a collection again; others are left as they are."""
    if story_lock(story=story).archive_status != ArchiveStatus.NEVER:
        return story
    changes = {"archive_status": ArchiveStatus.CURRENT}
    return story_step(story=story, user=user, action=Action.ALLOWED_ARCHIVE, changes=changes)


# Moving many stories at once: the commands and the admin's bulk actions choose stories with
# the selectors below and move them with these, so "which stories" and "what counts as
# skipped" mean the same everywhere.


@dataclass
class ArchiveResult:
    """What a bulk move did, story by story, so callers can count or list each outcome."""

    archived: list = field(default_factory=list)
    # Moved although published outside the collection's rule, because the caller confirmed it.
    outside_rule: list = field(default_factory=list)
    skipped_never: list = field(default_factory=list)
    already: list = field(default_factory=list)
    # Drafts, stories in review, scheduled, withdrawn or expired: not in any listing, left alone.
    not_published: list = field(default_factory=list)


@dataclass
class UnarchiveResult:
    unarchived: list = field(default_factory=list)
    not_archived: list = field(default_factory=list)


@dataclass
class NeverArchiveResult:
    """What marking (or unmarking) stories never to archive did, story by story."""

    changed: list = field(default_factory=list)
    # Already as asked: marked, when marking; not marked, when allowing.
    already: list = field(default_factory=list)
    in_collection: list = field(default_factory=list)


class OutsideRule(ValidationError):
    """A move would put stories in a collection whose date rule does not cover them.

    One message per story, naming the rule and the story's date; `stories` lists them, and
    `within` the stories inside the rule that would have moved with them.
    """

    def __init__(self, *, collection: Collection, stories: list, within: list):
        self.collection, self.stories, self.within = collection, stories, within
        super().__init__(
            [ValidationError(outside_rule_sentence(collection, story), code="outside_rule") for story in stories]
        )


def describe_dates(*, before, after) -> str:
    """A date range in words, as editors and operators read it: "on or after Jan. 20, 2019 and before …"."""
    parts = []
    if after:
        parts.append(f"on or after {ap_date(after)}")
    if before:
        parts.append(f"before {ap_date(before)}")
    return " and ".join(parts)


def covered_by_rule(collection: Collection, story) -> bool:
    """Whether the collection's rule takes the story: the same days stories_to_archive selects.

    `published_before` is exclusive, `published_after` inclusive; no rule covers every date.
    """
    before, after = collection.published_before, collection.published_after
    if before is None and after is None:
        return True
    if story.published_at is None:
        return False
    return (after is None or story.published_at >= start_of_day(after)) and (
        before is None or story.published_at < start_of_day(before)
    )


def outside_rule_sentence(collection: Collection, story) -> str:
    """Why a story does not belong, in one sentence that names the rule and the story's date."""
    rule = describe_dates(before=collection.published_before, after=collection.published_after)
    published = ap_date(story.published_at) if story.published_at else "never published"
    return f"“{collection}” holds stories published {rule}; “{story.headline}” was published {published}."


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
def stories_archive(
    *, stories, collection: Collection, user, at=None, outside_rule_confirmed=False, each=iter
) -> ArchiveResult:
    """Move each published, current story into `collection`, all or none.

    Stories marked never to archive, already in a collection (this one or another) or not
    published are skipped and reported. If any story to move was published outside the
    collection's rule, nothing moves and OutsideRule says which, unless the caller confirmed
    it (`outside_rule_confirmed`: the editor's second page, or the command's own dates).
    Every story moved shares one archived time. ``each`` wraps the moving loop, so a command
    can show a progress bar.
    """
    now = timezone.now()
    at = at or now
    result = ArchiveResult()
    to_move = []
    # Read up front: writing rows while a cursor over the same table is open is unsafe on SQLite.
    for story in list(stories):
        if story.archive_status == ArchiveStatus.ARCHIVED:
            result.already.append(story)
        elif story.archive_status == ArchiveStatus.NEVER:
            result.skipped_never.append(story)
        elif not story.is_public(now=now):
            result.not_published.append(story)
        else:
            to_move.append(story)
    outside = [story for story in to_move if not covered_by_rule(collection, story)]
    if outside and not outside_rule_confirmed:
        within = [story for story in to_move if story not in outside]
        raise OutsideRule(collection=collection, stories=outside, within=within)
    for story in each(to_move):
        result.archived.append(story_archive(story=story, collection=collection, user=user, at=at))
    result.outside_rule = outside
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


@transaction.atomic
def stories_set_never_archive(*, stories, never: bool, user) -> NeverArchiveResult:
    """Mark each story never to archive (`never`), or let it be archived again, all or none.

    Stories in a collection are left and counted, and so are those already as asked.
    """
    change = story_mark_never_archive if never else story_allow_archive
    wanted = ArchiveStatus.NEVER if never else ArchiveStatus.CURRENT
    result = NeverArchiveResult()
    for story in list(stories):
        if story.archive_status == ArchiveStatus.ARCHIVED:
            result.in_collection.append(story)
        elif story.archive_status == wanted:
            result.already.append(story)
        else:
            result.changed.append(change(story=story, user=user))
    return result
