"""Stories through the API as a syndication partner reads them: newest first, filtered, a page at a
time by cursor, and one story whole, its body block by block."""

import datetime

import pytest
from django.utils import timezone

from newsroom.api.cursors import encode
from newsroom.archive.services import story_archive
from newsroom.stories.models import ArchiveStatus, Correction, Label, NoteKind, Tag
from tests.api.conftest import every_item, get_json

pytestmark = pytest.mark.django_db


def ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def headlines(items):
    return [item["headline"] for item in items]


@pytest.fixture
def newsroom(make_story, collection):
    """Five stories: two tagged, a feature, one by another writer, one archived."""
    flood = Tag.objects.create(name="Flood Control", slug="flood-control")
    stories = {
        "levee": make_story(headline="Levee Repairs Begin", published_at=ago(1), byline="Maria Delgado, Army"),
        "feature": make_story(headline="A Day On The Levee", published_at=ago(2), label=Label.FEATURE),
        "ship": make_story(headline="Hospital Ship Arrives", published_at=ago(3), byline="Jim O'Brien, DOD News"),
        "dredge": make_story(headline="Dredging Resumes", published_at=ago(4), byline="Maria Delgado, Army"),
        "old": make_story(headline="Old Exercise Ends", published_at=ago(24 * 400)),
    }
    stories["levee"].tags.add(flood)
    stories["dredge"].tags.add(flood)
    Story = type(stories["old"])
    Story.objects.filter(pk=stories["old"].pk).update(
        archive_status=ArchiveStatus.ARCHIVED, collection=collection, archived_at=timezone.now()
    )
    return stories


def test_the_list_is_newest_first_with_what_a_listing_shows(client, newsroom, make_story, make_photo):
    photo = make_photo(public=True, title="Honor Cordon")
    with_photo = make_story(headline="Cordon Greets Minister", published_at=ago(0.5), photos=[photo])
    page = get_json(client, "/api/v1/stories")
    assert headlines(page["items"]) == [
        "Cordon Greets Minister",
        "Levee Repairs Begin",
        "A Day On The Levee",
        "Hospital Ship Arrives",
        "Dredging Resumes",
        "Old Exercise Ends",
    ]
    first = page["items"][0]
    assert first["id"] == with_photo.pk and first["slug"] == with_photo.slug
    assert first["url"] == f"http://testserver/news/{with_photo.slug}/"
    assert first["api_url"] == f"http://testserver/api/v1/stories/{with_photo.slug}"
    assert first["label"] == "news" and first["byline"] == "Jane Doe, DOD News" and first["archived"] is False
    assert datetime.datetime.fromisoformat(first["published_at"]) == with_photo.published_at
    assert first["lead_photo"]["virin"] == photo.virin and first["lead_photo"]["title"] == "Honor Cordon"
    assert page["items"][1]["lead_photo"] is None
    assert page["items"][-1]["archived"] is True
    assert page["next"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"tag": "flood-control"}, ["Levee Repairs Begin", "Dredging Resumes"]),
        ({"label": "feature"}, ["A Day On The Levee"]),
        ({"byline": "maria-delgado"}, ["Levee Repairs Begin", "Dredging Resumes"]),
        ({"byline": "jim-o-brien"}, ["Hospital Ship Arrives"]),
        ({"byline": "nobody-here"}, []),
        ({"archived": "true"}, ["Old Exercise Ends"]),
        (
            {"archived": "false"},
            ["Levee Repairs Begin", "A Day On The Levee", "Hospital Ship Arrives", "Dredging Resumes"],
        ),
        ({"collection": "2019-2021"}, ["Old Exercise Ends"]),
        (
            {"tag": "flood-control", "byline": "maria-delgado", "archived": "false"},
            ["Levee Repairs Begin", "Dredging Resumes"],
        ),
    ],
)
def test_filters(client, newsroom, query, expected):
    assert headlines(get_json(client, "/api/v1/stories", query)["items"]) == expected


def test_published_after_and_before_take_dates_and_times(client, newsroom):
    after = (timezone.now() - datetime.timedelta(hours=2, minutes=30)).isoformat()
    assert headlines(get_json(client, "/api/v1/stories", {"published_after": after})["items"]) == [
        "Levee Repairs Begin",
        "A Day On The Levee",
    ]
    before = (timezone.now() - datetime.timedelta(hours=2, minutes=30)).isoformat()
    assert headlines(
        get_json(client, "/api/v1/stories", {"published_before": before, "archived": "false"})["items"]
    ) == [
        "Hospital Ship Arrives",
        "Dredging Resumes",
    ]
    old_day = timezone.localdate(newsroom["old"].published_at)
    window = {
        "published_after": old_day.isoformat(),
        "published_before": (old_day + datetime.timedelta(days=1)).isoformat(),
    }
    assert headlines(get_json(client, "/api/v1/stories", window)["items"]) == ["Old Exercise Ends"]


