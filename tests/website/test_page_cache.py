"""Readers' pages from the page cache: no database on repeats, never stale, never for staff."""

import contextlib
import datetime
import re
import threading
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsroom.core.cache import retire
from newsroom.stories import preview, shown
from newsroom.stories.models import Correction, Story, Tag
from newsroom.stories.services import story_publish, story_withdraw
from newsroom.website.caching import local_pages

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_MAX_AGE = 60


def test_a_repeat_request_is_served_without_touching_the_database(client, make_story, django_assert_num_queries):
    story = make_story(headline="Cached Story")
    first = client.get(story.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(story.get_absolute_url())
    assert second.content == first.content and b"Cached Story" in second.content
    assert "public" in second["Cache-Control"] and "max-age=60" in second["Cache-Control"]
    assert second["Content-Security-Policy"] and second["X-Frame-Options"] == "DENY"


def test_pages_answer_conditional_requests_with_304(client, make_story):
    story = make_story()
    etag = client.get(story.get_absolute_url())["ETag"]
    assert client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_an_edit_retires_every_cached_page_that_showed_the_old_text(client, make_story):
    story = make_story(headline="Before The Edit")
    for page in (story.get_absolute_url(), "/", "/news/"):
        assert b"Before The Edit" in client.get(page).content
    story.headline = "After The Edit"
    story.save()
    for page in (story.get_absolute_url(), "/", "/news/"):
        assert b"After The Edit" in client.get(page).content, page


def test_a_withdrawn_story_is_gone_at_once(client, make_story):
    story = make_story()
    assert client.get(story.get_absolute_url()).status_code == 200
    story_withdraw(story=story, user=None, reason="The event was postponed.")
    assert client.get(story.get_absolute_url()).status_code == 404


def test_a_photo_credit_change_reaches_cached_story_pages(client, make_story, make_photo):
    photo = make_photo(credit="Navy")
    story = make_story(photos=[photo])
    assert b"Photo By: Petty Officer 1st Class Tomas Varga, Navy" in client.get(story.get_absolute_url()).content
    photo.credit = "Marine Corps"
    photo.save()
    assert b"Marine Corps" in client.get(story.get_absolute_url()).content


def test_a_cached_home_page_shows_a_scheduled_story_at_its_second_and_not_before(client, make_story):
    nine = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    story = make_story(published=False, headline="Nine Sharp")
    with time_machine.travel(nine - datetime.timedelta(hours=1), tick=False):
        story_publish(story=story, user=None, at=nine)
        assert b"Nine Sharp" not in client.get("/").content  # cached now
    with time_machine.travel(nine - datetime.timedelta(seconds=1), tick=False):
        response = client.get("/")
        assert b"Nine Sharp" not in response.content
        assert "max-age=1" in response["Cache-Control"], "a CDN must not keep it past 09:00"
    with time_machine.travel(nine, tick=False):
        assert b"Nine Sharp" in client.get("/").content


def test_staff_never_get_or_make_a_cached_page(editor_client, make_story, django_assert_max_num_queries):
    story = make_story(headline="Seen By Staff")
    anonymous = Client()
    anonymous.get(story.get_absolute_url())  # now in the cache
    type(story).objects.filter(pk=story.pk).update(headline="Changed Quietly")  # no signal: the cache is stale
    response = editor_client.get(story.get_absolute_url())
    assert b"Changed Quietly" in response.content, "staff see the database, not the cache"
    assert "private" in response["Cache-Control"]


def test_admin_and_previews_are_never_cached(editor_client, make_story):
    story = make_story(published=False)
    for url in ("/admin/", f"/news/preview/{story.pk}/"):
        response = editor_client.get(url)
        assert "public" not in response.get("Cache-Control", ""), url


def test_with_the_cache_down_readers_and_editors_carry_on(client, make_story, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }  # nothing listens there
    story = make_story(headline="Still Served")
    story.headline = "Still Served After An Edit"
    story.save()  # the invalidation signal must not break the save
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200 and b"Still Served After An Edit" in response.content


def test_search_results_are_not_cached(client, make_story):
    make_story(headline="Levee Repairs")
    client.get("/search/?q=levee")
    assert "public" not in client.get("/search/?q=levee").get("Cache-Control", "")


def test_pages_their_views_keep_private_are_never_stored_for_a_reader_without_a_session(client, make_story):
    """The health check, a reviewer's preview link and the admin's login page each say so
    themselves (Cache-Control: private or no-store); asked twice, each is made afresh both times.
    (Search is private too, but kept in the process's memory: tests/search/test_search.py.)"""
    story = make_story(headline="Levee Repairs Begin")
    draft = make_story(published=False, headline="Levee Draft")
    reads_the_database = ["/healthz", preview.reviewer_link(draft)]
    for url in [*reads_the_database, "/admin/login/"]:
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"], url
            if url in reads_the_database:
                assert queries.captured_queries, f"{url} is made afresh each time"
        assert local_pages.holding()[0] == 0, f"{url} was kept"
    client.get(story.get_absolute_url())
    assert local_pages.holding()[0] == 1, "a reader's story page is kept"


def test_a_cached_page_drops_an_expiring_story_at_its_expiry_second(client, make_story):
    noon = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=EASTERN)
    with time_machine.travel(noon - datetime.timedelta(seconds=30), tick=False):
        make_story(headline="Gone At Noon", published_at=noon - datetime.timedelta(days=1), expires_at=noon)
        response = client.get("/")
        assert b"Gone At Noon" in response.content and "max-age=30" in response["Cache-Control"]
    with time_machine.travel(noon - datetime.timedelta(seconds=1), tick=False):
        assert b"Gone At Noon" in client.get("/").content
    with time_machine.travel(noon, tick=False):
        assert b"Gone At Noon" not in client.get("/").content


