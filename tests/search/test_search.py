"""Search as readers use it, on SQLite (plain matching) and PostgreSQL (the full-text index).

Stories are made and changed through the story services inside
django_capture_on_commit_callbacks(execute=True), so on PostgreSQL the search index is filled the
way a real commit fills it: through the stories' announcement of each change.
"""

import datetime
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from newsroom.archive.services import story_archive
from newsroom.photos.services import photo_save
from newsroom.search.models import StorySearchDocument
from newsroom.stories.models import Status
from newsroom.stories.services import story_update
from newsroom.website.views import server_error
from tests.conftest import page_text

pytestmark = pytest.mark.django_db

on_postgresql = connection.vendor == "postgresql"


@pytest.fixture
def committed(committed, run_tasks):
    """A change, what its commit runs, then the worker: it refreshes the search documents the commit
    queued (search/tasks.py), so a search right after finds what the change wrote."""

    def run(change, *args, **kwargs):
        done = committed(change, *args, **kwargs)
        run_tasks()
        return done

    return run


@pytest.fixture
def story(create_story, committed):
    def make(**fields):
        return committed(create_story, **fields)

    return make


def search(client, query, **params):
    return client.get("/search/", {"q": query, **params})


def headlines(response) -> list[str]:
    return re.findall(
        r'class="newsroom-listing__headline"><a class="usa-link" href="[^"]+">([^<]+)</a>', response.content.decode()
    )


def snippets(response) -> list[str]:
    return re.findall(
        r'<p class="newsroom-listing__summary newsroom-search__snippet">(.*?)</p>',
        response.content.decode(),
        flags=re.S,
    )


@pytest.mark.parametrize(
    "where, query",
    [
        ("headline", "levee"),
        ("summary", "levee"),
        ("body", "levee"),
        ("photo caption", "levee"),
        ("caption in the story", "levee"),
        ("VIRIN", "260303-N-QX123"),  # a full VIRIN goes to the photo instead, see below
        ("VIRIN", "QX123"),  # the originator: everything one photographer shot
    ],
)
def test_finds_a_word_wherever_it_is_in_the_story(client, story, make_photo, committed, where, query):
    photo = make_photo(virin="260303-N-QX123-1042", caption="Sailors unload a cargo pallet in Manta.")
    fields = {
        "headline": {"headline": "Levee Holds As River Crests"},
        "summary": {"summary": "Engineers say the levee held overnight."},
        "body": {"body": "First paragraph.\n\nThe <em>levee</em> held through the night."},
        "photo caption": {"photos": [make_photo(caption="Soldiers stack sandbags on the levee, Aug. 5, 2026.")]},
        "caption in the story": {"photos": [photo]},
        "VIRIN": {"photos": [photo]},
    }[where]
    found = story(**fields)
    if where == "caption in the story":
        committed(
            story_update,
            story=found,
            user=None,
            expected_version=found.version,
            changes={
                "body": found.body.replace(
                    f'data-photo="{photo.pk}"', f'data-photo="{photo.pk}" data-caption="The levee, seen from the air."'
                )
            },
        )
    story(headline="Unrelated Story", summary="Nothing to see.", body="Nothing here either.")

    response = search(client, query)

    assert response.status_code == 200
    assert headlines(response) == [found.headline]


