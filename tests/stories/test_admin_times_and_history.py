"""The story admin's words and times: AP style with the zone, a History that says what happened,
revisions only for real changes, a list that opens on what was worked on last."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from newsroom.stories.models import Correction, PhotoPlacement, Status
from tests.conftest import page_text
from tests.stories.test_workflow import change_url, edit

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")
NOW = datetime.datetime(2026, 12, 6, 18, 14, 10, tzinfo=EASTERN)
# What must never reach an editor's eyes: a raw ISO moment, or a day with a leading zero.
RAW_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
PADDED_DAY = re.compile(r"\b(Jan|Feb|Aug|Sept|Oct|Nov|Dec)\. 0\d")


@time_machine.travel(NOW, tick=False)
def test_statuses_messages_and_lists_give_ap_style_times_with_the_zone(editor, editor_client, make_story):
    # Signed in at the moment travelled to: a session left idle for hours has ended (SESSION_IDLE_MINUTES).
    editor_client.force_login(editor)
    scheduled = make_story(
        headline="Hospital Ship Sails at Dawn", published_at=datetime.datetime(2027, 1, 6, 10, 0, tzinfo=EASTERN)
    )
    make_story(headline="Levee Holds", published_at=datetime.datetime(2026, 12, 6, 12, 0, tzinfo=EASTERN))
    make_story(headline="Guard Trains Medics", published=False, status=Status.IN_REVIEW)

    changelist = page_text(editor_client.get("/admin/stories/story/"))
    assert "Scheduled for Jan. 6, 2027, 10 a.m. EST" in changelist
    assert "Published Dec. 6, 2026, noon EST" in changelist
    assert "Dec. 6, 2026, 6:14 p.m. EST" in changelist  # last changed

    form = page_text(editor_client.get(change_url(scheduled)))
    assert "it works until Dec. 13, 2026, 6:14 p.m. EST" in form  # the reviewer link's expiry

    home = page_text(editor_client.get("/admin/"))
    assert "(submitted Dec. 6, 2026, 6:14 p.m. EST)" in home  # in review
    assert "Jan. 6, 2027" not in home  # a month ahead is not "this week"

    story = make_story(headline="Drill Ends Friday", published=False)
    response = editor_client.post(
        change_url(story),
        edit(story, published_at_0="2026-12-11", published_at_1="15:30:00", _schedule="Save and schedule"),
        follow=True,
    )
    assert "“Drill Ends Friday” is scheduled for Dec. 11, 2026, 3:30 p.m. EST." in page_text(response)

    for page in (changelist, form, home, page_text(response)):
        assert not RAW_MOMENT.search(page), RAW_MOMENT.search(page)
        assert not PADDED_DAY.search(page), PADDED_DAY.search(page)


def test_updated_is_shown_only_for_a_note_on_a_later_day(client, make_story):
    story = make_story(published_at=datetime.datetime(2026, 11, 2, 10, 0, tzinfo=EASTERN))
    note = Correction.objects.create(story=story, noted_on=datetime.date(2026, 11, 2), text="A name was misspelled.")
    page = " ".join(client.get(story.get_absolute_url()).content.decode().split())
    assert "Nov. 2, 2026</time></p>" in page and "Updated" not in page.split("<h1")[0]

    note.noted_on = datetime.date(2026, 11, 3)
    note.save()
    page = " ".join(client.get(story.get_absolute_url()).content.decode().split())
    assert 'Nov. 2, 2026</time> | Updated <time datetime="2026-11-03">Nov. 3, 2026</time>' in page


def history(client, story) -> str:
    return page_text(client.get(f"/admin/stories/story/{story.pk}/history/"))


def test_the_history_page_names_each_workflow_step(writer_client, editor_client, make_story):
    story = make_story(headline="Clinic Opens", published=False)
    writer_client.post(change_url(story), edit(story, _submit="Save and submit for review"))
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    entries = history(editor_client, story)
    assert "Submitted for review." in entries and "No fields changed" not in entries

    editor_client.post(
        change_url(story), edit(story, summary="A new clinic opens its doors.", _publish="Save and publish")
    )
    story.refresh_from_db()
    assert story.is_public()
    assert "Published. Changed Summary." in history(editor_client, story)

    editor_client.post(
        "/admin/stories/story/",
        {"action": "withdraw_selected", "_selected_action": [story.pk], "post": "yes", "reason": "Clinic closed"},
    )
    assert "Withdrawn (list action): Clinic closed." in history(editor_client, story)


def test_a_save_that_changes_nothing_adds_no_revision(editor_client, make_story, make_photo):
    story = make_story(headline="Clinic Opens", published=False)
    editor_client.post(change_url(story), edit(story, headline="Clinic Opens Its Doors"))
    story.refresh_from_db()
    version, revisions = story.version, story.revisions.count()

    # The same body written differently (spaces, CR LF line breaks, <b> for <strong>) is the same body.
    rewritten = story.body.replace("<p>", "<p>\r\n  ").replace("</p>", " </p>\r\n").replace("First", "<b></b>First")
    response = editor_client.post(change_url(story), edit(story, body=rewritten))
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.version, story.revisions.count()) == (version, revisions)
    page = page_text(editor_client.get(f"/admin/stories/story/{story.pk}/revisions/"))
    assert not re.search(r"Saved —", page)

    # Placing a photo in the body is one change: the body, and the placed photos that follow it.
    photo = make_photo()
    editor_client.post(change_url(story), edit(story, body=story.body + f'<figure data-photo="{photo.pk}"></figure>'))
    story.refresh_from_db()
    assert story.version == version + 1 and PhotoPlacement.objects.filter(story=story).count() == 1
    newest = story.revisions.order_by("-number").first()
    assert newest.number == story.version and newest.changed_fields == ["body", "placements"]


def test_the_story_list_opens_on_what_was_changed_last_and_remembers_the_status(editor_client, make_story):
    older = make_story(headline="Older Story", published_at=timezone.now() - datetime.timedelta(days=30))
    make_story(headline="Newer Story")
    make_story(headline="Draft Story", published=False)
    editor_client.post(change_url(older), edit(older, summary="Edited just now."))

    headlines = re.findall(
        r'<th class="field-headline"><a [^>]+>([^<]+)</a>', editor_client.get("/admin/stories/story/").content.decode()
    )
    assert headlines[0] == "Older Story"

    assert "Draft Story" in editor_client.get("/admin/stories/story/?status=draft").content.decode()
    back = editor_client.get("/admin/stories/story/")  # from the sidebar or the home page
    assert back.status_code == 302 and back["Location"] == "/admin/stories/story/?status=draft"
    page = editor_client.get(back["Location"]).content.decode()
    assert "Draft Story" in page and "Older Story" not in page

    everything = editor_client.get("/admin/stories/story/?status=all").content.decode()
    assert "Draft Story" in everything and "Older Story" in everything
    assert editor_client.get("/admin/stories/story/").status_code == 200  # "All" is remembered too


def test_counts_in_list_action_messages_read_as_english(editor_client, make_story):
    story = make_story()
    response = editor_client.post(
        "/admin/stories/story/",
        {"action": "withdraw_selected", "_selected_action": [story.pk], "post": "yes", "reason": "Postponed."},
        follow=True,
    )
    assert "1 story withdrawn." in page_text(response)


def test_days_have_no_time_zone_note_but_moments_keep_theirs(editor_client, make_story):
    """Django's date widget notes the zone on a day too; a day has none (a photo's is tested with photos)."""
    story = make_story()
    Correction.objects.create(story=story, noted_on=datetime.date(2026, 11, 4), text="A name was misspelled.")
    form = editor_client.get(change_url(story)).content.decode()
    assert '<input type="date" name="corrections-0-noted_on" value="2026-11-04"' in form
    assert 'class="vDateField' in form  # the publication time is a moment: its date part keeps the note
    assert not re.search(r'name="corrections-0-noted_on"[^>]*vDateField', form)

    collection_form = editor_client.get("/admin/archive/collection/add/").content.decode()
    assert '<input type="date" name="published_before"' in collection_form
    assert "vDateField" not in collection_form