def test_pages_follow_one_another_by_cursor_to_the_last(client, make_story):
    moment = ago(5)
    # Ties on the publication time are ordered by id, so none is skipped or repeated at a page's edge.
    made = [make_story(headline=f"Story {number:02}", published_at=moment) for number in range(7)]
    made += [make_story(headline=f"Later {number:02}", published_at=ago(1 + number)) for number in range(4)]
    first = get_json(client, "/api/v1/stories", {"limit": 3})
    assert len(first["items"]) == 3
    assert first["next"].startswith("http://testserver/api/v1/stories?limit=3&cursor=")
    walked = every_item(client, "/api/v1/stories", {"limit": 3})
    expected = sorted(made, key=lambda story: (story.published_at, story.pk), reverse=True)
    assert [item["id"] for item in walked] == [story.pk for story in expected]
    last = get_json(client, "/api/v1/stories", {"limit": 11})
    assert len(last["items"]) == 11 and last["next"] is None


def test_filters_are_kept_from_page_to_page(client, newsroom, make_story):
    for hours in range(5, 8):
        make_story(headline=f"Feature {hours}", label=Label.FEATURE, published_at=ago(hours))
    first = get_json(client, "/api/v1/stories", {"label": "feature", "limit": 2})
    assert "label=feature" in first["next"]
    assert headlines(every_item(client, "/api/v1/stories", {"label": "feature", "limit": 2})) == [
        "A Day On The Levee",
        "Feature 5",
        "Feature 6",
        "Feature 7",
    ]


def test_a_story_whole(client, make_story, make_photo, collection):
    photo = make_photo(public=True, title="Honor Cordon", photographer="Lisa Ferdinando", credit="DOD")
    other = make_story(headline="Earlier Visit", slug="earlier-visit")
    body = (
        "<p>The minister arrived.</p>"
        f'<figure data-photo="{photo.pk}"><figcaption>A cordon greets the minister.</figcaption></figure>'
        f'<p>See <a data-story="{other.pk}" href="/news/earlier-visit/">the earlier visit</a>.</p>'
        '<figure data-video="https://www.youtube.com/watch?v=dQw4w9WgXcQ" data-title="Arrival ceremony"></figure>'
    )
    story = make_story(headline="Minister Visits", summary="A short visit.", body=body)
    type(story).placements.rel.related_model.objects.create(
        story=story, photo=photo, order=0, caption="A cordon greets the minister."
    )
    story.tags.add(Tag.objects.create(name="Alliances", slug="alliances"))
    story.related_stories.add(other)
    Correction.objects.create(story=story, kind=NoteKind.CORRECTION, text="An earlier version misspelt the name.")
    found = get_json(client, f"/api/v1/stories/{story.slug}")
    assert found == get_json(client, f"/api/v1/stories/id/{story.pk}")
    assert found["headline"] == "Minister Visits" and found["summary"] == "A short visit."
    assert found["body"][0] == {"type": "text", "html": "<p>The minister arrived.</p>"}
    figure = found["body"][1]
    assert figure["type"] == "photo" and figure["caption"] == "A cordon greets the minister."
    assert figure["photo"]["virin"] == photo.virin
    assert figure["photo"]["credit_line"] == "Photo By: Lisa Ferdinando, DOD"
    assert figure["photo"]["alt_text"] == photo.alt_text
    full = next(copy for copy in figure["photo"]["copies"] if copy["name"] == "full")
    assert full["width"] == photo.full_size["width"] and full["size"] == photo.full_size["bytes"]
    assert found["body"][2] == {
        "type": "text",
        "html": '<p>See <a href="http://testserver/news/earlier-visit/">the earlier visit</a>.</p>',
    }
    assert found["body"][3] == {
        "type": "video",
        "title": "Arrival ceremony",
        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    }
    assert [tag["slug"] for tag in found["tags"]] == ["alliances"]
    assert found["tags"][0]["stories_url"] == "http://testserver/api/v1/stories?tag=alliances"
    assert found["corrections"] == [
        {
            "kind": "correction",
            "date": timezone.localdate().isoformat(),
            "text": "An earlier version misspelt the name.",
        }
    ]
    assert [related["headline"] for related in found["related"]] == ["Earlier Visit"]
    assert found["collection"] is None and found["archived"] is False


def test_an_archived_story_names_its_collection_and_notice(client, create_story, committed, collection):
    story = committed(create_story, headline="Old Exercise Ends")
    committed(story_archive, story=story, collection=collection, user=None)
    found = get_json(client, f"/api/v1/stories/{story.slug}")
    assert found["archived"] is True
    assert found["collection"] == {"slug": "2019-2021", "name": collection.name, "notice": collection.notice}


