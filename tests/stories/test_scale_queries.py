"""What keeps the pages fast with a million stories: indexes for every query, counts not made per
request, deep pages that read the same stories as plain OFFSET would, estimated admin counts.

The plan checks need PostgreSQL (its planner, with sequential scans priced out of reach so any
query without a usable index still shows one); they are skipped on SQLite. The rest run on both.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.core import pagination
from newsroom.core.pagination import EstimatedCountPaginator, ListingPaginator
from newsroom.demo.generate import Plan, generate
from newsroom.stories.models import ArchiveStatus, PhotoPlacement, Status, Story, Tag
from newsroom.stories.selectors import LEAD_SLOTS, current_news, lead_photo, listed_stories, next_scheduled_change

pytestmark = pytest.mark.django_db
on_postgresql = connection.vendor == "postgresql"
needs_postgresql = pytest.mark.skipif(
    not on_postgresql, reason="query plans are PostgreSQL's; SQLite has no planner settings to check them with"
)
BIG_TABLES = (
    "stories_story",
    "photos_photoasset",
    "search_storysearchdocument",
    "stories_photoplacement",
    "stories_story_tags",
    "stories_story_related_stories",
)


@pytest.fixture
def newsroom(db):
    """A small generated newsroom: every kind of listing has stories in it."""
    generate(Plan(stories=120, photos=240, seed=3, until=timezone.localdate()))
    return Story.objects.published()


def public_urls():
    story = Story.objects.published().current().order_by("-published_at").first()
    archived = Story.objects.published().archived().order_by("-published_at").first()
    local = timezone.localtime(archived.published_at)
    tag = Tag.objects.filter(stories__in=current_news()).first()
    word = max(re.findall(r"[A-Za-z]{6,}", story.headline), key=len)
    return [
        "/",
        "/news/",
        "/news/?page=3",
        "/news/feed/",
        tag.get_absolute_url(),
        "/news/label/news/",
        story.byline_url,
        story.get_absolute_url(),
        archived.get_absolute_url(),
        "/archive/",
        f"/archive/{local.year}/",
        f"/archive/{local.year}/{local.month}/",
        archived.collection.get_absolute_url(),
        f"/search/?q={word}",
        f"/photos/{story.placements.first().photo.virin}/",
    ]


def sequential_scans(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return [table for table in BIG_TABLES if re.search(rf"Seq Scan on {table}\b", plan)]


@needs_postgresql
def test_no_public_page_reads_a_big_table_row_by_row(newsroom, client, monkeypatch):
    monkeypatch.setattr(pagination, "SHALLOW_OFFSET", 0)  # deep pages take their index-only path too
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        for url in public_urls():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, secure=True).status_code == 200, url
            for query in captured.captured_queries:
                if query["sql"].lstrip().upper().startswith("SELECT"):
                    assert sequential_scans(query["sql"]) == [], f"{url}: {query['sql']}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")


@needs_postgresql
def test_the_admin_changelists_and_their_searches_use_indexes(newsroom, editor_client):
    virin = Story.objects.published().first().placements.first().photo.virin
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        for url in (
            "/admin/stories/story/",
            "/admin/stories/story/?q=Troops",
            f"/admin/stories/story/?q={virin}",
            f"/admin/stories/story/?q={virin[:8]}",
            "/admin/photos/photoasset/",
            f"/admin/photos/photoasset/?q={virin}",
        ):
            with CaptureQueriesContext(connection) as captured:
                assert editor_client.get(url, secure=True).status_code == 200, url
            for query in captured.captured_queries:
                if query["sql"].lstrip().upper().startswith("SELECT") and "stories_story" in query["sql"]:
                    assert "stories_story" not in sequential_scans(query["sql"]), f"{url}: {query['sql']}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")


@needs_postgresql
def test_the_next_scheduled_change_is_two_index_lookups_of_one_row_each(newsroom):
    """What the page cache asks once per committed change: the next publication and the next
    expiry among published stories (newsroom/stories/selectors.py: next_scheduled_change).

    A million rows' shape without a million rows: with sequential scans priced out of reach, as
    above, a query no index can answer still shows one; and the plan must be a Limit straight over
    an index scan, with no Sort or Aggregate, which PostgreSQL stops after the first row whatever
    the size of the table (EXPLAIN ANALYZE counts the rows each node returned). The aggregate this
    replaced, MIN(...) FILTER over the published stories, read every one of them on every save.
    """
    now = timezone.now()
    first, second = Story.objects.published().order_by("pk")[:2]
    Story.objects.filter(pk=first.pk).update(published_at=now + datetime.timedelta(hours=1))
    Story.objects.filter(pk=second.pk).update(expires_at=now + datetime.timedelta(hours=2))
    with CaptureQueriesContext(connection) as captured:
        assert now < next_scheduled_change(now=now) <= now + datetime.timedelta(hours=1)
    assert len(captured.captured_queries) == 2
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for query, index in zip(captured.captured_queries, ("story_published_idx", "story_expiry_idx")):
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {query['sql']}")
                plan = [row[0] for row in cursor.fetchall()]
                assert plan[0].startswith("Limit"), plan
                assert re.search(rf"->  Index (Only )?Scan( Backward)? using {index} on stories_story ", plan[1]), plan
                assert "(actual rows=1 loops=1)" in plan[1], plan
                assert not any(re.search(r"Seq Scan|Sort|Aggregate", line) for line in plan), plan
        finally:
            cursor.execute("RESET enable_seqscan")


# ------------------------------------------------------------------ pagination


def make_listing(make_story, count=47):
    """Stories with shared publication times, some archived, one expired: ties broken by id."""
    now = timezone.now()
    for number in range(count):
        make_story(published_at=now - datetime.timedelta(hours=number // 3))
    ids = list(Story.objects.order_by("pk").values_list("pk", flat=True))
    Story.objects.filter(pk__in=ids[::7]).update(archive_status=ArchiveStatus.NEVER)
    Story.objects.filter(pk=ids[5]).update(
        expires_at=now - datetime.timedelta(minutes=1), published_at=now - datetime.timedelta(hours=2)
    )
    return current_news()


@pytest.mark.parametrize(
    "count_key, bookmark_every",
    [("news-test", 4), ("news-test", 7), (None, 4)],
    ids=["bookmarks every 4", "bookmarks every 7", "from the nearer end"],
)
def test_deep_pages_list_the_same_stories_as_plain_offset(make_story, monkeypatch, count_key, bookmark_every):
    stories = make_listing(make_story)
    monkeypatch.setattr(pagination, "SHALLOW_OFFSET", 0)
    monkeypatch.setattr(pagination, "BOOKMARK_EVERY", bookmark_every)
    plain, listing = Paginator(stories, 5), ListingPaginator(stories, 5, count_key=count_key)
    assert listing.num_pages == plain.num_pages == 10
    for number in plain.page_range:
        expected = [story.pk for story in plain.page(number)]
        assert [story.pk for story in listing.page(number)] == expected, f"page {number}"


def test_deep_pages_from_either_end_carry_their_photos(make_story, make_photo, monkeypatch, django_assert_num_queries):
    for number in range(12):
        make_story(photos=[make_photo()], published_at=timezone.now() - datetime.timedelta(days=number))
    monkeypatch.setattr(pagination, "SHALLOW_OFFSET", 0)
    listing = ListingPaginator(current_news(), 5)
    listing.count  # noqa: B018 - counted once, as the page does
    for number in (2, 3):  # the second from the newest end, the last from the oldest
        # the page's ids, its stories, their placements with photos
        with django_assert_num_queries(3):
            page = list(listing.page(number))
            assert all(lead_photo(story).virin for story in page)
    monkeypatch.setattr(pagination, "BOOKMARK_EVERY", 4)
    bookmarked = ListingPaginator(current_news(), 5, count_key="news-test")
    bookmarked.count  # noqa: B018
    # the bookmarks (kept afterwards while the content is unchanged), then as above
    expected = [story.pk for story in listing.page(3)]
    with django_assert_num_queries(4):
        assert [story.pk for story in bookmarked.page(3)] == expected


def test_a_listing_count_is_kept_until_the_content_changes(
    make_story, client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_story()  # committed, which sets up the content generation (as a reader's first request does)
    client.get("/news/")
    client.get("/news/?page=1&a=1")
    # a page the page cache has not seen: stories and their placements, the count is kept
    with django_assert_num_queries(2):
        client.get("/news/?a=2")
    make_story()
    # the new story retired the kept count
    with django_assert_num_queries(3):
        response = client.get("/news/?a=3")
    assert response.content.decode().count('<li class="newsroom-listing__item">') == 2


def test_a_listing_count_is_kept_with_the_page_cache_off_and_an_emptied_cache(
    settings, make_story, client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # Nothing has set up the content generation (no page cache, no save since the cache was emptied):
    # the first count learns the next scheduled change, and the count is kept from then on.
    settings.PAGE_CACHE_SECONDS = 0
    make_story()
    cache.clear()
    client.get("/news/")
    with django_assert_num_queries(2):  # stories and their photos; no count
        client.get("/news/")
    with django_capture_on_commit_callbacks(execute=True):
        make_story()
    with django_assert_num_queries(3):
        response = client.get("/news/")
    assert response.content.decode().count('<li class="newsroom-listing__item">') == 2


def test_a_tag_on_a_big_share_of_the_news_walks_the_date_index_and_a_small_one_is_sorted(make_story, client):
    # A tag's stories are either sorted after they are found (a small tag among many stories) or
    # met walking all current news newest first until a page of them turns up (a tag on most of
    # them): whichever reads fewer rows, judged by the two kept counts.
    big, small = Tag.objects.create(name="Readiness", slug="readiness"), Tag.objects.create(name="Levee", slug="levee")
    for number in range(30):
        story = make_story(headline=f"Story {number}", slug=f"story-{number}")
        story.tags.add(*([big] if number < 25 else []), *([small] if number < 2 else []))

    def story_query(path):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return next(q["sql"] for q in captured.captured_queries if '"stories_story"."headline"' in q["sql"])

    # 25 stories of 30: sorting would read all 25; walking reads about 20 * 30 / 25 = 24.
    assert "NULLS LAST" not in story_query("/news/tag/readiness/")
    assert "NULLS LAST" in story_query("/news/tag/levee/")
    # Either way, the same stories newest first.
    walked = re.findall(r">(Story \d+)<", client.get("/news/tag/readiness/?page=2").content.decode())
    assert walked == ["Story 20", "Story 21", "Story 22", "Story 23", "Story 24"]
    assert re.findall(r">(Story \d+)<", client.get("/news/tag/levee/").content.decode()) == ["Story 0", "Story 1"]


# ------------------------------------------------------------------ the admin's counts


def test_admin_count_is_an_estimate_for_a_big_table_and_exact_for_a_small_one(make_story, monkeypatch):
    for _ in range(30):
        make_story()
    if on_postgresql:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE stories_story")
    for _ in range(5):  # after the statistics were taken: only an exact count sees them
        make_story()
    assert EstimatedCountPaginator(Story.objects.all(), 10).count == 35  # small: exact
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", 10)
    expected = 30 if on_postgresql else 35  # PostgreSQL's estimate, from the statistics
    assert EstimatedCountPaginator(Story.objects.all(), 10).count == expected
    # filtered: exact up to the cap, then at least the cap
    assert EstimatedCountPaginator(Story.objects.filter(status=Status.PUBLISHED), 10).count == 35
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 20)
    assert EstimatedCountPaginator(Story.objects.filter(status=Status.PUBLISHED), 10).count >= 21


def test_story_changelist_makes_no_full_count(editor_client, make_story, make_photo, django_assert_num_queries):
    for _ in range(3):
        make_story(photos=[make_photo()])
    editor_client.get("/admin/stories/story/")
    with CaptureQueriesContext(connection) as captured:
        response = editor_client.get("/admin/stories/story/")
    assert response.status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"].upper()]
    assert len(counts) == 1, counts  # the paginator's, no second "of N total" count
    queries = len(captured.captured_queries)
    for _ in range(4):
        make_story(photos=[make_photo()])
    with django_assert_num_queries(queries):
        editor_client.get("/admin/stories/story/")


def test_story_changelist_filters_by_year_published(editor_client, make_story):
    make_story(headline="From Twenty Twenty", published_at=timezone.make_aware(datetime.datetime(2020, 6, 1, 12)))
    make_story(
        headline="From Twenty Twenty-Three", published_at=timezone.make_aware(datetime.datetime(2023, 1, 1, 0, 30))
    )
    page = editor_client.get("/admin/stories/story/").content.decode()
    assert "?year=2023" in page and "?year=2021" in page and "?year=2020" in page  # every year between
    page = editor_client.get("/admin/stories/story/", {"year": "2023"}).content.decode()
    assert "From Twenty Twenty-Three" in page and "From Twenty Twenty<" not in page


def test_story_changelist_finds_stories_by_the_start_of_a_virin(editor_client, make_story, make_photo):
    make_story(headline="Levee Story", photos=[make_photo(virin="210614-A-KX193-1002")])
    make_story(headline="Other Story", photos=[make_photo(virin="210615-N-TV418-1001")])
    for query in ("210614-A-KX193", "210614-a-kx193-1002", "210614-A"):
        page = editor_client.get("/admin/stories/story/", {"q": query}).content.decode()
        assert "Levee Story" in page and "Other Story" not in page, query
    page = editor_client.get("/admin/stories/story/", {"q": "levee"}).content.decode()
    assert "Levee Story" in page and "Other Story" not in page


def test_photo_library_lists_each_credit_once(editor_client, make_photo):
    make_photo(credit="Navy")
    make_photo(credit="Army")
    make_photo(credit="Navy")
    page = editor_client.get("/admin/photos/photoasset/").content.decode()
    assert page.count("?credit=Army") == 1 and page.count("?credit=Navy") == 1


def test_lead_photos_come_for_more_stories_than_one_query_holds(make_story, make_photo, django_assert_num_queries):
    # The compiled lead query has LEAD_SLOTS places; a longer list is asked for in parts, a shorter
    # one fills its places with its last story again.
    photos = [make_photo(caption=f"Photo {number}") for number in range(LEAD_SLOTS + 5)]
    for number, photo in enumerate(photos):
        make_story(headline=f"Story {number}", photos=[photo, make_photo()] if number % 2 else [photo])
    make_story(headline="No Photo")
    with django_assert_num_queries(3):  # the stories, then two parts of their lead photos
        stories = list(listed_stories().order_by("pk"))
    assert [lead_photo(story) for story in stories] == [*photos, None]
    assert all(placement.story is story for story in stories for placement in story.lead_placements)
    with django_assert_num_queries(2):
        few = list(listed_stories().order_by("pk")[:3])
    assert [lead_photo(story) for story in few] == photos[:3]


def test_a_listing_shows_each_storys_first_photo_and_loads_no_other(make_story, make_photo, client):
    photos = [make_photo(caption=f"Photo {number}") for number in range(4)]
    three = make_story(headline="Three Photos", photos=photos[:3])
    make_story(headline="One Photo", photos=[photos[3]])
    # Positions as an old import may have left them: not from 0, and two sharing the first.
    PhotoPlacement.objects.filter(story=three, photo=photos[0]).update(order=5)
    PhotoPlacement.objects.filter(story=three, photo=photos[2]).update(order=2)
    PhotoPlacement.objects.filter(story=three, photo=photos[1]).update(order=2)
    first_of_two = min(PhotoPlacement.objects.filter(story=three, order=2), key=lambda placement: placement.pk)

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/news/").content.decode()
    stories = {story.headline: story for story in ListingPaginator(current_news(), 20).page(1)}

    assert lead_photo(stories["Three Photos"]) == first_of_two.photo
    assert len(stories["Three Photos"].lead_placements) == 1, "the other two photos are not loaded"
    assert lead_photo(stories["One Photo"]) == photos[3]
    assert first_of_two.photo.public_url("thumb.jpg") in page and photos[3].public_url("thumb.jpg") in page
    others = [photo for photo in photos[:3] if photo != first_of_two.photo]
    assert not any(photo.public_url("thumb.jpg") in page for photo in others)
    placements_read = [query for query in queries.captured_queries if 'FROM "stories_photoplacement"' in query["sql"]]
    assert len(placements_read) == 1
