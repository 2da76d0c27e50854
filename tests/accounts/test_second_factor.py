"""Every staff account's second factor (issue 17, point 1): after the password, a security key.

The whole WebAuthn flow runs through django-otp-webauthn's real begin and complete endpoints in the
test client, with a software authenticator (tests/accounts/authenticator.py) in place of the key.
"""

import re
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp_webauthn.models import WebAuthnCredential

from newsroom.accounts.models import SecurityEvent
from tests.accounts.authenticator import SoftAuthenticator
from tests.conftest import make_account

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"
LOGIN = "/admin/login/"
KEY_STEP = "/admin/security/key/"
ADD_KEY = "/admin/security/add-key/"
OVERVIEW = "/admin/security/"
REGISTRATION = "/admin/security/key/registration/"
AUTHENTICATION = "/admin/security/key/authentication/"


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.REQUIRE_SECOND_FACTOR = True


def events(action):
    return list(SecurityEvent.objects.filter(action=action).order_by("pk"))


def sign_in_with_password(client, username, next_url="/admin/"):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, "the password was refused"
    return response


def add_key(client, key, next_url="/admin/"):
    options = client.post(f"{REGISTRATION}begin/").json()
    return client.post(
        f"{REGISTRATION}complete/?next={quote(next_url)}", key.register(options), content_type="application/json"
    )


def use_key(client, key, next_url="/admin/"):
    options = client.post(f"{AUTHENTICATION}begin/").json()
    return client.post(
        f"{AUTHENTICATION}complete/?next={quote(next_url)}", key.assertion(options), content_type="application/json"
    )


def codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)


def enrolled(username, role="editor"):
    """An account that has added its key: the account, the key, its recovery codes, and the
    signed-in client that added them."""
    person = make_account(username, role)
    client = Client()
    sign_in_with_password(client, username)
    added = add_key(client, key := SoftAuthenticator())
    assert added.status_code == 200, added.content
    codes = codes_on(client.get(added.json()["redirect_url"]).content.decode())
    return person, key, codes, client


def ends_at(response) -> str:
    return response.redirect_chain[-1][0] if response.redirect_chain else response.request["PATH_INFO"]


def test_the_password_alone_opens_no_admin_page_and_no_staff_preview(client, make_story):
    enrolled("pat")
    story = make_story(published=False)
    sign_in_with_password(client, "pat")

    for method, address in [
        ("get", "/admin/"),
        ("get", "/admin/stories/story/"),
        ("get", f"/admin/stories/story/{story.pk}/change/"),
        ("get", "/admin/password_change/"),
        ("get", OVERVIEW),
        ("get", LOGIN),
        # The story form's JSON endpoints (autosave, presence) are admin views too.
        ("post", f"/admin/editing/{story.pk}/autosave/"),
        ("post", f"/admin/editing/{story.pk}/heartbeat/"),
        ("get", reverse("stories:preview", args=[story.pk])),
    ]:
        response = getattr(client, method)(address, follow=True)
        assert ends_at(response).startswith(KEY_STEP), f"{address} let a password-only session through"
        assert "<h1>Use your security key</h1>" in response.content.decode()


def test_an_account_without_a_key_is_taken_to_add_one_before_anything_else(client):
    make_account("pat", "editor")
    response = client.post(
        LOGIN, {"username": "pat", "password": PASSWORD, "next": "/admin/stories/story/"}, follow=True
    )

    assert ends_at(response) == f"{ADD_KEY}?next=%2Fadmin%2Fstories%2Fstory%2F"
    page = response.content.decode()
    assert "<title>Add a security key | Newsroom</title>" in page
    assert "a password alone is not enough to sign in" in page
    assert (
        '<button type="button" class="button default security-key-start" autofocus>Add a security key</button>' in page
    )
    # The ceremony's script is our own static file; the page runs no inline script (CSP: script-src 'self').
    assert '<script src="/static/js/security-key.js" defer></script>' in page
    for tag in page.split("<script")[1:]:
        assert tag.lstrip().startswith("src="), "every script must be a file the CSP allows"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # Nothing else opens meanwhile.
    assert ends_at(client.get("/admin/", follow=True)).startswith(ADD_KEY)


def test_adding_a_key_shows_ten_recovery_codes_once_then_the_admin_opens(client):
    make_account("pat", "editor")
    sign_in_with_password(client, "pat")

    options = client.post(f"{REGISTRATION}begin/").json()
    assert options["rp"] == {"id": "testserver", "name": "Newsroom"}
    assert options["user"]["name"] == "pat"
    added = client.post(
        f"{REGISTRATION}complete/?next=%2Fadmin%2F",
        SoftAuthenticator().register(options),
        content_type="application/json",
    )

    assert added.status_code == 200, added.content
    assert added.json()["redirect_url"] == f"{OVERVIEW}?next=%2Fadmin%2F"
    page = client.get(added.json()["redirect_url"]).content.decode()
    codes = codes_on(page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user__username="pat").values_list("token", flat=True))
    assert "Store your recovery codes now" in page and "They are shown only this once." in page
    assert '<a class="button default" href="/admin/">I have stored them: continue</a>' in page

    again = client.get(OVERVIEW).content.decode()
    assert codes_on(again) == [] and "You have 10 unused recovery codes." in again
    assert client.get("/admin/").status_code == 200

    (enrolment,) = events("mfa-enrol")
    assert (enrolment.user, enrolment.outcome) == ("pat", "success")
    assert enrolment.object.startswith("django_otp_webauthn.webauthncredential:")
    (issued,) = events("recovery-codes")
    assert (issued.user, issued.details) == ("pat", {"count": 10})


