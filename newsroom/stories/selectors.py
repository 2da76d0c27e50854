"""What readers see of stories. Every public page reads through here, so "public" has one meaning."""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from django.db.models import Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Upper
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from newsroom.core.addresses import address
from newsroom.core.compiled_queries import CompiledQuery, WithParts
from newsroom.core.planning import Number
from newsroom.photos.models import PhotoAsset
from newsroom.stories.body import linked_story_ids, photo_blocks
from newsroom.stories.models import Correction, NoteKind, PendingChanges, PhotoPlacement, Status, Story, Tag
from newsroom.stories.revisions import pending_story


def _placements():
    return Prefetch("placements", queryset=PhotoPlacement.objects.select_related("photo"))


# Each story's first placed photo (the lowest position, then the first placed), with its photo: all
# a listing shows of a story's photos, so the others are not loaded for twenty stories. Built once,
# not on every listing request; a Prefetch only ever filters a copy of it.
_LEADS = PhotoPlacement.objects.filter(
    ~Exists(
        PhotoPlacement.objects.filter(story=OuterRef("story")).filter(
            Q(order__lt=OuterRef("order")) | Q(order=OuterRef("order"), pk__lt=OuterRef("pk"))
        )
    )
).select_related("photo")


# The lead placements of up to LEAD_SLOTS stories a query, compiled once per process: built afresh,
# this anti-join cost a listing more of Django's time than any other of its queries.
LEAD_SLOTS = 20
_STORY_SLOTS = {
    f"story{slot}": (PhotoPlacement._meta.get_field("story"), slot + 1, slot + 1 + LEAD_SLOTS)
    for slot in range(LEAD_SLOTS)
}
_LEADS_OF = CompiledQuery(lambda **stories: _LEADS.filter(story_id__in=list(stories.values())), **_STORY_SLOTS)
# Every placement of up to LEAD_SLOTS stories, with its photo, in the stories' own order: the home page's.
_PLACEMENTS_OF = CompiledQuery(
    lambda **stories: PhotoPlacement.objects.select_related("photo").filter(story_id__in=list(stories.values())),
    **_STORY_SLOTS,
)


def _placements_of(query: CompiledQuery, stories: dict[int, Story]) -> list[PhotoPlacement]:
    """`query`'s placements of `stories` (by id), LEAD_SLOTS stories a query, each with its story set."""
    ids, rows = list(stories), []
    for start in range(0, len(ids), LEAD_SLOTS):
        chunk = ids[start : start + LEAD_SLOTS]
        chunk += chunk[-1:] * (LEAD_SLOTS - len(chunk))  # the SQL has LEAD_SLOTS places to fill
        rows += query.objects(**{f"story{slot}": pk for slot, pk in enumerate(chunk)})
    for row in rows:
        row.story = stories[row.story_id]
    return rows


class _LeadPlacementRows:
    """What `Prefetch("lead_placement_rows", to_attr="lead_placements")` fetches through: Django's
    prefetcher protocol (get_prefetch_querysets, as GenericForeignKey's), answered by _LEADS_OF.
    Each story gets a list of its one lead placement, or none, with the photo and the story set."""

    def get_prefetch_querysets(self, instances, querysets=None):
        rows = _placements_of(_LEADS_OF, {story.pk: story for story in instances})
        return rows, attrgetter("story_id"), attrgetter("pk"), False, "lead_placements", False


Story.lead_placement_rows = _LeadPlacementRows()


def _lead_placements():
    return Prefetch("lead_placement_rows", to_attr="lead_placements")


def listed_stories(*, every_photo=False, now=None):
    """Published stories with what a listing shows: label, date, headline, summary, lead photo;
    with `every_photo`, all their placed photos (the home page's strip, search's captions)."""
    photos = _placements() if every_photo else _lead_placements()
    # A listing shows no body: left in the database, it was most of each row's bytes.
    stories = Story.objects.published(now=now).defer("body")
    return stories.select_related("collection").prefetch_related(photos)


