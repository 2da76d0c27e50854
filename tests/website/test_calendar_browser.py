"""The publishing calendar in a real browser (issue 16): an editor opens it from the story list,
finds a scheduled story on its day, pages to the next month and a week, and opens a story; axe-core
finds nothing at WCAG 2.2 AA. Screenshots land in test-artifacts/."""

import datetime

import pytest
from django.utils import timezone

from tests.website.conftest import ARTIFACTS
from tests.website.test_accessibility import AXE_SOURCE, WCAG_22_AA, describe
from tests.website.test_story_editor import editor_page  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_pages_through_the_calendar_and_opens_a_story(editor_page, site_url, make_story):  # noqa: F811
    page = editor_page
    ARTIFACTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    soon = timezone.make_aware(datetime.datetime.combine(today.replace(day=1), datetime.time(9)))
    soon += datetime.timedelta(days=40)  # in next month's grid, whatever day of the month it is now
    story = make_story(headline="Levee Report Goes Live", published_at=soon)

    page.goto(site_url + "/admin/stories/story/?status=all")
    page.get_by_role("link", name="Publishing calendar").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Publishing calendar: ")
    assert page.get_by_role("link", name="Levee Report Goes Live").count() == 0, "not this month"

    page.get_by_role("link", name="Next month").click()
    grid = page.get_by_role("table")
    link = grid.get_by_role("link", name="Levee Report Goes Live")
    assert "9 a.m. Scheduled: Levee Report Goes Live" in link.locator("xpath=..").inner_text()
    page.screenshot(path=ARTIFACTS / "calendar-month.png", full_page=True)
    page.evaluate(AXE_SOURCE.read_text())
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
    assert not found["violations"], describe(found["violations"])

    page.get_by_role("link", name="Week view").click()
    page.get_by_role("link", name="Next week").click()
    page.screenshot(path=ARTIFACTS / "calendar-week.png", full_page=True)
    page.evaluate(AXE_SOURCE.read_text())
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
    assert not found["violations"], describe(found["violations"])

    page.goto(site_url + f"/admin/stories/story/calendar/?month={soon:%Y-%m}")
    page.get_by_role("link", name="Levee Report Goes Live").click()
    assert page.url.endswith(f"/admin/stories/story/{story.pk}/change/")
    assert page.console_errors == []


def test_the_schedule_button_names_the_moment_as_it_is_typed(editor_page):  # noqa: F811
    page = editor_page
    page.open_story_form("/admin/stories/story/add/")
    button = page.locator('input[name="_schedule"]')
    assert button.input_value() == "Save and schedule"
    page.fill("#id_published_at_0", "2027-01-06")
    page.fill("#id_published_at_1", "10:00:00")
    assert button.input_value() == "Save and schedule for Jan. 6, 2027, 10 a.m. EST"
    page.fill("#id_published_at_0", "2027-07-04")
    page.fill("#id_published_at_1", "15:30")
    assert button.input_value() == "Save and schedule for July 4, 2027, 3:30 p.m. EDT", "the zone of that day"
    page.fill("#id_published_at_1", "")
    assert button.input_value() == "Save and schedule"
    assert page.console_errors == []
