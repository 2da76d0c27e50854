"""Every page type passes axe-core at WCAG 2.2 AA, at phone and desktop widths (issue 5 point 6).

Debian's headless Chromium loads each page from the live server; axe-core (an npm devDependency,
read from node_modules) is injected with page.evaluate, which the page's CSP does not block.
A full-page screenshot of each page at each width lands in test-artifacts/ for a person to look at.
"""

from pathlib import Path

import pytest
from django.conf import settings

from tests.website.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}

PAGE_TYPES = [
    "home",
    "news-listing",
    "tag",
    "story",
    "archived-story",
    "photo",
    "archive-index",
    "collection",
    "search",
    "information-page",
    "not-found",
    "corrections",
    "retracted",
    "accessibility-statement",
    "feedback-form",
    "feedback-thanks",
    "helpful-thanks",
]
STATUS = {"not-found": 404, "retracted": 410}


@pytest.fixture(scope="module")
def axe_source():
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `npm ci` (axe-core is a devDependency)")
    return AXE_SOURCE.read_text()


@pytest.fixture
def pages(site_url, make_story, make_photo, collection):
    """One of each page type, with real content, keyed by the names in PAGE_TYPES."""
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site

    from newsroom.archive.services import story_archive
    from newsroom.stories.models import Correction, Tag
    from newsroom.stories.services import story_retract

    # A transactional test flushes the tables, the Site row with them.
    site, _ = Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": "testserver", "name": "Newsroom"})
    levee = make_photo(title="Closing the Breach")
    story = make_story(
        headline="Engineers Close Final Levee Breach",
        photos=[levee, make_photo(title="Sandbag Line", alt_text="Soldiers stack sandbags along a levee.")],
    )
    tag = Tag.objects.create(name="Disaster Response", slug="disaster-response")
    story.tags.add(tag, Tag.objects.create(name="Engineering", slug="engineering"))
    related = [make_story(headline=f"Flood Relief Update {n}") for n in (1, 2)]
    for other in related:
        other.tags.add(tag)
    story.related_stories.add(*related)
    archived = make_story(headline="Levee Inspection Season Begins")
    story_archive(story=archived, collection=collection, user=None)
    about = FlatPage.objects.create(
        url="/about/",
        title="About This Newsroom",
        content="<p>This newsroom publishes stories and photos about the agency’s work.</p>",
    )
    about.sites.add(site)
    Correction.objects.create(story=story, text="An earlier version gave the wrong length of the breach.")
    retracted = make_story(headline="Levee Test Results Announced")
    story_retract(story=retracted, user=None, reason="The results came from a test the lab has since withdrawn.")
    return {
        "home": "/",
        "news-listing": "/news/",
        "tag": tag.get_absolute_url(),
        "story": story.get_absolute_url(),
        "archived-story": archived.get_absolute_url(),
        "photo": f"/photos/{levee.virin}/",
        "archive-index": "/archive/",
        "collection": collection.get_absolute_url(),
        "search": "/search/?q=levee",
        "information-page": "/about/",
        "not-found": "/no-such-page/",
        "corrections": "/news/corrections/",
        "retracted": retracted.get_absolute_url(),
        "accessibility-statement": "/accessibility/",
        "feedback-form": "/accessibility/feedback/",
        "feedback-thanks": "/accessibility/feedback/thanks/?reply=1",
        "helpful-thanks": f"/accessibility/helpful/thanks/?story={story.pk}&answer=no",
    }


def describe(violations):
    lines = []
    for violation in violations:
        targets = [
            ", ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
            for node in violation["nodes"][:3]
        ]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    {'; '.join(targets)}{f' (+{more} more)' if more > 0 else ''}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_has_no_wcag_22_aa_violations(browser, site_url, pages, axe_source, page_type):
    ARTIFACTS.mkdir(exist_ok=True)
    address = site_url + pages[page_type]
    failures = []
    for width_name, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        response = page.goto(address)
        assert response.status == STATUS.get(page_type, 200), f"{address}: {response.status}"
        page.evaluate(axe_source)
        results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
        page.screenshot(path=ARTIFACTS / f"{page_type}-{viewport['width']}.png", full_page=True)
        # Then the states a reader opens: the banner's explanation, and on a phone the menu.
        page.get_by_role("button", name="Here’s how you know").click()
        if width_name == "phone":
            page.get_by_role("button", name="Menu").click()
        opened = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
        context.close()
        for state, found in (("as loaded", results), ("with the banner and menu open", opened)):
            if found["violations"]:
                failures.append(
                    f"{page_type} at {viewport['width']}px ({width_name}) {state}, {address}:\n"
                    + describe(found["violations"])
                )
    assert not failures, "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(failures)


def test_phone_menu_hides_the_page_from_focus_and_gives_focus_back_when_closed(browser, pages, site_url):
    context = browser.new_context(viewport=WIDTHS["phone"])
    page = context.new_page()
    page.goto(site_url + pages["story"])
    page.get_by_role("button", name="Menu").click()
    assert page.evaluate("document.activeElement.className") == "usa-nav__close"
    assert page.locator("main").evaluate("main => main.inert")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.className") == "usa-menu-btn"
    assert not page.locator("main").evaluate("main => main.inert")
    assert not page.locator("[inert]").count()
    context.close()
