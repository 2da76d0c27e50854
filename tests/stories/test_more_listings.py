"""Listings by label and by byline, and the home page's recent photos."""

import pytest

from newsroom.stories.models import Tag
from tests.conftest import page_text

pytestmark = pytest.mark.django_db


def test_a_label_page_lists_only_that_kind_of_story(client, make_story):
    make_story(headline="A Feature Story", label="feature")
    make_story(headline="A News Story", label="news")
    text = page_text(client.get("/news/label/feature/"))
    assert "Feature Stories" in text and "A Feature Story" in text and "A News Story" not in text
    assert client.get("/news/label/gossip/").status_code == 404


def test_a_byline_page_lists_that_writers_stories_whatever_the_punctuation(client, make_story):
    story = make_story(headline="Levee Story", byline="Staff Sgt. Maria Delgado, Army")
    make_story(headline="Someone Else's Story", byline="Jim Garamone, DOD News")
    assert story.byline_url == "/news/by/staff-sgt-maria-delgado/"
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'By <a class="usa-link" href="/news/by/staff-sgt-maria-delgado/">Staff Sgt. Maria Delgado</a>, Army' in page
    text = page_text(client.get(story.byline_url))
    assert "Stories by Staff Sgt. Maria Delgado" in text and "Levee Story" in text and "Someone Else" not in text
    assert client.get("/news/by/nobody-at-all/").status_code == 404


def test_a_byline_page_reads_one_page_of_stories_and_their_photos_and_names_the_writer_from_them(
    client, make_story, make_photo, django_assert_num_queries
):
    make_story(headline="Levee Story", byline="Staff Sgt. Maria Delgado, Army", photos=[make_photo()])
    client.get("/news/by/staff-sgt-maria-delgado/")  # the count is kept from then on
    with django_assert_num_queries(2):  # the page's stories, their lead photos
        response = client.get("/news/by/staff-sgt-maria-delgado/?page=1")
    assert "Stories by Staff Sgt. Maria Delgado" in page_text(response)


def test_the_story_label_links_to_its_listing(client, make_story):
    story = make_story(label="release")
    assert 'href="/news/label/release/">RELEASE</a>' in client.get(story.get_absolute_url()).content.decode()


def test_home_shows_recent_photos_without_extra_queries(client, make_story, make_photo, django_assert_num_queries):
    make_story(photos=[make_photo(title="Honor Cordon")])
    with django_assert_num_queries(2):  # the stories, their placements with photos
        html = client.get("/").content.decode()
    assert "Recent Photos" in html and "Honor Cordon" in html
    for _ in range(4):
        make_story(photos=[make_photo(), make_photo()])
    with django_assert_num_queries(2):
        client.get("/")


def test_the_home_pages_compiled_queries_give_what_its_querysets_give(make_story, make_photo):
    """home_page reads the newest current stories and every photo placed in them from queries
    compiled once: the same stories, leads and strip of photos (newest story first, each story's
    photos in its order, a photo once, none without public copies) as the querysets give."""
    import datetime

    from django.utils import timezone

    from newsroom.photos.models import PhotoAsset
    from newsroom.stories.models import PhotoPlacement
    from newsroom.stories.selectors import home_page, lead_photo, listed_stories

    photos = [make_photo(title=f"Levee {number}") for number in range(5)]
    PhotoAsset.objects.filter(pk=photos[4].pk).update(renditions={})  # a legacy import with no file
    now = timezone.now()
    make_story(headline="Oldest", photos=[photos[0]], published_at=now - datetime.timedelta(hours=4))
    make_story(headline="Middle", photos=[], published_at=now - datetime.timedelta(hours=3))
    newest = make_story(headline="Newest", photos=[photos[1], photos[4], photos[2]], published_at=now)
    make_story(headline="Older", photos=[photos[3], photos[1]], published_at=now - datetime.timedelta(hours=1))
    # Reordered after placing: the lead is the lowest order, not the first placed.
    PhotoPlacement.objects.filter(story=newest, photo=photos[1]).update(order=7)
    for story in range(12):
        make_story(headline=f"Draft {story}", published=False, photos=[photos[0]])

    def expected(top):
        stories = list(listed_stories(every_photo=True).current()[:top])
        strip = {p.photo_id: p.photo for story in stories for p in story.placements.all() if p.photo.renditions}
        return [(story.headline, getattr(lead_photo(story), "title", None)) for story in stories], [
            photo.title for photo in strip.values()
        ]

    for top in (10, 2):
        stories, strip = home_page(top)
        assert (
            [(story.headline, getattr(lead_photo(story), "title", None)) for story in stories],
            [photo.title for photo in strip],
        ) == expected(top)
    stories, strip = home_page(10)
    assert [story.headline for story in stories][:2] == ["Newest", "Older"]
    assert lead_photo(stories[0]).title == "Levee 4" and "Levee 4" not in [photo.title for photo in strip]
    assert [photo.title for photo in strip] == ["Levee 2", "Levee 1", "Levee 3", "Levee 0"]


