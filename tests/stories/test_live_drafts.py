"""Drafts of live stories: edits to a published story wait as unpublished changes, with their own
preview, reviewer link and compare, and readers keep the live version until an Editor publishes
them (now, or at a time, by the publish_scheduled_changes command)."""

import datetime
import json
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client

from newsroom.stories.models import Action, PendingChanges, Status, Story
from newsroom.stories.services import story_save_changes, story_schedule_changes
from tests.conftest import command_output, page_text
from tests.stories.test_workflow import change_url, edit
from tests.website.test_findability import every_sitemap_location, feed_titles, fetch_xml

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")
LIVE = "Levee Holds Through Second Night of Flooding"
CHANGED = "Engineers Declare Levee Repairs Finished Early"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_MAX_AGE = 60


@pytest.fixture
def reader():
    """Someone reading the site, without a session: served from the page cache."""
    return Client()


@pytest.fixture
def live_story(create_story, committed, run_tasks):
    story = committed(
        create_story,
        headline=LIVE,
        slug="levee-holds",
        body="<p>Crews stacked sandbags along the levee all night.</p>",
        # An hour ago, whatever other tests ran first: inside the news sitemap's two days.
        published_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1),
    )
    run_tasks()  # its search document (PostgreSQL), made by the worker
    return story


@pytest.fixture
def posted(django_capture_on_commit_callbacks, run_tasks):
    """Posts the story form as an editor or writer would, runs what the commit runs, then the task
    worker (the search documents it queued)."""

    def post(client, story, **overrides):
        story.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(change_url(story), edit(story, **overrides))
        run_tasks()
        return response

    return post


def changed(**overrides):
    return {
        "headline": CHANGED,
        "slug": "levee-repairs-finished",
        "body": "<p>The cofferdam came out on Tuesday, two weeks early.</p>",
        **overrides,
    }


def json_ld_headlines(response) -> list[str]:
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', response.content.decode(), re.S)
    return [data["headline"] for data in map(json.loads, blocks) if "headline" in data]


def search_text(client, words) -> str:
    return page_text(client.get("/search/", {"q": words}))


def test_readers_get_the_live_version_everywhere_until_an_editor_publishes_the_changes(
    editor_client, reader, live_story, posted
):
    # Everything readers get, made (and cached) from the live version first.
    assert LIVE in page_text(reader.get("/news/levee-holds/"))
    assert LIVE in feed_titles(reader, "/news/feed/")

    response = posted(editor_client, live_story, **changed())
    assert response.status_code == 302
    live_story.refresh_from_db()
    assert (live_story.status, live_story.headline, live_story.slug) == (Status.PUBLISHED, LIVE, "levee-holds")

    page = reader.get("/news/levee-holds/")
    assert page.status_code == 200 and LIVE in page_text(page) and CHANGED not in page.content.decode()
    assert json_ld_headlines(page) == [LIVE]
    assert reader.get("/news/levee-repairs-finished/").status_code == 404
    assert LIVE in page_text(reader.get("/")) and CHANGED not in page_text(reader.get("/"))
    assert LIVE in feed_titles(reader, "/news/feed/") and CHANGED not in feed_titles(reader, "/news/feed/atom/")
    assert CHANGED not in search_text(reader, "cofferdam") and LIVE not in search_text(reader, "cofferdam")
    assert LIVE in search_text(reader, "sandbags")
    locations = every_sitemap_location(reader)
    assert any(loc.endswith("/news/levee-holds/") for loc in locations)
    assert not any("levee-repairs-finished" in loc for loc in locations)
    news_titles = [title.text for title in fetch_xml(reader, "/sitemap-news.xml").iter() if title.tag.endswith("title")]
    assert LIVE in news_titles and CHANGED not in news_titles
    assert "Live, with unpublished changes" in page_text(editor_client.get("/admin/stories/story/?status=all"))

    response = posted(editor_client, live_story, **changed(), _publish_changes="1")
    assert response.status_code == 302
    assert "readers see it as it now stands" in page_text(editor_client.get(response["Location"]))

    page = reader.get("/news/levee-repairs-finished/")
    assert CHANGED in page_text(page) and json_ld_headlines(page) == [CHANGED]
    assert reader.get("/news/levee-holds/")["Location"] == "/news/levee-repairs-finished/"
    assert CHANGED in feed_titles(reader, "/news/feed/") and LIVE not in feed_titles(reader, "/news/feed/")
    assert CHANGED in search_text(reader, "cofferdam")
    assert any(loc.endswith("/news/levee-repairs-finished/") for loc in every_sitemap_location(reader))
    assert not PendingChanges.objects.exists()
    assert "Live, with unpublished changes" not in page_text(editor_client.get("/admin/stories/story/?status=all"))


