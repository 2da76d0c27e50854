"""Keeping the search index current: each story's search document, rebuilt from its rows.

Only PostgreSQL has an index; on any other database (SQLite in development) search reads the
stories directly and every function here does nothing. Refreshes run after the transaction
that changed a story commits, and only when it changed what the document is made of
(SEARCHED_PARTS; see signal_handlers.py), so they read what readers will see.
"""

import functools
import html
import operator

import nh3
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Prefetch, Value

from newsroom.search.models import StorySearchDocument
from newsroom.stories.body import body_text
from newsroom.stories.models import PhotoPlacement, Story

# The text search configuration for documents and queries alike: English stemming, so
# "clinics" finds "clinic"; VIRINs and originator IDs are kept whole as well as in parts.
CONFIG = "english"

# Snippet markers: private-use characters no editor types. Snippets are cut from plain text
# between these, and highlight.py escapes everything before turning them into <mark>.
MARK_START = "\ue000"
MARK_END = "\ue001"

# The version of the rules below that make a search document (its parts, their weights, CONFIG,
# plain_text). Bump it whenever any of them changes: export_newsroom writes it beside the
# documents it carries, and import_newsroom uses carried documents only when the number is ours,
# making them again otherwise. 2: the body's text is its prose blocks' (stories.body.body_text).
SEARCH_RULES_VERSION = 2
# The weight of each part of document_parts(), in its order: headline, summary, body, captions.
WEIGHTS = ("A", "B", "C", "D")
# What a document is made of, as a story's changes name them (stories.signals.story_changed).
# A change to anything else (byline, times, status, tags ...) leaves the document as it was.
# Keep it in step with document_parts(); a photo's own caption and VIRIN are followed apart.
SEARCHED_PARTS = frozenset({"headline", "summary", "body", "placements"})


def index_in_use() -> bool:
    return connection.vendor == "postgresql"


def plain_text(markup: str) -> str:
    """The text a reader sees of some HTML: no tags, no script contents, entities decoded."""
    return _without_marks(html.unescape(nh3.clean(markup, tags=set())))


def _without_marks(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")


def _stories_with_photos():
    return Story.objects.prefetch_related(
        Prefetch("placements", queryset=PhotoPlacement.objects.select_related("photo"))
    )


def _placed(story: Story) -> list[tuple[str, str, str]]:
    return [(p.caption, p.photo.caption, p.photo.virin) for p in story.placements.all()]


def document_parts(headline: str, summary: str, body: str, placed) -> tuple[list[str], str]:
    """The rules of a search document: the text of each weighted part (in WEIGHTS order), and
    the text snippets quote. `placed` is (caption written for this story, photo's own caption,
    VIRIN) for each placed photo, in story order. Change these, bump SEARCH_RULES_VERSION."""
    # The body's prose, block by block; its photos are searched by their captions and VIRINs below.
    summary, body = plain_text(summary), _without_marks(body_text(body))
    # Any captions written for this story first, then each photo's own.
    captions = [plain_text(here) for here, _, _ in placed if here] + [plain_text(own) for _, own, _ in placed]
    virins = [virin for _, _, virin in placed]
    snippet = "\n\n".join(part for part in (summary, body, *captions) if part)
    return [headline, summary, body, " ".join([*captions, *virins])], snippet


def document_text(story: Story) -> str:
    """What a snippet may quote: the summary, the body as readers read it, the photo captions."""
    return document_parts(story.headline, story.summary, story.body, _placed(story))[1]


def _document_values(story: Story) -> dict:
    parts, text = document_parts(story.headline, story.summary, story.body, _placed(story))
    vectors = [SearchVector(Value(part), config=CONFIG, weight=weight) for part, weight in zip(parts, WEIGHTS)]
    return {"vector": functools.reduce(operator.add, vectors), "text": text}


def refresh_story(story_id: int) -> None:
    """Rebuild one story's search document from its current rows; nothing if it is gone."""
    if not index_in_use():
        return
    with transaction.atomic():
        # Locking the story row orders this refresh after any edit still in progress, whose
        # own refresh then runs last: an older version never overwrites a newer one.
        story = _stories_with_photos().select_for_update().filter(pk=story_id).first()
        if story is None:
            return
        StorySearchDocument.objects.update_or_create(story=story, defaults=_document_values(story))


def refresh_stories_with_photo(photo_id: int) -> None:
    """A photo's caption or VIRIN changed: refresh every story it is placed in."""
    if not index_in_use():
        return
    for story_id in Story.objects.filter(placements__photo_id=photo_id).values_list("pk", flat=True):
        refresh_story(story_id)


def refresh_all(*, chunk_size: int = 200, progress=None) -> int:
    """Rebuild every story's search document; returns how many. `progress(done, total)` is called per chunk."""
    if not index_in_use():
        return 0
    stories = _stories_with_photos().order_by("pk")
    total = stories.count()
    done = 0
    batch = []
    for story in stories.iterator(chunk_size=chunk_size):
        batch.append(StorySearchDocument(story=story, **_document_values(story)))
        if len(batch) == chunk_size:
            done += _save(batch)
            if progress:
                progress(done, total)
            batch = []
    if batch:
        done += _save(batch)
        if progress:
            progress(done, total)
    return done


def _save(documents: list) -> int:
    StorySearchDocument.objects.bulk_create(
        documents, update_conflicts=True, unique_fields=["story"], update_fields=["vector", "text", "refreshed_at"]
    )
    return len(documents)
