"""Nothing public is deleted by accident (issue 16): a story readers may have seen can only be
withdrawn; deleting a draft moves it to a trash an editor can restore from for 30 days."""

import datetime

import time_machine
from django.utils import timezone

from newsroom.stories.models import Action, Status, Story
from newsroom.stories.services import story_publish, story_return_to_draft
from tests.conftest import command_output

CHANGELIST = "/admin/stories/story/"


def delete_url(story):
    return f"/admin/stories/story/{story.pk}/delete/"


def listed(client, query="status=all") -> str:
    return client.get(f"{CHANGELIST}?{query}").content.decode()


def test_deleting_a_draft_asks_first_then_moves_it_to_the_trash_and_an_editor_restores_it(editor_client, make_story):
    story = make_story(published=False, headline="Levee Draft Nobody Saw")
    page = editor_client.get(delete_url(story)).content.decode()
    assert "Move the story to the trash?" in page
    assert "An editor can restore it, as it is now, for 30 days" in page

    response = editor_client.post(delete_url(story), follow=True)
    assert "“Levee Draft Nobody Saw” is in the trash." in response.content.decode()
    story.refresh_from_db()
    assert story.trashed_at is not None and story.status == Status.DRAFT
    assert "Levee Draft Nobody Saw" not in listed(editor_client)
    assert "Levee Draft Nobody Saw" in listed(editor_client, "status=all&trash=yes")
    assert editor_client.get(f"/preview/{story.pk}/").status_code == 404, "a deleted draft has no preview"
    assert story.revisions.latest().action == Action.TRASHED

    editor_client.post(
        f"{CHANGELIST}?status=all&trash=yes", {"action": "untrash_selected", "_selected_action": [story.pk]}
    )
    story.refresh_from_db()
    assert story.trashed_at is None
    assert "Levee Draft Nobody Saw" in listed(editor_client)
    assert story.revisions.latest().action == Action.UNTRASHED


def test_a_story_readers_have_seen_has_no_delete_and_the_list_action_says_to_withdraw_it(editor_client, make_story):
    live = make_story(headline="Hospital Ship Arrives")
    page = editor_client.get(f"/admin/stories/story/{live.pk}/change/").content.decode()
    assert delete_url(live) not in page, "no Delete button"
    assert editor_client.get(delete_url(live)).status_code == 403
    assert editor_client.post(delete_url(live)).status_code == 403

    response = editor_client.post(
        CHANGELIST + "?status=all", {"action": "trash_selected", "_selected_action": [live.pk]}, follow=True
    )
    assert "“Hospital Ship Arrives” has been public, so it stays on the record: withdraw it instead" in (
        response.content.decode()
    )
    live.refresh_from_db()
    assert live.trashed_at is None
    assert "delete_selected" not in listed(editor_client), "Django's own delete is not offered"


def test_a_story_returned_to_draft_after_it_went_live_stays_on_the_record(editor_client, editor, make_story):
    story = make_story(published=False, headline="Back To Draft After Readers Saw It")
    story_publish(story=story, user=editor)
    story_return_to_draft(story=story, user=editor, reason="Needs another look.")
    assert editor_client.get(delete_url(story)).status_code == 403


def test_a_scheduled_story_taken_off_the_schedule_before_its_time_may_be_deleted(editor_client, editor, make_story):
    ahead = timezone.now() + datetime.timedelta(days=2)
    never_seen = make_story(published=False, headline="Scheduled Then Pulled")
    story_publish(story=never_seen, user=editor, at=ahead)
    response = editor_client.post(
        CHANGELIST + "?status=all", {"action": "trash_selected", "_selected_action": [never_seen.pk]}, follow=True
    )
    assert "“Scheduled Then Pulled” is scheduled: return it to draft before deleting it." in response.content.decode()
    story_return_to_draft(story=never_seen, user=editor, reason="Needs another look.")
    assert editor_client.get(delete_url(never_seen)).status_code == 200

    # The same, but its time came before it was taken off: readers saw it for a day.
    seen = make_story(published=False, headline="Scheduled Then Seen")
    story_publish(story=seen, user=editor, at=ahead)
    with time_machine.travel(ahead + datetime.timedelta(days=1)):
        # Signed in at the moment travelled to: a session left idle for hours has ended (SESSION_IDLE_MINUTES).
        editor_client.force_login(editor)
        story_return_to_draft(story=seen, user=editor, reason="Needs another look.")
        assert editor_client.get(delete_url(seen)).status_code == 403


def test_writers_cannot_delete(writer_client, make_story):
    draft = make_story(published=False)
    assert writer_client.get(delete_url(draft)).status_code == 403
    writer_client.post(CHANGELIST, {"action": "trash_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.trashed_at is None


def test_empty_trash_deletes_for_good_only_what_waited_30_days(editor_client, make_story):
    old = make_story(published=False, headline="Trashed Long Ago")
    recent = make_story(published=False, headline="Trashed Yesterday")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31)):
        editor_client.post(delete_url(old))
    with time_machine.travel(timezone.now() - datetime.timedelta(days=1)):
        editor_client.post(delete_url(recent))
    assert "Dry run: nothing was saved." in command_output("empty_trash", "--dry-run")
    assert Story.objects.count() == 2
    output = command_output("empty_trash", "-v", "2")
    assert "Deleted “Trashed Long Ago”" in output
    assert "Emptied the trash: 1 story deleted for good." in output
    assert list(Story.objects.values_list("headline", flat=True)) == ["Trashed Yesterday"]


def in_review_on_home(client) -> str:
    page = client.get("/admin/").content.decode()
    return page.split("<caption>Review queue", 1)[1].split("</table>", 1)[0]


def test_a_story_in_the_trash_leaves_the_review_queue_on_the_home_page(editor_client, make_story):
    story = make_story(published=False, status=Status.IN_REVIEW, headline="Waiting Then Deleted")
    assert "Waiting Then Deleted" in in_review_on_home(editor_client)
    editor_client.post(delete_url(story))
    assert "Waiting Then Deleted" not in in_review_on_home(editor_client)
    assert "Nothing is waiting for review." in in_review_on_home(editor_client)
