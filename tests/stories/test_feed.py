"""The RSS feed follows the same rule as every listing: current, published, and due."""

import datetime
import xml.etree.ElementTree as ElementTree
import zoneinfo

import pytest
import time_machine

from newsroom.archive.services import story_archive
from newsroom.stories.services import story_publish

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")


def feed_titles(client):
    response = client.get("/news/feed/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    return [item.findtext("title") for item in ElementTree.fromstring(response.content).iter("item")]


def test_the_feed_lists_current_published_stories_newest_first(client, make_story, collection):
    make_story(headline="Older Story", published_at=datetime.datetime(2026, 11, 1, 9, tzinfo=EASTERN))
    make_story(headline="Newer Story", published_at=datetime.datetime(2026, 11, 2, 9, tzinfo=EASTERN))
    make_story(headline="Draft Story", published=False)
    story_archive(story=make_story(headline="Archived Story"), collection=collection, user=None)
    assert feed_titles(client) == ["Newer Story", "Older Story"]


def test_a_scheduled_story_enters_the_feed_at_its_time(client, make_story):
    nine = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    story = make_story(published=False, headline="Scheduled Story")
    with time_machine.travel(nine - datetime.timedelta(hours=1), tick=False):
        story_publish(story=story, user=None, at=nine)
    with time_machine.travel(nine - datetime.timedelta(seconds=1), tick=False):
        assert "Scheduled Story" not in feed_titles(client)
    with time_machine.travel(nine, tick=False):
        assert "Scheduled Story" in feed_titles(client)


def test_every_page_announces_the_feed(client):
    assert 'type="application/rss+xml"' in client.get("/").content.decode()


# What an attacker (or a careless paste) puts in an editor's fields: markup a reader would run.
SCRIPT = "<script>alert('feed')</script> & <img src=x onerror=alert(1)>"
ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def hostile_story(make_story, make_photo):
    from newsroom.stories.models import Tag

    photo = make_photo(title=f"Title {SCRIPT}", caption=f"Caption {SCRIPT}", photographer=f"Lens {SCRIPT}")
    story = make_story(
        headline=f"Headline {SCRIPT}", summary=f"Summary {SCRIPT}\x0b", byline=f"Jane {SCRIPT}", photos=[photo]
    )
    story.tags.add(Tag.objects.create(name=f"Tag {SCRIPT}", slug="hostile"))
    return story


def parsed(client, url):
    from defusedxml.ElementTree import fromstring

    response = client.get(url)
    assert response.status_code == 200
    assert b"<script" not in response.content and b"<img" not in response.content
    return fromstring(response.content)


@pytest.mark.parametrize("url", ["/news/feed/atom/", "/news/tag/hostile/feed/atom/"])
def test_the_atom_feed_carries_headlines_summaries_and_bylines_as_text(client, hostile_story, url):
    feed = parsed(client, url)
    assert feed.find(f"{ATOM}title").get("type") == "text"
    assert feed.find(f"{ATOM}subtitle").get("type") == "text"
    if "tag" in url:
        assert feed.find(f"{ATOM}title").text == f"Newsroom: Tag {SCRIPT} News"
    entry = feed.find(f"{ATOM}entry")
    title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
    assert (title.get("type"), title.text) == ("text", f"Headline {SCRIPT}")
    assert (summary.get("type"), summary.text) == ("text", f"Summary {SCRIPT}")  # the vertical tab left out
    assert entry.find(f"{ATOM}author/{ATOM}name").text == f"Jane {SCRIPT}"
    assert all(content.get("type") in (None, "text") for content in entry.iter(f"{ATOM}content"))
    media = entry.find(f"{MEDIA}content")
    assert (media.find(f"{MEDIA}title").get("type"), media.find(f"{MEDIA}title").text) == ("plain", f"Title {SCRIPT}")
    assert media.find(f"{MEDIA}description").get("type") == "plain"
    assert media.find(f"{MEDIA}description").text == f"Caption {SCRIPT}"
    assert media.find(f"{MEDIA}credit").text.startswith(f"Lens {SCRIPT}")


@pytest.mark.parametrize("url", ["/news/feed/", "/news/tag/hostile/feed/"])
def test_the_rss_feed_carries_them_as_plain_text_and_the_summary_as_escaped_html(client, hostile_story, url):
    import html

    item = parsed(client, url).find("channel/item")
    assert item.findtext("title") == f"Headline {SCRIPT}"
    # RSS readers read an item's description as HTML: escaped, it shows the characters typed.
    description = item.findtext("description")
    assert "<" not in description and html.unescape(description) == f"Summary {SCRIPT}"
    assert item.findtext(f"{DC}creator") == f"Jane {SCRIPT}"
    media = item.find(f"{MEDIA}content")
    assert media.find(f"{MEDIA}title").get("type") == "plain" and media.findtext(f"{MEDIA}title") == f"Title {SCRIPT}"
    assert media.findtext(f"{MEDIA}description") == f"Caption {SCRIPT}"
