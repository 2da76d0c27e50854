"""A Writer opens the photo of a live story in a real browser (Debian's headless Chromium): the photo,
read-only, with the note saying why and whom to ask; no field to type in, no Save. Checked with
axe-core at WCAG 2.2 AA; the screenshot is in test-artifacts/."""

import pytest

from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_save
from newsroom.stories.admin import PHOTO_LOCKED
from newsroom.stories.embargo import sync_photos
from newsroom.stories.models import PhotoPlacement, Story
from tests.conftest import body_with_photos, jpeg_upload, next_virin, story_fields
from tests.website.conftest import ARTIFACTS, close_quietly
from tests.website.test_notes_and_home_in_the_browser import signed_in
from tests.website.test_story_editor import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_writer_sees_a_live_storys_photo_read_only_with_whom_to_ask(browser, site_url, writer):
    ARTIFACTS.mkdir(exist_ok=True)
    virin = next_virin()
    photo = photo_save(
        photo=PhotoAsset(
            original=jpeg_upload(f"{virin}.jpg", size=(1000, 667)),
            virin=virin,
            title="Honor Cordon",
            caption="Service members form an honor cordon at the Pentagon, March 3, 2026.",
            alt_text="Service members in dress uniforms stand in two lines on the Pentagon steps.",
            photographer="Lisa Ferdinando",
            credit="DOD",
        ),
        user=None,
        copies_now=True,  # the page under test is the read-only form, not the copies task
    )
    fields = story_fields(headline="Honor Cordon Welcomes Minister")
    story = Story.objects.create(**{**fields, "body": body_with_photos(fields["body"], [photo])})
    PhotoPlacement.objects.create(story=story, photo=photo, order=0)
    sync_photos([photo.pk])
    photo.refresh_from_db()
    assert photo.copies_public

    context, page = signed_in(browser, site_url, writer)
    page.goto(f"{site_url}/admin/photos/photoasset/{photo.pk}/change/")

    note = page.locator(".locked-note")
    assert note.inner_text().strip() == PHOTO_LOCKED
    assert page.locator("input[name=caption], textarea[name=caption], input[name=original]").count() == 0
    assert page.locator("input[name=_save]").count() == 0
    picture = page.locator(".field-preview img").first
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=picture.element_handle())
    assert "Service members form an honor cordon" in page.locator("#content-main").inner_text()
    assert axe_violations(page) == ""
    page.screenshot(path=ARTIFACTS / "photo-read-only-for-a-writer.png", full_page=True)
    assert page.console_errors == []
    close_quietly(context)
