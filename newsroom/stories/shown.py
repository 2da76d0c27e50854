"""What readers' pages show, as the page cache's keys (newsroom/core/cache.py), and which of
those keys a change to a story retires.

A page says what it shows: a story page its story, photos, tags, historical collection and the
stories it links to; a listing its own key ("news", "label:feature", "tagged:3", "bylines",
"archive", "uses:7" for a photo's page) and each story and lead photo it lists. So an edit to a
story's words retires its page, the listing pages and feeds that show it and the pages that
link to it; a change to where it is listed (published, withdrawn, another label, tags, byline,
date, collection) retires every page of the listings it leaves or joins.
"""

from newsroom.stories.body import linked_story_ids
from newsroom.stories.models import ArchiveStatus, PhotoPlacement, Story
from newsroom.stories.selectors import lead_placement

NEWS = "news"  # the home page, the news listing and its feeds
BYLINES = "bylines"  # a writer's page matches bylines by their first words: all of them
ARCHIVE = "archive"  # the archive's pages, each with every collection's count
SITEMAPS = "sitemaps"
CORRECTIONS = "corrections"  # the corrections page and its feeds: every public story's corrections
# The fields that decide which listings show a story, and where.
PLACE_FIELDS = frozenset(
    {"status", "published_at", "expires_at", "label", "byline", "archive_status", "collection", "trashed_at"}
)


def _keyed(kind):
    return lambda pk: f"{kind}:{pk}"


# story: a story, on its page and wherever it is listed or linked to; photo: a photo, wherever it
# is shown; uses: a photo's page, which lists the published stories that use it; tag: a tag's name
# and address, on its stories' pages; tagged: the listing of a tag's stories (its page and feeds).
story_key, photo_key, photo_uses_key, tag_key, tagged_key, label_key, collection_key = map(
    _keyed, ("story", "photo", "uses", "tag", "tagged", "label", "collection")
)


def story_page_shows(story: Story) -> set[str]:
    """What a story page shows, from what story_for_reader loaded (no query)."""
    keys = {story_key(story.pk)}
    keys.update(photo_key(placement.photo_id) for placement in story.placements.all())
    keys.update(tag_key(tag.pk) for tag in story.tags.all())
    keys.update(story_key(other.pk) for other in story.related_stories.all())
    # Every story the body links to, shown or not yet: its link appears when it is published.
    keys.update(story_key(pk) for pk in linked_story_ids(story.body))
    if story.collection_id:
        keys.add(collection_key(story.collection_id))
    return keys


def listed(stories) -> set[str]:
    """What a list of stories shows: each story, and its lead photo, from the prefetched placements."""
    keys = set()
    for story in stories:
        keys.add(story_key(story.pk))
        lead = lead_placement(story)
        if lead is not None:
            keys.add(photo_key(lead.photo_id))
    return keys


def where_listed(state: dict, tags, *, now) -> set[str]:
    """The listings that show a story in `state` (its STATE_FIELDS), with these tags, at `now`;
    with `now` None, the listings it is in whenever it is public (a scheduled moment's)."""
    published = state["status"] == "published" and state["published_at"] is not None
    if not published or (now is not None and not _public_at(state, now)):
        return set()
    if state["archive_status"] == ArchiveStatus.ARCHIVED:
        return {ARCHIVE, collection_key(state["collection_id"]), SITEMAPS, CORRECTIONS}
    return {NEWS, label_key(state["label"]), BYLINES, SITEMAPS, CORRECTIONS, *(tagged_key(pk) for pk in tags)}


def _public_at(state, now) -> bool:
    return state["published_at"] <= now and (state["expires_at"] is None or state["expires_at"] > now)


def story_state(story: Story) -> dict:
    return {field: getattr(story, field) for field in STATE_FIELDS}


STATE_FIELDS = ("status", "published_at", "expires_at", "label", "byline", "archive_status", "collection_id")


def placing(story_ids, *, using) -> dict:
    """Per story: its stored state, its tags, its photos and the stories that list it as related.
    Four queries for any number of stories."""
    ids = list(story_ids)
    found = {
        row["pk"]: {
            "state": {field: row[field] for field in STATE_FIELDS},
            "tags": set(),
            "photos": set(),
            "relating": set(),
        }
        for row in Story._base_manager.using(using).filter(pk__in=ids).values("pk", *STATE_FIELDS)
    }
    tagged = Story.tags.through.objects.using(using).filter(story_id__in=ids).values_list("story_id", "tag_id")
    placed = PhotoPlacement.objects.using(using).filter(story_id__in=ids).values_list("story_id", "photo_id")
    related = Story.related_stories.through.objects.using(using).filter(to_story_id__in=ids)
    for part, rows in (
        ("tags", tagged),
        ("photos", placed),
        ("relating", related.values_list("to_story_id", "from_story_id")),
    ):
        for story_id, other in rows:
            if story_id in found:
                found[story_id][part].add(other)
    return found


def moved(pk, before: dict | None, after: dict | None, *, now) -> set[str]:
    """What a change to where a story is listed retires: the listings it was in and is in now, its
    photos' pages, and the pages of stories that list it as related (which show it only while it
    is public). `before` and `after` are placing()'s entries, None where the story did not exist."""
    keys = {story_key(pk)}
    for place in (before, after):
        if place is None:
            continue
        listings = where_listed(place["state"], place["tags"], now=now)
        keys |= listings
        if listings:
            keys.update(photo_uses_key(photo) for photo in place["photos"])
            keys.update(story_key(other) for other in place["relating"])
    return keys
