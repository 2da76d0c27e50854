"""Photos, tags, historical collections and search through the API."""

import pytest

from newsroom.photos.virin import parse_virin
from newsroom.stories.models import Tag
from tests.api.conftest import every_item, get_json

pytestmark = pytest.mark.django_db


def test_a_photo_by_its_virin_with_every_public_copy_and_what_the_virin_says(client, settings, make_story, make_photo):
    photo = make_photo(
        public=True,
        virin="200922-D-BN624-1166",
        title="Honor Cordon",
        photographer="Lisa Ferdinando",
        credit="DOD",
        place="Arlington, Virginia, United States",
        keywords="cordon, minister",
    )
    older = make_story(headline="Minister Arrives", photos=[photo])
    newer = make_story(headline="Minister Departs", photos=[photo])
    found = get_json(client, "/api/v1/photos/200922-d-bn624-1166")  # typed in lower case, found all the same
    assert found["virin"] == "200922-D-BN624-1166"
    assert found["credit_line"] == "Photo By: Lisa Ferdinando, DOD"
    assert found["place"] == "Arlington, Virginia, United States" and found["keywords"] == ["cordon", "minister"]
    assert found["url"] == "http://testserver/photos/200922-D-BN624-1166/"
    copies = {copy["name"]: copy for copy in found["copies"]}
    assert set(copies) == set(photo.renditions) and "full" in copies
    for name, entry in photo.renditions.items():
        assert copies[name]["width"] == entry["width"] and copies[name]["height"] == entry["height"]
        assert copies[name]["size"] == entry["bytes"] > 0
        assert copies[name]["url"] == "http://testserver" + photo.public_url(name)
    # The copy is really there, in the public media folder the web server serves.
    assert (settings.MEDIA_ROOT / photo.full_size["name"]).is_file()
    assert found["virin_says"] == [
        {"label": label, "value": value} for label, value in parse_virin("200922-D-BN624-1166").explain()
    ]
    assert found["virin_says"][:3] == [
        {"label": "Date shot", "value": "Sept. 22, 2020"},
        {"label": "Service", "value": "D — Department of Defense"},
        {"label": "Originator", "value": "BN624 (person)"},
    ]
    assert {story["headline"] for story in found["stories"]} == {older.headline, newer.headline}


def test_the_photos_list_pages_through_photos_in_published_stories(client, make_story, make_photo):
    photos = [make_photo(public=True) for _ in range(5)]
    make_story(photos=photos[:3])
    make_story(photos=photos[3:])
    make_story(photos=[make_photo()], published=False)
    first = get_json(client, "/api/v1/photos", {"limit": 2})
    assert len(first["items"]) == 2 and first["next"]
    listed = [item["virin"] for item in every_item(client, "/api/v1/photos", {"limit": 2})]
    assert listed == [photo.virin for photo in sorted(photos, key=lambda p: (p.created_at, p.pk), reverse=True)]
    assert get_json(client, "/api/v1/photos", {"cursor": "bad"}, status=400)["detail"].startswith("cursor is not one")


def test_tags_by_name_a_page_at_a_time(client):
    for name in ("Space Launch", "Alliances", "Flood Control"):
        Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    first = get_json(client, "/api/v1/tags", {"limit": 2})
    assert [tag["name"] for tag in first["items"]] == ["Alliances", "Flood Control"]
    assert [tag["name"] for tag in every_item(client, "/api/v1/tags", {"limit": 2})] == [
        "Alliances",
        "Flood Control",
        "Space Launch",
    ]
    assert get_json(client, "/api/v1/tags/flood-control") == {
        "slug": "flood-control",
        "name": "Flood Control",
        "url": "http://testserver/news/tag/flood-control/",
        "stories_url": "http://testserver/api/v1/stories?tag=flood-control",
    }
    assert get_json(client, "/api/v1/tags/nope", status=404) == {"detail": "No tag has that address."}


def test_collections_count_only_the_stories_readers_can_see(client, make_story, collection):
    Story = type(make_story(published=False))
    for published in (True, True, False):
        story = make_story(published=published)
        Story.objects.filter(pk=story.pk).update(
            archive_status="archived", collection=collection, archived_at=story.created_at
        )
    listed = get_json(client, "/api/v1/collections")
    assert listed == [
        {
            "slug": "2019-2021",
            "name": collection.name,
            "description": "",
            "notice": collection.notice,
            "story_count": 2,
            "url": "http://testserver/archive/2019-2021/",
            "stories_url": "http://testserver/api/v1/stories?collection=2019-2021",
        }
    ]
    assert get_json(client, "/api/v1/collections/2019-2021") == listed[0]
    assert len(get_json(client, listed[0]["stories_url"])["items"]) == 2
    get_json(client, "/api/v1/collections/nope", status=404)


def test_search_finds_published_stories_with_snippets_and_pages(client, make_story, indexed):
    for number in range(3):
        make_story(headline=f"Levee Repairs Begin In District {number}", body="<p>Engineers shore up the levee.</p>")
    make_story(headline="Rocket Lifts Off")
    indexed()
    first = get_json(client, "/api/v1/search", {"q": "levee", "limit": 2})
    assert first["query"] == "levee" and first["photo"] is None and first["capped"] is False
    assert len(first["items"]) == 2 and first["next"]
    assert all("<mark>" in item["snippet"].lower() for item in first["items"])
    found = every_item(client, "/api/v1/search", {"q": "levee", "limit": 2})
    assert sorted(item["headline"] for item in found) == [f"Levee Repairs Begin In District {n}" for n in range(3)]
    assert get_json(client, "/api/v1/search", {"q": "   "}, status=400) == {"detail": "q must hold a word to look for."}
    assert "q: Field required" in get_json(client, "/api/v1/search", status=400)["detail"]
    assert get_json(client, "/api/v1/search", {"q": "levee", "cursor": "x"}, status=400)["detail"].startswith("cursor")
