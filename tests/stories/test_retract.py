"""Retract: an Editor takes a story back for good, saying why. Its address answers 410 with a short
public notice on the official banner; it leaves listings, search, feeds and sitemaps; the
corrections page lists it; the writer is told; nothing can publish it again."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newsroom.desk.models import Kind, Notification
from newsroom.stories.models import Action, NoteKind, Status, Story
from newsroom.stories.services import story_publish, story_retract, story_withdraw
from tests.conftest import page_text
from tests.stories.test_workflow import change_url

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")
REASON = "The story relied on a document that proved not to be authentic."


def retract_url(story):
    return f"/admin/stories/story/{story.pk}/retract/"


@pytest.fixture
def levee(make_story, writer):
    story = make_story(
        headline="Levee Holds After Record Crest",
        slug="levee-holds",
        byline="Jane Doe, DOD News",
        published_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=EASTERN),
    )
    Story.objects.filter(pk=story.pk).update(created_by=writer)
    story.refresh_from_db()
    return story


def test_an_editor_retracts_from_the_story_form_with_a_public_reason(editor_client, client, levee, committed):
    form = editor_client.get(change_url(levee)).content.decode()
    assert f'href="{retract_url(levee)}" class="button">Retract</a>' in form
    asked = editor_client.get(retract_url(levee))
    assert "Reason for the retraction (public)" in asked.content.decode()

    refused = editor_client.post(retract_url(levee), {"post": "yes", "reason": "   "})
    assert "Give the reason for the retraction" in page_text(refused)
    assert Story.objects.get(pk=levee.pk).status == Status.PUBLISHED

    done = committed(editor_client.post, retract_url(levee), {"post": "yes", "reason": REASON})

    assert done.status_code == 302
    levee.refresh_from_db()
    assert levee.status == Status.RETRACTED
    revision = levee.revisions.order_by("-number").first()
    assert (revision.action, revision.reason) == (Action.RETRACTED, REASON)
    told = Notification.objects.get(kind=Kind.RETRACTED)
    assert (told.recipient.username, told.reason) == ("writer", REASON)
    # Final: no more edits or steps from the form.
    form = editor_client.get(change_url(levee)).content.decode()
    assert 'name="_publish"' not in form and 'name="_save"' not in form
    assert retract_url(levee) not in form


def test_readers_get_the_retraction_notice_at_the_address_with_410(client, levee):
    story_retract(story=levee, user=None, reason=REASON)

    response = client.get("/news/levee-holds/")

    assert response.status_code == 410
    text = page_text(response)
    assert "An official website of the United States government" in text
    assert "This story was retracted" in text
    assert "Levee Holds After Record Crest" in text
    assert "First published Nov. 2, 2026 by Jane Doe, DOD News." in text
    assert f"Why it was retracted {REASON}" in text
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_a_retracted_story_leaves_listings_search_feeds_and_sitemaps(
    client, create_story, make_story, committed, run_tasks
):
    # Made and retracted as editors do, each change committed and its search document refreshed.
    levee = committed(
        create_story, headline="Levee Holds After Record Crest", slug="levee-holds", byline="Jane Doe, DOD News"
    )
    make_story(headline="Bridge Opens On Time")
    run_tasks()
    places = [
        "/",
        "/news/",
        "/news/feed/",
        "/news/feed/atom/",
        "/search/?q=levee",
        "/sitemap-stories.xml",
        "/news/by/jane-doe/",
    ]
    for path in places:
        assert "/news/levee-holds/" in client.get(path).content.decode(), path

    committed(story_retract, story=levee, user=None, reason=REASON)
    run_tasks()

    for path in places:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        body = response.content.decode()
        assert "Levee Holds After Record Crest" not in body and "/news/levee-holds/" not in body, path


def test_the_corrections_page_and_feed_list_the_retraction(client, levee):
    story_retract(story=levee, user=None, reason=REASON)
    text = page_text(client.get("/news/corrections/"))
    assert "Levee Holds After Record Crest Retraction, " in text and REASON in text
    feed = client.get("/news/corrections/feed/").content.decode()
    assert "<title>Retraction: Levee Holds After Record Crest</title>" in feed
    assert levee.corrections.get().kind == NoteKind.RETRACTION


def test_a_withdrawn_story_can_be_retracted_but_one_never_public_cannot(levee, make_story):
    story_withdraw(story=levee, user=None, reason="Pending review.")
    story_retract(story=levee, user=None, reason=REASON)
    assert Story.objects.get(pk=levee.pk).status == Status.RETRACTED

    draft = make_story(headline="Never Out", published=False)
    with pytest.raises(ValidationError, match="only a story that is published, withdrawn can be retracted"):
        story_retract(story=draft, user=None, reason=REASON)
    scheduled = make_story(
        headline="Out Tomorrow", published_at=datetime.datetime.now(EASTERN) + datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="was never public, so there is nothing to retract"):
        story_retract(story=scheduled, user=None, reason=REASON)


def test_a_retraction_is_final(levee):
    story_retract(story=levee, user=None, reason=REASON)
    with pytest.raises(ValidationError, match="is retracted; only a story that is"):
        story_publish(story=levee, user=None)
    with pytest.raises(ValidationError, match="is retracted; only a story that is"):
        story_withdraw(story=levee, user=None, reason="Again.")


def test_only_editors_retract(writer_client, writer, levee):
    assert retract_url(levee) not in writer_client.get(change_url(levee)).content.decode()
    assert writer_client.post(retract_url(levee), {"post": "yes", "reason": REASON}).status_code == 403
    with pytest.raises(PermissionDenied, match="only editors can publish, schedule, withdraw, retract"):
        story_retract(story=levee, user=writer, reason=REASON)
    assert Story.objects.get(pk=levee.pk).status == Status.PUBLISHED


def test_an_editor_cannot_write_a_retraction_note_by_hand(editor_client, levee):
    form = editor_client.get(change_url(levee)).content.decode()
    assert 'value="retraction"' not in form
    assert 'value="correction"' in form