def test_a_headline_match_ranks_above_a_body_only_match(client, story):
    body_only = story(
        headline="Engineers Finish Repairs",
        body="Crews rebuilt the levee wall.",
        published_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    headline = story(
        headline="Levee Repairs Finish Early",
        body="Crews finished ahead of schedule.",
        published_at=timezone.now() - datetime.timedelta(days=30),
    )

    assert headlines(search(client, "levee")) == [headline.headline, body_only.headline]


def test_snippet_marks_the_words_and_carries_no_markup_from_the_body(client, story):
    story(
        body='Crews said the <em>levee</em> held & "nobody" was hurt.<script>alert("levee")</script>\n\n'
        '<a href="https://example.com/" onclick="steal()">Photos</a> of the <b>levee</b> '
        "<img src=x onerror=alert(2)>"
    )

    response = search(client, "levee")

    [snippet] = snippets(response)
    assert "<mark>levee</mark> held &amp; &quot;nobody&quot; was hurt." in snippet
    assert re.sub(r"</?mark>", "", snippet) == re.sub(r"<[^>]*>", "", snippet), "only <mark> tags"
    for leaked in ("<em>", "<b>", "<script", "alert", "<a ", "onclick", "onerror", "<img"):
        assert leaked not in snippet


def test_words_in_every_kind_of_block_are_found_and_the_markup_is_not(client, story, make_photo):
    found = story(
        headline="Levee Holds",
        body=f'<figure data-photo="{make_photo().pk}"></figure><h2>Floodwall Repairs</h2>'
        "<ul><li><p>Sandbags stacked</p></li></ul><blockquote><p>Hold the culvert.</p></blockquote>"
        "<table><tbody><tr><th><p>Pumps</p></th></tr><tr><td><p>Spillway</p></td></tr></tbody></table>",
    )

    for word in ("floodwall", "sandbags", "culvert", "spillway"):
        assert headlines(search(client, word)) == [found.headline], word
    for markup in ("figure", "blockquote", "tbody", "strong", "data"):
        assert headlines(search(client, markup)) == [], markup
    [snippet] = snippets(search(client, "sandbags"))
    assert "<mark>Sandbags</mark> stacked" in snippet and "<li>" not in snippet


def test_the_query_is_shown_back_escaped(client, story):
    story(headline="Levee Holds")

    html = search(client, '<script>alert("q")</script> levee').content.decode()

    assert "<script>alert" not in html
    assert "Search results for “&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt; levee”" in html
    assert 'value="&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt; levee"' in html


def test_title_heading_count_and_the_query_in_the_box(client, story):
    story(headline="Levee Holds As River Crests")
    story(headline="Second Levee Story")

    response = search(client, "  levee  ")
    html = response.content.decode()

    assert "<title>Search results for “levee” | Newsroom</title>" in html
    assert "<h1>Search results for “levee”</h1>" in html
    assert 'id="search-page-query" type="search" name="q" value="levee"' in html
    assert "2 stories match." in page_text(response)
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    "change",
    [
        {"status": Status.DRAFT, "published_at": None},
        {"status": Status.IN_REVIEW, "published_at": None},
        # How far from now, not moments: a moment taken when tests are collected moves on before they run.
        {"published_at": datetime.timedelta(hours=1)},
        {"status": Status.WITHDRAWN},
        {"published_at": -datetime.timedelta(days=2), "expires_at": -datetime.timedelta(days=1)},
    ],
    ids=["draft", "in-review", "scheduled", "withdrawn", "expired"],
)
def test_stories_readers_may_not_see_are_never_found(client, story, make_photo, change):
    photo = make_photo(virin="260303-N-QX123-1042")
    now = timezone.now()
    change = {field: now + value if isinstance(value, datetime.timedelta) else value for field, value in change.items()}
    story(headline="Levee Story Not For Readers", photos=[photo], **change)

    for query in ("levee", "QX123", photo.virin):
        response = search(client, query)
        assert response.status_code == 200, "an unpublished photo's VIRIN does not lead to it"
        assert "Levee Story Not For Readers" not in response.content.decode()
        assert "No published stories match" in page_text(response)


def test_archived_stories_are_found_and_marked_archived(client, story, collection):
    archived = story(headline="Levee Repairs From 2020")
    story_archive(story=archived, collection=collection, user=None)
    story(headline="Levee Repairs This Year")

    text = page_text(search(client, "levee repairs"))

    assert "| Archived Levee Repairs From 2020" in text
    assert "Levee Repairs This Year" in text
    assert text.count("Archived") == 1


@pytest.mark.parametrize("query", ["200922-D-BN624-1166", "200922-d-bn624-1166", " 200922-D-BN624-1166.jpg "])
def test_a_virin_goes_straight_to_its_photo(client, story, make_photo, query):
    photo = make_photo(virin="200922-D-BN624-1166")
    story(photos=[photo])

    response = search(client, query)

    assert response.status_code == 302
    assert response["Location"] == "/photos/200922-D-BN624-1166/"


