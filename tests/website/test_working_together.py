"""Autosave, restore and who is editing, in a real browser (issue 16, points 2 and 3): two people
in two browser contexts, the story form as they use it. Debian's headless Chromium; screenshots
land in test-artifacts/ for a person to look at."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from newsroom.core.apstyle import ap_time
from newsroom.editing.models import Presence, WorkingCopy
from newsroom.stories.models import Story
from tests.website.conftest import ARTIFACTS, close_quietly
from tests.website.test_story_editor import TOOLBAR, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOD = "Control"


@pytest.fixture(autouse=True)
def quick(settings):
    # The same code at a pace a test can wait for: autosave and heartbeat every second.
    settings.EDITING_AUTOSAVE_SECONDS = 1
    settings.EDITING_HEARTBEAT_SECONDS = 1


@pytest.fixture
def signed_in_page(browser, site_url):
    contexts = []

    def open_as(user):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        contexts.append(context)
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site_url}])
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        page.asked = []

        def answer(dialog):
            page.asked.append(dialog.type)
            dialog.accept()  # leave

        page.on("dialog", answer)
        return page

    yield open_as
    for context in contexts:
        close_quietly(context)


def open_form(page, address):
    page.goto(address)
    page.locator(TOOLBAR).wait_for()
    return page.locator(".ProseMirror")


def wait_for(condition, page, timeout_ms=10_000):
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("not within the time allowed")


def test_typing_is_kept_and_offered_back_and_the_restored_text_counts_as_unsaved(
    signed_in_page, site_url, editor, make_story
):
    ARTIFACTS.mkdir(exist_ok=True)
    story = make_story(published=False, headline="Levee Repairs Begin", body="<p>Crews began.</p>")
    stored = Story.objects.values().get(pk=story.pk)
    change = f"{site_url}/admin/stories/story/{story.pk}/change/"
    page = signed_in_page(editor)
    text = open_form(page, change)
    page.fill("#id_headline", "Levee Repairs Finish Early")
    text.click()
    page.keyboard.press("End")
    page.keyboard.type(" The river crested at noon.")

    kept = page.locator(".working-together-kept")
    expect(kept).to_contain_text("Your unsaved changes were kept at")
    # Kept every second here: the copy catches up with the last words typed.
    wait_for(lambda: WorkingCopy.objects.filter(body__contains="at noon.").exists(), page)
    page.wait_for_timeout(300)  # the answer that says so
    copy = WorkingCopy.objects.get()
    assert copy.headline == "Levee Repairs Finish Early"
    assert copy.body == "<p>Crews began. The river crested at noon.</p>"
    assert Story.objects.values().get(pk=story.pk) == stored, "the story, its version and dates are untouched"
    under_the_body = (
        "kept => kept.closest('.field-body') !== null && "
        "Boolean(document.querySelector('.story-editor-count').compareDocumentPosition(kept) & "
        "Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    page.wait_for_function(f"() => ({under_the_body})(document.querySelector('.working-together-kept'))")
    assert kept.evaluate(under_the_body), "under the body, after its word count"
    kept.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "working-together-kept.png")

    # Away and back: the working copy is offered, as of the time it was kept.
    page.goto(f"{site_url}/admin/")
    assert page.asked == ["beforeunload"]
    text = open_form(page, change)
    offer = page.locator(".working-together-restore")
    expect(offer).to_contain_text(f"Restore your unsaved changes from {ap_time(copy.saved_at)}?")
    assert page.input_value("#id_headline") == "Levee Repairs Begin", "nothing is restored unasked"
    assert axe_violations(page) == ""
    page.screenshot(path=ARTIFACTS / "working-together-restore-offer.png")
    page.get_by_role("button", name="Restore them").click()
    expect(offer).to_contain_text("Restored your unsaved changes")
    assert page.input_value("#id_headline") == "Levee Repairs Finish Early"
    assert text.inner_text() == "Crews began. The river crested at noon."
    assert page.input_value("#id_body") == "<p>Crews began. The river crested at noon.</p>"

    # Restored is not saved: leaving asks first.
    page.asked.clear()
    page.goto(f"{site_url}/admin/")
    assert page.asked == ["beforeunload"], "a restored working copy counts as unsaved"
    page.asked.clear()
    text = open_form(page, change)
    page.get_by_role("button", name="Restore them").click()
    assert page.input_value("#id_headline") == "Levee Repairs Finish Early"

    page.keyboard.press(f"{MOD}+s")
    page.locator(".messagelist").wait_for()
    story.refresh_from_db()
    assert story.headline == "Levee Repairs Finish Early"
    assert not WorkingCopy.objects.exists(), "saving the story is the end of its working copy"
    page.locator(TOOLBAR).wait_for()
    page.wait_for_timeout(1500)
    expect(page.locator(".working-together-restore")).to_be_empty()
    assert not WorkingCopy.objects.exists(), "an unchanged form keeps nothing"
    assert page.console_errors == []


def test_leaving_the_page_keeps_what_was_typed_and_discard_drops_it(
    signed_in_page, site_url, editor, make_story, settings
):
    settings.EDITING_AUTOSAVE_SECONDS = 600  # only leaving the page can keep it
    story = make_story(published=False, body="<p>Crews began.</p>")
    change = f"{site_url}/admin/stories/story/{story.pk}/change/"
    page = signed_in_page(editor)
    text = open_form(page, change)
    text.click()
    page.keyboard.press("End")
    page.keyboard.type(" Then the rain came.")
    page.goto(f"{site_url}/admin/")
    wait_for(lambda: WorkingCopy.objects.exists(), page)
    assert WorkingCopy.objects.get().body == "<p>Crews began. Then the rain came.</p>"

    open_form(page, change)
    page.get_by_role("button", name="Discard them").click()
    expect(page.locator(".working-together-restore")).to_have_text("Discarded your unsaved changes.")
    assert not WorkingCopy.objects.exists()
    assert page.locator(".ProseMirror").inner_text() == "Crews began."
    assert page.console_errors == []


def test_a_new_story_not_saved_yet_is_kept_and_offered_on_the_add_page(signed_in_page, site_url, writer):
    page = signed_in_page(writer)
    add = f"{site_url}/admin/stories/story/add/"
    text = open_form(page, add)
    page.fill("#id_headline", "Hospital Ship Arrives in Port")
    text.click()
    page.keyboard.type("The ship docked at dawn.")
    expect(page.locator(".working-together-kept")).to_contain_text("Your unsaved changes were kept at")
    assert WorkingCopy.objects.get().story is None

    page.goto(f"{site_url}/admin/")
    open_form(page, add)
    page.get_by_role("button", name="Restore them").click()
    assert page.input_value("#id_headline") == "Hospital Ship Arrives in Port"
    assert page.input_value("#id_body") == "<p>The ship docked at dawn.</p>"
    assert page.console_errors == []


def test_a_form_that_came_back_with_errors_is_kept_at_once(signed_in_page, site_url, writer, settings):
    settings.EDITING_AUTOSAVE_SECONDS = 600  # only the form's coming back can keep it
    page = signed_in_page(writer)
    open_form(page, f"{site_url}/admin/stories/story/add/")
    page.fill("#id_headline", "Hospital Ship Arrives in Port")
    page.keyboard.press(f"{MOD}+s")
    page.locator(".errornote").wait_for()
    wait_for(lambda: WorkingCopy.objects.filter(headline="Hospital Ship Arrives in Port").exists(), page)
    expect(page.locator(".working-together-restore")).to_be_empty()
    assert page.console_errors == []


def test_two_people_see_each_other_and_an_editor_takes_over(signed_in_page, site_url, editor, writer, make_story):
    ARTIFACTS.mkdir(exist_ok=True)
    writer.first_name, writer.last_name = "Jordan", "Lee"
    writer.save()
    editor.first_name, editor.last_name = "Pat", "Morgan"
    editor.save()
    story = make_story(published=False, body="<p>Crews began.</p>")
    change = f"{site_url}/admin/stories/story/{story.pk}/change/"
    jordan = signed_in_page(writer)
    open_form(jordan, change)
    wait_for(lambda: Presence.objects.filter(user=writer).exists(), jordan)
    since = ap_time(Presence.objects.get(user=writer).since)

    pat = signed_in_page(editor)
    open_form(pat, change)
    notice = pat.locator(".working-together-presence")
    expect(notice).to_contain_text(f"Jordan Lee is editing this story (since {since}).")
    assert notice.get_attribute("role") == "status"
    expect(jordan.locator(".working-together-presence")).to_contain_text("Pat Morgan is editing this story")
    # Writers cannot take over; they are told what the version check will do.
    expect(jordan.get_by_role("button", name="Take over editing")).to_have_count(0)
    assert axe_violations(pat) == ""
    pat.screenshot(path=ARTIFACTS / "working-together-someone-editing.png")

    # The editor takes over: the writer is told at their next heartbeat, and is no longer shown.
    jordan.locator(".ProseMirror").click()
    jordan.keyboard.type("Unsaved words. ")
    take = pat.get_by_role("button", name="Take over editing")
    take.focus()
    pat.keyboard.press("Enter")
    expect(notice).to_contain_text("You took over this story from Jordan Lee")
    told = jordan.locator(".working-together-presence")
    expect(told).to_contain_text(re.compile(r"Pat Morgan took over this story at .+\. What you typed is kept"))
    assert told.get_attribute("role") == "alert"
    told.scroll_into_view_if_needed()
    jordan.screenshot(path=ARTIFACTS / "working-together-taken-over.png")
    # The editor's confirmation stays while no one else is editing: later heartbeats keep it.
    pat.wait_for_timeout(2500)
    expect(notice).to_have_text("You took over this story from Jordan Lee; they are being told.")
    wait_for(lambda: WorkingCopy.objects.filter(user=writer, body__contains="Unsaved words.").exists(), jordan)

    # Back again, then gone: closing the tab takes the notice away.
    open_form(jordan, change)
    expect(notice).to_contain_text("Jordan Lee is editing this story")
    jordan.close()
    expect(notice).to_be_empty()
    assert pat.console_errors == []


def test_a_refused_save_keeps_the_text_to_copy_and_in_the_working_copy(
    signed_in_page, site_url, editor, writer, make_story
):
    ARTIFACTS.mkdir(exist_ok=True)
    story = make_story(published=False, headline="Levee Repairs Begin", body="<p>Crews began.</p>")
    change = f"{site_url}/admin/stories/story/{story.pk}/change/"
    jordan, pat = signed_in_page(writer), signed_in_page(editor)
    open_form(jordan, change)
    open_form(pat, change)

    pat.fill("#id_summary", "The editor's summary.")
    pat.keyboard.press(f"{MOD}+s")
    pat.locator(".messagelist").wait_for()

    jordan.fill("#id_headline", "Levee Repairs Finish Early")
    jordan.fill("#id_summary", "The writer's summary, refused.")
    jordan.locator(".ProseMirror").click()
    jordan.keyboard.press("End")
    jordan.keyboard.type(" The river crested at noon.")
    jordan.keyboard.press(f"{MOD}+s")
    jordan.locator(".errornote").wait_for()
    refused = jordan.get_by_role("region", name="What you typed was not saved")
    expect(refused).to_be_visible()
    assert refused.get_by_label("Your headline").input_value() == "Levee Repairs Finish Early"
    assert refused.get_by_label("Your summary").input_value() == "The writer's summary, refused."
    assert refused.get_by_label("Your body, as text").input_value() == "Crews began. The river crested at noon."
    assert axe_violations(jordan) == ""
    jordan.screenshot(path=ARTIFACTS / "working-together-refused.png", full_page=True)
    wait_for(lambda: WorkingCopy.objects.filter(user=writer).exists(), jordan)
    assert WorkingCopy.objects.get(user=writer).summary == "The writer's summary, refused."
    story.refresh_from_db()
    assert story.summary == "The editor's summary."

    # Opening the latest version offers the refused text back, saying what restoring it would replace.
    refused.get_by_role("link", name="open the latest version of the story").click()
    offer = jordan.locator(".working-together-restore")
    expect(offer).to_contain_text(f"the story has been saved since (it is now version {story.version})")
    assert offer.get_by_role("link", name="See what changed").is_visible()
    assert jordan.console_errors == []
