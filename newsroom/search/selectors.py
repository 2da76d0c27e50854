"""What search shows readers: published stories only, current and archived, best match first."""

import functools
import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Greatest, Left, Lower, NullIf, StrIndex, Substr

from newsroom.photos.models import PhotoAsset
from newsroom.photos.virin import VirinError, parse_virin
from newsroom.search.highlight import marked_excerpt, snippet_html
from newsroom.search.indexing import CONFIG, MARK_END, MARK_START, document_text, index_in_use
from newsroom.stories.models import PhotoPlacement, Story
from newsroom.stories.selectors import listed_stories

MAX_QUERY_LENGTH = 200
# How many of the newest matching stories are ranked and paged through (PostgreSQL): ten
# pages. Each one found costs a look at its search document, so this bounds a search's work.
RANKED_MATCHES = 200
# A snippet is cut from this many characters of a story's search document, starting SNIPPET_LEAD
# before the first place a word of the query appears, looked for within the first SNIPPET_REACH:
# ts_headline's work grows with the text it reads, and a search must cost the same whatever the
# length of the stories it finds.
SNIPPET_WINDOW = 800
SNIPPET_LEAD = 120
SNIPPET_REACH = 100_000
# Without the index, each word is a scan of the stories table; a few are plenty.
MAX_PLAIN_TERMS = 8

_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")
# Shaped like a VIRIN even when parse_virin refuses it (a legacy record, a typo'd date).
_VIRIN_SHAPE = re.compile(r"\d{6}-[A-Z]-[A-Z0-9]{5}-[A-Z0-9]{3,5}(?:-[A-Z]{2})?(?:\.(?:jpe?g|png|tiff?|webp))?", re.I)
_EXTENSION = re.compile(r"\.(?:jpe?g|png|tiff?|webp)$", re.I)


def clean_query(raw: str) -> str:
    """The query as typed, white space collapsed and length capped."""
    return " ".join(raw.split())[:MAX_QUERY_LENGTH].strip()


def photo_for_virin(query: str) -> PhotoAsset | None:
    """The photo a query names by its VIRIN, if a published story uses it; else None.

    Photos in no published story may be embargoed, so they are not found this way either.
    """
    candidates = set()
    try:
        candidates.add(str(parse_virin(query, lenient=True)))
    except VirinError:
        pass
    if _VIRIN_SHAPE.fullmatch(query):
        candidates.add(_EXTENSION.sub("", query).upper())
    if not candidates:
        return None
    in_published_story = PhotoPlacement.objects.filter(photo=OuterRef("pk"), story__in=Story.objects.published())
    return PhotoAsset.objects.filter(Exists(in_published_story), virin__in=candidates).first()


def search_stories(query: str):
    """Published stories matching `query`, best first.

    PostgreSQL: full-text search over the index, ranked by where the words are (headline
    first, then summary, body, photo captions and VIRINs), with snippets cut by ts_headline
    (RankedMatches, which the paginator pages through).
    Elsewhere: every word must appear somewhere, headline matches first.
    """
    return RankedMatches(query) if index_in_use() else _plain(query)


