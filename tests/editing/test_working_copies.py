"""Autosave's working copies and who is editing, through the real endpoints (issue 16, points 2 and
3): private to their user, never a change to the story, gone once the story is saved."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsroom.core.apstyle import ap_time
from newsroom.editing.models import Presence, WorkingCopy
from newsroom.editing.services import WORKING_COPY_DAYS
from newsroom.notes.services import note_add, note_resolve
from newsroom.stories.models import Revision, Status, Story
from newsroom.stories.services import story_submit

TYPED = {
    "headline": "Engineers Finish Levee Repairs",
    "slug": "engineers-finish-levee-repairs",
    "summary": "Army engineers closed the last breach.",
    "byline": "Jane Doe, DOD News",
    "body": "<p>Crews worked through the night.</p>",
}


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("admin:index"))  # the CSRF cookie, as the story form's page sets it
    return client


def post(client, name, story=None, data=None):
    address = reverse(f"editing:{name}", args=[story.pk]) if story else reverse(f"editing:new_{name}")
    return client.post(address, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.fixture
def draft(make_story):
    return make_story(published=False, headline="Levee Repairs Begin", body="<p>Crews began.</p>")


@pytest.mark.django_db
def test_autosave_keeps_a_private_copy_and_never_touches_the_story(writer, editor, draft):
    before = Story.objects.values().get(pk=draft.pk)
    revisions = Revision.objects.count()
    writer_client = signed_in(writer)

    answer = post(writer_client, "autosave", draft, {**TYPED, "started_from_version": draft.version})

    assert answer.status_code == 200
    assert answer.json() == {"savedAt": ap_time(WorkingCopy.objects.get().saved_at)}
    assert Story.objects.values().get(pk=draft.pk) == before, "the story, its version and dates are as they were"
    assert Revision.objects.count() == revisions
    mine = writer_client.get(reverse("editing:working_copy", args=[draft.pk])).json()
    assert mine["workingCopy"]["fields"] == TYPED
    assert mine["workingCopy"]["basedOnVersion"] == draft.version
    theirs = signed_in(editor).get(reverse("editing:working_copy", args=[draft.pk])).json()
    assert theirs["workingCopy"] is None, "another user never sees someone's working copy"
    # Nor do readers: the public page is the story as saved.
    assert TYPED["headline"] not in Client().get(draft.get_absolute_url()).content.decode()

    post(writer_client, "autosave", draft, {**TYPED, "headline": "Levee Repairs Finish"})
    assert WorkingCopy.objects.get().headline == "Levee Repairs Finish", "one copy per user per story"


@pytest.mark.django_db
def test_saving_the_story_from_the_form_deletes_its_savers_working_copy(writer, editor, draft):
    writer_client, editor_client = signed_in(writer), signed_in(editor)
    post(writer_client, "autosave", draft, TYPED)
    post(editor_client, "autosave", draft, TYPED)
    writer_client.get(reverse("admin:stories_story_change", args=[draft.pk]))
    form = {
        **TYPED,
        "label": draft.label,
        "started_from_version": draft.version,
        "placements-TOTAL_FORMS": 0,
        "placements-INITIAL_FORMS": 0,
        "corrections-TOTAL_FORMS": 0,
        "corrections-INITIAL_FORMS": 0,
        "waiting_related-TOTAL_FORMS": 0,
        "waiting_related-INITIAL_FORMS": 0,
        "_continue": "Save",
        "csrfmiddlewaretoken": writer_client.cookies["csrftoken"].value,
    }
    saved = writer_client.post(reverse("admin:stories_story_change", args=[draft.pk]), form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert list(WorkingCopy.objects.values_list("user__username", flat=True)) == ["editor"]


@pytest.mark.django_db
def test_a_note_or_a_list_action_keeps_the_working_copy_of_what_was_typed(writer, editor, draft):
    writer_client = signed_in(writer)
    post(writer_client, "autosave", draft, TYPED)
    thread = note_add(story=draft, user=writer, text="Is the closing time right?", block=1)
    note_resolve(note=thread, user=writer)
    story_submit(story=draft, user=writer)
    editor_client = signed_in(editor)
    post(editor_client, "autosave", draft, TYPED)
    action = {"action": "publish_selected", "_selected_action": [draft.pk]}
    editor_client.post(
        "/admin/stories/story/", {**action, "csrfmiddlewaretoken": editor_client.cookies["csrftoken"].value}
    )
    history = [entry.change_message for entry in LogEntry.objects.filter(object_id=str(draft.pk)).order_by("pk")]
    assert history[0].startswith("Added a note on the paragraph") and history[1].startswith("Resolved a note")
    assert "(list action)" in history[-1]
    assert sorted(WorkingCopy.objects.values_list("user__username", flat=True)) == ["editor", "writer"]


@pytest.mark.django_db
def test_a_new_story_has_one_working_copy_until_it_is_added(writer):
    writer_client = signed_in(writer)
    assert post(writer_client, "autosave", data=TYPED).status_code == 200
    kept = writer_client.get(reverse("editing:new_working_copy")).json()["workingCopy"]
    assert kept["fields"]["headline"] == TYPED["headline"] and kept["basedOnVersion"] is None
    assert WorkingCopy.objects.get().story is None

    form = {
        **TYPED,
        "label": "news",
        "placements-TOTAL_FORMS": 0,
        "placements-INITIAL_FORMS": 0,
        "corrections-TOTAL_FORMS": 0,
        "corrections-INITIAL_FORMS": 0,
        "waiting_related-TOTAL_FORMS": 0,
        "waiting_related-INITIAL_FORMS": 0,
        "csrfmiddlewaretoken": writer_client.cookies["csrftoken"].value,
    }
    added = writer_client.post(reverse("admin:stories_story_add"), form)
    assert added.status_code == 302, added.content.decode()[:2000]
    assert not WorkingCopy.objects.exists()


@pytest.mark.django_db
def test_discarding_deletes_the_copy_and_old_copies_are_cleared(writer, editor, draft, make_story):
    writer_client = signed_in(writer)
    post(writer_client, "autosave", draft, TYPED)
    assert post(writer_client, "discard", draft).json() == {"discarded": True}
    assert not WorkingCopy.objects.exists()

    other = make_story(published=False)
    post(signed_in(editor), "autosave", other, TYPED)
    WorkingCopy.objects.update(saved_at=timezone.now() - datetime.timedelta(days=WORKING_COPY_DAYS + 1))
    post(writer_client, "autosave", draft, TYPED)
    assert list(WorkingCopy.objects.values_list("user__username", flat=True)) == ["writer"]


@pytest.mark.django_db
def test_autosave_is_for_those_who_may_change_the_story(writer, draft, make_story):
    # A Writer prepares changes to a live story, but may only read a withdrawn one.
    live = make_story(published=True, status=Status.WITHDRAWN)
    writer_client = signed_in(writer)
    refused = post(writer_client, "autosave", live, TYPED)
    assert refused.status_code == 403
    assert refused.json() == {"error": f"You may not change “{live.headline}”."}
    assert post(writer_client, "autosave", Story(pk=999_999), TYPED).json() == {"error": "No story with ID 999999."}

    # Without the form's CSRF token, nothing is kept.
    no_token = writer_client.post(reverse("editing:autosave", args=[draft.pk]), TYPED)
    assert no_token.status_code == 403
    # Readers (not signed in) are sent to the admin's login.
    anonymous = Client().post(reverse("editing:autosave", args=[draft.pk]), TYPED)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert not WorkingCopy.objects.exists()


@pytest.mark.django_db
def test_bad_input_is_refused_with_a_reason(writer, draft):
    writer_client = signed_in(writer)
    too_long = post(writer_client, "autosave", draft, {**TYPED, "headline": "x" * 201})
    assert too_long.status_code == 400
    assert too_long.json() == {"error": "Not saved: headline is 201 characters long; at most 200 are kept."}
    wrong_version = post(writer_client, "autosave", draft, {**TYPED, "started_from_version": "three"})
    assert wrong_version.json() == {"error": "started_from_version must be a version number, not “three”."}
    assert writer_client.get(reverse("editing:autosave", args=[draft.pk])).status_code == 405
    assert not WorkingCopy.objects.exists()


@pytest.mark.django_db
def test_who_is_editing_comes_and_goes_with_the_heartbeat(writer, editor, draft, settings):
    writer.first_name, writer.last_name = "Jordan", "Lee"
    writer.save()
    writer_client, editor_client = signed_in(writer), signed_in(editor)

    assert post(writer_client, "heartbeat", draft).json() == {"taken_over": None, "editing": [], "mayTakeOver": False}
    since = ap_time(Presence.objects.get().since)
    seen = post(editor_client, "heartbeat", draft).json()
    assert seen == {"taken_over": None, "editing": [{"name": "Jordan Lee", "since": since}], "mayTakeOver": True}
    # The editor, named by username for want of a full name, is seen by the writer.
    assert post(writer_client, "heartbeat", draft).json()["editing"] == [
        {"name": "editor", "since": ap_time(Presence.objects.get(user=editor).since)}
    ]

    # A tab closed without a word: gone once two and a half heartbeats have passed.
    Presence.objects.filter(user=writer).update(
        seen_at=timezone.now() - datetime.timedelta(seconds=settings.EDITING_HEARTBEAT_SECONDS * 2.5 + 1)
    )
    assert post(editor_client, "heartbeat", draft).json()["editing"] == []
    # Leaving the page says so at once.
    post(writer_client, "heartbeat", draft)
    assert post(editor_client, "heartbeat", draft).json()["editing"] != []
    post(writer_client, "leave", draft)
    assert post(editor_client, "heartbeat", draft).json()["editing"] == []


@pytest.mark.django_db
def test_an_editor_takes_over_and_the_writer_is_told_at_the_next_heartbeat(writer, editor, draft):
    editor.first_name, editor.last_name = "Pat", "Morgan"
    editor.save()
    writer_client, editor_client = signed_in(writer), signed_in(editor)
    post(writer_client, "heartbeat", draft)

    refused = post(writer_client, "take_over", draft)
    assert refused.status_code == 403
    assert refused.json() == {"error": "Only editors can take over a story someone else is editing."}

    assert post(editor_client, "take_over", draft).json() == {"tookOverFrom": ["writer"]}
    assert post(editor_client, "heartbeat", draft).json()["editing"] == [], "the writer is no longer shown"
    taken_at = Presence.objects.get(user=writer).taken_over_at
    told = post(writer_client, "heartbeat", draft).json()
    assert told["taken_over"] == {"by": "Pat Morgan", "at": ap_time(taken_at)}
    assert not Presence.objects.filter(user=writer).exists()


def test_times_are_ap_style():
    moment = timezone.localtime().replace(hour=10, minute=42)
    assert ap_time(moment) == "10:42 a.m."
    assert ap_time(moment.replace(hour=12, minute=0)) == "noon"
    earlier = datetime.datetime(2025, 12, 5, 15, 0, tzinfo=timezone.get_current_timezone())
    assert ap_time(earlier) == "Dec. 5, 2025, 3 p.m."


@pytest.mark.django_db
def test_the_story_form_carries_the_region_only_for_those_who_may_write(writer, draft, make_story):
    writer_client = signed_in(writer)
    page = writer_client.get(reverse("admin:stories_story_change", args=[draft.pk])).content.decode()
    assert 'id="working-together"' in page and reverse("editing:heartbeat", args=[draft.pk]) in page
    add = writer_client.get(reverse("admin:stories_story_add")).content.decode()
    assert reverse("editing:new_autosave") in add and "data-heartbeat=" not in add
    live = make_story(published=True, status=Status.WITHDRAWN)  # a Writer may only read it
    read_only = writer_client.get(reverse("admin:stories_story_change", args=[live.pk])).content.decode()
    assert 'id="working-together"' not in read_only
