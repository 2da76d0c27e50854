"""Readers' feedback in the admin: the editors' home lists it, Editors handle messages, Writers see none of it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from newsroom.feedback.models import FeedbackMessage, Status, StoryHelpfulness
from newsroom.feedback.services import message_receive, story_answer_helpful
from tests.conftest import page_text

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 12, 7, 9, 30))


def received(problem, *, page="", reply_to="", minutes_ago=0):
    with time_machine.travel(NOW - datetime.timedelta(minutes=minutes_ago), tick=False):
        return message_receive(page=page, problem=problem, reply_to=reply_to)


@time_machine.travel(NOW, tick=False)
def test_the_editors_home_lists_new_messages_newest_first_and_the_stories_readers_answered(client, editor, make_story):
    client.force_login(editor)  # at NOW: signed in before it, the session would have ended
    older = received(
        "The table in the budget story has no headings.", page="http://testserver/news/budget/", minutes_ago=90
    )
    newest = received("Video has no captions.", minutes_ago=5)
    handled = received("Old problem, fixed.", minutes_ago=300)
    handled.status = Status.HANDLED
    handled.save()
    levee, drill = make_story(headline="Levee Holds"), make_story(headline="Guard Drill Ends")
    for helpful in (True, True, False):
        story_answer_helpful(story_id=levee.pk, helpful=helpful)
    story_answer_helpful(story_id=drill.pk, helpful=False)

    response = client.get("/admin/")
    assert response.status_code == 200
    text = page_text(response, after='id="content"')
    assert "Readers' messages, newest first (2 new)" in text
    assert text.index("Video has no captions.") < text.index("The table in the budget story has no headings.")
    assert "Page: http://testserver/news/budget/" in text and "No page given" in text
    assert "Old problem, fixed." not in text
    html = response.content.decode()
    assert f'href="/admin/feedback/feedbackmessage/{newest.pk}/change/"' in html
    assert f'href="/admin/feedback/feedbackmessage/{older.pk}/change/"' in html
    assert '<a href="/admin/feedback/feedbackmessage/">All readers\' messages</a>' in html
    assert "Was this page helpful? Stories readers answered lately" in text
    assert "Guard Drill Ends Yes 0, no 1" in text and "Levee Holds Yes 2, no 1" in text
    assert f'href="/admin/stories/story/{levee.pk}/change/"' in html


@time_machine.travel(NOW, tick=False)  # the session's activity is written once a minute: not between these requests
def test_the_home_lists_cost_the_same_for_many_messages(client, editor, make_story, django_assert_max_num_queries):
    client.force_login(editor)
    editor_client = client
    for number in range(3):
        received(f"Problem {number}")
    editor_client.get("/admin/")
    with django_assert_max_num_queries(60) as few:
        editor_client.get("/admin/")
    for number in range(30):
        received(f"More problems {number}")
        story_answer_helpful(story_id=make_story().pk, helpful=True)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # the new count needs one COUNT
        response = editor_client.get("/admin/")
    assert "(33 new)" in page_text(response, after='id="content"')
    assert '?status__exact=new">All 33 new messages</a>' in response.content.decode()


def test_an_empty_home_says_so(editor_client):
    text = page_text(editor_client.get("/admin/"), after='id="content"')
    assert "No new messages from readers." in text and "No reader has answered yet." in text


def test_writers_see_no_readers_messages_anywhere(writer_client, make_story):
    message = received("Video has no captions.", reply_to="reader@example.com")
    text = page_text(writer_client.get("/admin/"), after='id="content"')
    assert "Readers' messages" not in text and "Video has no captions." not in text
    assert writer_client.get("/admin/feedback/feedbackmessage/").status_code == 403
    assert writer_client.get(f"/admin/feedback/feedbackmessage/{message.pk}/change/").status_code == 403


def test_a_story_form_says_how_readers_answered(editor_client, writer_client, make_story):
    story = make_story(headline="Levee Holds")
    assert "Was this page helpful? No reader has answered yet." in page_text(
        editor_client.get(f"/admin/stories/story/{story.pk}/change/")
    )
    story_answer_helpful(story_id=story.pk, helpful=True)
    for _ in range(12):
        story_answer_helpful(story_id=story.pk, helpful=False)
    for client in (editor_client, writer_client):  # counts, not readers' words: Writers see them too
        text = page_text(client.get(f"/admin/stories/story/{story.pk}/change/"))
        assert "Was this page helpful? Readers answered yes once and no 12 times." in text


def test_an_editor_reads_a_message_and_marks_it_handled_with_what_was_done(editor_client, editor):
    message = received(
        "The photo has no description.", page="http://testserver/news/levee/", reply_to="reader@example.com"
    )
    url = f"/admin/feedback/feedbackmessage/{message.pk}/change/"
    text = page_text(editor_client.get(url), after='id="content"')
    assert "The photo has no description." in text and "reader@example.com" in text and "Not yet" in text
    response = editor_client.post(
        url, {"status": "handled", "handling_note": "Alt text added; replied Dec. 8.", "problem": "changed?"}
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.HANDLED and message.handled_by == editor and message.handled_at is not None
    assert message.handling_note == "Alt text added; replied Dec. 8."
    assert message.problem == "The photo has no description."  # readers' words are never rewritten
    editor_client.post(url, {"status": "new", "handling_note": ""})
    message.refresh_from_db()
    assert (message.status, message.handled_by, message.handled_at) == (Status.NEW, None, None)


def test_the_list_action_marks_the_selected_messages_handled(editor_client, editor):
    first, second, already = received("One"), received("Two"), received("Three")
    already.status = Status.HANDLED
    already.save()
    response = editor_client.post(
        "/admin/feedback/feedbackmessage/",
        {"action": "mark_handled", "_selected_action": [first.pk, second.pk, already.pk]},
        follow=True,
    )
    assert "2 messages marked as handled." in page_text(response)
    assert set(
        FeedbackMessage.objects.filter(status=Status.HANDLED, handled_by=editor).values_list("pk", flat=True)
    ) == {
        first.pk,
        second.pk,
    }
    assert "All readers' messages" in page_text(editor_client.get("/admin/"))
    assert "No new messages from readers." in page_text(editor_client.get("/admin/"))


def test_nobody_adds_a_message_or_changes_the_counts_in_the_admin(editor_client, make_story):
    story = make_story()
    story_answer_helpful(story_id=story.pk, helpful=True)
    assert editor_client.get("/admin/feedback/feedbackmessage/add/").status_code == 403
    assert editor_client.get("/admin/feedback/storyhelpfulness/").status_code == 200
    response = editor_client.post(
        f"/admin/feedback/storyhelpfulness/{story.pk}/change/", {"yes_count": 999, "no_count": 0}
    )
    assert response.status_code == 403 and StoryHelpfulness.objects.get().yes_count == 1
