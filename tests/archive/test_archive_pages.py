"""The archive section: all archived stories, one collection's, and one year's or month's."""

import re

import pytest

from newsroom.archive.forms import CollectionForm
from newsroom.archive.services import story_archive
from tests.conftest import local, page_text

pytestmark = pytest.mark.django_db


def nav_text(response, label) -> str:
    """The visible text of one navigation landmark, found by its label."""
    html = response.content.decode()
    match = re.search(rf'<nav aria-label="{label}"[^>]*>(.*?)</nav>', html, flags=re.S)
    assert match, f"no navigation labelled {label!r}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.fixture
def archive(make_story, collection):
    """Archived stories across two years, and current stories from the same months."""

    def archived(headline, when):
        return story_archive(story=make_story(headline=headline, published_at=when), collection=collection, user=None)

    return {
        "jan_2020": archived("Winter Storm Response", local(2020, 1, 15)),
        # Just before midnight on the site's clock: still September here, October in UTC.
        "sep_2020": archived("Late September Exercise", local(2020, 9, 30, 23, 30)),
        "sep_2020_b": archived("Early September Drill", local(2020, 9, 2)),
        "oct_2020": archived("Fleet Week Ends", local(2020, 10, 1, 0, 30)),
        "mar_2019": archived("Levee Repairs Finish Early", local(2019, 3, 4)),
        "current_2020": make_story(headline="Still Current From 2020", published_at=local(2020, 9, 10)),
        "draft": make_story(headline="Unpublished Draft", published=False),
    }


def test_the_archive_lists_years_with_their_counts_newest_first(client, archive):
    response = client.get("/archive/")

    assert response.status_code == 200
    assert nav_text(response, "Archive by year") == "By year 2020 (4) 2019 (1)"
    assert 'href="/archive/2020/"' in response.content.decode()


def test_a_year_lists_its_archived_stories_and_its_months(client, archive):
    response = client.get("/archive/2020/")

    assert response.status_code == 200
    text = page_text(response)
    assert "Archive: 2020" in text
    for headline in ("Winter Storm Response", "Late September Exercise", "Early September Drill", "Fleet Week Ends"):
        assert headline in text
    assert "Levee Repairs Finish Early" not in text  # 2019
    assert "Still Current From 2020" not in text  # not archived
    # Months spelled out, as AP style has them without a day; only months with stories.
    assert nav_text(response, "2020 by month") == "2020 by month January (1) September (2) October (1)"
    assert "<title>2020 | Archive" in response.content.decode()


def test_a_month_lists_only_that_months_stories_by_the_sites_clock(client, archive):
    response = client.get("/archive/2020/9/")

    assert response.status_code == 200
    text = page_text(response)
    assert "Archive: September 2020" in text
    assert "Late September Exercise" in text and "Early September Drill" in text
    assert "Fleet Week Ends" not in text and "Winter Storm Response" not in text
    assert "Still Current From 2020" not in text
    # Newest first, like every listing.
    assert text.index("Late September Exercise") < text.index("Early September Drill")
    assert 'href="/archive/2020/9/" aria-current="page"' in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/archive/2018/",
        "/archive/2020/2/",
        "/archive/2020/13/",
        "/archive/2020/0/",
        "/archive/99999/",
        "/archive/2021/1/",
    ],
)
def test_years_and_months_without_archived_stories_are_not_found(client, archive, address):
    assert client.get(address).status_code == 404


def test_a_current_story_alone_does_not_make_a_year(client, make_story, collection):
    make_story(headline="Current Story", published_at=local(2018, 5, 1))

    assert client.get("/archive/2018/").status_code == 404
    assert "2018" not in nav_text(client.get("/archive/"), "Historical collections")


def test_collection_pages_still_work_beside_the_dated_pages(client, archive, collection):
    response = client.get("/archive/2019-2021/")

    assert response.status_code == 200
    assert "Archive: 2019-2021 Historical Collection" in page_text(response)
    assert "(5)" in nav_text(response, "Historical collections")


def test_a_collection_count_leaves_out_stories_readers_cannot_see(client, make_story, collection):
    story_archive(story=make_story(headline="Visible"), collection=collection, user=None)
    expired = make_story(headline="Expired", published_at=local(2020, 5, 1), expires_at=local(2020, 5, 2))
    story_archive(story=expired, collection=collection, user=None)

    assert "2019-2021 Historical Collection (1)" in nav_text(client.get("/archive/"), "Historical collections")


@pytest.mark.parametrize("address", ["/archive/", "/archive/2020/", "/archive/2020/9/"])
def test_the_dated_pages_cost_the_same_queries_for_any_number_of_stories(
    client, make_story, make_photo, collection, django_assert_num_queries, address
):
    def add_archived(count):
        for day in range(count):
            story = make_story(photos=[make_photo()], published_at=local(2020, 9, 1 + day))
            story_archive(story=story, collection=collection, user=None)
        story = make_story(photos=[make_photo()], published_at=local(2019 - count, 1, 1))
        story_archive(story=story, collection=collection, user=None)

    # collections, years, (months,) count for the paginator, stories, their placements with photos
    expected = {"/archive/": 5, "/archive/2020/": 6, "/archive/2020/9/": 6}[address]
    add_archived(1)
    with django_assert_num_queries(expected):
        assert client.get(address).status_code == 200
    add_archived(4)
    with django_assert_num_queries(expected):
        assert client.get(address).status_code == 200


def test_a_collection_slug_of_only_digits_is_refused(db):
    form = CollectionForm(data={"name": "2020", "slug": "2020", "notice": "From 2020."})

    assert not form.is_valid()
    assert "would clash with the archive's page for a year" in form.errors["slug"][0]
    assert "2020-collection" in form.errors["slug"][0]
