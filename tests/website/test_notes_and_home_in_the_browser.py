"""The notes page and the home by role in a real browser (Debian's headless Chromium), from the
keyboard alone, checked with axe-core at WCAG 2.2 AA; screenshots in test-artifacts/."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from newsroom.notes.models import Note
from newsroom.stories.models import Story
from newsroom.stories.services import story_create, story_submit
from tests.conftest import story_fields
from tests.website.conftest import ARTIFACTS, close_quietly
from tests.website.test_story_editor import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "<p>The levee held through the night as the river crested.</p><p>Engineers inspect it Monday.</p>"


def signed_in(browser, site_url, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site_url}])
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    return context, page


def test_a_writer_writes_a_note_on_a_paragraph_from_the_keyboard_and_an_editor_resolves_it(
    browser, site_url, writer, editor
):
    ARTIFACTS.mkdir(exist_ok=True)
    story = story_create(story=Story(**story_fields(published=False, headline="Levee Holds", body=BODY)), user=writer)
    context, page = signed_in(browser, site_url, writer)
    page.goto(f"{site_url}/admin/stories/story/{story.pk}/change/")
    page.get_by_role("link", name="Notes on this story", exact=True).click()
    assert page.get_by_role("heading", name="No notes yet").is_visible()

    page.get_by_label("Note", exact=True).focus()
    page.keyboard.type("Who confirmed the crest height?")
    page.keyboard.press("Tab")  # to "About"
    page.keyboard.press("ArrowDown")  # the first block
    assert page.get_by_label("About").input_value() == "1"
    page.keyboard.press("Tab")  # past its help text to "Add note"
    assert page.evaluate("document.activeElement.textContent") == "Add note"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    thread = page.locator("article.note-thread")
    assert "Your note was added." in page.locator(".messagelist").inner_text()
    assert "On the paragraph starting “The levee held through the night as the…”" in thread.inner_text()
    assert axe_violations(page) == ""
    page.screenshot(path=ARTIFACTS / "notes-writer.png", full_page=True)
    assert page.console_errors == []
    close_quietly(context)

    context, page = signed_in(browser, site_url, editor)
    page.goto(f"{site_url}/admin/notes/note/story/{story.pk}/")
    page.get_by_label("Reply to this note").fill("The Corps of Engineers, at 6 a.m.")
    page.get_by_role("button", name="Reply").click()
    page.get_by_role("button", name="Resolve").click()
    thread = page.locator("article.note-thread")
    assert "(resolved)" in thread.inner_text() and "The Corps of Engineers, at 6 a.m." in thread.inner_text()
    assert page.get_by_role("heading", name="1 thread, 0 open").is_visible()
    assert axe_violations(page) == ""
    page.screenshot(path=ARTIFACTS / "notes-editor-resolved.png", full_page=True)
    assert page.console_errors == []
    close_quietly(context)
    assert Note.objects.get(reply_to=None).resolved_by == editor


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_the_home_by_role_reads_well_and_passes_axe(browser, site_url, writer, editor, role):
    ARTIFACTS.mkdir(exist_ok=True)
    draft = story_create(story=Story(**story_fields(published=False, headline="Guard Trains Medics")), user=writer)
    review = story_create(story=Story(**story_fields(published=False, headline="Levee Holds")), user=writer)
    story_submit(story=review, user=writer)
    story_create(
        story=Story(**story_fields(headline="Ship Sails", published_at=timezone.now() + datetime.timedelta(days=2))),
        user=None,
    )
    context, page = signed_in(browser, site_url, writer if role == "writer" else editor)
    page.goto(f"{site_url}/admin/")
    home = page.locator(".newsroom-role-home")
    if role == "writer":
        assert page.get_by_role("table", name="My drafts").get_by_role("link", name="Guard Trains Medics").is_visible()
        assert "Levee Holds" in page.get_by_role("table", name="Waiting for review").inner_text()
    else:
        queue = page.get_by_role("table", name="Review queue, waiting longest first (1 waiting)")
        assert "waiting less than a minute" in queue.inner_text()
    assert "Ship Sails" in home.get_by_role("table", name="Scheduled this week").inner_text()
    assert axe_violations(page) == ""
    page.screenshot(path=ARTIFACTS / f"home-{role}.png", full_page=True)
    assert page.console_errors == []
    close_quietly(context)
    assert draft.pk
