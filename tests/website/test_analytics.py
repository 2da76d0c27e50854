"""GSA's Digital Analytics Program: its tag on every public page once DAP_AGENCY is set, never on
the admin, previews, reviewer links or error pages, and a Content-Security-Policy that lets exactly
its hosts in; the privacy policy says what it collects."""

import json
import re

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.test import RequestFactory

from newsroom.stories import preview
from newsroom.website.views import server_error
from tests.website.test_production_settings import manage

pytestmark = pytest.mark.django_db
DAP_SCRIPT = re.compile(
    r'<script async src="https://dap\.digitalgov\.gov/Universal-Federated-Analytics-Min\.js\?([^"]*)" id="_fed_an_ua_tag"></script>'
)
DAP_HOSTS = {
    "https://dap.digitalgov.gov",
    "https://www.googletagmanager.com",
    "https://www.google-analytics.com",
    "https://*.google-analytics.com",
    "https://*.analytics.google.com",
}


def settings_with(**env) -> dict:
    """SECURE_CSP as config/settings.py makes it from these environment values."""
    show = "import json; from django.conf import settings; print(json.dumps(settings.SECURE_CSP))"
    result = manage("shell", "--verbosity", "0", "-c", show, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.fixture(scope="module")
def csp_with_dap():
    return settings_with(DAP_AGENCY="DOD", DAP_SUBAGENCY="USAF")


@pytest.fixture
def with_dap(settings, csp_with_dap):
    settings.DAP_AGENCY, settings.DAP_SUBAGENCY, settings.SECURE_CSP = "DOD", "USAF", csp_with_dap
    settings.PAGE_CACHE_SECONDS = 0


def test_the_policy_adds_exactly_dap_hosts_and_only_when_an_agency_is_set(csp_with_dap):
    without = settings_with(DAP_AGENCY=None, DAP_SUBAGENCY=None)
    added = {
        source
        for directive, sources in csp_with_dap.items()
        for source in sources
        if source not in without.get(directive, without["default-src"])
    }
    assert added == DAP_HOSTS
    assert not DAP_HOSTS & {source for sources in without.values() for source in sources}
    # The script comes from DAP's host and Google's tag library; measurements go to Google Analytics only.
    assert set(csp_with_dap["script-src"]) - set(without["script-src"]) == {
        "https://dap.digitalgov.gov",
        "https://www.googletagmanager.com",
    }
    assert "'self'" in csp_with_dap["connect-src"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DAP_AGENCY": "DOD&x=1"}, "DAP_AGENCY must be the abbreviation DAP registered"),
        ({"DAP_SUBAGENCY": "USAF"}, "DAP_SUBAGENCY is set but DAP_AGENCY is not"),
    ],
)
def test_a_mistyped_dap_setting_stops_the_site_with_what_to_fix(env, message):
    result = manage("check", **{"DAP_AGENCY": None, **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_without_an_agency_no_page_carries_the_tag_or_lets_google_in(client, make_story):
    story = make_story(headline="Ships leave port")
    for path in ("/", story.get_absolute_url(), "/news/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "dap.digitalgov.gov" not in response.content.decode()
        assert not DAP_HOSTS & {source for sources in policy(response).values() for source in sources}


def test_every_kind_of_public_page_carries_the_tag_with_the_agency(client, with_dap, make_story, make_photo):
    photo = make_photo(public=True)
    story = make_story(headline="Ships leave port", photos=[photo])
    tag = story.tags.create(name="Navy", slug="navy")
    FlatPage.objects.create(url="/about/", title="About", content="<p>Who we are.</p>").sites.add(
        Site.objects.get_current()
    )
    pages = [
        "/",
        story.get_absolute_url(),
        "/news/",
        f"/news/tag/{tag.slug}/",
        "/news/label/news/",
        photo.get_absolute_url(),
        "/search/?q=ships",
        "/archive/",
        "/about/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        found = DAP_SCRIPT.findall(response.content.decode())
        assert found == ["agency=DOD&amp;subagency=USAF"], path
        assert set(policy(response)["script-src"]) == {
            "'self'",
            "https://dap.digitalgov.gov",
            "https://www.googletagmanager.com",
        }


def test_previews_reviewer_links_the_admin_and_error_pages_carry_none(
    client, editor_client, editor, with_dap, make_story, make_photo
):
    draft = make_story(headline="Not out yet", published=False)
    unused_photo = make_photo()
    link = preview.reviewer_link(draft)
    staff_pages = [
        preview.staff_preview_url(draft),
        unused_photo.get_absolute_url(),
        "/admin/",
        "/admin/stories/story/",
    ]
    for path in staff_pages:
        response = editor_client.get(path)
        assert response.status_code == 200, path
        assert "dap.digitalgov.gov" not in response.content.decode(), path
    client.logout()
    reviewer = client.get(link)
    assert reviewer.status_code == 200 and "Not out yet" in reviewer.content.decode()
    assert "dap.digitalgov.gov" not in reviewer.content.decode()
    from newsroom.stories.services import story_revoke_preview_links

    story_revoke_preview_links(story=draft, user=editor)
    gone = client.get(link)
    assert gone.status_code == 410 and "dap.digitalgov.gov" not in gone.content.decode()
    missing = client.get("/news/no-such-story/")
    assert missing.status_code == 404 and "dap.digitalgov.gov" not in missing.content.decode()
    failed = server_error(RequestFactory().get("/"))
    assert failed.status_code == 500 and "dap.digitalgov.gov" not in failed.content.decode()
    assert "Something went wrong" in failed.content.decode()


@pytest.mark.parametrize("agency", ["DOD", ""])
def test_the_privacy_policy_says_what_analytics_the_site_uses(client, settings, agency):
    settings.DAP_AGENCY, settings.PAGE_CACHE_SECONDS = agency, 0
    from newsroom.demo.content import PAGES

    page = next(page for page in PAGES if page.url == "/privacy/")
    FlatPage.objects.create(url=page.url, title=page.title, content=page.content).sites.add(Site.objects.get_current())
    text = " ".join(re.sub(r"<[^>]+>", " ", client.get("/privacy/").content.decode()).split())
    assert "no tracking cookies" not in text
    if agency:
        assert "Digital Analytics Program" in text and "cookies" in text and "analytics.usa.gov" in text
        assert "does not use web analytics" not in text
    else:
        assert "This site does not use web analytics and sets no analytics cookies" in text


def test_load_demo_brings_an_unedited_privacy_page_of_the_old_starter_up_to_date(settings, tmp_path):
    import io

    from django.core.management import call_command

    from newsroom.demo.content import _PRIVACY_BEFORE_DAP

    settings.MEDIA_ROOT = tmp_path
    site = Site.objects.get_current()
    FlatPage.objects.create(url="/privacy/", title="Privacy Policy", content=_PRIVACY_BEFORE_DAP).sites.add(site)
    FlatPage.objects.create(url="/about/", title="About", content="<p>Our own words.</p>").sites.add(site)

    call_command("load_demo", stdout=io.StringIO())

    assert "no tracking cookies" not in FlatPage.objects.get(url="/privacy/").content
    assert FlatPage.objects.get(url="/about/").content == "<p>Our own words.</p>"
