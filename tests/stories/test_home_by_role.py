"""The admin home by role: a Writer's drafts, what was returned to them (and why) and what waits for
review; an Editor's review queue, longest waiting first; both see today's and this week's schedule."""

import datetime
import inspect
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.stories.models import Story
from newsroom.stories.services import story_create, story_return_to_draft, story_submit
from newsroom.stories.worklists import reason_field, waited
from tests.conftest import make_account, story_fields

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")
NOW = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=EASTERN)  # a Monday morning


def panel(page, caption: str) -> str:
    """The words of one list on the home page, from its caption to the end of its table."""
    html = " ".join(page.content.decode().split())
    start = html.index(f"<caption>{caption}")
    return page_text_of(html[start : html.index("</table>", start)])


def page_text_of(html: str) -> str:
    import re
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def write(user, headline, **fields):
    return story_create(story=Story(**story_fields(published=False, headline=headline, **fields)), user=user)


def return_to_draft(story, editor, reason):
    """Returned as the service allows: with the reason when story_return_to_draft takes one."""
    if "reason" in inspect.signature(story_return_to_draft).parameters:
        return story_return_to_draft(story=story, user=editor, reason=reason)
    return story_return_to_draft(story=story, user=editor)


@pytest.fixture
def desk(db):
    writer = make_account("writer", "writer")
    writer.first_name, writer.last_name = "Jordan", "Lee"
    writer.save()
    editor = make_account("editor", "editor")
    editor.first_name, editor.last_name = "Sam", "Ortiz"
    editor.save()
    other = make_account("other-writer", "writer")
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        waiting_longest = write(writer, "Levee Holds as River Crests")
        story_submit(story=waiting_longest, user=writer)
    with time_machine.travel(NOW - datetime.timedelta(hours=5), tick=False):
        sent_back = write(writer, "Guard Trains Medics")
        story_submit(story=sent_back, user=writer)
        return_to_draft(sent_back, editor, "The second paragraph needs a source.")
        someone_elses = write(other, "Hospital Ship Sails")
        story_submit(story=someone_elses, user=other)
    with time_machine.travel(NOW - datetime.timedelta(minutes=20), tick=False):
        write(writer, "Drill Ends Friday")
    with time_machine.travel(NOW, tick=False):
        story_create(
            story=Story(
                **story_fields(headline="Goes Out This Afternoon", published_at=NOW + datetime.timedelta(hours=6))
            ),
            user=None,
        )
        story_create(
            story=Story(**story_fields(headline="Goes Out Thursday", published_at=NOW + datetime.timedelta(days=3))),
            user=None,
        )
        story_create(
            story=Story(**story_fields(headline="Goes Out Next Month", published_at=NOW + datetime.timedelta(days=30))),
            user=None,
        )
    return {"writer": writer, "editor": editor}


@time_machine.travel(NOW, tick=False)
def test_a_writer_sees_their_drafts_what_was_returned_and_why_and_what_waits_for_review(client, desk):
    client.force_login(desk["writer"])
    home = client.get("/admin/")
    drafts = panel(home, "My drafts")
    assert "Drill Ends Friday" in drafts and "Guard Trains Medics" not in drafts
    returned = panel(home, "Returned to me")
    assert "Guard Trains Medics" in returned
    assert "Returned by Sam Ortiz Dec. 7, 2026, 4:30 a.m. EST." in returned
    if reason_field():
        assert "Reason: The second paragraph needs a source." in returned
    else:
        assert "No reason was recorded." in returned
    waiting = panel(home, "Waiting for review")
    assert "Levee Holds as River Crests" in waiting and "submitted Dec. 4, 2026, 9:30 a.m. EST" in waiting
    assert "Hospital Ship Sails" not in waiting  # another writer's
    assert "Review queue" not in home.content.decode()  # the Editors' list
    story = Story.objects.get(headline="Guard Trains Medics")
    assert f'href="/admin/stories/story/{story.pk}/change/">Guard Trains Medics</a>' in home.content.decode()


@time_machine.travel(NOW, tick=False)
def test_an_apps_own_page_lists_its_models_without_the_homes_lists(client, desk):
    client.force_login(desk["writer"])
    assert "<caption>My drafts" in client.get("/admin/").content.decode()
    stories = client.get("/admin/stories/").content.decode()
    assert "<caption>My drafts" not in stories and "Waiting for review" not in stories
    assert 'href="/admin/stories/story/"' in stories and 'href="/admin/photos/' not in stories


