"""The publishing calendar (issue 16): scheduled publications and expiries by month and by week,
each linked to its story, paged through; on the site's clock."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.stories.models import Status
from tests.conftest import local, page_text

CALENDAR = "/admin/stories/story/calendar/"
NOW = local(2026, 12, 6, 10, 0)


@pytest.fixture
def december(make_story):
    with time_machine.travel(NOW, tick=False):
        yield {
            "scheduled": make_story(headline="Levee Report Due Tuesday", published_at=local(2026, 12, 8, 9, 0)),
            "expiring": make_story(
                headline="Holiday Hours at the Clinic",
                published_at=local(2026, 11, 20, 9, 0),
                expires_at=local(2026, 12, 24, 17, 30),
            ),
            "january": make_story(headline="New Year Deployment Begins", published_at=local(2027, 1, 4, 6, 0)),
            "draft": make_story(published=False, headline="A Draft With A Time", published_at=local(2026, 12, 9)),
            "past": make_story(headline="Ship Returned Home", published_at=local(2026, 12, 2, 14, 15)),
        }


def test_the_month_shows_each_publication_and_expiry_on_its_day_linked_to_its_story(editor_client, december):
    with time_machine.travel(NOW, tick=False):
        response = editor_client.get(CALENDAR)
    page = response.content.decode()
    text = page_text(response)
    assert "Publishing calendar: December 2026" in text
    assert "9 a.m. Scheduled: Levee Report Due Tuesday" in text
    assert "5:30 p.m. Expires: Holiday Hours at the Clinic" in text
    assert "2:15 p.m. Published: Ship Returned Home" in text
    assert f'href="/admin/stories/story/{december["scheduled"].pk}/change/"' in page
    assert "A Draft With A Time" not in text, "only published stories are on the schedule"
    assert "New Year Deployment Begins" not in text
    # Each event stands in its own day's cell: Tuesday, Dec. 8.
    cell = page.split("Tuesday, Dec. 8</span>", 1)[1].split("</td>", 1)[0]
    assert "Levee Report Due Tuesday" in cell


def test_paging_to_next_month_and_to_a_week(editor_client, december):
    with time_machine.travel(NOW, tick=False):
        january = page_text(editor_client.get(CALENDAR + "?month=2027-01"))
        week = page_text(editor_client.get(CALENDAR + "?view=week&week=2026-W50"))
        this_week = page_text(editor_client.get(CALENDAR + "?view=week"))
    assert "Publishing calendar: January 2027" in january and "6 a.m. Scheduled: New Year Deployment Begins" in january
    assert "Week of Dec. 7, 2026" in week
    assert "Tuesday, Dec. 8" in week and "9 a.m. Scheduled: Levee Report Due Tuesday" in week
    assert "Holiday Hours" not in week
    assert "Week of Nov. 30, 2026" in this_week and "Sunday, Dec. 6 (today)" in this_week


def test_a_bad_month_or_week_opens_the_current_one(editor_client, december):
    with time_machine.travel(NOW, tick=False):
        assert "December 2026" in editor_client.get(CALENDAR + "?month=2026-13").content.decode()
        assert "Week of Nov. 30, 2026" in editor_client.get(CALENDAR + "?view=week&week=nonsense").content.decode()


def test_writers_see_it_and_the_page_reads_the_stories_once(writer_client, december):
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        response = writer_client.get(CALENDAR)
    assert response.status_code == 200
    story_queries = [q for q in queries.captured_queries if 'FROM "stories_story"' in q["sql"]]
    assert len(story_queries) == 2, "publications and expiries, however many stories"


def test_the_story_list_and_the_home_page_link_to_it(editor_client, december):
    assert CALENDAR in editor_client.get("/admin/stories/story/?status=all").content.decode()
    assert CALENDAR in editor_client.get("/admin/").content.decode()


def test_a_withdrawn_story_leaves_the_calendar(editor_client, december):
    story = december["scheduled"]
    type(story).objects.filter(pk=story.pk).update(status=Status.WITHDRAWN)
    with time_machine.travel(NOW, tick=False):
        assert "Levee Report Due Tuesday" not in editor_client.get(CALENDAR).content.decode()
