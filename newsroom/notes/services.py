"""Writing notes: add one (or a reply), resolve a thread, reopen it.

Each is recorded on the story's History page (Django's admin log) with who did it, and none of
them touches the story itself: its version, dates and revisions stay as they were.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from newsroom.core.history import NOTE_ADDED, NOTE_REOPENED, NOTE_REPLIED, NOTE_RESOLVED
from newsroom.notes.models import NOTE_LENGTH, Note
from newsroom.notes.selectors import body_blocks, may_read_notes, may_resolve
from newsroom.stories.models import Story

QUOTED = 60  # how much of a note its History line quotes


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text[:QUOTED]}…”" if len(text) > QUOTED else f"“{text}”"


def _log(user, story: Story, message: str) -> None:
    LogEntry.objects.log_actions(user.pk, [story], CHANGE, message, single_object=True)


def note_add(*, story: Story, user, text: str, block: int | None = None, reply_to: Note | None = None) -> Note:
    """A new thread on the story, anchored to its body's block number `block` (1 is the first) if
    given, or a reply to the thread `reply_to` belongs to. Refused with a ValidationError that
    says why: no text, too long, a block the body does not have, a thread of another story."""
    if not may_read_notes(user, story):
        raise PermissionDenied("You may not write notes on this story.")
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write the note before adding it.", code="empty")
    if len(text) > NOTE_LENGTH:
        raise ValidationError(
            f"A note can be at most {NOTE_LENGTH:,} characters (this one has {len(text):,}).", code="too_long"
        )
    note = Note(story=story, author=user, text=text)
    if reply_to is not None:
        if reply_to.story_id != story.pk:
            raise ValidationError("That note belongs to another story.", code="other_story")
        note.reply_to_id = reply_to.reply_to_id or reply_to.pk
        if block:
            raise ValidationError("A reply belongs to its thread's place in the body.", code="reply_block")
    elif block:
        blocks = dict(body_blocks(story.body))
        if block not in blocks:
            raise ValidationError(
                f"The body has no block {block} any more (it has {len(blocks)}). Choose the block again.",
                code="no_block",
            )
        note.block, note.block_label = block, blocks[block]
    with transaction.atomic():
        note.save()
        where = f" on {note.block_label}" if note.block else ""
        _log(user, story, f"{NOTE_REPLIED if note.reply_to_id else NOTE_ADDED}{where}: {_quoted(text)}.")
    return note


def note_resolve(*, note: Note, user) -> Note:
    return _set_resolved(note, user, resolved=True)


def note_reopen(*, note: Note, user) -> Note:
    return _set_resolved(note, user, resolved=False)


def _set_resolved(note: Note, user, *, resolved: bool) -> Note:
    """Resolving or reopening is the note's author's or an Editor's, and only a thread's first note
    has the thread's state."""
    if note.reply_to_id:
        raise ValidationError("Resolve the thread from its first note.", code="reply")
    if not may_read_notes(user, note.story) or not may_resolve(user, note):
        raise PermissionDenied("Only the note's author or an Editor may resolve or reopen it.")
    with transaction.atomic():
        current = Note.objects.select_for_update().get(pk=note.pk)
        if current.is_resolved == resolved:
            return current  # already so (a second click, or someone else got there first)
        current.resolved_at, current.resolved_by = (timezone.now(), user) if resolved else (None, None)
        current.save(update_fields=["resolved_at", "resolved_by"])
        _log(user, note.story, f"{NOTE_RESOLVED if resolved else NOTE_REOPENED}: {_quoted(current.text)}.")
    return current
