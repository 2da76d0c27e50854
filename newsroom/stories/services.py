"""Every change to a story goes through here: the one write path.

The admin, the commands, imports and restores call these services; nothing else bumps a story's
version or records a revision (tests/stories/test_write_path.py holds the code to that). Each
change, in one transaction, in `_change`:

1. locks the story's row, and refuses an editor's save made from an older version;
2. checks the user may make it (a user of None is a system job: an import, a command, the demo);
3. keeps the story's first state as revision 1 if it has no history yet (rows loaded in bulk),
   and before a change that ends a public story's page as readers got it (withdrawn, retracted,
   archived, a new address) tells signals.story_leaving_readers, whose receiver keeps the page;
4. validates and writes the fields that changed, the body in its canonical form (stories/body/)
   with its PhotoPlacement rows kept in step with its photo blocks, and the parts the caller writes
   alongside (corrections, tags, related stories);
5. when anything changed, or the change is a workflow step, bumps the version once and records
   one revision saying who, when and what changed; a save that changes nothing does neither;
6. keeps the old address answering after a slug change, and links the stories that were waiting
   for its headline;
7. announces what changed (signals.story_changed), once per story per transaction, after the
   commit, so what is made from the story (its search document) is refreshed once, and only when
   what it is made from changed.
"""

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from newsroom.accounts.security_log import record as record_security_event
from newsroom.core.visible import has_visible
from newsroom.photos.models import Copies, PhotoAsset
from newsroom.photos.virin import VirinError, parse_virin
from newsroom.stories.body import body_text, clean_body, linked_story_ids, photo_blocks, with_keys
from newsroom.stories.checks import draft_checks, story_checks
from newsroom.stories.embargo import note_photos
from newsroom.stories.importers.text_story import headline_key
from newsroom.stories.models import (
    Action,
    ArchiveStatus,
    Correction,
    NoteKind,
    PendingChanges,
    PhotoPlacement,
    RelatedHeadline,
    Revision,
    Status,
    Story,
    Tag,
)
from newsroom.stories.revisions import (
    DATETIME_FIELDS,
    RESTORED_FIELDS,
    current_form,
    notes_data,
    pending_story,
    photo_places,
    record_baseline,
    record_revision,
    snapshot,
    what_changed,
)
from newsroom.stories.selectors import has_been_public
from newsroom.stories.signals import announce_change, story_leaving_readers

# What editors write: the fields story_update changes, and the parts it sets from a list of rows.
# Status and the historical collection change only through workflow steps (story_step).
EDITED_FIELDS = frozenset(RESTORED_FIELDS)
EDITED_PARTS = frozenset({"tags", "related_stories"})

# Writes the parts of a story that are rows of their own (corrections, tags ...), inside the
# change; what they change is part of its revision. Placed photos are not among them: they follow
# the body's photo blocks (_place_photos).
WriteParts = Callable[[Story], None]

_PUBLISHING = frozenset(
    {
        Action.PUBLISHED,
        Action.SCHEDULED,
        Action.WITHDRAWN,
        Action.RETRACTED,
        Action.RETURNED,
        Action.CHANGES_PUBLISHED,
        Action.CHANGES_SCHEDULED,
    }
)
_ARCHIVING = frozenset({Action.ARCHIVED, Action.UNARCHIVED, Action.MARKED_NEVER_ARCHIVE, Action.ALLOWED_ARCHIVE})
_TRASHING = frozenset({Action.TRASHED, Action.UNTRASHED})
# How long a deleted draft waits in the trash, restorable, before `empty_trash` deletes it for good.
TRASH_DAYS = 30
_SEEN_BY_READERS = (Status.PUBLISHED, Status.WITHDRAWN, Status.RETRACTED)


def story_publication_problems(story: Story, *, needs_byline: bool = True, photos=None) -> list[str]:
    """Everything that must be fixed before readers may see the story, in editor's words.

    ``needs_byline=False`` is for legacy imports only: those stories were public once already,
    and their saved text rarely names the writer. `photos`, when given, are the photos to check
    instead of the story's placed ones (a live story's unpublished changes).
    """
    # A body of photos alone has nothing to read: its prose is what counts.
    required = [("Headline", story.headline), ("Summary", story.summary), ("Body", body_text(story.body))]
    if needs_byline:
        required.insert(2, ("Byline", story.byline))
    # Nothing visible is missing too: a row kept from before the fields refused it (core/visible.py).
    problems = [f"{label} is missing" for label, value in required if not has_visible(value)]
    if photos is None:
        photos = [placement.photo for placement in story.placements.select_related("photo")]
    for photo in photos:
        if not has_visible(photo.alt_text):
            problems.append(f"Photo {photo.virin} has no alt text")
        if not photo.is_credited:
            problems.append(f"Photo {photo.virin} needs a photographer and a credit organization")
        # Readers must get the whole set: the worker makes it a few seconds after the photo's save.
        if photo.copies == Copies.MAKING:
            problems.append(
                f"Photo {photo.virin}'s public copies are still being made: wait a moment and publish again"
            )
        elif photo.copies == Copies.FAILED:
            problems.append(
                f"Photo {photo.virin}'s public copies could not be made: replace its image in the photo library"
            )
        try:
            parse_virin(photo.virin)
        except VirinError as error:
            problems.append(f"Photo {photo.virin}: {error}")
    return problems


