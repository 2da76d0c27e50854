"""The checks before publishing, live beside the story editor (issue 16, point 8), in a real browser:
a finding is listed as the editor types and goes away when it is fixed, with no CSP refusal; the
panel stands beside the editor on a wide screen and under it on a phone."""

import pytest

from newsroom.stories.services import story_save_changes
from tests.website import test_story_editor, test_working_together
from tests.website.conftest import ARTIFACTS
from tests.website.test_story_editor import MOD, axe_violations, open_story_form, story_form_fields

editor_page = test_story_editor.editor_page  # the signed-in editor's tab, a fixture
signed_in_page = test_working_together.signed_in_page  # a tab signed in as anyone, a fixture

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


LONG_BODY = "".join(f"<p>Crews stacked sandbags on the levee through night {n}.</p>" for n in range(1, 31))
WHERE = """() => {
  const box = (selector) => document.querySelector(selector).getBoundingClientRect().toJSON()
  const page = document.documentElement
  return {editor: box(".field-body .prose-editor"), panel: box("#publish-checks"),
          wider: page.scrollWidth > page.clientWidth, width: page.clientWidth, height: innerHeight}
}"""


@pytest.mark.parametrize("role", ["writer", "editor"])
@pytest.mark.parametrize("kind", ["draft", "live with changes"])
def test_the_panel_stands_beside_the_editor_on_a_wide_screen_and_under_it_on_a_phone(
    signed_in_page, site_url, writer, editor, create_story, role, kind
):
    ARTIFACTS.mkdir(exist_ok=True)
    person = {"writer": writer, "editor": editor}[role]
    story = create_story(published=kind != "draft", headline="Levee Holds Through the Night", body=LONG_BODY)
    if kind != "draft":  # readers keep the live story; the form opens on the changes waiting to go live
        story_save_changes(
            story=story, changes={"summary": "Crews held the levee."}, user=writer, expected_version=story.version
        )
    page = signed_in_page(person)
    page.set_viewport_size({"width": 1440, "height": 900})
    text = open_story_form(page, f"{site_url}/admin/stories/story/{story.pk}/change/")
    findings = page.locator(f"{PANEL} .publish-checks__list")

    # A vague link typed at the end of a long body is named in the panel, still in sight beside it.
    text.evaluate("text => text.editor.commands.focus('end')")  # the caret after the last word
    page.wait_for_function("() => document.activeElement.classList.contains('ProseMirror')")
    page.keyboard.press("Enter")
    page.keyboard.type("More on the repairs: ")
    page.keyboard.press(f"{MOD}+k")
    page.get_by_role("dialog").get_by_label("Web address").fill("https://www.usace.army.mil")
    page.get_by_role("dialog").get_by_label("Link text").fill("click here")
    page.keyboard.press("Enter")
    findings.get_by_text("Link “click here” in paragraph 31 does not say where it goes").wait_for()
    assert page.locator(f"{PANEL} [role=status]").inner_text().startswith("1 warning. Reading grade")
    text.get_by_role("link", name="click here").scroll_into_view_if_needed()
    where = page.evaluate(WHERE)
    editor_box, panel = where["editor"], where["panel"]
    assert editor_box["height"] > where["height"], "the body is longer than the window"
    assert panel["left"] >= editor_box["right"], "beside the editor, not under it"
    assert panel["top"] < editor_box["bottom"] and panel["bottom"] > editor_box["top"]
    assert panel["top"] >= 0 and panel["bottom"] <= where["height"], "in sight while the end of the body is"
    assert not where["wider"]
    page.screenshot(path=ARTIFACTS / f"publish-checks-beside-{role}-{kind.replace(' ', '-')}.png")

    # From the keyboard, the findings come right after the body.
    text.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('publish-checks__list')")
    assert axe_violations(page) == ""

    # On a phone, and at 320 pixels (WCAG 1.4.10), the panel is under the editor and nothing
    # scrolls sideways.
    for width, height in ((390, 844), (320, 640)):
        page.set_viewport_size({"width": width, "height": height})
        where = page.evaluate(WHERE)
        assert where["panel"]["top"] >= where["editor"]["bottom"], f"under the editor at {width} pixels"
        assert where["panel"]["right"] <= where["width"], f"within the window at {width} pixels"
        assert not where["wider"], f"nothing scrolls sideways at {width} pixels"
    findings.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / f"publish-checks-under-{role}-{kind.replace(' ', '-')}.png")
    assert page.console_errors == []
