"""Reading notes: a story's threads, who may read and resolve them, the body's blocks to anchor to."""

from django.db.models import Count, Prefetch, Q

from newsroom.notes.models import Note
from newsroom.stories.body.clean import HEADINGS, Element, stored_blocks
from newsroom.stories.models import Story

WORDS = 8  # a block is named by its first few words
KINDS = {"p": "paragraph", "ul": "list", "ol": "list", "blockquote": "quote", "table": "table"}


def may_read_notes(user, story: Story | None = None) -> bool:
    """Writers and Editors read and write notes on the stories they may view (all of them)."""
    return user.is_active and user.has_perm("stories.view_story") and user.has_perm("notes.add_note")


def may_resolve(user, note: Note) -> bool:
    """A thread is resolved (or reopened) by the one who started it, or by an Editor."""
    return note.author_id == user.pk or user.has_perm("stories.publish_story")


def story_threads(story: Story) -> list[Note]:
    """The story's threads, oldest first, open ones before resolved, each with its replies: three
    queries however many notes there are."""
    replies = Prefetch("replies", queryset=Note.objects.select_related("author").order_by("created_at", "id"))
    threads = (
        Note.objects.filter(story=story, reply_to__isnull=True)
        .select_related("author", "resolved_by")
        .prefetch_related(replies)
        .order_by("created_at", "id")
    )
    threads = list(threads)
    return [note for note in threads if not note.is_resolved] + [note for note in threads if note.is_resolved]


def note_counts(story: Story) -> dict:
    """How many threads the story has, and how many of them are open: one query."""
    return Note.objects.filter(story=story, reply_to__isnull=True).aggregate(
        threads=Count("pk"), open=Count("pk", filter=Q(resolved_at__isnull=True))
    )


def _words(node) -> str:
    return "".join(
        child if isinstance(child, str) else " " if child.tag == "br" else _words(child) for child in node.children
    )


def _describe(block: Element) -> str:
    if "data-photo" in block.attrs:
        return f"the photo (photo ID {block.attrs['data-photo']})"
    if "data-video" in block.attrs:
        return f"the video “{block.attrs.get('data-title', '')}”"
    kind = "subheading" if block.tag in HEADINGS else KINDS.get(block.tag, "block")
    words = _words(block).split()
    if not words:
        return f"an empty {kind}"
    start = " ".join(words[:WORDS])
    return f"the {kind} starting “{start}{'…' if len(words) > WORDS else ''}”"


def body_blocks(body: str) -> list[tuple[int, str]]:
    """The body's blocks as a note can name them: (1, "the paragraph starting “The levee held…”")."""
    return [(number, _describe(block)) for number, block in enumerate(stored_blocks(body or ""), start=1)]