def test_a_returned_story_stays_returned_while_the_writer_works_on_it_until_it_is_submitted_again(client, desk):
    from newsroom.stories.services import story_update

    story = Story.objects.get(headline="Guard Trains Medics")
    story_update(
        story=story, changes={"summary": "Medics train with the Guard."}, user=desk["writer"], expected_version=None
    )
    client.force_login(desk["writer"])
    assert "Guard Trains Medics" in panel(client.get("/admin/"), "Returned to me")
    story_submit(story=story, user=desk["writer"])
    home = client.get("/admin/")
    assert "Guard Trains Medics" not in panel(home, "Returned to me")
    assert "Guard Trains Medics" in panel(home, "Waiting for review")


@time_machine.travel(NOW, tick=False)
def test_an_editor_sees_the_review_queue_oldest_first_with_how_long_each_has_waited(client, desk):
    client.force_login(desk["editor"])
    home = client.get("/admin/")
    queue = panel(home, "Review queue")
    assert "(2 waiting)" in queue
    assert queue.index("Levee Holds as River Crests") < queue.index("Hospital Ship Sails")
    assert "Levee Holds as River Crests Jordan Lee waiting 3 days (submitted Dec. 4, 2026, 9:30 a.m. EST)" in queue
    assert "waiting 5 hours" in queue
    assert "My drafts" not in home.content.decode()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("role", ["writer", "editor"])
def test_both_see_todays_and_this_weeks_scheduled_stories_in_ap_style(client, desk, role):
    client.force_login(desk[role])
    home = client.get("/admin/")
    today = panel(home, "Scheduled for today")
    assert "Goes Out This Afternoon Dec. 7, 2026, 3:30 p.m. EST" in today
    assert "Goes Out Thursday" not in today
    week = panel(home, "Scheduled this week (through Monday, Dec. 14, 2026)")
    assert "Goes Out Thursday Thursday, Dec. 10, 2026, 9:30 a.m. EST" in week
    assert "Goes Out This Afternoon" not in week and "Goes Out Next Month" not in week


def test_every_list_says_so_when_it_is_empty(client, db):
    client.force_login(make_account("writer", "writer"))
    home = client.get("/admin/")
    assert panel(home, "My drafts") == "My drafts You have no drafts."
    assert panel(home, "Returned to me") == "Returned to me Nothing has been returned to you."
    assert panel(home, "Waiting for review") == "Waiting for review None of your stories is waiting for review."
    assert "Nothing is scheduled for the rest of today." in panel(home, "Scheduled for today")
    assert "Nothing is scheduled for the rest of the week." in panel(home, "Scheduled this week")
    client.force_login(make_account("editor", "editor"))
    assert "Nothing is waiting for review." in panel(client.get("/admin/"), "Review queue")


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_the_lists_read_a_bounded_number_of_queries_however_many_stories(client, desk, role):
    client.force_login(desk[role])
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    for number in range(15):
        story = write(desk["writer"], f"More Work {number}")
        if number % 3 == 0:
            story_submit(story=story, user=desk["writer"])
        if number % 3 == 1:
            story_submit(story=story, user=desk["writer"])
            return_to_draft(story, desk["editor"], "More sources.")
    with CaptureQueriesContext(connection) as many:
        home = client.get("/admin/")
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
    # A Writer's drafts, returned and waiting stories; an Editor's review queue (the five submitted).
    assert home.content.decode().count("More Work") >= (10 if role == "writer" else 5)


def test_how_long_a_story_has_waited_reads_as_english():
    now = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=EASTERN)
    assert waited(now - datetime.timedelta(seconds=20), now) == "waiting less than a minute"
    assert waited(now - datetime.timedelta(minutes=1), now) == "waiting 1 minute"
    assert waited(now - datetime.timedelta(hours=23, minutes=59), now) == "waiting 23 hours"
    assert waited(now - datetime.timedelta(days=1, hours=5), now) == "waiting 1 day"
    assert waited(now - datetime.timedelta(days=3), now) == "waiting 3 days"


@time_machine.travel(NOW, tick=False)
def test_changes_to_a_live_story_submitted_for_review_wait_in_both_queues(client, desk, make_story):
    from newsroom.stories.services import story_save_changes

    live = make_story(headline="Bridge Reopens to Traffic", created_by=desk["writer"])
    with time_machine.travel(NOW - datetime.timedelta(days=4), tick=False):
        story_save_changes(
            story=live,
            changes={"summary": "Both lanes are open."},
            user=desk["writer"],
            expected_version=1,
            submit=True,
        )
    client.force_login(desk["editor"])
    queue = panel(client.get("/admin/"), "Review queue")
    assert "(3 waiting)" in queue
    assert queue.index("Bridge Reopens to Traffic") < queue.index("Levee Holds as River Crests"), "waiting longest"
    assert "waiting 4 days (changes to the live story, submitted Dec. 3, 2026, 9:30 a.m. EST)" in queue
    client.force_login(desk["writer"])
    mine = panel(client.get("/admin/"), "Waiting for review")
    assert "Bridge Reopens to Traffic changes to the live story, submitted Dec. 3, 2026" in mine
