"""Pages are retired by what they show: an edit refreshes every page that shows what changed and
leaves every other page cached (newsroom/stories/shown.py names what each page shows).

Each change commits, as an editor's does: pages are retired when it commits."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.stories.models import Label, Story, Tag
from newsroom.stories.services import story_publish_now, story_update
from tests.conftest import body_with_photos

pytestmark = pytest.mark.django_db(transaction=True)
EASTERN = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_MAX_AGE = 60


def served_from_the_cache(client, url):
    """The page at `url`, asserted to come from the page cache: no query was made for it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert not queries.captured_queries, f"{url} was made afresh"
    return response


@pytest.fixture
def newsroom(make_story, make_photo):
    """The story to be edited, with a tag, a label, a byline and a photo; a story that links to
    it; and an unrelated one, on another tag, by another writer, with another photo."""
    flood = Tag.objects.create(name="Flood Control", slug="flood-control")
    other_tag = Tag.objects.create(name="Space Launch", slug="space-launch")
    photo = make_photo(credit="Navy")
    edited = make_story(
        headline="Levee Repairs Begin",
        slug="levee-repairs-begin",
        label=Label.FEATURE,
        byline="Maria Delgado, Army",
        photos=[photo],
        published_at=timezone.now() - datetime.timedelta(hours=1),  # in the Google News sitemap's two days
    )
    edited.tags.add(flood)
    linking = make_story(headline="District Plans Next Season")
    linking.related_stories.add(edited)
    unrelated = make_story(
        headline="Rocket Lifts Off On Time", byline="Tom Reyes, Space Force", photos=[make_photo(credit="USSF")]
    )
    unrelated.tags.add(other_tag)
    return {"edited": edited, "linking": linking, "unrelated": unrelated, "photo": photo, "tag": flood}


def pages_showing(story, photo, tag, linking):
    return [
        story.get_absolute_url(),
        "/",
        "/news/",
        "/news/?page=1",
        tag.get_absolute_url(),
        story.label_url,
        story.byline_url,
        "/news/feed/",
        "/news/feed/atom/",
        f"/news/tag/{tag.slug}/feed/",
        f"/photos/{photo.virin}/",
        linking.get_absolute_url(),
    ]


def test_an_edit_refreshes_every_page_that_shows_the_story_and_leaves_an_unrelated_story_cached(client, newsroom):
    edited, unrelated = newsroom["edited"], newsroom["unrelated"]
    showing = pages_showing(edited, newsroom["photo"], newsroom["tag"], newsroom["linking"])
    sitemaps = ["/sitemap-stories.xml", "/sitemap-news.xml"]
    for url in [*showing, *sitemaps, unrelated.get_absolute_url()]:
        assert client.get(url).status_code == 200, url
    for url in showing:
        assert "Levee Repairs Begin" in served_from_the_cache(client, url).text, url
    # Behind the cache's back: a reader still getting "Rocket Lifts Off On Time" was served the kept page.
    Story.objects.filter(pk=unrelated.pk).update(headline="Changed Without Telling The Cache")

    story_update(
        story=edited,
        changes={"headline": "Levee Repairs Finish Early", "slug": "levee-repairs-finish-early"},
        user=None,
        expected_version=None,
    )

    for url in pages_showing(edited, newsroom["photo"], newsroom["tag"], newsroom["linking"]):
        page = client.get(url).text
        assert "Levee Repairs Finish Early" in page and "Levee Repairs Begin" not in page, url
    for url in sitemaps:
        page = client.get(url).text
        assert "/news/levee-repairs-finish-early/" in page and "/news/levee-repairs-begin/" not in page, url
    assert client.get("/news/levee-repairs-begin/").status_code == 301, "the old address now sends readers on"
    assert "Rocket Lifts Off On Time" in served_from_the_cache(client, unrelated.get_absolute_url()).text


def test_a_story_published_joins_its_listings_and_leaves_other_story_pages_cached(client, newsroom, make_story):
    draft = make_story(published=False, headline="Bridge Reopens To Traffic", label=Label.FEATURE)
    draft.tags.add(newsroom["tag"])
    listings = ["/", "/news/", newsroom["tag"].get_absolute_url(), "/news/label/feature/", "/news/feed/"]
    cached = [newsroom["unrelated"].get_absolute_url(), newsroom["edited"].get_absolute_url()]
    for url in [*listings, *cached]:
        client.get(url)
    Story.objects.filter(pk=newsroom["unrelated"].pk).update(headline="Changed Without Telling The Cache")

    story_publish_now(story=draft, user=None)

    for url in listings:
        assert "Bridge Reopens To Traffic" in client.get(url).text, url
    assert client.get(draft.get_absolute_url()).status_code == 200
    for url in cached:
        served_from_the_cache(client, url)


def test_a_photo_edit_refreshes_the_pages_that_show_the_photo_only(client, newsroom):
    edited, unrelated, photo = newsroom["edited"], newsroom["unrelated"], newsroom["photo"]
    showing = [edited.get_absolute_url(), f"/photos/{photo.virin}/"]
    for url in showing:
        assert "Navy" in client.get(url).text, url
    client.get(unrelated.get_absolute_url())
    photo.credit = "Marine Corps"
    photo.save()
    for url in showing:
        assert "Marine Corps" in client.get(url).text, url
    served_from_the_cache(client, unrelated.get_absolute_url())


def test_a_scheduled_publication_refreshes_its_listings_at_its_second_and_nothing_else(client, make_story):
    nine = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    with time_machine.travel(nine - datetime.timedelta(minutes=2), tick=False):
        older = make_story(headline="Yesterday's News", published_at=nine - datetime.timedelta(days=1))
        make_story(headline="Nine Sharp", published_at=nine)
        for url in ("/", "/news/", older.get_absolute_url()):
            assert "Nine Sharp" not in client.get(url).text
    with time_machine.travel(nine, tick=False):
        assert "Nine Sharp" in client.get("/").text and "Nine Sharp" in client.get("/news/").text
        served_from_the_cache(client, older.get_absolute_url())


def test_a_tag_renamed_refreshes_its_pages(client, newsroom):
    edited, tag = newsroom["edited"], newsroom["tag"]
    for url in (edited.get_absolute_url(), tag.get_absolute_url(), newsroom["unrelated"].get_absolute_url()):
        client.get(url)
    tag.name = "Flood Defenses"
    tag.save()
    assert "Flood Defenses" in client.get(edited.get_absolute_url()).text
    assert "Flood Defenses" in client.get(tag.get_absolute_url()).text
    served_from_the_cache(client, newsroom["unrelated"].get_absolute_url())


def test_a_photo_placed_in_a_story_puts_the_story_on_the_photo_page(client, newsroom):
    photo, unrelated = newsroom["photo"], newsroom["unrelated"]
    assert "Rocket Lifts Off On Time" not in client.get(f"/photos/{photo.virin}/").text  # cached now
    body = body_with_photos("<p>Liftoff.</p><p>Orbit.</p>", [photo])
    story_update(story=unrelated, changes={"body": body}, user=None, expected_version=None)
    assert "Rocket Lifts Off On Time" in client.get(f"/photos/{photo.virin}/").text
