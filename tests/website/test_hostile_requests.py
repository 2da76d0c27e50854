"""What an attacker sends the site: addresses with NUL bytes and control characters, crafted
query strings and admin filter values, methods readers' pages never take. Nothing answers 500;
readers' pages answer GET and HEAD only; a HEAD never carries a body, from the cache either; every
response says which powerful browser features are off and who may embed it.

Every readers' URL pattern is requested with each hostile value (a test fails when a pattern is
added without a sample address here), and every admin changelist with each hostile value for each
of its filters, its search, sorting, paging and date drill-down, as a Site administrator.
"""

import datetime
import io
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from newsroom.archive.services import story_archive
from newsroom.stories import preview
from newsroom.stories.models import Tag
from newsroom.stories.services import story_save_changes
from tests.conftest import make_account

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


@pytest.fixture(autouse=True)
def no_api_rate_limit(settings):
    # Hundreds of requests from one address: the API's rate limit (tests/api/test_http.py) would
    # answer 429 long before the hostile values were tried.
    settings.API_RATE_LIMIT = 0


def readers_patterns(resolver=None, prefix="", namespace=""):
    """(name, route) of every URL pattern outside the admin, from the URLconf itself."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(ADMIN.lstrip("/")):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from readers_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else route), route


@pytest.fixture
def newsroom(make_story, make_photo, collection, settings):
    """A story with a photo, a tag and a byline; an archived one; the disclosure policy page."""
    photo = make_photo()
    embargoed = make_photo()  # no published story uses it: its copies are served to staff only
    story = make_story(headline="Levee Story", byline="Jim O'Brien, Army", photos=[photo])
    tag = Tag.objects.create(name="Disaster Response", slug="disaster-response")
    story.tags.add(tag)
    story_save_changes(story=story, changes={"summary": "Changed."}, user=None, expected_version=None)
    old = make_story(published_at=datetime.datetime(2020, 5, 4, 12, tzinfo=datetime.UTC))
    story_archive(story=old, collection=collection, user=None)
    page = FlatPage.objects.create(url="/vulnerability-disclosure-policy/", title="Policy", content="<p>Policy.</p>")
    page.sites.add(Site.objects.get_current())
    return {
        "home": "/",
        "stories:list": "/news/",
        "stories:feed": "/news/feed/",
        "stories:feed-atom": "/news/feed/atom/",
        "stories:tag": tag.get_absolute_url(),
        "stories:tag-feed": f"{tag.get_absolute_url()}feed/",
        "stories:tag-feed-atom": f"{tag.get_absolute_url()}feed/atom/",
        "stories:label": "/news/label/news/",
        "stories:corrections": "/news/corrections/",
        "stories:corrections-feed": "/news/corrections/feed/",
        "stories:corrections-feed-atom": "/news/corrections/feed/atom/",
        "stories:byline": story.byline_url,
        "stories:preview": preview.staff_preview_url(story),
        "stories:reviewer-preview": preview.reviewer_link(story),
        "stories:preview-changes": preview.changes_preview_url(story),
        "stories:reviewer-preview-changes": preview.changes_reviewer_link(story),
        "stories:detail": story.get_absolute_url(),
        "photos:detail": photo.get_absolute_url(),
        "photos:credentials": photo.get_absolute_url() + "credentials/",
        "photos:copy": embargoed.public_url(next(iter(embargoed.renditions))),
        "archive:index": "/archive/",
        "archive:year": "/archive/2020/",
        "archive:month": "/archive/2020/5/",
        "archive:collection": collection.get_absolute_url(),
        "search:results": "/search/?q=levee",
        "favicon.ico": "/favicon.ico",
        "healthz": "/healthz",
        "robots-txt": "/robots.txt",
        "security-txt": "/.well-known/security.txt",
        "sitemap": "/sitemap.xml",
        "sitemap-news": "/sitemap-news.xml",
        "sitemap-section": "/sitemap-stories.xml",
        "vulnerability-disclosure-policy": "/vulnerability-disclosure-policy",
        "flat page": "/vulnerability-disclosure-policy/",
        # The public API (newsroom/api/); django-ninja's own root, shadowed by the API's index, too.
        "api-v1:index": "/api/v1/",
        "api-v1:api-root": "/api/v1/",
        "api-v1:openapi-json": "/api/v1/openapi.json",
        "api-v1:openapi-view": "/api/v1/docs",
        "api-v1:stories": "/api/v1/stories?tag=disaster-response&label=news&published_after=2020-01-01",
        "api-v1:story": f"/api/v1/stories/{story.slug}",
        "api-v1:story-by-id": f"/api/v1/stories/id/{story.pk}",
        "api-v1:photos": "/api/v1/photos?limit=5",
        "api-v1:photo": f"/api/v1/photos/{photo.virin}",
        "api-v1:tags": "/api/v1/tags",
        "api-v1:tag": f"/api/v1/tags/{tag.slug}",
        "api-v1:collections": "/api/v1/collections",
        "api-v1:collection": f"/api/v1/collections/{collection.slug}",
        "api-v1:search": "/api/v1/search?q=levee",
        "api-v1:not-found": "/api/v1/no-such-thing/",
        "feedback:statement": "/accessibility/",
        "feedback:feedback": "/accessibility/feedback/",
        "feedback:thanks": "/accessibility/feedback/thanks/",
        "feedback:helpful": "/accessibility/helpful/",
        "feedback:helpful-thanks": f"/accessibility/helpful/thanks/?story={story.pk}&answer=no",
    }


def test_every_readers_pattern_has_a_sample_address(newsroom):
    assert {name for name, _ in readers_patterns()} == newsroom.keys() - {"flat page"}


# Values typed into an address bar or a script: NULs and control characters, numbers past any
# range, markup, unbalanced search syntax, and very long ones.
NUL_QUERIES = ["q=%00", "q=levee%00", "page=%00", "page=1%00", "%00=1", "q=%01%7F"]
ODD_QUERIES = [
    "page=abc",
    "page=-1",
    "page=0",
    "page=99999999999999999999999",
    "page=1e9",
    "page=last",
    "page=%E2%80%8B",
    "q=(",
    "q=%22unbalanced",
    "q=a%20%26%20%7C%20!",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=%ED%A0%80",
    "q=%FF%FE",
    "q=" + "word%20" * 400,
    "year=99999",
]


def without_query(url):
    return url.split("?")[0]


def hostile_paths(url):
    """The address with a NUL, another control character or an invisible one in its last part."""
    path = without_query(url)
    stem = path.rstrip("/")
    tail = "/" if path.endswith("/") else ""
    return [f"{stem}%00{tail}", f"{stem}{tail}%00", f"{stem}%01{tail}", f"{stem}%7F{tail}"]


def request(client, method, url, failures, **extra):
    """One request in its own savepoint (a failed query must not poison the next on PostgreSQL);
    what the view raised is a 500."""
    try:
        with transaction.atomic():
            return client.generic(method, url, **extra)
    except Exception as error:
        failures.append(f"{method} {url}: {type(error).__name__}: {error}")
        return None


@pytest.mark.parametrize("signed_in", [False, True], ids=["reader", "staff"])
def test_no_readers_address_answers_500_to_hostile_values(newsroom, client, signed_in):
    if signed_in:  # previews and staff-only pages parse what they are given too
        client.force_login(make_account("hostile-editor", "editor"))
    failures = []
    for url in newsroom.values():
        path = without_query(url)
        for bad in hostile_paths(url) + [f"{path}?{query}" for query in NUL_QUERIES]:
            response = request(client, "GET", bad, failures)
            if response is not None and response.status_code not in (400, 404):
                failures.append(f"GET {bad}: {response.status_code}, not 400 or 404")
        for odd in [f"{path}?{query}" for query in ODD_QUERIES]:
            response = request(client, "GET", odd, failures)
            if response is not None and response.status_code >= 500:
                failures.append(f"GET {odd}: {response.status_code}")
    for odd in ["/archive/99999/", "/archive/0/", "/archive/2020/13/", "/archive/2020/0/", "/archive/2020/99999999/"]:
        response = request(client, "GET", odd, failures)
        if response is not None and response.status_code != 404:
            failures.append(f"GET {odd}: {response.status_code}, not 404")
    assert not failures, "\n".join(failures)


def test_a_nul_in_the_address_is_refused_before_any_view_or_fallback_reads_it(client, newsroom):
    response = client.get("/no-such-page%00/")  # the flat pages' and redirects' fallbacks look it up
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")
    assert client.get("/search/", {"q": "levee\x00"}).status_code == 400
    assert client.get("/search/", {"q": "line one\r\nline two\tand a tab"}).status_code == 200


# Values for an admin filter's own parameters, then whole query strings for the changelist's
# search, sorting, paging and date drill-down.
FILTER_VALUES = ["abc", "%00", "99999", "-1", "1e999", "%3Cscript%3E", "(", "2026-13-45", "", "%E2%80%8B"]
CHANGELIST_QUERIES = [
    "q=%00",
    "q=(",
    "q=%22",
    "q=" + "x" * 3000,
    "o=abc",
    "o=99",
    "o=-",
    "o=1.-2.abc",
    "o=%00",
    "p=abc",
    "p=99999",
    "p=-1",
    "all=1",
    "status=%3Cscript%3E",
    "year=abc",
    "year=99999",
    "year=%00",
    "_to_field=password",
    "_popup=%00",
]


def date_drill_downs(field):
    return [
        f"{field}__year=abc",
        f"{field}__year=99999",
        f"{field}__year=0",
        f"{field}__year=%00",
        f"{field}__year=2026&{field}__month=13",
        f"{field}__year=2026&{field}__month=2&{field}__day=31",
        f"{field}__year=9999&{field}__month=12&{field}__day=31",
        f"{field}__year=9999&{field}__month=12",
        f"{field}__year=9999",
        f"{field}__month=abc",
        f"{field}__day=1",
    ]


def filter_parameters(model_admin, user, url):
    request = RequestFactory().get(url)
    request.user = user
    changelist: ChangeList = model_admin.get_changelist_instance(request)
    return [name for spec in changelist.filter_specs for name in spec.expected_parameters()]


def test_no_admin_changelist_answers_500_to_crafted_filter_values(newsroom):
    administrator = make_account("hostile-administrator", "administrator")
    client = Client()
    client.force_login(administrator)
    failures, asked = [], 0
    for model, model_admin in admin.site._registry.items():
        url = f"{ADMIN}{model._meta.app_label}/{model._meta.model_name}/"
        if client.get(url).status_code != 200:
            continue  # not the administrator's to see
        queries = list(CHANGELIST_QUERIES)
        if model_admin.date_hierarchy:
            queries += date_drill_downs(model_admin.date_hierarchy)
        for name in filter_parameters(model_admin, administrator, url):
            queries += [f"{quote(name)}={value}" for value in FILTER_VALUES]
        for query in queries:
            asked += 1
            response = request(client, "GET", f"{url}?{query}", failures)
            if response is None:
                continue
            if response.status_code >= 500:
                failures.append(f"GET {url}?{query}: {response.status_code}")
            elif "%00" in query and response.status_code not in (400, 302):
                failures.append(f"GET {url}?{query}: {response.status_code}, not 400 nor the admin's ?e=1")
    assert not failures, "\n".join(failures)
    assert asked > 500, asked  # the crawl reached the changelists and their filters


# Readers' pages answer GET and HEAD; the admin and what it posts to are left alone. The two readers'
# forms take a POST at their own addresses, and nothing else more (tests/feedback/test_views.py posts to them).
REFUSED_METHODS = ["POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND"]
READERS_FORMS = {"/accessibility/feedback/": "GET, HEAD, POST", "/accessibility/helpful/": "POST"}


def test_readers_pages_answer_get_and_head_only(newsroom, client):
    failures = []
    for url in newsroom.values():
        allowed = READERS_FORMS.get(url, "GET, HEAD")
        for method in REFUSED_METHODS:
            if method in allowed.split(", "):
                continue
            response = client.generic(method, url, data="q=1", content_type="application/x-www-form-urlencoded")
            if (response.status_code, response.get("Allow")) != (405, allowed):
                failures.append(f"{method} {url}: {response.status_code}, Allow {response.get('Allow')}")
        response = client.options(url)
        if (response.status_code, response.get("Allow"), response.content) != (200, allowed, b""):
            failures.append(f"OPTIONS {url}: {response.status_code}, Allow {response.get('Allow')}")
        get, head = client.get(url), client.head(url)
        if head.status_code != get.status_code or head.content:
            failures.append(f"HEAD {url}: {head.status_code} (GET {get.status_code}), {len(head.content)} bytes")
    assert not failures, "\n".join(failures)


def test_the_admin_and_its_posts_are_not_readers_pages(client, editor):
    response = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert response.status_code == 200 and "Please enter the correct username" in response.content.decode()
    client.force_login(editor)
    response = client.post("/admin/editing/new/autosave/", {"version": "", "data": "{}"})
    assert response.status_code not in (405, 500) and "Allow" not in response


def wsgi(method, path, **headers):
    """The request as a WSGI server hands it over, and the status, headers and every byte of body
    the application gives back: what a server that does not drop a HEAD's body would send."""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.input": io.BytesIO(b"")}
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started.update(status=status, headers=dict(response_headers))

    # As Django's test client does: the test's transaction keeps its connection through a request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = WSGIHandler()(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(started["status"].split()[0]), started["headers"], body