def lookups_of_the_next_scheduled_change(queries):
    """The queries that find the next publication time and the next expiry time."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if re.match(r'SELECT "stories_story"\."(published_at|expires_at)" AS .* ORDER BY .* LIMIT 1$', query["sql"])
    ]


def test_the_next_scheduled_change_is_looked_up_once_per_transaction_when_it_commits(
    client, make_story, make_photo, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    photo = make_photo(credit="Navy")
    story = make_story(photos=[photo], headline="Before The Edit", published_at=start - datetime.timedelta(days=1))
    with time_machine.travel(start, tick=False):
        assert b"Before The Edit" in client.get("/").content  # cached
        with (
            CaptureQueriesContext(connection) as rolled_back,
            django_capture_on_commit_callbacks(execute=True),
            contextlib.suppress(RuntimeError),
            transaction.atomic(),
        ):
            story.headline = "Never Committed"
            story.save()
            raise RuntimeError("the editor's request failed")
        assert lookups_of_the_next_scheduled_change(rolled_back) == [], "nothing committed, nothing to look up"

        # One transaction: a story's edit with a new tag and a note, a photo's credit, a scheduled story.
        with (
            CaptureQueriesContext(connection) as committed,
            django_capture_on_commit_callbacks(execute=True),
            transaction.atomic(),
        ):
            story.headline = "After The Edit"
            story.save()
            story.tags.add(Tag.objects.create(name="Flood Control", slug="flood-control"))
            Correction.objects.create(story=story, text="An earlier version misspelled the district's name.")
            photo.credit = "Marine Corps"
            photo.save()
            make_story(headline="Half Past Nine", published_at=start + datetime.timedelta(seconds=30))
        assert len(lookups_of_the_next_scheduled_change(committed)) == 2, (
            "one look for the next publication and one for the next expiry, for the whole transaction"
        )
        response = client.get("/")
        assert b"After The Edit" in response.content and b"Half Past Nine" not in response.content
        assert "max-age=30" in response["Cache-Control"], "kept no longer than until the scheduled story appears"
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert b"Half Past Nine" in client.get("/").content


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second connection reading while the first one's transaction is open: SQLite locks the table",
)
@pytest.mark.django_db(transaction=True)
def test_a_page_cached_between_a_save_and_its_commit_is_never_served_afterwards(make_story):
    story = make_story(headline="Before The Commit")

    def read():
        """A reader's request on a connection of its own, which sees committed rows only."""
        page = {}

        def request():
            try:
                page["content"] = Client().get(story.get_absolute_url()).content
            finally:
                connections.close_all()

        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
        return page["content"]

    with transaction.atomic():
        story.headline = "After The Commit"
        story.save()
        assert b"Before The Commit" in read()  # made from the committed row, and cached now
        assert b"Before The Commit" in read()
    assert b"After The Commit" in read()


