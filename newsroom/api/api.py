"""The public read API, /api/v1/: what readers may see, as JSON, for the people who reuse the news.

Every answer reads through the selectors readers' pages read through (stories.selectors,
search.selectors, archive.selectors), so "public" has the one meaning it has on the site: no
draft, story in review, scheduled story before its time, withdrawn or expired story, no live
story's unpublished changes or notes waiting with them, no editor's note and no original file.

Answers go through the page cache like readers' pages (website/caching.py): each notes what it
shows (core.cache.page_shows, with stories.shown's keys), so an edit retires exactly the answers
showing what it changed; they are sent `Cache-Control: public` with the page cache's lifetimes
and an ETag, and a client that has the answer already gets 304. Search is kept in each server
process only, as the search page is.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from ninja import NinjaAPI, Query
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.responses import Status as Answer

from newsroom.api import answers, cursors, schemas
from newsroom.archive.models import Collection
from newsroom.archive.selectors import collections_with_public_counts
from newsroom.core.cache import keep_here_only, page_shows
from newsroom.core.pagination import SMALL_SET, kept_count
from newsroom.photos.models import PhotoAsset
from newsroom.photos.virin import VirinError, parse_virin
from newsroom.search import selectors as search
from newsroom.stories import shown
from newsroom.stories.embargo import in_published_stories
from newsroom.stories.models import Label, Status, Story, Tag
from newsroom.stories.selectors import (
    SORTED_AFTER_MATCHING,
    StoryRetracted,
    by_writer,
    give_lead_photos,
    listed_stories,
    story_for_reader,
    tag_for_reader,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# What can go wrong, as the description documents it: a bad query, nothing there, too many requests (edge.py).
PROBLEMS = frozenset({400, 404, 429})


class BadRequest(Exception):
    """A question the API cannot answer as asked: the message says what to change."""


class _Encoder(NinjaJSONEncoder):
    def default(self, o):
        # To the microsecond, as stored (Django's encoder stops at the millisecond): a time given
        # back as published_after or published_before then finds the story it came from.
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


class _Renderer(JSONRenderer):
    encoder_class = _Encoder
    json_dumps_params = {"separators": (",", ":")}


api = NinjaAPI(
    title=f"{settings.SITE_NAME} public API",
    version="1",
    description=(
        "What readers may see of the site's news, as JSON: stories, photos, tags, historical collections "
        "and search. Read-only, no key needed; CORS allows any origin. Lists are newest first, a page at a "
        "time: follow `next` until it is null. Answers carry an ETag (send If-None-Match to get 304) and "
        "Cache-Control; each client address may make a limited number of requests a minute (429 with "
        "Retry-After past it)."
    ),
    urls_namespace="api-v1",
    renderer=_Renderer(),
)


@api.exception_handler(BadRequest)
def _bad_request(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error['loc'][1:]) or 'query'}: {error['msg']}" for error in exc.errors
    )
    return api.create_response(request, {"detail": f"Bad query: {problems}."}, status=400)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


# --------------------------------------------------------------------------- helpers


def _known_parameters(request, *names):
    """A misspelt filter would otherwise be ignored, and the client would take all stories for the
    few it asked. A name starting with "_" is a cache buster (`_=1700000000`, as some HTTP
    libraries add), never a filter: it is let through."""
    unknown = sorted(name for name in set(request.GET) - set(names) if not name.startswith("_"))
    if unknown:
        takes = f"takes {', '.join(names)}" if names else "takes none"
        raise BadRequest(f"Unknown parameter {', '.join(unknown)}; this address {takes}.")


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise BadRequest(f"limit must be from 1 to {MAX_PAGE_SIZE}.")
    return limit


def _moment(name: str, value: str | None) -> datetime.datetime | None:
    """A date (the day's start on the site's clock) or a date and time, in ISO 8601."""
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
        moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    except (ValueError, OverflowError):
        moment = None
    if moment is None or not cursors.storable(moment):
        raise BadRequest(
            f"{name} must be a date or a date and time in ISO 8601, e.g. 2025-05-01 or 2025-05-01T09:00:00Z."
        )
    return moment


def _after(request, cursor_value: str) -> str:
    """The address of the next page: this one's query with the cursor moved on."""
    query = {name: value for name, value in request.GET.items() if name != "cursor"}
    query["cursor"] = cursor_value
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")