def test_a_head_has_no_body_through_the_wsgi_application(newsroom):
    for url in ["/", newsroom["stories:detail"], "/news/feed/", "/sitemap.xml", "/robots.txt", "/favicon.ico"]:
        status, headers, body = wsgi("GET", url)
        head_status, head_headers, head_body = wsgi("HEAD", url)
        assert (head_status, head_body) == (status, b""), url
        if "Content-Length" in headers:
            assert head_headers["Content-Length"] == headers["Content-Length"] == str(len(body)), url


def test_a_head_has_no_body_when_the_page_comes_from_the_cache(newsroom, settings):
    settings.PAGE_CACHE_SECONDS = 300
    story = newsroom["stories:detail"]
    status, _, head_body = wsgi("HEAD", story)  # made, stored, and answered without its body
    assert (status, head_body) == (200, b"")
    status, headers, body = wsgi("GET", story)  # the stored page has its body
    assert status == 200 and b"Levee Story" in body and headers["Content-Length"] == str(len(body))
    status, head_headers, head_body = wsgi("HEAD", story)  # a hit
    assert (status, head_body) == (200, b"") and head_headers["Content-Length"] == str(len(body))
    assert head_headers["ETag"] == headers["ETag"]


POLICY = {
    "camera=()",
    "microphone=()",
    "geolocation=()",
    "payment=()",
    "usb=()",
    "interest-cohort=()",
    "browsing-topics=()",
}