def test_a_cached_page_carries_every_header_it_was_first_served_with(client, make_story, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    story = make_story()
    first = client.get(story.get_absolute_url(), secure=True)
    again = client.get(story.get_absolute_url(), secure=True)
    assert dict(again.headers) == dict(first.headers)
    for header in (
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Frame-Options",
        "ETag",
    ):
        assert again[header], header


def test_plain_http_is_still_redirected_when_the_https_page_is_cached(client, make_story, settings):
    settings.SECURE_SSL_REDIRECT = True
    story = make_story()
    client.get(story.get_absolute_url(), secure=True)
    assert client.get(story.get_absolute_url(), secure=True).status_code == 200  # from the cache
    response = client.get(story.get_absolute_url())
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_a_304_from_the_cache_keeps_the_security_headers(client, make_story):
    story = make_story()
    etag = client.get(story.get_absolute_url())["ETag"]
    response = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and not response.content
    assert response["Content-Security-Policy"] and response["ETag"] == etag
    assert "max-age=60" in response["Cache-Control"]


def test_an_edit_made_through_another_server_reaches_this_one_within_half_a_second(client, make_story):
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    # Published well before the moments travelled to, whatever the order the tests run in.
    story = make_story(headline="The Old Headline", published_at=start - datetime.timedelta(days=1))
    with time_machine.travel(start, tick=False):
        client.get(story.get_absolute_url())  # made, and kept in this process's memory
        # Another server's edit: the row changes and the story's key is retired; no signal here.
        Story.objects.filter(pk=story.pk).update(headline="The New Headline")
        retire([shown.story_key(story.pk)])
    with time_machine.travel(start + datetime.timedelta(seconds=0.4), tick=False):
        assert b"The Old Headline" in client.get(story.get_absolute_url()).content
    with time_machine.travel(start + datetime.timedelta(seconds=0.6), tick=False):
        assert b"The New Headline" in client.get(story.get_absolute_url()).content


def test_each_process_keeps_no_more_pages_in_memory_than_it_is_allowed(client, make_story, settings):
    stories = [make_story(headline=f"Story Number {number:02}") for number in range(12)]
    page_size = len(client.get(stories[0].get_absolute_url()).content)
    # Room for eight story pages: a page over an eighth of the room is not kept at all.
    settings.PAGE_CACHE_LOCAL_BYTES = page_size * 8 + page_size // 2
    for story in stories:
        client.get(story.get_absolute_url())
    pages, size = local_pages.holding()
    assert size <= settings.PAGE_CACHE_LOCAL_BYTES and pages == 8
    # The oldest, pushed out of memory, is still served, from the shared cache.
    assert b"Story Number 00" in client.get(stories[0].get_absolute_url()).content
    local_pages.forget()
    settings.PAGE_CACHE_LOCAL_BYTES = page_size * 4
    assert client.get(stories[1].get_absolute_url()).status_code == 200
    assert local_pages.holding() == (0, 0), "a page over an eighth of the room is served but not kept"


def test_a_change_through_another_server_leaves_the_other_pages_in_this_process_memory(
    client, make_story, django_assert_num_queries
):
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    edited = make_story(headline="The Old Headline", published_at=start - datetime.timedelta(days=1))
    untouched = make_story(headline="Kept In Memory", published_at=start - datetime.timedelta(days=2))
    with time_machine.travel(start, tick=False):
        for story in (edited, untouched):
            client.get(story.get_absolute_url())  # made, and kept in this process's memory
        Story.objects.filter(pk=edited.pk).update(headline="The New Headline")
        retire([shown.story_key(edited.pk)])  # another server's edit
        # Now only this process's memory holds the untouched page.
        cache.delete(f"newsroom:page:http:testserver:{untouched.get_absolute_url()}")
    with time_machine.travel(start + datetime.timedelta(seconds=0.6), tick=False):
        assert b"The New Headline" in client.get(edited.get_absolute_url()).content
        with django_assert_num_queries(0):
            assert b"Kept In Memory" in client.get(untouched.get_absolute_url()).content
