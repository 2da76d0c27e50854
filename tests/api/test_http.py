"""What an API client notices of HTTP: the page cache's rules and lifetimes, ETag and 304, CORS for
any origin (cached answers, 304s, 429s and preflights included), the rate limit, HEAD, and the
methods a read-only API refuses."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client

from newsroom.website.caching import local_pages
from tests.api.conftest import get_json

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]
EASTERN = zoneinfo.ZoneInfo("America/New_York")
ORIGIN = {"Origin": "https://partner.example.org"}


def cors(response) -> bool:
    return response["Access-Control-Allow-Origin"] == "*" and "ETag" in response["Access-Control-Expose-Headers"]


def test_answers_are_public_for_the_page_caches_lifetime_with_an_etag_and_304(client, make_story):
    story = make_story(headline="Levee Repairs Begin")
    url = f"/api/v1/stories/{story.slug}"
    first = client.get(url, headers=ORIGIN)
    assert first.status_code == 200 and cors(first)
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["ETag"]
    again = client.get(url, headers={**ORIGIN, "If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b"" and cors(again)
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "public, max-age=60"
    other = client.get(url, headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.content == first.content


def test_a_repeat_is_served_from_the_page_cache_and_an_edit_retires_exactly_what_shows_it(
    client, make_story, django_assert_num_queries
):
    edited, unrelated = make_story(headline="Before The Edit"), make_story(headline="Rocket Lifts Off")
    pages = ["/api/v1/stories", f"/api/v1/stories/{edited.slug}", f"/api/v1/stories/{unrelated.slug}"]
    for url in pages:
        client.get(url)
    with django_assert_num_queries(0):
        for url in pages:
            response = client.get(url, headers=ORIGIN)
            assert response.status_code == 200 and cors(response), url
    edited.headline = "After The Edit"
    edited.save()
    assert "After The Edit" in [item["headline"] for item in get_json(client, "/api/v1/stories")["items"]]
    assert get_json(client, f"/api/v1/stories/{edited.slug}")["headline"] == "After The Edit"
    with django_assert_num_queries(0):
        assert get_json(client, f"/api/v1/stories/{unrelated.slug}")["headline"] == "Rocket Lifts Off"


def test_a_story_joining_the_list_retires_it(client, make_story, make_photo):
    make_story(headline="First Story")
    assert len(get_json(client, "/api/v1/stories")["items"]) == 1
    assert len(get_json(client, "/api/v1/photos")["items"]) == 0
    make_story(headline="Second Story", photos=[make_photo(public=True)])
    assert len(get_json(client, "/api/v1/stories")["items"]) == 2
    assert len(get_json(client, "/api/v1/photos")["items"]) == 1


def test_no_answer_is_kept_past_the_next_scheduled_publication(client, make_story):
    nine = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    with time_machine.travel(nine - datetime.timedelta(hours=1), tick=False):
        make_story(headline="Already Out", published_at=nine - datetime.timedelta(days=1))
        make_story(headline="Out At Nine", published_at=nine)
    with time_machine.travel(nine - datetime.timedelta(seconds=30), tick=False):
        response = client.get("/api/v1/stories")
        assert response["Cache-Control"] == "public, max-age=30"
        assert [item["headline"] for item in response.json()["items"]] == ["Already Out"]
    with time_machine.travel(nine, tick=False):
        assert [item["headline"] for item in get_json(client, "/api/v1/stories")["items"]] == [
            "Out At Nine",
            "Already Out",
        ]


def test_search_is_kept_in_the_server_process_only_never_by_shared_caches(client, make_story, indexed):
    make_story(headline="Levee Repairs Begin")
    indexed()
    response = client.get("/api/v1/search", {"q": "levee"}, headers=ORIGIN)
    assert response.status_code == 200 and cors(response)
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert local_pages.holding(here_only=True)[0] == 1


def test_a_cors_preflight_allows_get_from_any_origin(client):
    response = client.options(
        "/api/v1/stories",
        headers={**ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "if-none-match"},
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD"}
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert int(response["Access-Control-Max-Age"]) > 0


def test_readers_pages_outside_the_api_get_no_cors_headers(client, make_story):
    story = make_story()
    response = client.get(story.get_absolute_url(), headers=ORIGIN)
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_api_is_read_only(client):
    for method in (client.post, client.put, client.delete, client.patch):
        response = method("/api/v1/stories")
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
        assert response["Access-Control-Allow-Origin"] == "*"


def test_head_answers_with_a_gets_headers_and_no_body(client, make_story):
    make_story()
    get = client.get("/api/v1/stories")
    head = client.head("/api/v1/stories")
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == str(len(get.content)) and head["ETag"] == get["ETag"]
    assert head["Access-Control-Allow-Origin"] == "*"


def test_each_client_is_limited_and_told_when_to_come_back(settings, make_story):
    settings.API_RATE_LIMIT = 3
    make_story()
    reader, other = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.2")
    moment = datetime.datetime(2026, 12, 1, 9, 0, 15, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        # Cached answers count too: the third is served from the page cache.
        for _ in range(3):
            assert reader.get("/api/v1/stories").status_code == 200
        refused = reader.get("/api/v1/stories", headers=ORIGIN)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "45"  # the rest of the minute
        assert refused.json() == {
            "detail": "Too many requests from your address: at most 3 a minute. Try again in 45 seconds."
        }
        assert (
            refused["Access-Control-Allow-Origin"] == "*" and "Retry-After" in refused["Access-Control-Expose-Headers"]
        )
        assert "no-store" in refused["Cache-Control"]
        head = reader.head("/api/v1/stories")
        assert head.status_code == 429 and head.content == b"" and head["Retry-After"] == "45"
        assert other.get("/api/v1/stories").status_code == 200, "another client has its own count"
        assert reader.get("/news/").status_code == 200, "readers' pages are not the API's to limit"
    with time_machine.travel(moment + datetime.timedelta(seconds=45), tick=False):
        assert reader.get("/api/v1/stories").status_code == 200, "a new minute, a new count"


def test_behind_proxies_the_limit_counts_the_client_they_report_and_an_ipv6_network_as_one(settings):
    settings.API_RATE_LIMIT = 2
    settings.PROXY_COUNT = 1
    balancer = "10.0.0.5"

    def get(forwarded):
        return Client(REMOTE_ADDR=balancer).get("/api/v1/", headers={"X-Forwarded-For": forwarded})

    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, 0, tzinfo=datetime.UTC), tick=False):
        assert [get("2001:db8:1:2::10").status_code, get("2001:db8:1:2::99").status_code] == [200, 200]
        assert get("2001:db8:1:2:abcd::1").status_code == 429, "the same /64"
        assert get("2001:db8:1:3::10").status_code == 200, "another /64"
        # A client's own X-Forwarded-For entries (left of the proxy's) change nothing.
        assert get("192.0.2.1, 2001:db8:1:2::10").status_code == 429


def test_the_limit_turned_off(settings, client):
    settings.API_RATE_LIMIT = 0
    assert all(client.get("/api/v1/").status_code == 200 for _ in range(5))


def test_bad_input_is_never_kept(client):
    for _ in range(2):
        response = client.get("/api/v1/stories", {"limit": "1000"})
        assert response.status_code == 400 and "public" not in response.get("Cache-Control", "")
    assert re.fullmatch(r"application/json.*", response["Content-Type"])


def test_a_photo_edit_retires_the_answers_that_show_the_photo(client, make_story, make_photo):
    photo = make_photo(public=True, caption="The old caption, March 3, 2026.")
    story = make_story(photos=[photo])
    urls = ["/api/v1/stories", f"/api/v1/stories/{story.slug}", "/api/v1/photos", f"/api/v1/photos/{photo.virin}"]
    for url in urls:
        assert "The old caption" in client.get(url).content.decode()
    photo.caption = "The new caption, March 3, 2026."
    photo.save()
    for url in urls:
        said = client.get(url).content.decode()
        assert "The new caption" in said and "The old caption" not in said, url