class RankedMatches:
    """A full-text search's matches, best first, as the paginator pages through them.

    One query ranks the newest RANKED_MATCHES matches, reading only their ids and ranks (a
    common word matches hundreds of thousands of stories, and ranking them all would read
    every one; PostgreSQL finds the newest by walking the date index for common words or from
    the search index for rare ones). Each page then loads its own stories and cuts their
    snippets, from a window of each document: a story's length never sets a search's cost.
    """

    def __init__(self, query: str):
        self.query = query
        self.search_query = SearchQuery(query, search_type="websearch", config=CONFIG)

    @functools.cached_property
    def ranked_ids(self) -> list[int]:
        newest = (
            Story.objects.published()
            .filter(search_document__vector=self.search_query)
            .order_by("-published_at", "-id")
            .annotate(rank=SearchRank(F("search_document__vector"), self.search_query))
            .values_list("pk", "rank")[:RANKED_MATCHES]
        )
        # Best rank first; among equal ranks the newer story, as the date order already has them.
        ranked = sorted(enumerate(newest), key=lambda found: (-found[1][1], found[0]))
        return [pk for _, (pk, _) in ranked]

    def count(self) -> int:
        return len(self.ranked_ids)

    def __getitem__(self, page: slice) -> list[Story]:
        ids = self.ranked_ids[page]
        if not ids:
            return []
        # The snippet stands for the body here, which is not read (as in every listing).
        found = listed_stories().filter(pk__in=ids).annotate(marked_snippet=self._snippet())
        by_id = {story.pk: story for story in found}
        return [by_id[pk] for pk in ids if pk in by_id]

    def _snippet(self) -> SearchHeadline:
        return SearchHeadline(
            snippet_source(query_terms(self.query)),
            self.search_query,
            config=CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_fragments=2,
            fragment_delimiter=" … ",
        )


def snippet_source(terms: list[str]) -> Substr:
    """The part of a story's search document its snippet is cut from: SNIPPET_WINDOW characters
    from a little before the first place the most telling word of the query appears.

    The words are looked for by their first letters ("ships" and "shipping" by "ship"), within
    SNIPPET_REACH characters; PostgreSQL then marks the words as search matched them, stems and
    all. A query whose words are not found that way gets the document's start.
    """
    text = F("search_document__text")
    reach = Lower(Left(text, SNIPPET_REACH))
    places = [NullIf(StrIndex(reach, Value(_stem_prefix(term))), 0) for term in _telling(terms)]
    first = Coalesce(*places, Value(1)) if places else Value(1)
    start = Greatest(first - Value(SNIPPET_LEAD), Value(1))
    return Substr(text, start, SNIPPET_WINDOW)


def _telling(terms: list[str]) -> list[str]:
    """The query's longest words first (the most particular), up to three, skipping the tiny ones."""
    words = dict.fromkeys(term.lower() for term in terms if len(term) > 2)
    return sorted(words, key=len, reverse=True)[:3]


def _stem_prefix(word: str) -> str:
    """A word's first letters, as many as most of its forms share: "ship" of "ships", "train" of "training"."""
    return word if len(word) <= 4 else word[: max(4, len(word) - 3)]


def query_terms(query: str) -> list[str]:
    return [word for word in _WORD.findall(query) if word.lower() not in {"or", "and"}][:MAX_PLAIN_TERMS]


def _plain(query: str):
    terms = query_terms(query)
    if not terms:
        return Story.objects.none()
    # Snippets quote the body (which listings leave unread) and may quote any photo's caption.
    stories = listed_stories(every_photo=True).defer(None)
    rank = Value(0)
    for term in terms:
        found = (
            Q(headline__icontains=term)
            | Q(summary__icontains=term)
            # In the body's words, not its markup: after a tag's end, before the next tag starts.
            | Q(body__iregex=">[^<]*" + re.escape(term))
            | Q(placements__caption__icontains=term)
            | Q(placements__photo__caption__icontains=term)
            | Q(placements__photo__virin__icontains=term)
        )
        # A subquery per word: no duplicate rows from the photo joins, and two words may
        # match in two different photos' captions.
        stories = stories.filter(pk__in=Story.objects.filter(found).values("pk"))
        rank = rank + Case(
            When(headline__icontains=term, then=Value(4)),
            When(summary__icontains=term, then=Value(2)),
            default=Value(1),
        )
    return stories.annotate(rank=rank).order_by("-rank", "-published_at", "-id")


def with_snippets(stories, query: str) -> list:
    """The stories as a list, each with `snippet`: safe HTML, the matches in <mark>."""
    stories = list(stories)
    for story in stories:
        marked = getattr(story, "marked_snippet", None)
        if marked is None:
            marked = marked_excerpt(document_text(story), query_terms(query))
        story.snippet = snippet_html(marked)
    return stories
