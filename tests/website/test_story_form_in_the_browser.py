"""The story form as an editor meets it on a 1366-pixel laptop screen: the photos in the body are
listed and fit, nothing there can delete or change a photo, and looking at a photo keeps what was typed."""

import pytest

from tests.website.conftest import ARTIFACTS, close_quietly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, site_url, username="editor"):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    return page


def test_the_bodys_photos_fit_the_screen_and_their_links_keep_the_story_open(
    browser, site_url, editor, make_story, make_photo
):
    story = make_story(photos=[make_photo(title="Closing the Breach"), make_photo(title="Sandbag Line")])
    page = sign_in(browser, site_url)
    page.goto(f"{site_url}/admin/stories/story/{story.pk}/change/")
    page.locator("#placements-group").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "story-form-placed-photos-1366.png", full_page=True)

    # The list is on screen whole: nothing to scroll sideways for.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    table_box = page.locator("#placements-group .wrapper")  # Django scrolls a wide inline inside this
    assert table_box.evaluate("box => box.scrollWidth <= box.clientWidth")
    # Photos are placed in the body: the list offers no way to delete, change or add one.
    assert (
        page.locator(
            "#placements-group input:not([type=hidden]), #placements-group select, #placements-group textarea, "
            "#placements-group .delete-related"
        ).count()
        == 0
    )
    assert "Closing the Breach" in page.locator("#placements-group").inner_text()

    # Typed text stays put while the editor looks at a photo in a new tab.
    page.fill("#id_summary", "Typed but not saved yet.")
    with page.context.expect_page() as opened:
        page.locator("#placements-group a[target=_blank]").first.click()
    photo_tab = opened.value
    photo_tab.wait_for_load_state()
    assert "/admin/photos/photoasset/" in photo_tab.url
    assert page.input_value("#id_summary") == "Typed but not saved yet."
    assert f"/admin/stories/story/{story.pk}/change/" in page.url
    close_quietly(page.context)