def test_password_then_key_opens_the_admin_where_the_editor_was_going(client):
    _, key, _, _ = enrolled("pat")
    response = client.post(
        LOGIN, {"username": "pat", "password": PASSWORD, "next": "/admin/stories/story/"}, follow=True
    )
    assert ends_at(response) == f"{KEY_STEP}?next=%2Fadmin%2Fstories%2Fstory%2F"
    page = response.content.decode()
    assert "<title>Use your security key | Newsroom</title>" in page
    assert "You are signing in as <strong>pat</strong>" in page
    assert '<label for="id_code">Recovery code:</label>' in page
    assert 'aria-describedby="id_code_helptext"' in page

    options = client.post(f"{AUTHENTICATION}begin/").json()
    assert options["rpId"] == "testserver" and key.offered(options)
    answer = client.post(
        f"{AUTHENTICATION}complete/?next=%2Fadmin%2Fstories%2Fstory%2F",
        key.assertion(options),
        content_type="application/json",
    )

    assert answer.status_code == 200, answer.content
    assert answer.json()["redirect_url"] == "/admin/stories/story/"
    assert client.get("/admin/stories/story/").status_code == 200
    used = events("mfa-use")[-1]
    assert (used.user, used.outcome, used.details) == ("pat", "success", {"method": "security key"})
    assert WebAuthnCredential.objects.get(user__username="pat").last_used_at is not None


def test_a_key_that_is_not_the_accounts_own_is_refused(client):
    _, pats_key, _, _ = enrolled("pat")
    _, lees_key, _, _ = enrolled("lee")
    forged = SoftAuthenticator()
    forged.credential_id = pats_key.credential_id  # pat's key's id, but another private key
    sign_in_with_password(client, "pat")

    refusals = [use_key(client, key) for key in (lees_key, SoftAuthenticator(), forged)]

    assert [answer.status_code for answer in refusals] == [403, 404, 422]
    assert ends_at(client.get("/admin/", follow=True)).startswith(KEY_STEP)
    failures = [event for event in events("mfa-use") if event.outcome == "failure"]
    assert [(event.user, event.details["reason"]) for event in failures] == [
        ("pat", "credential_user_mismatch"),
        ("pat", "credential_not_found"),
        ("pat", "invalid_authentication_response"),
    ]


def test_an_answer_given_to_a_look_alike_site_is_refused(client):
    _, key, _, _ = enrolled("pat")
    sign_in_with_password(client, "pat")
    key.origin = "https://newsroom-admin.example.com"  # the phishing page the browser was really on

    assert use_key(client, key).status_code == 422
    assert ends_at(client.get("/admin/", follow=True)).startswith(KEY_STEP)


def test_a_replayed_answer_is_refused(client):
    _, key, _, _ = enrolled("pat")
    sign_in_with_password(client, "pat")
    options = client.post(f"{AUTHENTICATION}begin/").json()
    answer = key.assertion(options)
    complete = f"{AUTHENTICATION}complete/"
    assert client.post(complete, answer, content_type="application/json").status_code == 200

    client.post("/admin/logout/")
    sign_in_with_password(client, "pat")
    # The challenge was used up: the same answer again, with no challenge pending, then against a new one.
    assert client.post(complete, answer, content_type="application/json").status_code == 400
    client.post(f"{AUTHENTICATION}begin/")
    assert client.post(complete, answer, content_type="application/json").status_code == 422
    assert ends_at(client.get("/admin/", follow=True)).startswith(KEY_STEP)


def test_a_recovery_code_signs_in_once_in_place_of_the_key(client):
    _, _, codes, _ = enrolled("pat")
    sign_in_with_password(client, "pat")
    response = client.post(
        KEY_STEP, {"code": f" {codes[0][:4].upper()} {codes[0][4:]} ", "next": "/admin/"}, follow=True
    )

    assert ends_at(response) == "/admin/" and response.status_code == 200
    assert "You signed in with a recovery code: 9 codes left" in response.content.decode()

    client.post("/admin/logout/")
    sign_in_with_password(client, "pat")
    refused = client.post(KEY_STEP, {"code": codes[0], "next": "/admin/"})
    assert refused.status_code == 200
    assert "That recovery code did not work." in refused.content.decode()
    assert "<title>Error: Use your security key | Newsroom</title>" in refused.content.decode()
    assert ends_at(client.get("/admin/", follow=True)).startswith(KEY_STEP)
    uses = [(event.outcome, event.details["method"]) for event in events("mfa-use")]
    assert uses == [("success", "recovery code"), ("failure", "recovery code")]