def test_the_form_opens_on_the_changes_with_their_own_preview_and_reviewer_link(
    editor_client, reader, live_story, posted
):
    saved = posted(editor_client, live_story, **changed(), _continue="1")
    response = editor_client.get(saved["Location"])
    assert "Readers see the live version until an editor publishes them" in page_text(response)
    assert "was changed successfully" not in page_text(response)
    form = response.content.decode()
    assert "<legend>Publish the changes at:</legend>" in form
    assert f'value="{CHANGED}"' in form and f'value="{LIVE}"' not in form
    assert "This form shows unpublished changes" in page_text(response)

    preview_url = re.search(r'href="(/news/preview/\d+/changes/)"', form).group(1)
    staff = page_text(editor_client.get(preview_url))
    assert CHANGED in staff and "cofferdam" in staff and "Unpublished changes: readers see the live version" in staff
    # The preview of the story itself still shows what readers see.
    assert LIVE in page_text(editor_client.get(f"/news/preview/{live_story.pk}/"))

    link = re.search(r'href="(/news/preview/changes/[^"]+)"', form).group(1)
    shared = reader.get(link)
    assert shared.status_code == 200 and CHANGED in page_text(shared)
    assert "no-cache" in shared["Cache-Control"] or "private" in shared["Cache-Control"]
    assert reader.get(link[:-3] + "xx/").status_code == 404
    # A reviewer link to the live version cannot be read as one to the changes.
    live_link = re.search(r'href="(/news/preview/link/[^"]+)"', form).group(1)
    assert reader.get(live_link.replace("/link/", "/changes/")).status_code == 404
    assert reader.get(preview_url).status_code == 302  # staff only: to the login page


def test_a_writer_prepares_changes_to_a_live_story_and_submits_them_for_review(
    writer_client, writer, reader, live_story, posted
):
    form = writer_client.get(change_url(live_story)).content.decode()
    assert 'name="_submit_changes"' in form and 'name="_publish_changes"' not in form
    assert "Publish the changes at" not in form

    response = posted(writer_client, live_story, **changed(), _submit_changes="1")
    assert response.status_code == 302
    assert LIVE in page_text(reader.get("/news/levee-holds/"))
    newest = live_story.revisions.order_by("-number").first()
    assert (newest.action, newest.user, newest.snapshot["headline"]) == (Action.CHANGES_SUBMITTED, writer, CHANGED)
    assert "Changes submitted for review" in page_text(writer_client.get("/admin/stories/story/?status=all"))

    # Publishing is the Editors': a crafted request is refused and nothing goes live.
    assert posted(writer_client, live_story, **changed(), _publish_changes="1").status_code == 403
    live_story.refresh_from_db()
    assert live_story.headline == LIVE and PendingChanges.objects.get(story=live_story).submitted_at


