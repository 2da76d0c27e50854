"""A reader with JavaScript turned off answers "Was this page helpful?", reports a problem through the
feedback form (a mistake first), and an Editor finds both on the admin home; in Debian's headless
Chromium, checked with axe-core at WCAG 2.2 AA; screenshots in test-artifacts/."""

import re
import time

import pytest

from newsroom.feedback import protection
from newsroom.feedback.models import FeedbackMessage, StoryHelpfulness
from tests.conftest import story_fields
from tests.website.conftest import ARTIFACTS, close_quietly
from tests.website.test_notes_and_home_in_the_browser import signed_in
from tests.website.test_story_editor import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_without_javascript_answers_no_reports_the_problem_and_an_editor_sees_both(
    browser, site_url, editor, monkeypatch
):
    from newsroom.stories.models import Story

    ARTIFACTS.mkdir(exist_ok=True)
    monkeypatch.setattr(
        protection, "QUICKEST_SECONDS", 1
    )  # the refusal of a too-quick form is tested in tests/feedback
    story = Story.objects.create(**story_fields(headline="Engineers Close Final Levee Breach"))
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()

    page.goto(site_url + story.get_absolute_url())
    question = page.get_by_role("region", name="Was this page helpful?")
    assert question.is_visible()
    question.screenshot(path=ARTIFACTS / "helpful-question.png")
    question.get_by_role("button", name=re.compile(r"^No\b.*not helpful")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your answer"
    assert context.cookies() == []  # the story page and the answer set none
    page.screenshot(path=ARTIFACTS / "helpful-thanks.png", full_page=True)

    page.get_by_role("link", name="Tell us what went wrong").click()
    assert page.get_by_label("Page address (optional)").input_value() == f"{site_url}{story.get_absolute_url()}"
    assert [cookie["name"] for cookie in context.cookies()] == ["csrftoken"]
    assert "expires" not in context.cookies()[0] or context.cookies()[0]["expires"] == -1  # ends with the browser
    page.get_by_label("Email address for a reply (optional)").fill("reader@example")
    time.sleep(1.1)
    page.get_by_role("button", name="Send your message").click()

    # The mistakes, at the top (where focus is) and at each field.
    summary = page.locator("#error-summary")
    assert page.title().startswith("Error: ")
    # The browser moves focus to the summary (autofocus) once it has drawn the page.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'", timeout=5000)
    assert "Tell us what went wrong." in summary.inner_text()
    assert "Enter an email address like name@example.com, or leave it empty." in summary.inner_text()
    problem = page.get_by_label("What went wrong? (required)")
    assert problem.get_attribute("aria-invalid") == "true"
    assert "id_problem-error" in problem.get_attribute("aria-describedby")
    page.screenshot(path=ARTIFACTS / "feedback-form-errors.png", full_page=True)
    summary.get_by_role("link", name="Tell us what went wrong.").click()
    problem.fill("The photo of the levee has no description, so my screen reader says only “image”.")
    page.get_by_label("Email address for a reply (optional)").fill("reader@example.com")
    time.sleep(1.1)
    page.get_by_role("button", name="Send your message").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you: we have your message"
    assert "reader@example.com" not in page.content()
    page.screenshot(path=ARTIFACTS / "feedback-thanks.png", full_page=True)
    close_quietly(context)

    message = FeedbackMessage.objects.get()
    assert message.page == f"{site_url}{story.get_absolute_url()}" and message.reply_to == "reader@example.com"
    assert (StoryHelpfulness.objects.get().yes_count, StoryHelpfulness.objects.get().no_count) == (0, 1)

    context, page = signed_in(browser, site_url, editor)
    page.goto(f"{site_url}/admin/")
    feedback = page.locator("#reader-feedback")
    listed = " ".join(feedback.text_content().split())  # the admin shows captions in capitals
    assert "Readers' messages, newest first (1 new)" in listed
    assert "The photo of the levee has no description" in listed
    answers = feedback.get_by_role("row").filter(has_text="Engineers Close Final Levee Breach")
    assert "Yes 0, no 1" in answers.text_content()
    assert axe_violations(page) == ""
    feedback.screenshot(path=ARTIFACTS / "feedback-editors-home.png")
    feedback.get_by_role("link", name="The photo of the levee has no description").click()
    page.get_by_label("Status").select_option("handled")
    page.get_by_label("What was done").fill("Alt text added; replied.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"{site_url}/admin/")
    assert "No new messages from readers." in page.locator("#reader-feedback").inner_text()
    assert page.console_errors == []
    close_quietly(context)


def test_the_form_with_its_mistakes_passes_axe_at_phone_and_desktop_widths(browser, site_url):
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{site_url}/accessibility/feedback/")
        page.get_by_label("Email address for a reply (optional)").fill("not an address")
        page.get_by_role("button", name="Send your message").click()
        assert page.locator("#error-summary").is_visible()
        assert axe_violations(page) == ""
        page.screenshot(path=ARTIFACTS / f"feedback-form-errors-{width}.png", full_page=True)
        close_quietly(context)