def give_lead_photos(stories: list[Story]) -> None:
    """Gives stories read without their photos (a listing's queryset after prefetch_related(None))
    their lead placements, as listed_stories() would: for a page read one story long, to learn
    whether another page follows, whose extra story needs no photo."""
    prefetch_related_objects(stories, _lead_placements())


def current_news():
    return listed_stories().current()


def public_corrections():
    """Every correction and retraction readers can see, newest first, with its story: the
    corrections of published stories (current or archived), not those waiting with a live story's
    unpublished changes, and the retractions. Updates are not corrections and stay on their stories."""
    corrected = Q(kind=NoteKind.CORRECTION, story__in=Story.objects.published())
    retracted = Q(kind=NoteKind.RETRACTION, story__status=Status.RETRACTED)
    return (
        Correction.objects.filter(corrected | retracted, pending=False)
        .select_related("story")
        .order_by("-noted_on", "-id")
    )


def by_writer(stories, byline: str):
    """The stories among `stories` whose byline's address (models.byline_slug) is `byline`; None
    when it holds no word. The news listing by writer and the API read writers' stories through it.

    A byline is free text ("Staff Sgt. Maria Delgado, Army"); its address is the slug of the name,
    matched word by word whatever the punctuation between. Matched in upper case, the form the
    byline's trigram index holds, so PostgreSQL finds the writer's stories through it rather than
    testing every story's byline.
    """
    pattern = byline_pattern(byline)
    return None if pattern is None else _matching_byline(stories, pattern)


def byline_pattern(byline: str) -> str | None:
    """The regular expression by_writer matches UPPER(byline) with; None when `byline` holds no word."""
    words = [word for word in byline.split("-") if word]
    if not words:
        return None
    return r"^" + r"[^A-Z0-9]+".join(_upper_case_pattern(word) for word in words) + r"([^A-Z0-9]|$)"


def _matching_byline(stories, pattern: str):
    matching = Story.objects.alias(byline_upper=Upper("byline")).filter(byline_upper__regex=pattern)
    return stories.filter(pk__in=matching.values("pk"))


def _upper_case_pattern(word: str) -> str:
    """A word of a byline's address as a pattern for UPPER(byline). A letter outside ASCII is
    either case (SQLite's UPPER, and PostgreSQL's under the C locale, change ASCII letters only),
    composed or not ("é" or "e" and its combining accent, as some keyboards and pastes write it)."""
    return "".join(char.upper() if char.isascii() else _letter_pattern(char) for char in word.lower())


def _letter_pattern(char: str) -> str:
    forms = {form for case in (char, char.upper()) for form in (case, unicodedata.normalize("NFD", case))}
    return "(" + "|".join(sorted(re.escape(form) for form in forms)) + ")"


_TAG_BY_SLUG = CompiledQuery(
    lambda slug: Tag.objects.filter(slug=slug)[:1], slug=(Tag._meta.get_field("slug"), "a", "b")
)


def tag_for_reader(slug: str) -> Tag:
    """The tag a tag page or feed names, or 404 (compiled once per process, as a listing asks it each time)."""
    found = _TAG_BY_SLUG.objects(slug=slug)
    if not found:
        raise Http404("No tag has that address.")
    return found[0]


# Newest first, written so that no index provides the order: for a few thousand stories among
# a million (a small tag's, one writer's) PostgreSQL then starts from those stories and sorts
# them. Published stories all have a date, so where nulls would go changes nothing.
SORTED_AFTER_MATCHING = [F("published_at").desc(nulls_last=True), F("id").desc()]


def first_listing_page(
    top: int,
    *,
    archived=False,
    label: str | None = None,
    tag_id: int | None = None,
    byline: str | None = None,
    sorted_after_matching=False,
) -> list[Story]:
    """The first `top` stories of the news listing, a label's, a tag's or a writer's (`byline`, a
    byline's address), or of the whole archive, as the listing's queryset would give them, with
    their lead photos: a listing's first page, a feed. Compiled once per process for each shape
    (and each tag: its id is in the SQL, core/planning.py): Django built and compiled a listing's
    query on every request, 1.2-1.3 ms of the 10-12 ms of CPU a listing took."""
    if top <= 0:
        return []
    values = {"now": timezone.now()}
    if label is not None:
        values["label"] = label
    if byline is not None:
        values["pattern"] = byline_pattern(byline)
        if values["pattern"] is None:
            return []
    query = _first_page_query(
        top,
        archived=archived,
        labelled=label is not None,
        tag_id=tag_id,
        by_byline=byline is not None,
        sorted_after_matching=sorted_after_matching,
    )
    stories = query.objects(**values)
    prefetch_related_objects(stories, _lead_placements())
    return stories


