"""The security key in Chromium: its own virtual authenticator (DevTools' WebAuthn domain) stands in
for a passkey, so the page's script, the browser's WebAuthn and django-otp-webauthn meet for real.

Screenshots of the three pages an editor meets land in test-artifacts/.
"""

import re

import pytest

from tests.conftest import make_account
from tests.website.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def virtual_authenticator(page):
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return devtools, added["authenticatorId"]


def sign_in_with_password(page, site_url):
    page.goto(site_url + "/admin/")
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()


def test_an_editor_adds_a_passkey_then_signs_in_with_password_and_key(page, site_url, settings):
    settings.REQUIRE_SECOND_FACTOR = True
    make_account("pat", "editor")
    ARTIFACTS.mkdir(exist_ok=True)
    virtual_authenticator(page)

    # First sign-in: the password, then a key before anything else.
    sign_in_with_password(page, site_url)
    page.wait_for_url(re.compile(r"/admin/security/add-key/"))
    assert page.title() == "Add a security key | Newsroom"
    page.screenshot(path=ARTIFACTS / "security-key-add.png", full_page=True)
    # Keyboard: the button has the focus; Enter starts the ceremony.
    assert page.evaluate("document.activeElement.textContent") == "Add a security key"
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/admin/security/\?next="))
    codes = page.locator(".security-codes-list code").all_inner_texts()
    assert len(codes) == 10
    assert page.get_by_role("heading", name="Store your recovery codes now").is_visible()
    page.screenshot(path=ARTIFACTS / "security-key-recovery-codes.png", full_page=True)
    page.get_by_role("link", name="I have stored them: continue").click()
    page.wait_for_url(site_url + "/admin/")
    page.get_by_role("button", name="Log out").click()

    # Next time: the password, then the key.
    sign_in_with_password(page, site_url)
    page.wait_for_url(re.compile(r"/admin/security/key/"))
    assert page.title() == "Use your security key | Newsroom"
    page.screenshot(path=ARTIFACTS / "security-key-use.png", full_page=True)
    page.get_by_role("button", name="Use your security key").click()

    page.wait_for_url(site_url + "/admin/")
    assert page.get_by_role("link", name="Security keys").is_visible()
    page.screenshot(path=ARTIFACTS / "security-key-admin-home.png")
    assert page.console_errors == [], "the pages logged errors (a CSP refusal shows here)"


def test_a_key_that_does_not_answer_is_explained(page, site_url, settings):
    settings.REQUIRE_SECOND_FACTOR = True
    make_account("pat", "editor")
    devtools, authenticator = virtual_authenticator(page)
    sign_in_with_password(page, site_url)
    page.wait_for_url(re.compile(r"/admin/security/add-key/"))
    page.get_by_role("button", name="Add a security key").click()
    page.wait_for_url(re.compile(r"/admin/security/\?next="))
    page.get_by_role("button", name="Log out").click()

    # The passkey is gone from this browser: nothing answers, and the page says what to do.
    devtools.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator})
    sign_in_with_password(page, site_url)
    page.wait_for_url(re.compile(r"/admin/security/key/"))
    page.get_by_role("button", name="Use your security key").click()
    status = page.get_by_role("status")
    status.filter(has_text="did not answer").wait_for()
    assert status.inner_text() == "Your security key did not answer. Try again, or use a recovery code."
    assert page.evaluate("document.activeElement.textContent") == "Use your security key"
    page.screenshot(path=ARTIFACTS / "security-key-no-answer.png", full_page=True)