def test_an_address_the_api_does_not_have_is_404_in_json(client):
    for url in ("/api/v1/storeis", "/api/v1/stories/a/b/c", "/api/v1/photos/"):
        assert get_json(client, url, status=404) == {
            "detail": "Nothing is at that address: /api/v1/ lists what the API offers."
        }, url


def test_a_story_that_does_not_exist_is_404_in_json(client):
    assert get_json(client, "/api/v1/stories/no-such-story", status=404) == {
        "detail": "No published story has that address."
    }
    assert get_json(client, "/api/v1/stories/id/999999", status=404) == {"detail": "No published story has that id."}


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"cursor": "not-a-cursor"}, "cursor is not one this API gave"),
        ({"cursor": "WzEsMl0"}, "cursor is not one this API gave"),  # [1,2]: well formed, not a cursor
        ({"published_after": "yesterday"}, "published_after must be a date or a date and time in ISO 8601"),
        ({"published_before": "2025-13-01"}, "published_before must be a date or a date and time in ISO 8601"),
        ({"tag": "no-such-tag"}, "No tag has the slug “no-such-tag”"),
        ({"label": "gossip"}, "label must be one of news, feature, release, advisory, transcript, speech."),
        ({"collection": "nope"}, "No historical collection has the slug “nope”"),
        ({"byline": "-"}, "byline must be a writer's address"),
        ({"archived": "maybe"}, "Bad query: archived: Input should be a valid boolean"),
        ({"limit": "101"}, "limit must be from 1 to 100."),
        ({"limit": "0"}, "limit must be from 1 to 100."),
        ({"limit": "many"}, "Bad query: limit: Input should be a valid integer"),
        ({"lable": "news"}, "Unknown parameter lable; this address takes tag, label, byline"),
    ],
)
def test_bad_input_is_a_400_that_says_what_to_fix(client, newsroom, query, says):
    answer = get_json(client, "/api/v1/stories", query, status=400)
    assert says in answer["detail"], answer


def test_a_cache_buster_is_let_through(client, newsroom):
    plain = get_json(client, "/api/v1/stories")
    assert get_json(client, "/api/v1/stories", {"_": "1700000000"})["items"] == plain["items"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/stories/id/99999999999999999999999", 404),
        ("/api/v1/stories/id/-1", 404),
        ("/api/v1/stories/id/levee", 400),
        ("/api/v1/stories?published_after=0001-01-01", 400),
        ("/api/v1/stories?published_before=9999-12-31T23:59:59-12:00", 400),
        ("/api/v1/stories?cursor=" + encode("2020-01-01T00:00:00+00:00", 10**30), 400),
        ("/api/v1/stories?cursor=" + encode("0001-01-01T00:00:00+14:00", 5), 400),
        ("/api/v1/stories?cursor=" + encode("2020-01-01T00:00:00", 5), 400),  # no zone: not one we gave
        ("/api/v1/photos?cursor=" + encode("2020-01-01T00:00:00+00:00", -1), 400),
        ("/api/v1/tags?cursor=" + encode(5), 400),
        ("/api/v1/search?q=levee&cursor=" + encode(10**30), 400),
        ("/api/v1/stories?limit=99999999999999999999999", 400),
        ("/api/v1/collections?limit=5", 400),
    ],
)
def test_values_at_the_ends_of_every_range_are_refused_not_failed(client, newsroom, url, status):
    answer = client.get(url)
    assert answer.status_code == status, answer.content
    assert answer.json()["detail"]


def test_a_writers_stories_page_by_cursor_too(client, newsroom):
    assert headlines(every_item(client, "/api/v1/stories", {"byline": "maria-delgado", "limit": 1})) == [
        "Levee Repairs Begin",
        "Dredging Resumes",
    ]


def test_a_retracted_story_answers_410_with_the_reason_by_slug_and_by_id(client, make_story):
    from newsroom.stories.services import story_retract

    story = make_story(headline="Levee Test Results Announced", slug="levee-test-results")
    story_retract(story=story, user=None, reason="The results came from a test the lab has since withdrawn.")

    for path in ("/api/v1/stories/levee-test-results", f"/api/v1/stories/id/{story.pk}"):
        response = client.get(path)
        assert response.status_code == 410, path
        answer = response.json()
        assert answer["headline"] == "Levee Test Results Announced"
        assert answer["reason"] == "The results came from a test the lab has since withdrawn."
        assert answer["url"] == "http://testserver/news/levee-test-results/"
        assert answer["retracted_on"]
    listed = client.get("/api/v1/stories").json()["items"]
    assert "levee-test-results" not in {item["slug"] for item in listed}