def test_empty_query_shows_the_form_and_no_results_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/search/", {"q": "   "})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Search</h1>" in html and "<title>Search | Newsroom</title>" in html
    assert 'id="search-page-query" type="search" name="q" value=""' in html
    assert "newsroom-listing" not in html and "No published stories match" not in html
    assert client.get("/search/").status_code == 200


def test_no_matches_get_a_helpful_message(client, story):
    story(headline="Levee Holds")

    text = page_text(search(client, "zeppelin"))

    assert "No published stories match “zeppelin”." in text
    assert "Check the spelling" in text and "VIRIN" in text and "browse the news" in text


@pytest.mark.parametrize("query", ["'", ":*", "a & (b | !c", '"unclosed', "-", "or", "the", "x" * 500])
def test_any_query_gets_a_page_never_an_error(client, story, query):
    story(headline="Levee Holds")
    assert search(client, query).status_code == 200


def test_search_box_is_in_the_header_of_every_page(client, story):
    found = story()
    pages = [
        client.get("/"),
        client.get(found.get_absolute_url()),
        client.get("/no-such-page/"),
        server_error(RequestFactory().get("/")),
    ]
    assert [page.status_code for page in pages] == [200, 200, 404, 500]

    for page in pages:
        header = page.content.decode().split('<header class="usa-header', 1)[1].split("</header>", 1)[0]
        assert (
            '<form class="usa-search usa-search--small" role="search" aria-label="Site" action="/search/" method="get">'
        ) in header
        assert '<label class="usa-sr-only" for="site-search-query">Search</label>' in header
        assert '<input class="usa-input" id="site-search-query" type="search" name="q"' in header
        assert '<span class="usa-sr-only">Search</span></button>' in header


def test_the_index_follows_edits_to_stories_photos_and_placements(client, story, make_photo, committed):
    photo = make_photo(caption="Crews stack sandbags.")
    edited = story(headline="Levee Holds", photos=[photo])

    committed(story_update, story=edited, changes={"headline": "Floodwall Holds"}, user=None, expected_version=None)
    assert headlines(search(client, "floodwall")) == ["Floodwall Holds"]
    assert headlines(search(client, "levee")) == []

    photo.caption = "Crews stack hesco barriers."
    committed(photo_save, photo=photo, user=None)
    assert headlines(search(client, "hesco")) == ["Floodwall Holds"]

    committed(
        story_update,
        story=edited,
        changes={},
        user=None,
        expected_version=None,
        write_parts=lambda story: story.placements.get().delete(),
    )
    assert headlines(search(client, "hesco")) == []


@pytest.mark.skipif(not on_postgresql, reason="only PostgreSQL keeps search documents; SQLite search reads the stories")
def test_the_worker_refreshes_the_document_after_the_save_not_the_request(
    client, story, django_capture_on_commit_callbacks, run_tasks
):
    found = story(headline="Levee Holds")
    with django_capture_on_commit_callbacks(execute=True):
        story_update(story=found, changes={"headline": "Floodwall Holds"}, user=None, expected_version=None)
    assert headlines(search(client, "floodwall")) == [], "the save queued the refresh; the worker has not run"

    assert run_tasks() == 1
    assert headlines(search(client, "floodwall")) == ["Floodwall Holds"]
    assert headlines(search(client, "levee")) == []


@pytest.mark.skipif(not on_postgresql, reason="only PostgreSQL keeps search documents; SQLite search reads the stories")
@pytest.mark.parametrize(
    "changes, rebuilt",
    [
        ({"byline": "John Doe, DOD News"}, False),
        ({"expires_at": datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)}, False),
        ({"label": "feature"}, False),
        ({"headline": "Floodwall Holds"}, True),
        ({"body": "The floodwall held."}, True),
    ],
    ids=["byline", "expiry-time", "label", "headline", "body"],
)
def test_the_search_document_is_rebuilt_only_when_searched_text_changed(story, committed, changes, rebuilt):
    found = story(headline="Levee Holds")
    document = StorySearchDocument.objects.filter(story=found)
    document.update(text="as it was")  # marks the document, to see whether it is made again

    committed(story_update, story=found, changes=changes, user=None, expected_version=1)

    assert found.version == 2, "the change was saved"
    assert (document.get().text != "as it was") is rebuilt