def test_new_recovery_codes_stop_the_old_ones(client):
    _, _, old_codes, signed_in = enrolled("pat")
    page = signed_in.post(OVERVIEW, follow=True).content.decode()
    new_codes = codes_on(page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert len(events("recovery-codes")) == 2

    sign_in_with_password(client, "pat")
    assert ends_at(client.post(KEY_STEP, {"code": new_codes[0]}, follow=True)) == "/admin/"
    client.post("/admin/logout/")
    sign_in_with_password(client, "pat")
    assert "That recovery code did not work." in client.post(KEY_STEP, {"code": old_codes[1]}).content.decode()


def test_signing_out_works_before_the_key_step(client):
    enrolled("pat")
    sign_in_with_password(client, "pat")
    client.post("/admin/logout/")
    assert ends_at(client.get("/admin/", follow=True)).startswith(LOGIN)


def test_the_reset_command_removes_keys_and_codes_and_is_logged():
    _, _, _, signed_in = enrolled("pat")
    out = StringIO()

    call_command("reset_security_keys", "pat", "--dry-run", stdout=out)
    assert WebAuthnCredential.objects.exists() and not events("mfa-reset")
    call_command("reset_security_keys", "pat", stdout=out)

    assert out.getvalue().splitlines() == [
        "Would remove 1 security key and 10 recovery codes of “pat”. Dry run: nothing was saved.",
        "Removed 1 security key and 10 recovery codes of “pat”. They add a new key the next time they sign in.",
    ]
    assert not WebAuthnCredential.objects.exists() and not StaticDevice.objects.exists()
    (reset,) = events("mfa-reset")
    assert reset.object.endswith(" pat")
    assert reset.details == {"keys": 1, "recovery_codes": 10, "by": "manage.py reset_security_keys"}
    # Even the session the key verified must now add a new key.
    assert ends_at(signed_in.get("/admin/", follow=True)).startswith(ADD_KEY)

    with pytest.raises(CommandError, match="No account is named “nobody”") as refused:
        call_command("reset_security_keys", "nobody", stdout=out)
    assert refused.value.returncode == 2


def test_a_site_administrator_resets_a_persons_keys_from_the_account_list():
    pat, _, _, _ = enrolled("pat")
    _, _, _, administrator = enrolled("lee", "administrator")
    changelist = reverse("admin:auth_user_changelist")
    assert '<th scope="col" class="sortable column-security_keys">' in administrator.get(changelist).content.decode()

    response = administrator.post(
        changelist, {"action": "reset_security_keys", "_selected_action": [str(pat.pk)]}, follow=True
    )

    assert "Removed the security keys and recovery codes of 1 person (pat)." in response.content.decode()
    assert not WebAuthnCredential.objects.filter(user=pat).exists()
    assert not StaticDevice.objects.filter(user=pat).exists()
    assert WebAuthnCredential.objects.filter(user__username="lee").exists()
    (reset,) = events("mfa-reset")
    assert (reset.user, reset.details) == ("lee", {"keys": 1, "recovery_codes": 10})
    assert reset.object.endswith(" pat")


def test_keys_are_bound_to_the_configured_domain_and_origins(client, settings):
    settings.WEBAUTHN_RP_ID = "example.gov"
    settings.WEBAUTHN_ORIGINS = ["https://admin.example.gov"]
    make_account("pat", "editor")
    sign_in_with_password(client, "pat")

    assert add_key(client, SoftAuthenticator(rp_id="example.gov")).status_code == 422  # origin http://testserver
    assert add_key(client, SoftAuthenticator(origin="https://admin.example.gov")).status_code == 422  # rp testserver
    added = add_key(client, SoftAuthenticator(rp_id="example.gov", origin="https://admin.example.gov"))
    assert added.status_code == 200, added.content
    assert [event.outcome for event in events("mfa-enrol")] == ["failure", "failure", "success"]


def test_check_deploy_reports_an_error_when_production_runs_without_the_second_factor(settings):
    # The security checks only: the test run's own mail backend is another deploy error.
    settings.DEBUG = False
    settings.REQUIRE_SECOND_FACTOR = False
    with pytest.raises(SystemCheckError, match=r"newsroom\.E011.*REQUIRE_SECOND_FACTOR is off"):
        call_command("check", "--deploy", "--tag", "security", stdout=StringIO(), stderr=StringIO())

    settings.REQUIRE_SECOND_FACTOR = True
    out = StringIO()
    call_command("check", "--deploy", "--tag", "security", stdout=out, stderr=out)
    assert "newsroom.E011" not in out.getvalue()