def assert_policy_headers(response):
    policy = {part.strip() for part in response["Permissions-Policy"].split(",")}
    assert policy >= POLICY, policy
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_every_response_says_which_features_are_off_and_who_may_embed_it(newsroom, client, editor, make_photo):
    for url in ["/", newsroom["stories:detail"], "/news/feed/", "/no-such-page/", "/static/css/newsroom.css"]:
        response = client.get(url)
        assert_policy_headers(response)
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"  # Django's own
    assert_policy_headers(client.post("/"))
    assert_policy_headers(client.get("/news/%00/"))
    photo = make_photo(public=True)
    photo_copy = photo.public_url(next(iter(photo.renditions)))
    assert photo_copy.startswith("/media/")
    # Photos' public copies are embedded by feed readers and partners' pages.
    assert client.get(photo_copy)["Cross-Origin-Resource-Policy"] == "cross-origin"
    client.force_login(editor)
    assert_policy_headers(client.get("/admin/"))


def test_video_players_keep_full_screen_and_nothing_else_powerful(client, newsroom):
    from newsroom.stories.body import EMBED_ORIGINS

    policy = dict(part.strip().split("=", 1) for part in client.get("/")["Permissions-Policy"].split(","))
    players = "(self " + " ".join(f'"{origin}"' for origin in EMBED_ORIGINS) + ")"
    assert policy["fullscreen"] == policy["picture-in-picture"] == policy["encrypted-media"] == players
    assert policy["autoplay"] == policy["camera"] == "()"


def test_cached_pages_carry_the_policy_headers(newsroom, client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 300
    story = newsroom["stories:detail"]
    client.get(story)
    with django_assert_num_queries(0):  # a hit
        hit = client.get(story)
        not_modified = client.get(story, HTTP_IF_NONE_MATCH=hit["ETag"])
    assert_policy_headers(hit)
    assert not_modified.status_code == 304
    assert_policy_headers(not_modified)