def story_lock(*, story: Story, expected_version: int | None = None) -> Story:
    """The story as stored, its row locked until the transaction ends, so nothing can change it
    between a check and a write. Call it inside a transaction.

    With `expected_version`, the version an editor's form started from, a save from an older one
    is refused with a ValidationError (code "edit_conflict") rather than overwriting what someone
    else saved. Its params say what to show: `started_from` and `current` versions, and the
    revisions to compare to see what changed meanwhile, `seen` (the editor's, or None when the
    history does not reach back to it) and `latest`.
    """
    current = Story.objects.select_for_update().get(pk=story.pk)
    if expected_version is not None and expected_version != current.version:
        numbers = current.revisions.order_by("-number").values_list("number", flat=True)
        raise ValidationError(
            "Someone else saved this story after you opened it, so your changes were not saved (you started "
            "from version %(started_from)s; it is now version %(current)s). Reload the story and make your "
            "edits again.",
            code="edit_conflict",
            params={
                "started_from": expected_version,
                "current": current.version,
                "seen": numbers.filter(number__lte=expected_version).first(),
                "latest": numbers.first(),
            },
        )
    return current


def _require_permission(user, story: Story, action: Action, *, new: bool = False) -> None:
    """Writers draft and submit; publishing, and changing what readers have seen, is the Editors'
    (the same permissions the admin checks). A user of None is a system job and may do anything."""
    if user is None:
        return
    needs = [("stories.add_story" if new else "stories.change_story", "you may not add or change stories")]
    if action in _ARCHIVING or (new and story.archive_status != ArchiveStatus.CURRENT):
        needs.append(
            (
                "stories.archive_story",
                "moving stories into or out of historical collections needs the archive permission",
            )
        )
    elif action in _TRASHING:
        needs.append(("stories.delete_story", "only editors can delete stories or restore them from the trash"))
    elif action in _PUBLISHING:
        needs.append(
            (
                "stories.publish_story",
                "only editors can publish, schedule, withdraw, retract or return stories to draft",
            )
        )
    elif story.status in _SEEN_BY_READERS:
        needs.append(("stories.publish_story", "readers have seen it, and only editors can change it then"))
    for permission, reason in needs:
        if not user.has_perm(permission):
            raise PermissionDenied(f"“{story.headline}” was not changed: {reason}.")


# The workflow steps the security log records (newsroom/accounts/security_log.py): what the public
# record gains or loses. Moving a story to the trash is its deletion as far as readers can tell.
SECURITY_EVENTS = {
    Action.PUBLISHED: "publish",
    Action.SCHEDULED: "publish",
    Action.CHANGES_PUBLISHED: "publish",
    Action.WITHDRAWN: "withdraw",
    Action.RETRACTED: "retract",
    Action.ARCHIVED: "archive",
    Action.TRASHED: "delete",
}


