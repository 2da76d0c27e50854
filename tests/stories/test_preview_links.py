"""Reviewer preview links: revoked by the story form's button and by a withdrawal or a return to draft,
and tied to the version they were made for.

A link shows the content it was made for, or says it cannot: "This preview link was made for an
earlier version of the story; ask for a new link." A reviewer never reads, unknowingly, a version
nobody asked them to review. Workflow steps (submitted, scheduled, published) change no content,
so they leave the link working.
"""

import re

import pytest
from django.core import signing
from django.test import Client

from newsroom.accounts.models import SecurityEvent
from newsroom.stories import preview
from newsroom.stories.models import Status, Story
from newsroom.stories.services import (
    story_publish,
    story_return_to_draft,
    story_save_changes,
    story_submit,
    story_update,
    story_withdraw,
)
from tests.conftest import page_text
from tests.stories.test_workflow import change_url

pytestmark = pytest.mark.django_db

REVOKED = "This preview link was revoked"
OUTDATED = "This preview link was made for an earlier version of the story"
ASK = "The story has changed since this link was made; ask for a new link."


@pytest.fixture
def reviewer():
    return Client()


@pytest.fixture
def draft(make_story):
    return make_story(published=False, status=Status.DRAFT, headline="Port Visit Planned")


def opens(reviewer, link) -> bool:
    response = reviewer.get(link)
    return response.status_code == 200 and "Port Visit Planned" in page_text(response)


def refused(reviewer, link, heading) -> bool:
    response = reviewer.get(link)
    return response.status_code == 410 and heading in page_text(response) and "no-store" in response["Cache-Control"]


def test_the_story_forms_button_revokes_every_link_made_until_then(
    editor_client, editor, reviewer, draft, django_capture_on_commit_callbacks
):
    old = preview.reviewer_link(draft)
    assert opens(reviewer, old)
    form = editor_client.get(change_url(draft)).content.decode()
    revoke = f"/admin/stories/story/{draft.pk}/revoke-previews/"
    assert f'href="{revoke}"' in form and "Revoke preview links" in form

    confirm = editor_client.get(revoke)
    assert confirm.status_code == 200 and "stops working" in page_text(confirm)
    assert opens(reviewer, old), "asking is not revoking"
    with django_capture_on_commit_callbacks(execute=True):  # the security log is written at the commit
        response = editor_client.post(revoke, follow=True)

    assert "no longer work" in page_text(response)
    assert refused(reviewer, old, REVOKED)
    assert "Ask the editor who sent it for a new one" in page_text(reviewer.get(old))
    new = re.search(r'href="(/news/preview/link/[^"]+)"', response.content.decode()).group(1)
    assert new != old and opens(reviewer, new)
    event = SecurityEvent.objects.get(action="preview-revoke")
    assert event.user == "editor" and event.object == f"stories.story:{draft.pk} Port Visit Planned"
    assert Story.objects.get(pk=draft.pk).version == draft.version, "not a change to the story"


def test_a_writer_may_revoke_the_links_to_a_story_too(writer_client, reviewer, draft):
    link = preview.reviewer_link(draft)
    assert writer_client.post(f"/admin/stories/story/{draft.pk}/revoke-previews/").status_code == 302
    assert refused(reviewer, link, REVOKED)


def test_withdrawing_a_story_revokes_its_links(editor, reviewer, draft):
    story_publish(story=draft, user=editor)
    link = preview.reviewer_link(draft)
    assert opens(reviewer, link)

    story_withdraw(story=draft, user=editor, reason="Published by mistake.")

    assert refused(reviewer, link, REVOKED)


def test_returning_a_story_to_draft_revokes_its_links(editor, writer, reviewer, draft):
    story_submit(story=draft, user=writer)
    link = preview.reviewer_link(draft)

    story_return_to_draft(story=draft, user=editor, reason="Needs a second source.")

    assert refused(reviewer, link, REVOKED)
    assert opens(reviewer, preview.reviewer_link(draft)), "a new link works"


def test_a_link_stops_at_the_first_change_to_what_it_shows_not_at_a_workflow_step(editor, writer, reviewer, draft):
    link = preview.reviewer_link(draft)
    story_submit(story=draft, user=writer)
    story_publish(story=draft, user=editor)
    assert opens(reviewer, link), "submitting and publishing change no word of it"

    story_update(story=draft, changes={"summary": "A later summary."}, user=editor, expected_version=None)

    assert refused(reviewer, link, OUTDATED)
    assert ASK in page_text(reviewer.get(link))
    assert "A later summary." not in page_text(reviewer.get(link)), "the later version is not shown"


def test_a_link_to_a_live_storys_changes_follows_the_changes_not_the_live_version(editor, reviewer, make_story):
    story = make_story(headline="Port Visit Planned")
    live_link = preview.reviewer_link(story)
    story_save_changes(story=story, changes={"summary": "First draft of changes."}, user=editor, expected_version=None)
    changes_link = preview.changes_reviewer_link(story)
    assert opens(reviewer, live_link), "the live version is as it was"
    assert "First draft of changes." in page_text(reviewer.get(changes_link))

    story_save_changes(story=story, changes={"summary": "Second draft."}, user=editor, expected_version=None)

    assert refused(reviewer, changes_link, OUTDATED)
    assert opens(reviewer, live_link)
    assert "Second draft." in page_text(reviewer.get(preview.changes_reviewer_link(story)))


def test_a_link_made_before_links_named_their_version_is_outdated(reviewer, draft):
    old_style = "/news/preview/link/" + signing.dumps(draft.pk, salt=preview.SALT) + "/"
    assert refused(reviewer, old_style, OUTDATED)
