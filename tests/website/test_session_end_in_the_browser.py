"""A session that ends while the story form is open (issue 17, point 2), in a real browser: the page
says so at once, what is typed from then on is kept in the browser, and after signing in again it
is offered back, whether the editor follows the page's link or presses Save. Debian's headless
Chromium; the server's clock is moved, the browser's is not. Screenshots land in test-artifacts/."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from newsroom.editing.models import WorkingCopy
from tests.website.conftest import ARTIFACTS
from tests.website.test_story_editor import TOOLBAR, toolbar_button

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDLE = "You were signed out after 30 minutes without activity."
IDLE_MINUTES = datetime.timedelta(minutes=31)


@pytest.fixture(autouse=True)
def quick(settings):
    # The same code at a pace a test can wait for: autosave and heartbeat every second.
    settings.EDITING_AUTOSAVE_SECONDS = 1
    settings.EDITING_HEARTBEAT_SECONDS = 1


def sign_in(page, username="editor"):
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-test-password")
    page.click("#login-form input[type=submit]")


def kept_in_browser(page, words):
    page.wait_for_function(
        "words => Object.keys(sessionStorage).some((key) => sessionStorage.getItem(key).includes(words))", arg=words
    )


def test_the_session_ends_while_typing_and_what_was_typed_is_offered_back_after_signing_in(
    page, site_url, editor, make_story
):
    ARTIFACTS.mkdir(exist_ok=True)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    story = make_story(published=False, headline="Levee Repairs Begin", body="<p>Crews began.</p>")
    change = f"{site_url}/admin/stories/story/{story.pk}/change/"

    with time_machine.travel(timezone.now(), tick=True) as clock:
        page.goto(change)
        sign_in(page)
        page.locator(TOOLBAR).wait_for()
        body = page.locator(".ProseMirror")
        body.click()
        page.keyboard.press("End")
        page.keyboard.type(" The river crested at noon.")
        expect(page.locator(".working-together-kept")).to_contain_text("Your unsaved changes were kept at")

        # Half an hour with the form open and nothing typed: only heartbeats, which do not count.
        clock.shift(IDLE_MINUTES)
        notice = page.locator(".working-together-session")
        expect(notice).to_contain_text(IDLE)
        expect(notice).to_contain_text("What you type is kept in this browser")
        # The editor's own dialogs say it too, rather than failing.
        toolbar_button(page, "Link to another story").click()
        page.get_by_label("Words in its headline").fill("levee")
        expect(page.locator("dialog[open]")).to_contain_text(f"{IDLE} Sign in again to go on")
        page.screenshot(path=ARTIFACTS / "session-ended-dialog.png")
        page.locator("dialog[open]").get_by_role("button", name="Cancel").click()
        expect(page.locator("dialog[open]")).to_have_count(0)
        body.click()
        page.keyboard.press("End")
        page.keyboard.type(" Crews stayed on the levee.")
        expect(page.locator(".working-together-kept")).to_contain_text(
            "Signed out: what you type is kept in this browser until you sign in again."
        )
        kept_in_browser(page, "stayed on the levee.")
        assert not WorkingCopy.objects.filter(body__contains="stayed on the levee").exists()
        notice.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "session-ended-story-form.png")

        page.get_by_role("link", name="Sign in again").click()
        expect(page.locator(".messagelist")).to_contain_text(f"{IDLE} Sign in to go on.")
        assert asked == [], "leaving for the login page does not ask: nothing is lost"
        page.screenshot(path=ARTIFACTS / "session-ended-login.png")
        sign_in(page)
        page.wait_for_url(change)
        body = page.locator(".ProseMirror")
        expect(page.locator(".working-together-restore")).to_contain_text("Restore your unsaved changes from")
        page.screenshot(path=ARTIFACTS / "session-ended-offered-back.png")
        page.get_by_role("button", name="Restore them").click()
        expect(body).to_have_text("Crews began. The river crested at noon. Crews stayed on the levee.")
        expect(page.locator(".working-together-session")).to_be_empty()

        # Again, and this time the editor presses Ctrl+S once signed out: the save meets the
        # login page, and what it carried is offered back after signing in.
        body.click()
        page.keyboard.press("End")
        page.keyboard.type(" Pumps ran all night.")
        expect(page.locator(".working-together-kept")).to_contain_text("Your unsaved changes were kept at")
        clock.shift(IDLE_MINUTES)
        expect(page.locator(".working-together-session")).to_contain_text(IDLE)
        body.click()
        page.keyboard.press("End")
        page.keyboard.type(" The water fell by morning.")
        page.keyboard.press("Control+s")
        expect(page.locator(".messagelist")).to_contain_text(f"{IDLE} Sign in to go on.")
        sign_in(page)
        page.wait_for_url(change)
        body = page.locator(".ProseMirror")
        page.get_by_role("button", name="Restore them").click()
        expect(body).to_have_text(
            "Crews began. The river crested at noon. Crews stayed on the levee. Pumps ran all night. "
            "The water fell by morning."
        )

    story.refresh_from_db()
    assert story.body == "<p>Crews began.</p>", "nothing was saved while signed out"
    unexpected = [error for error in page.console_errors if "status of 401" not in error]
    assert unexpected == [], "401s are the page's own requests meeting the ended session, and read"
