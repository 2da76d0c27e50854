"""The photo form in a real browser: the picture appears beside its alt text as soon as a file
is chosen, the first round reads as a notice, and a day carries no time-zone note.

Screenshots land in test-artifacts/ for a person to look at.
"""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from newsroom.photos.models import PhotoAsset
from tests.conftest import run_worker
from tests.website.conftest import ARTIFACTS, close_quietly
from tests.website.test_accessibility import AXE_SOURCE, WCAG_22_AA, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).parents[1] / "photos" / "samples" / "210614-A-KX193-1002.jpg"
SHOWN = "img => img.complete && img.naturalWidth > 0"


def axe_violations(page):
    page.evaluate(AXE_SOURCE.read_text())
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
    return describe(found["violations"])


def test_an_editor_sees_the_photo_while_writing_its_alt_text(browser, site_url, editor, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    chosen = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, chosen)
    # A browser hours away from the server: Django's own date widget would add its time-zone note.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, timezone_id="Pacific/Auckland")
    signed_in = Client()
    signed_in.force_login(editor)  # the editor's own session, handed to the browser
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site_url}])
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(site_url + "/admin/photos/photoasset/add/")
    page.set_input_files("#id_original", chosen)
    picture = page.locator("#photo-preview img")
    picture.wait_for()
    assert picture.get_attribute("src").startswith("blob:")
    page.wait_for_function("() => document.querySelector('#photo-preview img').naturalWidth > 0")
    assert page.inner_text("#photo-preview figcaption") == "The file you chose, not saved yet."
    page.screenshot(path=ARTIFACTS / "photo-form-chosen.png", full_page=True)

    page.click("input[name=_save]")
    assert "Newsroom filled in 8 fields" in page.inner_text(".photo-review")
    assert page.locator(".errornote").count() == 0
    # The kept upload is shown on the second round: it loads after the page does (on a busy
    # machine, later than the form's own checks above), and a broken picture never passes this.
    page.wait_for_function(SHOWN, arg=page.locator("#photo-preview img").element_handle())
    assert page.locator(".timezonewarning").count() == 0
    assert page.input_value("#id_date_taken") == "2021-06-14"
    page.screenshot(path=ARTIFACTS / "photo-form-second-round.png", full_page=True)
    assert axe_violations(page) == ""

    page.fill("#id_alt_text", "A soldier in a hard hat signals to an excavator on a grassy levee.")
    page.click("input[name=_continue]")
    assert "was added successfully" in page.inner_text(".messagelist")
    # The copies are the task worker's: a clear word where the picture will be, never a broken one.
    assert page.locator("#photo-preview img").count() == 0
    assert page.inner_text("#photo-preview figcaption").startswith("Copies being made")
    page.screenshot(path=ARTIFACTS / "photo-form-copies-being-made.png", full_page=True)
    assert axe_violations(page) == ""
    run_worker()
    page.reload()
    photo = PhotoAsset.objects.get()
    assert page.locator("#photo-preview img").get_attribute("src") == photo.public_url("w480.jpg")
    # Embargoed until a published story uses it: the copy comes through the view that checks who asks.
    page.wait_for_function(SHOWN, arg=page.locator("#photo-preview img").element_handle())
    page.screenshot(path=ARTIFACTS / "photo-form-saved.png", full_page=True)
    assert axe_violations(page) == ""
    page.goto(site_url + "/admin/photos/photoasset/?alt_text=written")
    assert page.locator("#result_list tbody tr").count() == 1
    assert axe_violations(page) == ""
    assert errors == [], "the form logged errors (a CSP refusal of the preview shows here)"
    close_quietly(context)
