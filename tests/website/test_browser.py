"""The story page in a real browser: Debian's headless Chromium, driven by Playwright.

Screenshots land in test-artifacts/ for a person to look at.
"""

import re

import pytest

from tests.conftest import run_worker
from tests.website.conftest import ARTIFACTS, close_quietly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story_url(site_url, make_story, make_photo):
    story = make_story(headline="Engineers Close Final Levee Breach", photos=[make_photo(title="Closing the Breach")])
    return site_url + story.get_absolute_url()


def test_banner_expands_and_collapses_on_click(page, story_url):
    page.goto(story_url)
    button = page.get_by_role("button", name="Here’s how you know")
    panel = page.locator("#gov-banner")

    assert button.get_attribute("aria-expanded") == "false"
    assert panel.is_hidden()

    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert panel.is_visible()
    assert "Official websites use .gov" in panel.inner_text()

    button.click()
    assert button.get_attribute("aria-expanded") == "false"
    assert panel.is_hidden()
    assert page.console_errors == [], "the page logged errors (a CSP refusal shows here)"


def test_first_tab_reaches_the_skip_link(page, story_url):
    page.goto(story_url)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_story_reads_without_javascript_and_screenshots_at_two_widths(browser, story_url):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport, javascript in (
        ("story-phone", {"width": 375, "height": 812}, True),
        ("story-desktop", {"width": 1280, "height": 900}, True),
        ("story-no-javascript", {"width": 1280, "height": 900}, False),
    ):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(story_url)
        assert page.get_by_role("heading", level=1).inner_text() == "Engineers Close Final Levee Breach"
        assert page.get_by_text("VIRIN: ").first.is_visible()
        assert page.locator("img[alt^='A nurse']").evaluate("img => img.complete && img.naturalWidth > 0")
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
        context.close()


def test_admin_works_under_the_content_security_policy(browser, site_url, editor, make_story):
    make_story(headline="Closing the Breach")
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.goto(site_url + "/admin/stories/story/add/")

    # The admin's JavaScript autocomplete (photos are placed in the body now): related stories by headline.
    page.locator(".field-related_stories .select2-selection").first.click()
    page.keyboard.type("Closing")
    option = page.locator(".select2-results__option", has_text="Closing the Breach")
    option.wait_for(timeout=5000)
    assert errors == [], "the admin logged errors (a CSP refusal shows here)"
    close_quietly(context)  # the story form may still be asking for a working copy


def test_editor_uploads_a_photo_writes_a_story_publishes_and_finds_it_on_the_home_page(
    browser, site_url, editor, tmp_path
):
    from PIL import Image

    photo_file = tmp_path / "260303-N-TV418-1107.jpg"
    Image.new("RGB", (900, 600), (30, 80, 120)).save(photo_file, "JPEG")
    page = browser.new_context().new_page()
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")

    page.goto(site_url + "/admin/photos/photoasset/add/")
    page.set_input_files("#id_original", photo_file)
    page.fill("#id_virin", "260303-n-tv418-1107")
    page.fill("#id_title", "Community Clinic")
    page.fill("#id_caption", "Navy Lt. j.g. Aisha Bello checks a patient's blood pressure, March 3, 2026.")
    page.fill("#id_alt_text", "A nurse in blue scrubs checks a child's blood pressure.")
    page.fill("#id_photographer", "Petty Officer 1st Class Tomas Varga")
    page.fill("#id_credit", "Navy")
    page.click("input[name=_save]")
    assert "was added successfully" in page.inner_text(".messagelist")
    # The task worker makes its copies (a story cannot be published with it before).
    run_worker()

    page.goto(site_url + "/admin/stories/story/add/")
    page.locator("#id_headline").press_sequentially("Hospital Ship Wraps Up Partnership Mission")
    assert page.input_value("#id_slug") == "hospital-ship-wraps-up-partnership-mission"
    page.fill("#id_summary", "Sailors treated more than 21,000 patients during a five-month mission.")
    page.fill("#id_byline", "Jane Doe, DOD News")
    # The body in its editor, the photo placed in it through the editor's chooser.
    page.locator(".ProseMirror").click()
    page.keyboard.type("The mission visited six host nations.\n")
    page.locator(".prose-menubar").get_by_role("button", name="Photo from the library", exact=True).click()
    page.get_by_label("Words or VIRIN").fill("260303")
    page.get_by_role("button", name=re.compile("260303-N-TV418-1107")).click()
    page.locator(".ProseMirror").press("Control+End")
    page.keyboard.type("The teams trained 1,400 local health workers.")
    page.click("input[name=_publish]")
    assert "is published" in page.inner_text(".messagelist")

    page.goto(site_url + "/")
    page.get_by_role("link", name="Hospital Ship Wraps Up Partnership Mission").click()
    figure = page.locator("figure")
    assert "Photo By: Petty Officer 1st Class Tomas Varga, Navy" in figure.inner_text()
    assert "VIRIN: 260303-N-TV418-1107" in figure.inner_text()
    page.context.close()


def test_print_control_works_with_javascript_and_print_styles_leave_the_address(page, browser, story_url):
    page.goto(story_url)
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print this story").click()
    assert page.evaluate("window.printed") is True
    assert page.get_by_role("link", name="Share on Facebook").is_visible()
    assert page.console_errors == [], "the page logged errors (a CSP refusal of the JSON-LD would show here)"

    page.emulate_media(media="print")
    assert page.locator(".newsroom-tools").is_hidden()
    assert page.locator(".newsroom-print-address").inner_text() == story_url

    context = browser.new_context(java_script_enabled=False)
    no_script = context.new_page()
    no_script.goto(story_url)
    assert no_script.get_by_role("link", name="Share by Email").is_visible()
    assert no_script.locator("[data-print]").is_hidden(), "a print button that cannot work stays hidden"
    context.close()