def home_page(top: int) -> tuple[list[Story], list[PhotoAsset]]:
    """The newest `top` current stories, each with its lead photo, and the photos placed in them
    that have public copies (newest story first, then in each story's order), for the home page:
    two queries compiled once per process. Built as querysets, the home page cost more of
    Django's time in compiling them than in anything else it did."""
    # The news listing's first-page query (first_listing_page(top)'s), without its lead photos' query.
    news = _first_page_query(
        top, archived=False, labelled=False, tag_id=None, by_byline=False, sorted_after_matching=False
    )
    stories = news.objects(now=timezone.now())
    placed = {story.pk: [] for story in stories}
    for placement in _placements_of(_PLACEMENTS_OF, {story.pk: story for story in stories}):
        placed[placement.story_id].append(placement)
    for story in stories:  # a story's lead is its first placement, as _LEADS has it
        story.lead_placements = placed[story.pk][:1]
    photos = {p.photo_id: p.photo for story in stories for p in placed[story.pk] if p.photo.renditions}
    return stories, list(photos.values())


# Bounded: a query for each tag whose page is read, each kind and length, about 31 KB each (tracemalloc).
@lru_cache(maxsize=128)
def _first_page_query(top, archived, labelled, tag_id, by_byline, sorted_after_matching) -> CompiledQuery:
    def make(now, label=None, pattern=None):  # the SQL only: the lead photos come as listings get them
        stories = listed_stories(now=now)
        stories = stories.archived() if archived else stories.current()
        if labelled:
            stories = stories.filter(label=label)
        if tag_id is not None:
            stories = stories.filter(tags=Number(tag_id))
        if by_byline:
            stories = _matching_byline(stories, pattern)
        return stories.order_by(*(SORTED_AFTER_MATCHING if sorted_after_matching else ["-published_at", "-id"]))[:top]

    values = {"now": _NOW}
    if labelled:
        values["label"] = (Story._meta.get_field("label"), "news", "feature")
    if by_byline:  # two patterns as byline_pattern writes them
        values["pattern"] = (Story._meta.get_field("byline"), "^A([^A-Z0-9]|$)", "^B([^A-Z0-9]|$)")
    return CompiledQuery(make, **values)


def _with_everything_shown(stories):
    related = Prefetch("related_stories", queryset=_related_stories(Story.objects.published()))
    notes = Prefetch("corrections", queryset=Correction.objects.filter(pending=False))
    return stories.select_related("collection").prefetch_related(_placements(), "tags", related, notes)


# The story page's five queries, the same as _with_everything_shown's, compiled once per process:
# a reader's page is the hottest path there is (see newsroom/core/compiled_queries.py).
_NOW = (
    Story._meta.get_field("published_at"),
    datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC),
    datetime.datetime(2002, 2, 2, tzinfo=datetime.UTC),
)
_STORY_ID = (Story._meta.pk, 1, 2)
_PUBLISHED_STORY = CompiledQuery(
    lambda slug, now: Story.objects.published(now=now).select_related("collection").filter(slug=slug)[:1],
    slug=(Story._meta.get_field("slug"), "a", "b"),
    now=_NOW,
)
_STORY_PAGE_PARTS = {
    "placements": CompiledQuery(
        lambda story: PhotoPlacement.objects.select_related("photo").filter(story=story), story=_STORY_ID
    ),
    "tags": CompiledQuery(lambda story: Tag.objects.filter(stories=story), story=_STORY_ID),
    "related_stories": CompiledQuery(
        lambda story, now: _related_stories(Story.objects.published(now=now).filter(story=story)),
        story=_STORY_ID,
        now=_NOW,
    ),
    # A note waiting with a live story's unpublished changes is not the readers' yet.
    "corrections": CompiledQuery(lambda story: Correction.objects.filter(story=story, pending=False), story=_STORY_ID),
}
# On PostgreSQL the story and all four parts in one query.
_STORY_PAGE = WithParts(_PUBLISHED_STORY, **{name: (query, "story") for name, query in _STORY_PAGE_PARTS.items()})