@pytest.mark.parametrize("kind", ["tag", "label", "byline"])
def test_filtered_listings_cost_the_same_queries_for_any_number_of_stories(
    client, make_story, make_photo, django_assert_max_num_queries, kind
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsroom.stories.models import Tag

    tag = Tag.objects.create(name="Disaster Response", slug="disaster-response")
    url = {"tag": "/news/tag/disaster-response/", "label": "/news/label/news/", "byline": "/news/by/jane-doe/"}[kind]

    def add_story():
        make_story(photos=[make_photo()]).tags.add(tag)

    add_story()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(6):
        add_story()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("byline", "address"),
    [
        ("Jim O'Brien, DOD News", "/news/by/jim-o-brien/"),
        ("Jim O’Brien, DOD News", "/news/by/jim-o-brien/"),
        ("José Núñez, Army", "/news/by/jos%C3%A9-n%C3%BA%C3%B1ez/"),
        ("Jose\u0301 Nu\u0301n\u0303ez, Army", "/news/by/jos%C3%A9-n%C3%BA%C3%B1ez/"),
        ("J.R. Smith, Navy", "/news/by/j-r-smith/"),
    ],
)
def test_a_byline_page_opens_for_names_with_apostrophes_and_accents(client, make_story, byline, address):
    story = make_story(headline="Levee Story", byline=byline)
    make_story(headline="Someone Else's Story", byline="Jim Garamone, DOD News")
    name = byline.split(",")[0]
    assert story.byline_url == address
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'By <a class="usa-link" href="{address}">' in page
    response = client.get(address)
    assert response.status_code == 200
    text = page_text(response)
    assert f"Stories by {name}" in text and "Levee Story" in text and "Someone Else" not in text


def test_a_byline_address_names_one_writer_not_another_who_shares_the_letters(client, make_story):
    make_story(headline="Núñez Story", byline="José Núñez, Army")
    make_story(headline="Nunez Story", byline="Jose Nunez, Navy")
    text = page_text(client.get("/news/by/josé-núñez/"))
    assert "Núñez Story" in text and "Nunez Story" not in text
    text = page_text(client.get("/news/by/jose-nunez/"))
    assert "Nunez Story" in text and "Núñez Story" not in text
    assert client.get("/news/by/---/").status_code == 404


def test_a_tag_page_opens_by_its_address_and_an_unknown_tag_is_not_found(client, make_story):
    story = make_story(headline="Levee Story")
    story.tags.add(Tag.objects.create(name="Flood Control", slug="flood-control"))
    text = page_text(client.get("/news/tag/flood-control/"))
    assert "News Stories: Flood Control" in text and "Levee Story" in text
    assert client.get("/news/tag/flood-controls/").status_code == 404
    assert client.get("/news/tag/FLOOD-CONTROL/").status_code == 404, "addresses are lower case, as Django's slugs"