def test_results_are_paginated_and_the_pages_keep_the_query(client, story):
    for number in range(settings.NEWS_PER_PAGE + 3):
        story(headline=f"Levee Story {number:02d}", published_at=timezone.now() - datetime.timedelta(hours=number))

    first = search(client, "levee")
    second = search(client, "levee", page=2)

    assert len(headlines(first)) == settings.NEWS_PER_PAGE
    assert headlines(second) == ["Levee Story 20", "Levee Story 21", "Levee Story 22"]
    assert 'href="?q=levee&amp;page=2"' in first.content.decode()
    assert "Page 2 of 2" in page_text(second)
    assert search(client, "levee", page=9).status_code == 404


def test_query_count_is_the_same_for_one_result_or_ten(client, story, make_photo, django_assert_num_queries):
    story(headline="Levee Story", photos=[make_photo()])
    # count for the paginator, the stories, their placements with photos
    with django_assert_num_queries(3):
        assert len(headlines(search(client, "levee"))) == 1
    for _ in range(9):
        story(headline="Levee Story", photos=[make_photo(), make_photo()])
    with django_assert_num_queries(3):
        assert len(headlines(search(client, "levee"))) == 10


def test_rebuild_search_index_command(story):
    story(headline="Levee Holds")
    story(headline="Second Story")
    StorySearchDocument.objects.all().delete()
    out = StringIO()

    call_command("rebuild_search_index", stdout=out)

    if on_postgresql:
        assert out.getvalue().strip() == "Rebuilt the search index: 2 stories."
        assert StorySearchDocument.objects.count() == 2
    else:
        assert "Nothing to rebuild: on SQLite search reads the stories directly." in out.getvalue()
        assert StorySearchDocument.objects.count() == 0


@pytest.mark.skipif(not on_postgresql, reason="only full-text search (PostgreSQL) ranks a capped set of matches")
def test_a_capped_search_says_more_may_match_and_shows_the_newest(client, story, monkeypatch):
    from newsroom.search import selectors

    for number in range(4):
        story(headline=f"Levee Story {number}", published_at=timezone.now() - datetime.timedelta(days=number))
    monkeypatch.setattr(selectors, "RANKED_MATCHES", 3)  # a cap of 200 needs 200 stories; the rule is the same
    page = search(client, "levee")
    assert "3 or more stories match; the newest 3 are shown" in page_text(page)
    assert sorted(headlines(page)) == ["Levee Story 0", "Levee Story 1", "Levee Story 2"]
    monkeypatch.setattr(selectors, "RANKED_MATCHES", 200)
    assert "4 stories match." in page_text(search(client, "levee"))


def ranked_as_before(query: str) -> list[int]:
    """The order full-text search gave before issue 18, written out in one query as it then was:
    the newest RANKED_MATCHES matches, ranked, ties to the newer story."""
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import F

    from newsroom.search.selectors import RANKED_MATCHES
    from newsroom.stories.models import Story

    search_query = SearchQuery(query, search_type="websearch", config="english")
    newest = (
        Story.objects.published()
        .filter(search_document__vector=search_query)
        .order_by("-published_at", "-id")
        .values("pk")[:RANKED_MATCHES]
    )
    ranked = Story.objects.published().filter(pk__in=newest)
    ranked = ranked.annotate(rank=SearchRank(F("search_document__vector"), search_query))
    return list(ranked.order_by("-rank", "-published_at", "-id").values_list("pk", flat=True))


@pytest.mark.skipif(not on_postgresql, reason="the full-text index is PostgreSQL's")
def test_full_text_search_finds_the_same_stories_in_the_same_order_as_before(client, story, monkeypatch):
    from newsroom.search import selectors

    words = ["levee", "river", "crest", "sandbag", "engineer"]
    now = timezone.now()
    for number in range(40):
        # Each word somewhere different in each story, some in two places, some stories with
        # the same words and so the same rank, published in an order unlike the ids'.
        chosen = [word for index, word in enumerate(words) if (number + index) % 3]
        story(
            headline=f"{chosen[0].title()} Report {number}",
            summary=" ".join(chosen[: number % 3]) or "No summary words.",
            body="\n\n".join(f"Paragraph about the {word} and {word}s." for word in chosen[number % 2 :]),
            published_at=now - datetime.timedelta(hours=(number * 7) % 40),
        )
    monkeypatch.setattr(selectors, "RANKED_MATCHES", 25)  # the newest-matches cap in play too

    for query in ["levee", "river crest", "sandbags", '"levee report"', "crest -levee", "levee or crest"]:
        before = ranked_as_before(query)
        results = selectors.search_stories(query)
        assert before, query
        assert results.ranked_ids == before, query
        pages = [story.pk for start in range(0, len(before), 20) for story in results[start : start + 20]]
        assert pages == before, query