def _related_stories(stories):
    # A related story shows only its headline and link: its body (the bulk of a row) stays in the database.
    return stories.order_by("-published_at").only("slug", "headline")


def story_for_reader(slug: str) -> Story:
    """A published story with its photos, tags, corrections and published related stories, or 404
    (StoryRetracted, a 404, when the address was a story's that is now retracted).

    The same rows as _with_everything_shown(Story.objects.published()), left on the story just as
    prefetch_related leaves them, so `story.tags.all()` and the rest make no query. On PostgreSQL
    the story and its parts are one query (WithParts). The addresses of the stories its body links
    to come with the related stories, in a query of their own.
    """
    now = timezone.now()
    found = _STORY_PAGE.objects(
        slug=slug, now=now, unwanted=lambda story, part: part == "related_stories" and linked_story_ids(story.body)
    )
    if not found:
        # Asked only once no published story answers: a retracted one's address still says so.
        raise _retracted(slug) or Http404("No published story has that address.")
    story, parts = found[0]
    story._prefetched_objects_cache = {}
    linked = linked_story_ids(story.body)
    story.linked_story_urls = {}
    if linked:
        parts["related_stories"] = _related_and_linked(story, linked, now)
    for relation, rows in parts.items():
        if relation in ("placements", "corrections"):
            for row in rows:
                row.story = story
        prefetched = _STORY_PAGE_PARTS[relation].model._base_manager.all()
        prefetched._result_cache, prefetched._prefetch_done = rows, True
        story._prefetched_objects_cache[relation] = prefetched
    return story


class StoryRetracted(Http404):
    """No published story is at this address, but a retracted one was: its page and the API answer
    410 with `story` and its retraction `note`; anything that only needs "not there" reads a 404."""

    def __init__(self, story: Story, note: Correction | None):
        super().__init__("That story was retracted.")
        self.story, self.note = story, note


def _retracted(slug: str) -> StoryRetracted | None:
    story = Story.objects.filter(slug=slug, status=Status.RETRACTED).first()
    if story is None:
        return None
    note = story.corrections.filter(kind=NoteKind.RETRACTION).order_by("-noted_on", "-id").first()
    return StoryRetracted(story, note)


def next_scheduled_change(*, now: datetime.datetime) -> datetime.datetime | None:
    """The next moment after `now` at which what readers see changes with no one saving anything:
    a published story's publication time or expiry time still ahead. None when there is none.

    Two index lookups, one row each, whatever the number of stories (story_published_idx read
    backward from `now`, and story_expiry_idx).
    """
    publication = Story.objects.scheduled(now=now).order_by("published_at").values_list("published_at", flat=True)
    expiry = (
        Story.objects.filter(status=Status.PUBLISHED, expires_at__gt=now)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
    )
    return min((moment for moment in (publication.first(), expiry.first()) if moment), default=None)


def scheduled_between(since: datetime.datetime, until: datetime.datetime) -> list[int]:
    """The published stories whose publication or expiry time falls from `since` to `until`: what
    readers' pages gained or lost in that time with no one saving anything."""
    came = Q(published_at__gte=since, published_at__lte=until) | Q(expires_at__gte=since, expires_at__lte=until)
    return list(Story.objects.filter(came, status=Status.PUBLISHED).order_by().values_list("pk", flat=True))


def _related_and_linked(story: Story, linked: set[int], now) -> list[Story]:
    """The story's published related stories; the published stories its body links to are read in
    the same query, their addresses kept on the story (`linked_story_urls`)."""
    related = Story.related_stories.through.objects.filter(from_story=story.pk, to_story=OuterRef("pk"))
    rows = _related_stories(
        Story.objects.published(now=now)
        .annotate(is_related=Exists(related))
        .filter(Q(is_related=True) | Q(pk__in=linked))
    )
    story.linked_story_urls = {row.pk: row.get_absolute_url() for row in rows if row.pk in linked}
    return [row for row in rows if row.is_related]


