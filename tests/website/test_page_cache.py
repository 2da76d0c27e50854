"""Readers' pages from the page cache: no database on repeats, never stale, never for staff."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import Client

from newsroom.stories.services import story_publish, story_withdraw

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
    story_withdraw(story=story, user=None)
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
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
    story = make_story(headline="Still Served")
    story.headline = "Still Served After An Edit"
    story.save()  # the invalidation signal must not break the save
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200 and b"Still Served After An Edit" in response.content


def test_search_results_are_not_cached(client, make_story):
    make_story(headline="Levee Repairs")
    client.get("/search/?q=levee")
    assert "public" not in client.get("/search/?q=levee").get("Cache-Control", "")