@pytest.mark.skipif(not on_postgresql, reason="PostgreSQL cuts snippets from a window of the document")
def test_a_long_story_is_found_and_its_snippet_marks_the_word_far_into_it(client, story):
    filler = "\n\n".join(
        f"Paragraph {number} of the field report, with nothing in it to find." for number in range(1000)
    )
    story(headline="The Long Report", body=f"{filler}\n\nAt last the levee held through the night.")

    response = search(client, "levees")

    assert headlines(response) == ["The Long Report"]
    [snippet] = snippets(response)
    assert "the <mark>levee</mark> held" in snippet


@pytest.mark.skipif(not on_postgresql, reason="PostgreSQL cuts snippets from a window of the document")
def test_a_snippet_reads_a_bounded_window_of_the_document_however_long_the_story(story):
    from django.db.models.functions import Length

    from newsroom.search.selectors import SNIPPET_REACH, SNIPPET_WINDOW, snippet_source
    from newsroom.stories.models import Story

    filler = "\n\n".join(
        f"Paragraph {number} of the field report, with nothing in it to find." for number in range(6000)
    )
    long_story = story(headline="Levee Report", body=f"{filler}\n\nThe levee held.")
    document = StorySearchDocument.objects.get(story=long_story).text
    assert len(document) > 2 * SNIPPET_REACH

    read = Story.objects.filter(pk=long_story.pk).annotate(read=Length(snippet_source(["levee"]))).get().read

    assert read == SNIPPET_WINDOW


@pytest.fixture
def page_cache_on(settings):
    from newsroom.website.caching import local_pages

    settings.PAGE_CACHE_SECONDS = 300
    local_pages.forget()
    yield local_pages
    local_pages.forget()


def shared_cache_has(path: str) -> bool:
    from django.core.cache import cache

    return cache.get(f"newsroom:page:http:identity:testserver:{path}") is not None


def test_a_repeated_search_is_kept_in_this_process_only_and_any_change_retires_it(
    client, story, page_cache_on, django_assert_num_queries
):
    first_story = story(headline="Levee Repairs Begin")
    first = search(client, "levee")
    assert headlines(first) == ["Levee Repairs Begin"]

    with django_assert_num_queries(0):
        again = search(client, "levee")
    assert again.content == first.content
    assert "private" in again["Cache-Control"] and "public" not in again["Cache-Control"], "no CDN keeps it"
    assert page_cache_on.holding(here_only=True)[0] == 1
    client.get(first_story.get_absolute_url())
    assert shared_cache_has(first_story.get_absolute_url()), "a story page goes to the shared cache"
    assert not shared_cache_has("/search/?q=levee"), "a search never does"

    story(headline="Levee Gate Closes", summary="Nothing to do with the first story.")
    assert sorted(headlines(search(client, "levee"))) == ["Levee Gate Closes", "Levee Repairs Begin"]


def test_a_flood_of_different_searches_stays_within_its_share_and_keeps_the_story_pages(
    client, story, page_cache_on, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_LOCAL_BYTES = 600_000
    levee = story(headline="Levee Repairs Begin")
    client.get(levee.get_absolute_url())

    for number in range(60):
        assert search(client, f"levee report{number}").status_code == 200

    searches, held = page_cache_on.holding(here_only=True)
    assert 0 < held <= settings.PAGE_CACHE_LOCAL_BYTES * page_cache_on.HERE_ONLY_SHARE
    assert searches < 60, "the oldest searches were let go"
    with django_assert_num_queries(0):
        assert client.get(levee.get_absolute_url()).status_code == 200
