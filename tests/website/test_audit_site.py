"""manage.py audit_site: what GSA's Site Scanning reads on a .gov, checked in-process. The demo site
passes; a page or file broken in one way trips exactly the check for it."""

import io
import json
import re
import sys
import types

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.urls import include, path, re_path

from newsroom.website import audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO())


def run(*args):
    out = io.StringIO()
    try:
        call_command("audit_site", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), ""


def codes(findings):
    return {finding.check for finding in findings}


def test_the_demo_site_passes_every_check_on_every_kind_of_page(demo_site):
    status, out, _ = run("--format", "json")

    report = json.loads(out)
    assert status == 0 and report["problems"] == 0, report["findings"]
    assert report["checks"] == list(audit.CHECKS)
    kinds = {page["kind"] for page in report["pages"]}
    assert {
        "home",
        "story",
        "archived story",
        "news listing",
        "tag listing",
        "label listing",
        "byline listing",
        "photo",
        "archive",
        "collection",
        "search results",
        "corrections",
        "accessibility statement",
        "feedback form",
    } <= kinds
    assert {page["status"] for page in report["pages"]} == {200}
    assert "Audited" in run()[1] and "no problems" in run()[1]


@pytest.fixture
def good_page(client, make_story, make_photo):
    """A story page as readers get it: it passes every page check."""
    story = make_story(
        headline="Levee Holds",
        photos=[make_photo(public=True)],
        summary="Engineers say the levee held through the night as the river crested two feet below its top.",
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert not [code for code, check in audit.PAGE_CHECKS.items() if check(audit.read_page(html))]
    return html


BREAKS = {
    "title": lambda html: re.sub(
        r"<title>.*?</title>", f"<title>{'Long words ' * 8}| Newsroom</title>", html, flags=re.S
    ),
    "description": lambda html: re.sub(r'<meta name="description"[^>]*>', "", html),
    "canonical": lambda html: re.sub(r'<link rel="canonical"[^>]*>', "", html),
    "article-times": lambda html: re.sub(r'<meta property="article:published_time"[^>]*>', "", html),
    "main": lambda html: html.replace("<main", "<div").replace("</main>", "</div>"),
    "lang": lambda html: html.replace('<html lang="en"', "<html"),
    "viewport": lambda html: re.sub(r'<meta name="viewport"[^>]*>', "", html),
    "required-links": lambda html: re.sub(r"<li[^>]*><a[^>]*>FOIA</a></li>", "", html),
    "search": lambda html: html.replace('role="search"', ""),
}


@pytest.mark.parametrize("code", list(BREAKS))
def test_a_page_broken_one_way_trips_exactly_that_check(good_page, code):
    broken = BREAKS[code](good_page)
    assert broken != good_page

    found = [name for name, check in audit.PAGE_CHECKS.items() if check(audit.read_page(broken))]

    assert found == [code]


def test_with_dap_configured_a_page_without_its_tag_trips_the_dap_check(good_page, settings):
    settings.DAP_AGENCY = "DOD"
    found = {name: check(audit.read_page(good_page)) for name, check in audit.PAGE_CHECKS.items()}
    assert [name for name, problem in found.items() if problem] == ["dap"]
    assert "carries 0 Digital Analytics Program tags" in found["dap"]
    tagged = good_page.replace(
        "</head>", f'<script async src="{audit.DAP_SCRIPT}?agency=DOD" id="_fed_an_ua_tag"></script></head>'
    )
    assert audit.check_dap(audit.read_page(tagged)) is None


def broken_site(settings, *patterns):
    """The site with these addresses answered otherwise, ahead of its own."""
    module = types.ModuleType("audit_broken_urls")
    module.urlpatterns = [*patterns, path("", include("config.urls"))]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__


def text(body, content_type="text/plain; charset=utf-8"):
    return lambda request, **kwargs: HttpResponse(body, content_type=content_type)


SITE_BREAKS = {
    "robots": (path("robots.txt", text("User-agent: *\nDisallow: /admin/\n")),),
    "sitemap": (path("sitemap-news.xml", text("<urlset><url>", "application/xml")),),
    "not-found": (re_path(r"^no-such-page-", text("<p>Sorry, we cannot find that page.</p>", "text/html")),),
    "security-txt": (
        path(".well-known/security.txt", text("Contact: mailto:security@example.gov\nExpires: 2020-01-01T00:00:00Z\n")),
    ),
}


def test_a_site_file_broken_one_way_trips_exactly_that_check(demo_site, settings):
    # One demo site for every break (loading it is the slow part), each break on its own.
    for code, patterns in SITE_BREAKS.items():
        broken_site(settings, *patterns)

        status, out, error = run()

        findings, _ = audit.audit_site()
        assert codes(findings) == {code}, code
        assert status == 1 and f"[{code}]: 1" in out and "problem" in error, code

    # And a required link that leads nowhere.
    from django.contrib.flatpages.models import FlatPage

    settings.ROOT_URLCONF = "config.urls"
    FlatPage.objects.filter(url="/foia/").delete()
    findings, _ = audit.audit_site()
    assert [(f.check, f.path, f.message) for f in findings] == [
        ("required-links", "/foia/", "a required link answers 404, not 200.")
    ]


def test_security_txt_more_than_a_year_ahead_or_without_contact_is_reported():
    import datetime

    now = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)
    assert audit.security_txt_problems("Contact: mailto:a@example.gov\nExpires: 2027-06-01T00:00:00Z\n", now=now) == []
    assert audit.security_txt_problems("Expires: 2028-06-01T00:00:00Z\n", now=now) == [
        "names no Contact.",
        "Expires 2028-06-01T00:00:00Z is more than a year ahead (RFC 9116 asks for less).",
    ]


def test_bad_usage_is_exit_status_2():
    every = [arg for code in audit.CHECKS for arg in ("--skip", code)]
    assert run(*every)[0] == 2