@pytest.mark.parametrize(
    "url", ["/", "/news/", "/news/tag/disaster-response/", "/news/label/news/", "/news/by/jane-doe/", "/news/feed/"]
)
def test_listings_leave_the_bodies_in_the_database(client, make_story, make_photo, url):
    """A listing shows no body; read, twenty bodies were most of its bytes (bench/RESULTS.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsroom.stories.models import Tag

    tag = Tag.objects.create(name="Disaster Response", slug="disaster-response")
    story = make_story(headline="Levee Repairs Finish Early", byline="Jane Doe, Army", photos=[make_photo()])
    story.tags.add(tag)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert "Levee Repairs Finish Early" in response.content.decode()
    read = [query["sql"] for query in queries if '"stories_story"."body"' in query["sql"]]
    assert read == []


def test_a_listings_first_page_from_its_compiled_query_is_what_its_queryset_gives(make_story, make_photo):
    """The first pages of the news listing, a label's, a tag's (either order), a writer's (either
    order) and the archive come from queries compiled once per process: the same stories, in the same order, with the same
    lead photos, as the listing's own queryset gives."""
    import datetime

    from django.utils import timezone

    from newsroom.archive.models import Collection
    from newsroom.archive.selectors import archived_stories
    from newsroom.stories.models import ArchiveStatus, Story
    from newsroom.stories.selectors import (
        SORTED_AFTER_MATCHING,
        by_writer,
        current_news,
        first_listing_page,
        lead_photo,
    )

    tag = Tag.objects.create(name="Flood Control", slug="flood-control")
    photos = [make_photo(public=True) for _ in range(2)]
    now = timezone.now()
    for number in range(9):
        story = make_story(
            headline=f"Levee Report {number}",
            label="feature" if number % 3 == 0 else "news",
            byline=["Staff Sgt. José Núñez, Army", "Jim Garamone, DOD News", "José Núñez, Navy"][number % 3],
            published_at=now - datetime.timedelta(hours=number // 2),  # ties broken by id
            photos=photos[: number % 3],
        )
        if number % 2:
            story.tags.add(tag)
    collection = Collection.objects.create(name="2017-2021", slug="2017-2021", notice="Archived content.")
    Story.objects.filter(headline__in=["Levee Report 7", "Levee Report 8"]).update(
        archive_status=ArchiveStatus.ARCHIVED, collection=collection, archived_at=now
    )

    def shown(stories):
        return [(story.headline, getattr(lead_photo(story), "virin", None), story.collection_id) for story in stories]

    news = current_news()
    cases = [
        (first_listing_page(5), news[:5]),
        (first_listing_page(20), news[:20]),
        (first_listing_page(3, label="feature"), news.filter(label="feature")[:3]),
        (first_listing_page(4, tag_id=tag.pk), news.filter(tags=tag)[:4]),
        (
            first_listing_page(4, tag_id=tag.pk, sorted_after_matching=True),
            news.filter(tags=tag).order_by(*SORTED_AFTER_MATCHING)[:4],
        ),
        (first_listing_page(20, byline="josé-núñez"), by_writer(news, "josé-núñez")[:20]),
        (
            first_listing_page(2, byline="jim-garamone", sorted_after_matching=True),
            by_writer(news, "jim-garamone").order_by(*SORTED_AFTER_MATCHING)[:2],
        ),
        (first_listing_page(20, archived=True), archived_stories()[:20]),
    ]
    for compiled, queryset in cases:
        assert shown(compiled) == shown(queryset) and compiled
    assert first_listing_page(0) == []
    assert first_listing_page(20, byline="nobody-here") == [] and first_listing_page(20, byline="--") == []
    # A writer's address matches from the byline's first word.
    assert {story.byline for story in first_listing_page(20, byline="josé-núñez")} == {"José Núñez, Navy"}
