"""Each endpoint's queries, pinned: the same number for one story or a full page of them, so a
million stories cost no more queries than ten (their speed at scale is bench/scale.py's)."""

import pytest
from django.db import connection

from newsroom.archive.services import story_archive
from newsroom.stories.body import linked_story_ids
from newsroom.stories.models import Correction, Tag
from tests.stories.test_public_pages import story_page_queries

pytestmark = pytest.mark.django_db
on_postgresql = connection.vendor == "postgresql"


@pytest.fixture
def newsroom(make_story, make_photo, collection, create_story, committed):
    """Twenty-five published stories, each with two photos, a tag and a correction; one archived."""
    tag = Tag.objects.create(name="Flood Control", slug="flood-control")
    photos = [make_photo(public=True), make_photo(public=True)]
    stories = []
    for number in range(25):
        story = make_story(headline=f"Levee Story {number}", photos=photos)
        story.tags.add(tag)
        Correction.objects.create(story=story, text="A correction.")
        stories.append(story)
    stories[0].related_stories.add(stories[1], stories[2])
    archived = committed(create_story, headline="Levee Archived Story")
    committed(story_archive, story=archived, collection=collection, user=None)
    return stories


def queries(django_assert_num_queries, client, url, count, params=None):
    with django_assert_num_queries(count):
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:300]
    return response.json()


@pytest.mark.parametrize(
    ("url", "params", "count"),
    [
        # the stories, and their lead photos (one compiled query for up to twenty stories)
        ("/api/v1/stories", {}, 2),
        ("/api/v1/stories", {"limit": 20}, 2),
        ("/api/v1/stories", {"archived": "false", "label": "news"}, 2),
        # ... and the tag, found by its compiled lookup, and its count (kept until the content
        # changes: it says whether to sort the tag's stories or walk the date index)
        ("/api/v1/stories", {"tag": "flood-control"}, 4),
        ("/api/v1/stories", {"byline": "jane-doe"}, 2),
        # ... and the collection
        ("/api/v1/stories", {"collection": "2019-2021"}, 3),
        ("/api/v1/photos", {}, 1),
        ("/api/v1/tags", {}, 1),
        ("/api/v1/tags/flood-control", {}, 1),
        ("/api/v1/", {}, 0),
    ],
)
def test_lists(client, newsroom, django_assert_num_queries, url, params, count):
    queries(django_assert_num_queries, client, url, count, params)


def test_a_story(client, newsroom, django_assert_num_queries):
    # The story page's: the story, its photos, tags, related stories and corrections (one query on
    # PostgreSQL), with the stories its body links to.
    links = bool(linked_story_ids(newsroom[0].body))
    found = queries(
        django_assert_num_queries, client, f"/api/v1/stories/{newsroom[0].slug}", story_page_queries(links=links)
    )
    assert len(found["related"]) == 2 and len(found["body"]) == 5
    # By id: its slug first.
    queries(
        django_assert_num_queries, client, f"/api/v1/stories/id/{newsroom[0].pk}", story_page_queries(links=links) + 1
    )


def test_a_photo(client, newsroom, django_assert_num_queries):
    photo = newsroom[3].placements.first().photo
    queries(django_assert_num_queries, client, f"/api/v1/photos/{photo.virin}", 2)


def test_collections(client, newsroom, django_assert_num_queries):
    # Each with its count, in one query, then kept until the content changes (archive.selectors).
    found = queries(django_assert_num_queries, client, "/api/v1/collections", 1)
    assert [each["story_count"] for each in found] == [1]
    queries(django_assert_num_queries, client, "/api/v1/collections/2019-2021", 0)


def test_search(client, newsroom, indexed, django_assert_num_queries):
    indexed()
    # PostgreSQL: the ranked matches' ids, their stories, their lead photos. SQLite: the matching
    # stories, and all their photos (a snippet may quote any caption).
    found = queries(django_assert_num_queries, client, "/api/v1/search", 3 if on_postgresql else 2, {"q": "levee"})
    assert len(found["items"]) == 20 and found["next"]


def test_a_tags_count_is_asked_once_until_the_content_changes(client, newsroom, django_assert_num_queries):
    queries(django_assert_num_queries, client, "/api/v1/stories", 4, {"tag": "flood-control"})
    queries(django_assert_num_queries, client, "/api/v1/stories", 3, {"tag": "flood-control", "_bench": "1"})