def story_links(story: Story) -> dict[int, str]:
    """The addresses of the stories the body links to that readers may open (a link to a draft,
    say, would give away its headline's slug): all that is needed to render its links."""
    if hasattr(story, "linked_story_urls"):
        return story.linked_story_urls
    linked = linked_story_ids(story.body)
    if not linked:
        return {}
    return {
        pk: address("stories:detail", slug)
        for pk, slug in Story.objects.published().filter(pk__in=linked).values_list("pk", "slug")
    }


def story_for_preview(pk: int) -> Story:
    """Any story, whatever its state, with everything its page shows; not one in the trash."""
    return get_object_or_404(_with_everything_shown(Story.objects.filter(trashed_at__isnull=True)), pk=pk)


def has_been_public(story: Story, *, now=None) -> bool:
    """Whether readers may ever have seen the story: then it stays on the record (withdrawn, never
    deleted). Each revision says how the story stood from its save until the next one: published
    with its time come by then, withdrawn or retracted, counts as seen."""
    now = now or timezone.now()
    states = [
        (story.status, story.published_at.isoformat() if story.published_at else None, now),
        *story.revisions.values_list("snapshot__status", "snapshot__published_at", "created_at"),
    ]
    states.sort(key=lambda state: state[2])
    for (status, published_at, _), (_, _, until) in zip(states, [*states[1:], (None, None, now)], strict=True):
        if status in (Status.WITHDRAWN, Status.RETRACTED):
            return True
        if status == Status.PUBLISHED and published_at and datetime.datetime.fromisoformat(published_at) <= until:
            return True
    return False


def lead_placement(story: Story) -> PhotoPlacement | None:
    """The story's first placed photo, from what was prefetched: a listing's lead placements or
    every placement (a story page, the home page)."""
    placements = getattr(story, "lead_placements", None)
    if placements is None:
        placements = story.placements.all()
    return next(iter(placements), None)


def lead_photo(story: Story):
    placement = lead_placement(story)
    return placement.photo if placement else None


@dataclass(frozen=True)
class PlacedPhoto:
    """A photo block of unpublished changes, read as a story page reads a PhotoPlacement (whose
    rows only the write path makes, for what is live)."""

    photo: PhotoAsset
    order: int
    caption: str

    @property
    def photo_id(self):
        return self.photo.pk

    @property
    def shown_caption(self):
        return self.caption or self.photo.caption


def _filled(queryset, rows):
    """A queryset that answers with `rows` without asking the database (as a prefetch leaves it)."""
    queryset._result_cache, queryset._prefetch_done = list(rows), True
    return queryset


def story_with_changes(pk: int) -> tuple[Story, PendingChanges]:
    """A live story as its unpublished changes will show it, for their preview (unsaved: readers
    still get the Story row); 404 when it has none."""
    story = story_for_preview(pk)
    pending = get_object_or_404(PendingChanges, story=story)
    shown = pending_story(story, pending.snapshot)
    blocks = photo_blocks(shown.body)
    photos = PhotoAsset.objects.in_bulk([block.photo_id for block in blocks])
    placements = [
        PlacedPhoto(photo=photos[block.photo_id], order=order, caption=block.caption)
        for order, block in enumerate(blocks)
        if block.photo_id in photos
    ]
    data = pending.snapshot
    shown._prefetched_objects_cache = {
        "placements": _filled(PhotoPlacement.objects.none(), placements),
        "tags": _filled(Tag.objects.none(), Tag.objects.filter(pk__in=data.get("tags", []))),
        "related_stories": _filled(
            Story.objects.none(),
            _related_stories(Story.objects.published().filter(pk__in=data.get("related_stories", []))),
        ),
        # With the notes that wait to go out with the changes (story.corrections holds the live ones).
        "corrections": Correction.objects.filter(story=story),
    }
    shown.collection = story.collection
    return shown, pending
