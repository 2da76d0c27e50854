"""Drafts of live stories in a real browser: an editor's edit waits, readers keep the live text,
the form with the changes passes axe, and *Save and publish changes* puts them live."""

import pytest

from tests.website import test_story_editor
from tests.website.conftest import close_quietly
from tests.website.test_story_editor import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
editor_page = test_story_editor.editor_page  # a signed-in editor's tab, as the editor's own tests use


def test_an_editor_saves_changes_to_a_live_story_and_readers_see_them_only_once_published(
    editor_page, browser, site_url, create_story
):
    page = editor_page
    story = create_story(headline="Levee Holds Overnight", slug="levee-holds", body="<p>Crews stacked sandbags.</p>")
    reader = browser.new_context().new_page()

    text = page.open_story_form(f"/admin/stories/story/{story.pk}/change/")
    text.click()
    page.keyboard.press("End")
    page.keyboard.type(" The river crested at noon.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist").wait_for()
    assert "Readers see the live version until an editor publishes them" in page.inner_text(".messagelist")
    page.locator(".ProseMirror").wait_for()
    assert "The river crested at noon." in page.inner_text(".ProseMirror"), "the form opens on the changes"
    assert "This form shows unpublished changes" in page.inner_text(".field-preview_links")
    page.wait_for_timeout(300)
    violations = axe_violations(page)
    assert not violations, "axe-core found WCAG 2.2 AA violations:\n" + violations

    reader.goto(site_url + "/news/levee-holds/")
    assert "Crews stacked sandbags." in reader.inner_text("main")
    assert "The river crested" not in reader.inner_text("main")

    with page.expect_navigation():  # the whole preview, not the part of it parsed so far
        page.get_by_role("link", name="Preview the changes").click()
    assert "The river crested at noon." in page.inner_text("main")
    page.go_back()
    page.locator(".ProseMirror").wait_for()

    page.get_by_role("button", name="Save and publish changes").click()
    page.locator(".messagelist").wait_for()
    assert "readers see it as it now stands" in page.inner_text(".messagelist")
    reader.goto(site_url + "/news/levee-holds/")
    assert "Crews stacked sandbags. The river crested at noon." in reader.inner_text("main")
    assert page.console_errors == []
    close_quietly(reader.context)