def test_the_revision_compare_shows_the_live_version_against_the_changes(editor_client, live_story, posted):
    posted(editor_client, live_story, **changed())
    form = editor_client.get(change_url(live_story)).content.decode()
    compare = re.search(r'href="([^"]+/revisions/compare/\?from=\d+&amp;to=\d+)"[^>]*>Compare the live version', form)
    page = editor_client.get(compare.group(1).replace("&amp;", "&"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<del>Holds Through Second Night of Flooding</del>" in html or "<del>Levee Holds" in html
    assert "<ins>Engineers Declare</ins>" in html and "cofferdam" in html
    assert "Saved changes, not yet published" in page_text(page)


def test_publishing_changes_is_refused_with_reasons_and_readers_keep_the_live_version(
    editor_client, reader, live_story, posted, make_photo
):
    photo = make_photo(alt_text="")
    body = f'<p>The cofferdam came out.</p><figure data-photo="{photo.pk}"></figure>'
    response = posted(editor_client, live_story, **changed(body=body), _publish_changes="1")
    assert response.status_code == 302 and response["Location"] == change_url(live_story)
    message = page_text(editor_client.get(response["Location"]))
    assert "Your changes are saved, but not published" in message and f"Photo {photo.virin} has no alt text" in message
    assert LIVE in page_text(reader.get("/news/levee-holds/"))
    assert PendingChanges.objects.filter(story=live_story).exists()


def test_discarding_the_changes_keeps_the_live_version(editor_client, reader, live_story, posted):
    posted(editor_client, live_story, **changed())
    response = posted(editor_client, live_story, **changed(), _discard_changes="1")
    assert response.status_code == 302
    assert not PendingChanges.objects.exists()
    assert f'value="{LIVE}"' in editor_client.get(change_url(live_story)).content.decode()
    assert LIVE in page_text(reader.get("/news/levee-holds/"))
    assert live_story.revisions.order_by("-number").first().action == Action.CHANGES_DISCARDED


def test_scheduled_changes_go_live_when_the_command_runs_at_their_time(
    editor, editor_client, reader, live_story, posted
):
    tomorrow = datetime.datetime.now(EASTERN).date() + datetime.timedelta(days=1)
    nine = datetime.datetime.combine(tomorrow, datetime.time(9), tzinfo=EASTERN)
    with time_machine.travel(nine - datetime.timedelta(hours=2), tick=False):
        # Signed in at the moment travelled to: a session left idle for hours has ended (SESSION_IDLE_MINUTES).
        editor_client.force_login(editor)
        response = posted(
            editor_client,
            live_story,
            **changed(),
            _schedule_changes="1",
            changes_publish_at_0=f"{tomorrow:%Y-%m-%d}",
            changes_publish_at_1="09:00:00",
        )
        assert response.status_code == 302
        listing = page_text(editor_client.get("/admin/stories/story/?status=all"))
        assert re.search(r"Changes scheduled for \w+\.? \d+, \d{4}, 9 a\.m\.", listing)
    with time_machine.travel(nine - datetime.timedelta(seconds=1), tick=False):
        assert command_output("publish_scheduled_changes") == "Published the changes to 0 stories.\n"
        assert LIVE in page_text(reader.get("/news/levee-holds/"))
    with time_machine.travel(nine + datetime.timedelta(seconds=30), tick=False):
        assert f"Would publish the scheduled changes to “{CHANGED}”" in command_output(
            "publish_scheduled_changes", "--dry-run"
        )
        assert LIVE in page_text(reader.get("/news/levee-holds/"))
        assert f"Published the scheduled changes to “{CHANGED}”" in command_output("publish_scheduled_changes")
        assert CHANGED in page_text(reader.get("/news/levee-repairs-finished/"))
    live_story.refresh_from_db()
    assert live_story.revisions.order_by("-number").first().action == Action.CHANGES_PUBLISHED


def test_a_schedule_must_be_ahead_and_a_new_save_cancels_it(editor, editor_client, live_story, posted):
    response = posted(editor_client, live_story, **changed(), _schedule_changes="1")
    assert "Choose a time ahead to publish the changes" in page_text(editor_client.get(response["Location"]))

    pending = PendingChanges.objects.get(story=live_story)
    live_story.refresh_from_db()
    story_schedule_changes(
        story=live_story, user=editor, at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    )
    story_save_changes(story=live_story, changes={"summary": "A new summary."}, user=editor, expected_version=None)
    pending.refresh_from_db()
    assert pending.publish_at is None and pending.snapshot["summary"] == "A new summary."
    assert Story.objects.get(pk=live_story.pk).summary != "A new summary."


def test_returning_a_live_story_to_draft_brings_its_changes_into_the_draft(editor_client, reader, live_story, posted):
    posted(editor_client, live_story, **changed())
    response = posted(editor_client, live_story, **changed(), _return="1", return_reason="Needs a second source.")
    assert response.status_code == 302
    live_story.refresh_from_db()
    assert (live_story.status, live_story.headline) == (Status.DRAFT, CHANGED)
    assert not PendingChanges.objects.exists()
    assert reader.get("/news/levee-holds/", follow=True).status_code == 404


def test_editors_find_the_changes_waiting_for_review_in_the_story_list(
    editor, writer_client, live_story, create_story, posted
):
    editor_client = Client()
    editor_client.force_login(editor)
    other = create_story(headline="Hospital Ship Returns Home")
    posted(editor_client, other, summary="Saved, not submitted.")
    posted(writer_client, live_story, **changed(), _submit_changes="1")
    queue = page_text(editor_client.get("/admin/stories/story/?status=all&changes=submitted"), after='id="result_list"')
    assert LIVE in queue and "Changes submitted for review" in queue and "Hospital Ship Returns Home" not in queue
    every = page_text(editor_client.get("/admin/stories/story/?status=all&changes=any"), after='id="result_list"')
    assert LIVE in every and "Hospital Ship Returns Home" in every


def test_publishing_changes_runs_the_checks_before_publishing_and_keeps_an_editors_reason(
    editor_client, reader, live_story, posted
):
    skipped = changed(body="<h2>Repairs</h2><h4>Costs</h4><p>The cofferdam came out on Tuesday, two weeks early.</p>")
    refused = posted(editor_client, live_story, **skipped, _publish_changes="1")
    assert refused.status_code == 302
    messages = page_text(editor_client.get(change_url(live_story)), after='class="messagelist"')
    assert "Your changes are saved, but not published." in messages and "skips from level 2 to level 4" in messages
    assert LIVE in reader.get("/news/levee-holds/").content.decode(), "readers keep the live version"

    posted(
        editor_client,
        live_story,
        **skipped,
        _publish_changes="1",
        _publish_reason="The costs table follows in an update.",
    )
    live_story.refresh_from_db()
    assert live_story.headline == CHANGED
    record = live_story.revisions.latest().publish_checks
    assert record["published_past"]["reason"] == "The costs table follows in an update."


FIX = "An earlier version said the repairs would take a month."


def with_notes(story, *notes, new=()):
    """The corrections inline as the form posts it: the story's notes as they stand (`notes`, as
    (kind, date, text) to post for each), then `new` ones."""
    rows = [*story.corrections.order_by("noted_on", "id")]
    data = {
        "corrections-TOTAL_FORMS": str(len(rows) + len(new)),
        "corrections-INITIAL_FORMS": str(len(rows)),
    }
    for index, (row, (kind, day, text)) in enumerate(zip(rows, notes, strict=True)):
        data.update({f"corrections-{index}-id": str(row.pk), f"corrections-{index}-story": str(story.pk)})
        data.update({f"corrections-{index}-kind": kind, f"corrections-{index}-noted_on": day})
        data[f"corrections-{index}-text"] = text
    for index, (kind, day, text) in enumerate(new, start=len(rows)):
        data.update({f"corrections-{index}-kind": kind, f"corrections-{index}-noted_on": day})
        data[f"corrections-{index}-text"] = text
    return data


def test_a_correction_added_to_a_live_story_waits_for_the_fix_it_describes(
    writer_client, editor_client, reader, live_story, posted
):
    today = f"{datetime.date.today():%Y-%m-%d}"
    # A Writer fixes the text and writes the correction; an Editor publishes both.
    response = posted(
        writer_client, live_story, **changed(), **with_notes(live_story, new=[("correction", today, FIX)])
    )
    assert response.status_code == 302

    page = page_text(reader.get("/news/levee-holds/"))
    assert FIX not in page and "Corrections and Updates" not in page, "the correction waits with the fix"
    assert "Corrections and Updates" not in page_text(editor_client.get(f"/news/preview/{live_story.pk}/"))
    form = editor_client.get(change_url(live_story))
    assert FIX in form.content.decode() and "When the changes are published" in page_text(form)
    changes_preview = re.search(r'href="(/news/preview/\d+/changes/)"', form.content.decode()).group(1)
    assert FIX in page_text(editor_client.get(changes_preview))
    assert PendingChanges.objects.get().snapshot["corrections"][0]["text"] == FIX

    assert posted(editor_client, live_story, **changed(), _publish_changes="1").status_code == 302
    page = page_text(reader.get("/news/levee-repairs-finished/"))
    assert "Corrections and Updates" in page and FIX in page and "cofferdam" in page
    assert live_story.corrections.get().pending is False
    assert "Yes" in page_text(editor_client.get(change_url(live_story)))


def test_a_published_note_stays_as_readers_saw_it_and_a_discarded_one_goes(editor_client, reader, live_story, posted):
    today = f"{datetime.date.today():%Y-%m-%d}"
    posted(editor_client, live_story, **with_notes(live_story, new=[("correction", today, FIX)]))
    posted(editor_client, live_story, _publish_changes="1")
    assert FIX in page_text(reader.get("/news/levee-holds/"))

    # The public note cannot be rewritten or deleted from the form; a new one can be added, then discarded.
    note = live_story.corrections.get()
    tampered = with_notes(live_story, ("update", today, "Nothing was wrong."), new=[("update", today, "Second look.")])
    tampered["corrections-0-DELETE"] = "on"
    assert posted(editor_client, live_story, **tampered).status_code == 302
    note.refresh_from_db()
    assert (note.kind, note.text, note.pending) == ("correction", FIX, False)
    assert live_story.corrections.filter(pending=True).get().text == "Second look."
    assert "Second look." not in page_text(reader.get("/news/levee-holds/"))

    posted(editor_client, live_story, _discard_changes="1")
    assert list(live_story.corrections.values_list("text", flat=True)) == [FIX]


def test_a_note_on_a_story_scheduled_ahead_is_the_storys_own(editor_client, make_story, posted):
    ahead = make_story(
        headline="Range Reopens", published_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    )
    today = f"{datetime.date.today():%Y-%m-%d}"
    assert posted(editor_client, ahead, **with_notes(ahead, new=[("update", today, "Hours added.")])).status_code == 302
    assert ahead.corrections.get().pending is False, "nothing is live to wait for: it goes out with the story"
    assert not PendingChanges.objects.exists()
