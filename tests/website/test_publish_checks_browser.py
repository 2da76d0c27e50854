"""The checks before publishing, live beside the story editor (issue 16, point 8), in a real browser:
a finding is listed as the editor types and goes away when it is fixed, with no CSP refusal."""

import pytest

from tests.website import test_story_editor
from tests.website.conftest import ARTIFACTS
from tests.website.test_story_editor import MOD, axe_violations, story_form_fields

editor_page = test_story_editor.editor_page  # the signed-in editor's tab, a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PANEL = "#publish-checks"


def test_the_panel_lists_a_skipped_subheading_as_the_editor_types_and_clears_when_fixed(editor_page):
    page = editor_page
    ARTIFACTS.mkdir(exist_ok=True)
    text = page.open_story_form("/admin/stories/story/add/")
    story_form_fields(page)
    status = page.locator(f"{PANEL} [role=status]")
    findings = page.locator(f"{PANEL} .publish-checks__list")

    text.click()
    page.keyboard.type("The levee held through the night.\n")
    page.keyboard.type("## Costs\n")
    page.keyboard.type("Repairs cost $2 million.\n")
    page.keyboard.type("Fuel")
    page.keyboard.press(f"{MOD}+Alt+4")  # a level-4 subheading straight under a level-2 one
    skipped = "Subheading “Fuel” skips from level 2 to level 4: use level 3."
    findings.get_by_text(skipped).wait_for()
    assert status.inner_text() == "1 warning."
    assert page.locator(f"{PANEL} .publish-checks__reason").is_visible()
    assert page.get_by_label("Publish anyway, because…").is_visible()
    # Beside the writing: the panel follows the body's row.
    assert page.evaluate("document.querySelector('.form-row.field-body').nextElementSibling.id") == "publish-checks"
    page.locator(PANEL).scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "publish-checks-warning.png", full_page=False)

    # The list is reached from the keyboard, and the panel passes WCAG 2.2 AA.
    findings.focus()
    assert page.evaluate("document.activeElement.classList.contains('publish-checks__list')")
    assert axe_violations(page) == ""

    text.locator("h4", has_text="Fuel").click()
    page.keyboard.press(f"{MOD}+Alt+3")  # "Fuel" becomes level 3
    status.get_by_text("No problems found.").wait_for()
    assert findings.is_hidden()
    assert page.locator(f"{PANEL} .publish-checks__reason").is_hidden()
    page.locator(PANEL).scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "publish-checks-clear.png", full_page=False)
    assert text.locator("h3", has_text="Fuel").count() == 1
    assert page.console_errors == []