def _change(
    story: Story,
    *,
    user,
    action: Action,
    changes: Mapping[str, Any] | None = None,
    write_parts: WriteParts | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> Story:
    """The one write path (see the module's docstring). Changes `story`'s stored row, not the
    caller's copy, which may be stale, and then brings that copy up to date. `reason` is why a
    workflow step was taken, kept with its revision."""
    changes = dict(changes or {})
    current = story_lock(story=story, expected_version=expected_version)
    _require_permission(user, current, action)
    record_baseline(current)
    # The photos readers may be seeing through this story: once the change commits, the embargo
    # takes back the copies of those it no longer makes public (stories/embargo.py).
    photos_shown = (
        set(PhotoPlacement.objects.filter(story=current).values_list("photo_id", flat=True))
        if current.status == Status.PUBLISHED
        else set()
    )
    old_slug = current.slug
    leaving = _leaves_readers(current, action, changes)
    if leaving:
        story_leaving_readers.send(sender=Story, story=current, change=leaving, user=user, reason=reason)
    parts = {name: changes.pop(name) for name in EDITED_PARTS & changes.keys()}
    fields = [Story._meta.get_field(name) for name in changes]
    before = {field.name: getattr(current, field.attname) for field in fields}
    for name, value in changes.items():
        setattr(current, name, value)
    written = [field for field in fields if getattr(current, field.attname) != before[field.name]]
    if written:
        # Validators see the body as written (a video from a host not allowed is refused, not
        # dropped by cleaning without a word); what is stored is the body cleaned.
        current.full_clean(exclude=[field.name for field in Story._meta.fields if field not in written])
    if "body" in changes:
        current.body = body_as_stored(current.body)
        written = [field for field in fields if getattr(current, field.attname) != before[field.name]]
        _place_photos(current)
    for name, rows in parts.items():
        getattr(current, name).set(rows)
    if write_parts is not None:
        write_parts(current)

    data, changed = what_changed(current)
    if action == Action.SAVED and not (changed or written):
        _bring_up_to_date(story, current)
        return story  # nothing changed: no new version, no empty revision
    current.version = F("version") + 1
    current.save(update_fields=[*(field.name for field in written), "version", "updated_at"])
    current.refresh_from_db(fields=["version"])
    revision = record_revision(story=current, user=user, action=action, changes=(data, changed), reason=reason)
    if action in SECURITY_EVENTS:
        record_security_event(
            SECURITY_EVENTS[action], user=user, obj=current, step=action.label, version=revision.number
        )
    if current.slug != old_slug:
        _keep_old_address(story=current, old_slug=old_slug)
    if "headline" in before and current.headline != before["headline"]:
        _link_waiting_related(current)
    # Named as the snapshot names them (collection_id, not collection).
    announce_change(
        story_id=current.pk, changed=[*changed, *(field.attname for field in written)], revision=revision.number
    )
    if current.status == Status.PUBLISHED or photos_shown:
        note_photos(photos_shown | _placed_photos(current))
    _bring_up_to_date(story, current)
    return story


# Steps after which readers no longer get a public story's page as it was (withdrawn, retracted)
# or get it changed in kind (archived, with the archive notice).
LEAVING_STEPS = frozenset({Action.WITHDRAWN, Action.RETRACTED, Action.ARCHIVED})


def _leaves_readers(current: Story, action: Action, changes: Mapping[str, Any]) -> str:
    """What of a public story's page this change ends: its step, "slug" for a new address, or ""."""
    if not current.is_public():
        return ""
    if action in LEAVING_STEPS:
        return action
    if "slug" in changes and changes["slug"] != current.slug:
        return "slug"
    return ""


def _placed_photos(story: Story) -> set[int]:
    return set(PhotoPlacement.objects.filter(story=story).values_list("photo_id", flat=True))


def _bring_up_to_date(story: Story, stored: Story) -> None:
    """The caller's copy of the story, as stored now (a changelist's, a bulk move's, the admin form's)."""
    if story is stored:
        return
    for field in Story._meta.concrete_fields:
        setattr(story, field.attname, getattr(stored, field.attname))  # a changed key drops its cached object
    story.__dict__.pop("_prefetched_objects_cache", None)


@transaction.atomic
def story_create(*, story: Story, user, write_parts: WriteParts | None = None) -> Story:
    """Save a new story, and whatever `write_parts` adds to it, as its revision 1.

    `story` is unsaved, with the fields it starts with; `user` becomes its writer. Raises
    ValidationError, saving nothing, if a field is wrong, and PermissionDenied if the user may not
    add it (a story made already published or in a collection needs those permissions too).
    """
    if story.pk is not None:
        raise ValueError(f"Story #{story.pk} exists already; change it with story_update.")
    _require_permission(user, story, Action.SAVED, new=True)
    if user is not None and story.created_by_id is None:
        story.created_by = user
    story.full_clean()
    story.body = body_as_stored(story.body)
    story.save()
    _place_photos(story)
    if write_parts is not None:
        write_parts(story)
    revision = record_revision(story=story, user=user)
    _link_waiting_related(story)
    announce_change(story_id=story.pk, changed=revision.changed_fields, revision=revision.number)
    if story.status == Status.PUBLISHED:  # made published (an import): its photos may go public
        note_photos(_placed_photos(story))
    return story


@transaction.atomic
def story_update(
    *,
    story: Story,
    changes: Mapping[str, Any],
    user,
    expected_version: int | None,
    write_parts: WriteParts | None = None,
) -> Story:
    """An edit: `changes` maps the fields editors write (EDITED_FIELDS) to their new values, and
    "tags" or "related_stories" to the full list of them.

    `expected_version` is the version the editor started from (the admin form's hidden field); a
    story saved by someone else since is refused (see story_lock). None is for system jobs that
    change a story whatever its version, such as a re-import.

    `write_parts(story)` writes the story's parts that are rows of their own, placed photos and
    corrections, inside the same lock. The admin passes one that saves its inline formsets and the
    form's tags and related stories: Django's formsets do the row work they are good at, and what
    they changed is still part of this one change (tested: placing a photo records a revision
    whose changed fields are ["placements"]). Everything else (the lock, the version, the revision,
    the old address, the waiting headlines, the refresh) happens here only.

    A save that changes nothing leaves the version and the history as they were.
    """
    unknown = changes.keys() - EDITED_FIELDS - EDITED_PARTS
    if unknown:
        raise ValueError(
            f"story_update changes what editors write ({', '.join(sorted(EDITED_FIELDS | EDITED_PARTS))}), "
            f"not {', '.join(sorted(unknown))}: status and historical collections change through the workflow "
            "services (story_publish, story_archive ...)."
        )
    return _change(
        story,
        user=user,
        action=Action.SAVED,
        changes=changes,
        write_parts=write_parts,
        expected_version=expected_version,
    )


@transaction.atomic
def story_step(
    *,
    story: Story,
    user,
    action: Action,
    changes: Mapping[str, Any],
    reason: str = "",
    write_parts: WriteParts | None = None,
) -> Story:
    """A workflow step (`action`: publish, withdraw, archive ...) setting the workflow fields in
    `changes`. Always a new version and a revision naming the step, even when no field changed:
    publishing again at the same time still records who did it and when, and `reason`, why.

    The steps' own services (below, and in archive.services) check that the step is allowed from
    the story's state first; this checks the user's permission for it.
    """
    if action in (Action.SAVED, Action.RESTORED):
        raise ValueError(f"{action.label} is not a workflow step; use story_update or revision_restore.")
    return _change(story, user=user, action=action, changes=changes, reason=reason, write_parts=write_parts)


def _move(
    story: Story,
    *,
    to: Status,
    allowed_from: tuple,
    user,
    action: Action,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    write_parts: WriteParts | None = None,
) -> Story:
    current = story_lock(story=story)
    _require_permission(user, current, action)
    if current.status not in allowed_from:
        names = ", ".join(Status(state).label.lower() for state in allowed_from)
        raise ValidationError(
            f"“{current.headline}” is {current.get_status_display().lower()}; only a story that is {names} can be "
            f"{action.label.lower()}.",
            code="wrong_state",
        )
    return story_step(
        story=story,
        user=user,
        action=action,
        changes={"status": to, **(changes or {})},
        reason=reason,
        write_parts=write_parts,
    )


@transaction.atomic
def story_submit(*, story: Story, user) -> Story:
    """A writer hands a draft to the editors."""
    return _move(story, to=Status.IN_REVIEW, allowed_from=(Status.DRAFT,), user=user, action=Action.SUBMITTED)


class PublishRefused(ValidationError):
    """A publication refused: `problems` must be fixed (missing items and the checks' blockers);
    `warnings` (the checks' warnings, stories/checks.py) may be published past with a reason."""

    def __init__(self, problems: list[str], warnings: list[str]):
        self.problems, self.warnings = problems, warnings
        super().__init__([*problems, *(f"Warning: {warning}" for warning in warnings)], code="not_ready")


@transaction.atomic
def story_publish(*, story: Story, user, at=None, needs_byline: bool = True, past_warnings: str = "") -> Story:
    """Publish now, or schedule for `at` (or the story's own publication time) when that is ahead.

    Refused with a PublishRefused (a ValidationError) listing every missing item and every finding
    of the checks before publishing that is a blocker; nothing changes then. The checks' warnings
    refuse too unless `past_warnings` gives the Editor's reason for publishing past them. A system
    job (user None: an import, the demo) publishes what was public already: its checks are
    recorded, not enforced. The revision keeps what was checked, found and published past.
    """
    current = story_lock(story=story)
    _require_permission(user, current, Action.PUBLISHED)
    problems = story_publication_problems(current, needs_byline=needs_byline)
    record = _checks_passed(story_checks(current), problems, user=user, past_warnings=past_warnings)
    published_at = at or current.published_at or timezone.now()
    if current.expires_at and current.expires_at <= published_at:
        raise ValidationError("The expiry time must come after the publication time.", code="expires_first")
    published = _move(
        story,
        to=Status.PUBLISHED,
        allowed_from=(Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN, Status.PUBLISHED),
        user=user,
        action=Action.SCHEDULED if published_at > timezone.now() else Action.PUBLISHED,
        changes={"published_at": published_at},
    )
    Revision.objects.filter(story_id=published.pk, number=published.version).update(publish_checks=record)
    return published


def _checks_passed(checked, problems: list[str], *, user, past_warnings: str) -> dict:
    """Refuse a publication (PublishRefused) for `problems` and the checks' blockers, or for their
    warnings without an Editor's reason; else what the revision keeps of the checks. A system job
    (user None) publishes what was public already: its checks are recorded, not enforced."""
    if user is None:
        if problems:
            raise PublishRefused(problems, [])
        return {**checked.record(), "enforced": False}
    problems = [*problems, *(finding.message for finding in checked.blockers)]
    warnings = [finding.message for finding in checked.warnings]
    past_warnings = " ".join(past_warnings.split())
    if problems or (warnings and not past_warnings):
        raise PublishRefused(problems, warnings)
    record = checked.record()
    if warnings:
        record["published_past"] = {
            "user_id": user.pk,
            "user": user.get_full_name() or user.get_username(),
            "reason": past_warnings,
        }
    return record


@transaction.atomic
def story_publish_now(*, story: Story, user, past_warnings: str = "") -> Story:
    """*Publish now*: at once. A publication time ahead is brought forward to now; one already past
    (a story dated to when it happened) is kept."""
    current = story_lock(story=story)
    now = timezone.now()
    at = None if current.published_at and current.published_at <= now else now
    return story_publish(story=story, user=user, at=at, past_warnings=past_warnings)


@transaction.atomic
def story_schedule(*, story: Story, user, past_warnings: str = "") -> Story:
    """*Schedule*: publish at the story's own publication time, which must be ahead."""
    current = story_lock(story=story)
    if not current.published_at or current.published_at <= timezone.now():
        raise ValidationError(
            "Set a publication time ahead (date and time, on the site's clock) to schedule the story, or publish it now.",
            code="not_ahead",
        )
    return story_publish(story=story, user=user, past_warnings=past_warnings)


# What a step that needs a reason says when it has none (the reason goes to the writer and the history).
REASON_REQUIRED = {
    Action.WITHDRAWN: "Give a reason for withdrawing the story: the writer reads it, and the history keeps it.",
    Action.RETRACTED: "Give the reason for the retraction: readers read it at the story's address, and the history keeps it.",
    Action.RETURNED: "Give a reason for returning the story to draft: the writer reads it.",
}


def _required_reason(action: Action, reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(REASON_REQUIRED[action], code="reason_required")
    return reason


@transaction.atomic
def story_withdraw(*, story: Story, user, reason: str) -> Story:
    """Take a story out of public view, saying why; it keeps its publication time for the record.
    Its reviewer links stop working, and its photos' copies leave public view unless another
    published story uses them (stories/embargo.py)."""
    reason = _required_reason(Action.WITHDRAWN, reason)
    _move(
        story, to=Status.WITHDRAWN, allowed_from=(Status.PUBLISHED,), user=user, action=Action.WITHDRAWN, reason=reason
    )
    return story_revoke_preview_links(story=story, user=user, step=Action.WITHDRAWN.label)


@transaction.atomic
def story_retract(*, story: Story, user, reason: str) -> Story:
    """Retract a story readers have seen, for good, saying why. Unlike a withdrawal, its address
    keeps answering, with a short public notice (headline, dates, the reason; 410 Gone); it leaves
    the listings, search, feeds and sitemaps, and its photos' copies leave public view unless
    another published story uses them. The reason is kept as the story's retraction note, which the
    corrections page lists. Its reviewer links stop working."""
    reason = _required_reason(Action.RETRACTED, reason)
    current = story_lock(story=story)
    _require_permission(user, current, Action.RETRACTED)
    if current.status in (Status.PUBLISHED, Status.WITHDRAWN) and not has_been_public(current):
        raise ValidationError(
            f"“{current.headline}” was never public, so there is nothing to retract: return it to draft instead.",
            code="never_public",
        )

    def write_note(retracted):
        Correction.objects.create(story=retracted, kind=NoteKind.RETRACTION, text=reason)

    _move(
        story,
        to=Status.RETRACTED,
        allowed_from=(Status.PUBLISHED, Status.WITHDRAWN),
        user=user,
        action=Action.RETRACTED,
        reason=reason,
        write_parts=write_note,
    )
    return story_revoke_preview_links(story=story, user=user, step=Action.RETRACTED.label)


@transaction.atomic
def story_revoke_preview_links(*, story: Story, user, step: str = "") -> Story:
    """Make every reviewer link to the story made until now stop working ("This preview link was
    revoked"); links made afterwards work. Not a change to the story: no version, no revision, and
    readers' pages stay as they are. Anyone who may change stories may revoke (an Editor's or a
    Writer's own links alike). `step` names the workflow step that revoked them, when one did (a
    withdrawal, a return to draft, the trash: that step is on the record already); a revocation by
    hand is written in the security log."""
    if user is not None and not user.has_perm("stories.change_story"):
        raise PermissionDenied("You may not change stories, so you may not revoke their preview links.")
    # update(), not save(): nothing readers see changed, so no signal retires cached pages.
    Story.objects.filter(pk=story.pk).update(preview_generation=F("preview_generation") + 1)
    story.refresh_from_db(fields=["preview_generation"])
    if not step:
        record_security_event("preview-revoke", user=user, obj=story)
    return story


@transaction.atomic
def story_return_to_draft(*, story: Story, user, reason: str) -> Story:
    """Send a story back for more work, from review or off the site, saying what to do (the writer
    reads it). A live story's unpublished changes become the draft: nobody reads it now, so they
    need not wait apart."""
    reason = _required_reason(Action.RETURNED, reason)
    _move(
        story,
        to=Status.DRAFT,
        allowed_from=(Status.IN_REVIEW, Status.PUBLISHED, Status.WITHDRAWN),
        user=user,
        action=Action.RETURNED,
        reason=reason,
    )
    # Back in the writer's hands: whatever reviewers were sent is no longer what is being worked on.
    story_revoke_preview_links(story=story, user=user, step=Action.RETURNED.label)
    pending = PendingChanges.objects.filter(story=story).first()
    if pending is None:
        return story
    changes = _as_edits(story, pending)
    pending.delete()
    return _change(story, user=user, action=Action.SAVED, changes=changes, write_parts=_notes_no_longer_wait)


@transaction.atomic
def story_trash(*, story: Story, user) -> Story:
    """Delete a draft readers never saw, restorably: it leaves every list for the trash, where an
    Editor can take it out for TRASH_DAYS days. A story that has been public is only withdrawn."""
    current = story_lock(story=story)
    _require_permission(user, current, Action.TRASHED)
    if current.trashed_at is not None:
        raise ValidationError(f"“{current.headline}” is in the trash already.", code="trashed")
    if has_been_public(current):
        raise ValidationError(
            f"“{current.headline}” has been public, so it stays on the record: withdraw it instead of deleting it.",
            code="has_been_public",
        )
    if current.status not in (Status.DRAFT, Status.IN_REVIEW):
        raise ValidationError(
            f"“{current.headline}” is scheduled: return it to draft before deleting it.", code="scheduled"
        )
    story_step(story=story, user=user, action=Action.TRASHED, changes={"trashed_at": timezone.now()})
    # Restoring it from the trash must not bring back the links sent before it was deleted.
    return story_revoke_preview_links(story=story, user=user, step=Action.TRASHED.label)


@transaction.atomic
def story_untrash(*, story: Story, user) -> Story:
    """Take a story out of the trash, as it was when it went in."""
    current = story_lock(story=story)
    _require_permission(user, current, Action.UNTRASHED)
    if current.trashed_at is None:
        raise ValidationError(f"“{current.headline}” is not in the trash.", code="not_trashed")
    return story_step(story=story, user=user, action=Action.UNTRASHED, changes={"trashed_at": None})


def trash_emptied_before(now=None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=TRASH_DAYS)


@transaction.atomic
def empty_trash(*, now=None) -> list[str]:
    """Delete for good the stories in the trash longer than TRASH_DAYS; their headlines."""
    expired = Story.objects.select_for_update().filter(trashed_at__lt=trash_emptied_before(now))
    gone = list(expired.order_by("trashed_at").values_list("pk", "headline"))
    expired.delete()
    for pk, headline in gone:
        record_security_event("delete", obj=f"stories.story:{pk} {headline}", step="Deleted for good from the trash")
    headlines = [headline for _, headline in gone]
    return headlines


def body_as_stored(markup: str) -> str:
    """The body as the write path keeps it: canonical (stories.body.clean_body), each photo block a
    photo that exists, shown once, and each story link to a story that exists, its address
    written from the story's id (a link to a story deleted since is kept as its text)."""
    body = clean_body(markup)
    photos = {block.photo_id for block in photo_blocks(body)}
    linked = linked_story_ids(body)
    if not photos and not linked:
        return body
    existing = set(PhotoAsset.objects.filter(pk__in=photos).values_list("pk", flat=True)) if photos else set()
    addresses = {
        pk: reverse("stories:detail", args=[slug])
        for pk, slug in (Story.objects.filter(pk__in=linked).values_list("pk", "slug") if linked else [])
    }
    return with_keys(
        body,
        photo_id=lambda pk: pk if pk in existing else None,
        story_link=lambda pk: (pk, addresses[pk]) if pk in addresses else None,
    )


def _place_photos(story: Story) -> None:
    """The story's PhotoPlacement rows, made to say what its body's photo blocks say: which photos,
    in what order, with which caption for this story. The only writer of those rows."""
    wanted = {block.photo_id: (position, block.caption) for position, block in enumerate(photo_blocks(story.body))}
    rows = {row.photo_id: row for row in PhotoPlacement.objects.filter(story=story)}
    gone = [row.pk for photo_id, row in rows.items() if photo_id not in wanted]
    if gone:
        PhotoPlacement.objects.filter(pk__in=gone).delete()
    new, changed = [], []
    for photo_id, (order, caption) in wanted.items():
        row = rows.get(photo_id)
        if row is None:
            new.append(PhotoPlacement(story=story, photo_id=photo_id, order=order, caption=caption))
        elif (row.order, row.caption) != (order, caption):
            row.order, row.caption = order, caption
            changed.append(row)
    PhotoPlacement.objects.bulk_update(changed, ["order", "caption"])
    PhotoPlacement.objects.bulk_create(new)


def _keep_old_address(*, story: Story, old_slug: str) -> None:
    """A story readers may have seen keeps answering at its old address, with a permanent redirect."""
    if story.published_at is None:
        return  # never public: nobody can have linked to it
    site = Site.objects.get_current()
    old_path, new_path = reverse("stories:detail", args=[old_slug]), story.get_absolute_url()
    Redirect.objects.filter(site=site, new_path=old_path).update(new_path=new_path)  # earlier renames too
    Redirect.objects.filter(site=site, old_path=new_path).delete()  # the slug came back
    Redirect.objects.update_or_create(site=site, old_path=old_path, defaults={"new_path": new_path})


def _link_waiting_related(story: Story) -> None:
    """Link `story` into every story whose "Related Stories" named its headline before it existed.

    Done when a story is made or its headline changes, however that happens (the admin, an
    import, a restore). Linking is a change to each waiting story, with a revision of its own;
    Newsroom makes it (no user), because whoever wrote this headline may not be allowed to change
    those stories.
    """
    waiting = RelatedHeadline.objects.filter(key=headline_key(story.headline)).exclude(story=story)
    for wanted in list(waiting.select_related("story")):  # read first: the loop writes to the table

        def link(waiting_story, wanted=wanted):
            waiting_story.related_stories.add(story)
            wanted.delete()

        _change(wanted.story, user=None, action=Action.SAVED, write_parts=link)


@transaction.atomic
def revision_restore(*, revision: Revision, user) -> Story:
    """Put the story's content back as it was in `revision`, and record that as a new revision.

    Restores the headline, slug, label, summary, byline, body (and with it the placed photos),
    publication and expiry times, tags, related stories and corrections. A revision recorded in
    the body's old form is restored converted (revisions.current_form). It does not restore workflow state: status and
    the historical collection change only through the workflow services (story_step), so a restore
    never publishes, withdraws, archives or brings back a story. For the same reason a published
    story keeps its publication time when the revision has none (the story was a draft then).

    Tags, related stories and photos deleted since are skipped; `story.restore_skipped` names
    them, for the editor. Raises ValidationError, changing nothing, if the old content no longer
    passes the story's checks, for example when another story has taken the slug since. A changed
    slug keeps the old address answering, as an edit in the admin does.
    The restore is itself a revision (Action.RESTORED), so it can be undone the same way.
    """
    story = story_lock(story=revision.story)
    _require_permission(user, story, Action.RESTORED)
    data = current_form(revision.snapshot)
    changes = {
        name: parse_datetime(data[name]) if name in DATETIME_FIELDS and data.get(name) else data.get(name)
        for name in RESTORED_FIELDS
    }
    if changes["published_at"] is None and story.status == Status.PUBLISHED:
        changes["published_at"] = story.published_at
    if changes["slug"] != story.slug and Story.objects.filter(slug=changes["slug"]).exclude(pk=story.pk).exists():
        raise ValidationError(
            {"slug": f"Another story now has the web address “{changes['slug']}”. Change that story's slug first."},
            code="slug_taken",
        )
    # The body brings its photos back; those deleted since are dropped from it by the save.
    photos = [block.photo_id for block in photo_blocks(changes["body"] or "")]
    found = set(PhotoAsset.objects.filter(pk__in=photos).values_list("pk", flat=True))
    places = photo_places(changes["body"] or "")
    skipped = [f"the photo {places[pk]} (photo #{pk})" for pk in photos if pk not in found]

    def put_parts_back(story):
        tags = Tag.objects.in_bulk(data.get("tags", []))
        skipped.extend(f"tag #{pk}" for pk in data.get("tags", []) if pk not in tags)
        story.tags.set(tags.values())

        related = Story.objects.exclude(pk=story.pk).in_bulk(data.get("related_stories", []))
        skipped.extend(f"related story #{pk}" for pk in data.get("related_stories", []) if pk not in related)
        story.related_stories.set(related.values())

        story.corrections.all().delete()
        Correction.objects.bulk_create(
            Correction(story=story, kind=c["kind"], noted_on=parse_date(c["noted_on"]), text=c["text"])
            for c in data.get("corrections", [])
        )

    story = _change(story, user=user, action=Action.RESTORED, changes=changes, write_parts=put_parts_back)
    story.restore_skipped = skipped
    return story


def story_replace_as_recorded(*, story_id: int, values: Mapping[str, Any]) -> None:
    """Put a newer copy of a story, from a site bundle (bundles.restore), in place of the one here,
    as it was recorded there: its fields, version and timestamps as the bundle has them, and none
    of its parts (tags, related stories, placed photos, corrections, waiting headlines, unpublished
    changes), which the bundle brings next, together with the revisions that recorded all of it.
    The unpublished changes here go with the older copy: the newer one has its own, or had them
    published or discarded since (each of which made a version). History is added to, not
    replaced: revisions, and notes between writer and editor, stay.

    Not a change made here, so not the write path: no version bump and no revision (the bundle's
    own come with it), and no announcement (the import refreshes the search index and the cached
    pages once, for everything it brought). With the bundle's inserts and generate_content's bulk
    load (demo/generate.py) it is the only writer of story rows besides `_change` and story_create.
    """
    Story._base_manager.filter(pk=story_id).update(**values)
    story = Story(pk=story_id)
    story.tags.through._base_manager.filter(story_id=story_id).delete()
    story.related_stories.through._base_manager.filter(from_story_id=story_id).delete()
    for part in ("placements", "corrections", "waiting_related"):
        getattr(story, part).all().delete()
    PendingChanges.objects.filter(story_id=story_id).delete()


# Drafts of live stories: a published story's edits wait in its PendingChanges until an Editor
# publishes them (at once, or at a time by the publish_scheduled_changes command). The story row
# stays as readers see it; each save, submission or schedule of the changes is still one version
# and one revision (of a PENDING_ACTIONS kind, whose snapshot is the pending version).


def _pending_photos(body: str) -> list[PhotoAsset]:
    wanted = [block.photo_id for block in photo_blocks(body)]
    found = PhotoAsset.objects.in_bulk(wanted)
    return [found[pk] for pk in wanted if pk in found]


def _record_pending(current: Story, data: dict, *, user, action: Action) -> None:
    """One version and one revision for a change to the unpublished changes; the story's own
    fields stay as readers see them, so nothing is announced and no page changes."""
    # update(), not save(): no signal, so the page cache keeps what readers are given.
    Story.objects.filter(pk=current.pk).update(version=F("version") + 1, updated_at=timezone.now())
    current.refresh_from_db(fields=["version", "updated_at"])
    live = snapshot(current)
    changed = [name for name, value in data.items() if live.get(name) != value]
    revision = record_revision(story=current, user=user, action=action, changes=(data, changed))
    # Only the step is announced (no part readers see changed): the desk tells the Editors of changes
    # submitted for review; search and the page cache have nothing to do.
    announce_change(story_id=current.pk, changed=(), revision=revision.number)


@transaction.atomic
def story_save_changes(
    *,
    story: Story,
    changes: Mapping[str, Any],
    user,
    expected_version: int | None,
    submit: bool = False,
    write_notes: WriteParts | None = None,
) -> PendingChanges | None:
    """Edits to a published story, kept as its unpublished changes: readers keep the live version.

    `changes` is what story_update takes. `write_notes(story)` writes the correction and update
    notes added with the changes, inside the lock: they are saved `pending` and wait with the
    changes (readers see a correction only with the fix it describes). Writers may prepare changes (and `submit` them for
    review); publishing them is the Editors' (story_publish_changes). A new save cancels a
    schedule set for the earlier changes: what goes live at a time is what an Editor scheduled.
    Returns the changes, or None when the save changed nothing and nothing was pending.
    """
    unknown = changes.keys() - EDITED_FIELDS - EDITED_PARTS
    if unknown:
        raise ValueError(f"story_save_changes changes what editors write, not {', '.join(sorted(unknown))}.")
    current = story_lock(story=story, expected_version=expected_version)
    if current.status != Status.PUBLISHED:
        raise ValueError(f"“{current.headline}” is not published: change it with story_update.")
    if user is not None and not user.has_perm("stories.change_story"):
        raise PermissionDenied(f"“{current.headline}” was not changed: you may not change stories.")
    record_baseline(current)
    if write_notes is not None:
        write_notes(current)
    pending = PendingChanges.objects.filter(story=current).first()
    live = snapshot(current)
    data = {**(pending.snapshot if pending else live), "corrections": notes_data(current.corrections.all())}
    draft = pending_story(current, data)
    fields = [name for name in changes if name in EDITED_FIELDS]
    for name in fields:
        setattr(draft, name, changes[name])
    if not draft.published_at:
        raise ValidationError(
            {"published_at": "A published story needs its publication time. To take it off the site, use Withdraw."}
        )
    draft.full_clean(exclude=[field.name for field in Story._meta.fields if field.name not in fields])
    draft.body = body_as_stored(draft.body)
    for name in RESTORED_FIELDS:
        value = getattr(draft, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    for name in EDITED_PARTS & changes.keys():
        data[name] = sorted(getattr(row, "pk", row) for row in changes[name])
    data["placements"] = [
        {"photo": block.photo_id, "order": order, "caption": block.caption}
        for order, block in enumerate(photo_blocks(draft.body))
    ]
    if pending is None and data == live and not submit:
        _bring_up_to_date(story, current)
        return None
    if pending is not None and data == pending.snapshot and not submit:
        _bring_up_to_date(story, current)
        return pending
    pending = pending or PendingChanges(story=current)
    pending.snapshot, pending.updated_by, pending.publish_at = data, user, None
    if submit:
        pending.submitted_at = timezone.now()
    pending.save()
    _record_pending(current, data, user=user, action=Action.CHANGES_SUBMITTED if submit else Action.CHANGES_SAVED)
    _bring_up_to_date(story, current)
    return pending


def _notes_no_longer_wait(story: Story) -> None:
    """The notes that waited with the changes go where the changes go: out to readers, or into the draft."""
    story.corrections.filter(pending=True).update(pending=False)


def _as_edits(story: Story, pending: PendingChanges) -> dict:
    """The unpublished changes as story_update's `changes` (tags and stories deleted since are left out)."""
    draft, data = pending_story(story, pending.snapshot), pending.snapshot
    changes = {name: getattr(draft, name) for name in RESTORED_FIELDS}
    changes["tags"] = list(Tag.objects.filter(pk__in=data.get("tags", [])))
    changes["related_stories"] = list(Story.objects.exclude(pk=story.pk).filter(pk__in=data.get("related_stories", [])))
    return changes


def _pending_or_refuse(current: Story) -> PendingChanges:
    pending = PendingChanges.objects.filter(story=current).first()
    if pending is None:
        raise ValidationError(f"“{current.headline}” has no unpublished changes.", code="no_changes")
    return pending


def pending_problems(story: Story, pending: PendingChanges) -> list[str]:
    """What must be fixed before the unpublished changes may go live."""
    draft = pending_story(story, pending.snapshot)
    return story_publication_problems(draft, photos=_pending_photos(draft.body))


@transaction.atomic
def _changes_checked(current: Story, pending, *, user, past_warnings: str) -> dict:
    """The checks before publishing on the changes as readers will see them, as story_publish runs them."""
    snapshot = pending.snapshot
    checked = draft_checks(summary=snapshot.get("summary", current.summary), body=snapshot.get("body", current.body))
    return _checks_passed(checked, pending_problems(current, pending), user=user, past_warnings=past_warnings)


def story_publish_changes(*, story: Story, user, expected_version: int | None = None, past_warnings: str = "") -> Story:
    """Write a live story's unpublished changes into it: readers see them from now on. Refused
    with a PublishRefused listing what to fix and the checks' findings (nothing changes then)."""
    current = story_lock(story=story, expected_version=expected_version)
    _require_permission(user, current, Action.CHANGES_PUBLISHED)
    pending = _pending_or_refuse(current)
    record = _changes_checked(current, pending, user=user, past_warnings=past_warnings)
    changes = _as_edits(current, pending)
    pending.delete()
    published = _change(
        story, user=user, action=Action.CHANGES_PUBLISHED, changes=changes, write_parts=_notes_no_longer_wait
    )
    Revision.objects.filter(story_id=published.pk, number=published.version).update(publish_checks=record)
    return published


@transaction.atomic
def story_schedule_changes(
    *, story: Story, user, at, expected_version: int | None = None, past_warnings: str = ""
) -> PendingChanges:
    """Publish a live story's unpublished changes at `at`: the publish_scheduled_changes command,
    run every minute by cron, publishes them then; readers keep the live version until it has."""
    current = story_lock(story=story, expected_version=expected_version)
    _require_permission(user, current, Action.CHANGES_SCHEDULED)
    pending = _pending_or_refuse(current)
    if at is None or at <= timezone.now():
        raise ValidationError("Choose a time ahead to publish the changes, or publish them now.", code="not_ahead")
    _changes_checked(current, pending, user=user, past_warnings=past_warnings)  # checked again when they go
    pending.publish_at = at
    pending.save(update_fields=["publish_at", "updated_at"])
    _record_pending(current, pending.snapshot, user=user, action=Action.CHANGES_SCHEDULED)
    _bring_up_to_date(story, current)
    return pending


@transaction.atomic
def story_discard_changes(*, story: Story, user, expected_version: int | None = None) -> Story:
    """Drop a live story's unpublished changes; the live version stays as it is."""
    current = story_lock(story=story, expected_version=expected_version)
    _require_permission(user, current, Action.CHANGES_DISCARDED)
    _pending_or_refuse(current).delete()
    current.corrections.filter(pending=True).delete()  # the notes that were to go out with them
    return _change(story, user=user, action=Action.CHANGES_DISCARDED)


def publish_due_changes(*, now=None) -> tuple[list[Story], list[tuple[Story, list[str]]]]:
    """Publish every set of unpublished changes whose time has come, each in its own transaction:
    those published, and those refused with the reasons (they stay pending, unscheduled)."""
    now = now or timezone.now()
    published, refused = [], []
    for pending in PendingChanges.objects.filter(publish_at__lte=now).select_related("story").order_by("publish_at"):
        try:
            published.append(story_publish_changes(story=pending.story, user=None))
        except ValidationError as error:
            PendingChanges.objects.filter(pk=pending.pk).update(publish_at=None)
            refused.append((pending.story, error.messages))
    return published, refused
