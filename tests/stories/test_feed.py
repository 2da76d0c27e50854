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