def _keyset_page(request, rows, limit, key):
    """The first `limit` of `rows` (read one more, to know whether a next page exists) and its address."""
    rows = list(rows[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (_after(request, cursors.encode(*key(rows[-1]))) if more else None)


# --------------------------------------------------------------------------- the endpoints


@api.get(
    "/",
    response={200: schemas.Index, PROBLEMS: schemas.Problem},
    url_name="index",
    operation_id="index",
    summary="What the API offers",
)
def index(request):
    _known_parameters(request)
    return {
        name: answers.absolute(request, reverse(f"api-v1:{view}"))
        for name, view in (
            ("stories", "stories"),
            ("photos", "photos"),
            ("tags", "tags"),
            ("collections", "collections"),
            ("search", "search"),
            ("openapi", "openapi-json"),
            ("docs", "openapi-view"),
        )
    }


@api.get(
    "/stories",
    response={200: schemas.StoryPage, PROBLEMS: schemas.Problem},
    url_name="stories",
    operation_id="listStories",
    summary="Published stories, newest first",
)
def list_stories(
    request,
    tag: str | None = Query(None, description="A tag's slug, e.g. disaster-response."),
    label: str | None = Query(None, description=f"The kind of story: {', '.join(Label.values)}."),
    byline: str | None = Query(None, description="A writer's address, as in /news/by/<writer>/: jim-garamone."),
    archived: bool | None = Query(
        None, description="true: only stories in historical collections; false: only current news; unset: both."
    ),
    collection: str | None = Query(None, description="A historical collection's slug (its stories are archived)."),
    published_after: str | None = Query(None, description="On or after this date or time (ISO 8601)."),
    published_before: str | None = Query(None, description="Before this date or time (ISO 8601)."),
    limit: int = Query(PAGE_SIZE, description=f"Stories a page, 1 to {MAX_PAGE_SIZE}."),
    cursor: str | None = Query(None, description="Where the page starts: take it from the last page's `next`."),
):
    _known_parameters(
        request,
        "tag",
        "label",
        "byline",
        "archived",
        "collection",
        "published_after",
        "published_before",
        "limit",
        "cursor",
    )
    limit = _limit(limit)
    stories = listed_stories()
    newest_first = ["-published_at", "-id"]
    # What the answer shows, so that a change to any story it lists, or one joining or leaving
    # what it lists, retires it (stories/shown.py; a story moving anywhere retires NEWS or ARCHIVE).
    shows = set()
    if archived is not True and collection is None:
        shows.add(shown.NEWS)
    if archived is not False or collection is not None:
        shows.add(shown.ARCHIVE)
    if archived is True:
        stories = stories.archived()
    elif archived is False:
        stories = stories.current()
    if tag is not None:
        try:
            found = tag_for_reader(tag)
        except Http404:
            raise BadRequest(f"No tag has the slug “{tag}”: /api/v1/tags lists them.") from None
        stories = stories.filter(tags=found)
        shows |= {shown.tag_key(found.pk), shown.tagged_key(found.pk)}
        # A small tag's stories (a few thousand of a million), as its page finds them
        # (core/pagination.py): through the tag's own index, then sorted, rather than by walking
        # the date index until a page of them turns up (345 ms at the 95th percentile for a tag of
        # 1,770 stories among a million). Its count is kept until the content changes.
        if kept_count(f"api:tag:{found.pk}", listed_stories().filter(tags=found)) <= SMALL_SET:
            newest_first = SORTED_AFTER_MATCHING
    if label is not None:
        if label not in Label.values:
            raise BadRequest(f"label must be one of {', '.join(Label.values)}.")
        stories = stories.filter(label=label)
        shows.add(shown.label_key(label))
    if byline is not None:
        stories = by_writer(stories, byline)
        if stories is None:
            raise BadRequest("byline must be a writer's address, such as jim-garamone.")
        shows.add(shown.BYLINES)
        # As a writer's page orders them: PostgreSQL then finds the writer's stories through the
        # byline's index and sorts them, rather than walking the date index until a page of them
        # turns up (17 ms for a writer of 337 stories among 100,000, against 3; ten times that at a million).
        newest_first = SORTED_AFTER_MATCHING
    if collection is not None:
        chosen = Collection.objects.filter(slug=collection).first()
        if chosen is None:
            raise BadRequest(f"No historical collection has the slug “{collection}”: /api/v1/collections lists them.")
        stories = stories.filter(collection=chosen)
        shows.add(shown.collection_key(chosen.pk))
    after = _moment("published_after", published_after)
    before = _moment("published_before", published_before)
    if after is not None:
        stories = stories.filter(published_at__gte=after)
    if before is not None:
        stories = stories.filter(published_at__lt=before)
    if cursor is not None:
        try:
            moment, pk = cursors.decode_moment(cursor)
        except cursors.BadCursor:
            raise BadRequest("cursor is not one this API gave: take it from a page's `next`.") from None
        # On or before the last story's time, less that time's later ids: the first condition is
        # where the date index's range starts, so the database reads only this page's entries.
        stories = stories.filter(published_at__lte=moment).exclude(published_at=moment, pk__gte=pk)
    rows, following = _keyset_page(
        request,
        stories.prefetch_related(None).order_by(*newest_first),
        limit,
        lambda story: (story.published_at, story.pk),
    )
    give_lead_photos(rows)
    page_shows(request, shows | shown.listed(rows))
    return {"items": [answers.story_summary(request, story) for story in rows], "next": following}


@api.get(
    "/stories/{slug}",
    response={200: schemas.Story, 410: schemas.Retraction, PROBLEMS: schemas.Problem},
    url_name="story",
    operation_id="getStory",
    summary="A published story, by its slug",
)
def get_story(request, slug: str):
    _known_parameters(request)
    try:
        story = story_for_reader(slug)
    except StoryRetracted as gone:
        return Answer(410, _retraction(request, gone.story, gone.note))
    page_shows(request, shown.story_page_shows(story))
    return answers.story(request, story)


def _retraction(request, story, note) -> dict:
    """What a retracted story's address tells machines: gone, and why (the readers' notice, as data)."""
    return {
        "detail": "This story was retracted and is no longer published.",
        "headline": story.headline,
        "url": answers.absolute(request, story.get_absolute_url()),
        "published_at": story.published_at,
        "retracted_on": note.noted_on if note else None,
        "reason": note.text if note else "",
    }


@api.get(
    "/stories/id/{story_id}",
    response={200: schemas.Story, 410: schemas.Retraction, PROBLEMS: schemas.Problem},
    url_name="story-by-id",
    operation_id="getStoryById",
    summary="A published story, by its id",
)
def get_story_by_id(request, story_id: int):
    _known_parameters(request)
    slug = (
        Story.objects.filter(Q(pk__in=Story.objects.published()) | Q(status=Status.RETRACTED), pk=story_id)
        .values_list("slug", flat=True)
        .first()
    )
    if slug is None:
        raise Http404("No published story has that id.")
    return get_story(request, slug)


@api.get(
    "/photos",
    response={200: schemas.PhotoPage, PROBLEMS: schemas.Problem},
    url_name="photos",
    operation_id="listPhotos",
    summary="Photos in published stories, newest upload first",
)
def list_photos(
    request,
    limit: int = Query(PAGE_SIZE, description=f"Photos a page, 1 to {MAX_PAGE_SIZE}."),
    cursor: str | None = Query(None, description="Where the page starts: take it from the last page's `next`."),
):
    _known_parameters(request, "limit", "cursor")
    limit = _limit(limit)
    # As readers' photo pages: a photo no published story uses may be embargoed, so it is not listed.
    photos = PhotoAsset.objects.filter(pk__in=in_published_stories())
    if cursor is not None:
        try:
            moment, pk = cursors.decode_moment(cursor)
        except cursors.BadCursor:
            raise BadRequest("cursor is not one this API gave: take it from a page's `next`.") from None
        photos = photos.filter(created_at__lte=moment).exclude(created_at=moment, pk__gte=pk)
    rows, following = _keyset_page(
        request, photos.order_by("-created_at", "-id"), limit, lambda photo: (photo.created_at, photo.pk)
    )
    # SITEMAPS goes with every change to which photos published stories use (a story published,
    # withdrawn or moved, a photo placed or taken out); NEWS and ARCHIVE with a story's time coming.
    page_shows(request, {shown.SITEMAPS, shown.NEWS, shown.ARCHIVE, *(shown.photo_key(photo.pk) for photo in rows)})
    return {"items": [answers.photo_brief(request, photo) for photo in rows], "next": following}


@api.get(
    "/photos/{virin}",
    response={200: schemas.Photo, PROBLEMS: schemas.Problem},
    url_name="photo",
    operation_id="getPhoto",
    summary="A photo in a published story, by its VIRIN",
)
def get_photo(request, virin: str):
    _known_parameters(request)
    photo = PhotoAsset.objects.filter(virin=virin.strip().upper()).first()
    stories = []
    if photo is not None:
        stories = list(
            Story.objects.published()
            .filter(placements__photo=photo)
            .order_by("-published_at", "-id")
            .only("slug", "headline")
        )
    if not stories:
        raise Http404("No published story uses a photo with that VIRIN.")
    try:
        says = [{"label": label, "value": value} for label, value in parse_virin(photo.virin, lenient=True).explain()]
    except VirinError:
        says = []
    page_shows(
        request,
        {shown.photo_key(photo.pk), shown.photo_uses_key(photo.pk), *(shown.story_key(story.pk) for story in stories)},
    )
    return {
        **answers.photo_brief(request, photo),
        "place": photo.place,
        "keywords": photo.keyword_list,
        "virin_says": says,
        "stories": [answers.story_link(request, story) for story in stories],
    }


@api.get(
    "/tags",
    response={200: schemas.TagPage, PROBLEMS: schemas.Problem},
    url_name="tags",
    operation_id="listTags",
    summary="Tags, by name",
)
def list_tags(
    request,
    limit: int = Query(MAX_PAGE_SIZE, description=f"Tags a page, 1 to {MAX_PAGE_SIZE}."),
    cursor: str | None = Query(None, description="Where the page starts: take it from the last page's `next`."),
):
    _known_parameters(request, "limit", "cursor")
    limit = _limit(limit)
    tags = Tag.objects.order_by("name")
    if cursor is not None:
        try:
            tags = tags.filter(name__gt=cursors.decode_name(cursor))
        except cursors.BadCursor:
            raise BadRequest("cursor is not one this API gave: take it from a page's `next`.") from None
    rows, following = _keyset_page(request, tags, limit, lambda tag: (tag.name,))
    # A tag made, renamed or deleted retires SITEMAPS as well as its own key.
    page_shows(request, {shown.SITEMAPS, *(shown.tag_key(tag.pk) for tag in rows)})
    return {"items": [answers.tag(request, tag) for tag in rows], "next": following}


@api.get(
    "/tags/{slug}",
    response={200: schemas.Tag, PROBLEMS: schemas.Problem},
    url_name="tag",
    operation_id="getTag",
    summary="A tag, by its slug",
)
def get_tag(request, slug: str):
    _known_parameters(request)
    tag = tag_for_reader(slug)
    page_shows(request, {shown.tag_key(tag.pk)})
    return answers.tag(request, tag)


@api.get(
    "/collections",
    response={200: list[schemas.Collection], PROBLEMS: schemas.Problem},
    url_name="collections",
    operation_id="listCollections",
    summary="Historical collections, with how many stories readers can see in each",
)
def list_collections(request):
    _known_parameters(request)
    collections = collections_with_public_counts()
    page_shows(request, {shown.ARCHIVE, *(shown.collection_key(each.pk) for each in collections)})
    return [answers.collection(request, each) for each in collections]


@api.get(
    "/collections/{slug}",
    response={200: schemas.Collection, PROBLEMS: schemas.Problem},
    url_name="collection",
    operation_id="getCollection",
    summary="A historical collection, by its slug",
)
def get_collection(request, slug: str):
    _known_parameters(request)
    found = [each for each in collections_with_public_counts() if each.slug == slug]
    if not found:
        raise Http404("No historical collection has that slug.")
    page_shows(request, {shown.ARCHIVE, shown.collection_key(found[0].pk)})
    return answers.collection(request, found[0])


@api.get(
    "/search",
    response={200: schemas.SearchPage, PROBLEMS: schemas.Problem},
    url_name="search",
    operation_id="search",
    summary="Published stories matching words, best match first; a VIRIN names its photo",
)
def search_stories(
    request,
    response: HttpResponse,
    q: str = Query(..., description="Words to look for, or a photo's VIRIN."),
    limit: int = Query(PAGE_SIZE, description=f"Stories a page, 1 to {MAX_PAGE_SIZE}."),
    cursor: str | None = Query(None, description="Where the page starts: take it from the last page's `next`."),
):
    _known_parameters(request, "q", "limit", "cursor")
    limit = _limit(limit)
    # As the search page: every query would be its own entry, so answers are kept in this process
    # only (never the shared cache or a CDN), and any change retires them.
    keep_here_only(request)
    patch_cache_control(response, private=True)
    query = search.clean_query(q)
    if not query:
        raise BadRequest("q must hold a word to look for.")
    offset = 0
    if cursor is not None:
        try:
            offset = cursors.decode_offset(cursor)
        except cursors.BadCursor:
            raise BadRequest("cursor is not one this API gave: take it from a page's `next`.") from None
    photo = search.photo_for_virin(query)
    matches = search.search_stories(query)
    if isinstance(matches, search.RankedMatches):
        # The ranked ids are read whole (RANKED_MATCHES at most): they say whether more follow.
        rows = search.with_snippets(matches[offset : offset + limit], query)
        more = offset + limit < matches.count()
    else:
        rows = search.with_snippets(matches[offset : offset + limit + 1], query)
        more = len(rows) > limit
        rows = rows[:limit]
    return {
        "query": query,
        "photo": answers.photo_brief(request, photo) if photo else None,
        "items": [{**answers.story_summary(request, story), "snippet": str(story.snippet)} for story in rows],
        "next": _after(request, cursors.encode(offset + limit)) if more else None,
        # Full-text search ranks the newest RANKED_MATCHES matches only; there may be more.
        "capped": search.index_in_use() and matches.count() >= search.RANKED_MATCHES,
    }


# Last, so that it matches only what nothing above does: a client's mistyped address gets JSON too.
@api.get("/{path:rest}", include_in_schema=False, url_name="not-found")
def not_found(request, rest: str):
    raise Http404("Nothing is at that address: /api/v1/ lists what the API offers.")
