"""Sign-in lockout (issue 17, point 2): after LOGIN_FAILURES_ALLOWED failed sign-ins the account, or
the address, is refused for LOCKOUT_MINUTES, the right password too, and the login page says until
when; a Site administrator lifts it, and the security log has the lock and its lifting."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from newsroom.accounts.models import SecurityEvent
from tests.conftest import command_output, local, make_account, page_text
from tests.website.servers import manage

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = "/admin/login/"
PASSWORD = "a-long-test-password"
LOCKED = (
    "Too many failed sign-ins for this account. Try again after 3:15 p.m., or ask a Site administrator to unlock it."
)


def sign_in(client, username, password, address="203.0.113.9", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address, **headers
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def events(action):
    return list(SecurityEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def clock():
    # 2:45 p.m. on the site's clock: a lock from now ends at 3:15 p.m.
    with time_machine.travel(local(2026, 12, 7, 14, 45), tick=False) as traveller:
        yield traveller


@pytest.fixture
def pat(db):
    return make_account("pat", "editor")


def fail(client, username, times, address="203.0.113.9"):
    return [sign_in(client, username, "not-the-password", address) for _ in range(times)]


def test_the_fifth_failure_locks_the_account_and_the_login_page_says_until_when(client, clock, pat):
    *tries, fifth = fail(client, "pat", 5)
    assert [answer.status_code for answer in tries] == [200] * 4
    assert "Please enter the correct username and password" in page_text(tries[-1])
    assert fifth.status_code == 429
    text = page_text(fifth, after='id="content"')
    assert LOCKED in text
    assert "Please enter the correct username" not in text, "one message: the one that is true"
    assert 'name="username" value="pat"' in fifth.content.decode(), "still the login form, the name kept"
    assert fifth["Retry-After"] == str(30 * 60 + 1)

    (lockout,) = events("lockout")
    assert (lockout.user, lockout.address, lockout.outcome) == ("pat", "203.0.113.9", "locked")
    assert lockout.details["locked"] == ["account", "address"] and lockout.details["failures"] == 5
    assert [event.outcome for event in events("login")] == ["failure"] * 5, "each failure logged once"


def test_the_right_password_is_refused_while_locked_and_works_once_the_time_is_up(client, clock, pat):
    fail(client, "pat", 5)
    clock.shift(datetime.timedelta(minutes=10))
    refused = sign_in(client, "pat", PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in page_text(refused), "a try while locked does not move the time said"
    assert client.get("/admin/").status_code == 302, "not signed in"
    assert len(events("lockout")) == 1, "one lockout, however many tries meet it"
    assert events("login")[-1].outcome == "failure"

    clock.shift(datetime.timedelta(minutes=20))
    assert sign_in(client, "pat", PASSWORD).status_code == 429, "at 3:15 p.m., not yet after it"
    clock.shift(datetime.timedelta(seconds=1))
    assert signed_in(sign_in(client, "pat", PASSWORD))
    assert client.get("/admin/").status_code == 200


def test_failures_spread_further_apart_than_the_lockout_never_lock(client, clock, pat):
    for _ in range(8):
        fail(client, "pat", 1)
        clock.shift(datetime.timedelta(minutes=31))
    assert signed_in(sign_in(client, "pat", PASSWORD))
    assert events("lockout") == []


def test_an_address_trying_many_names_is_locked_for_every_name(client, clock, pat):
    for name in ("admin", "root", "editor", "webmaster"):
        fail(client, name, 1)
    fifth = sign_in(client, "sam", "guess")
    assert fifth.status_code == 429
    from_here = sign_in(client, "pat", PASSWORD)
    assert from_here.status_code == 429, "the right password of another account, from the same address"
    assert (
        "Too many failed sign-ins from your network address. Try again after 3:15 p.m., "
        "or ask a Site administrator to unlock it."
    ) in page_text(from_here)
    (lockout,) = events("lockout")
    assert lockout.details["locked"] == ["address"] and lockout.user == "sam"
    assert signed_in(sign_in(Client(), "pat", PASSWORD, address="198.51.100.20")), "pat elsewhere is not locked"


def test_behind_our_proxies_each_client_address_is_counted_on_its_own(client, clock, settings, pat):
    settings.PROXY_COUNT = 1
    balancer = "10.0.0.2"
    for _ in range(5):
        sign_in(client, "nobody", "x", address=balancer, HTTP_X_FORWARDED_FOR="192.0.2.44")
    assert AccessAttempt.objects.get().ip_address == "192.0.2.44"
    # Another client, through the same load balancer, with a forged address on the left.
    other = sign_in(Client(), "pat", PASSWORD, address=balancer, HTTP_X_FORWARDED_FOR="192.0.2.44, 198.51.100.7")
    assert signed_in(other)


def test_a_site_administrator_unlocks_an_account_from_the_accounts_list_and_it_is_logged(client, clock, pat):
    fail(Client(), "pat", 5)
    admin = Client()
    admin.force_login(make_account("lee", "administrator"))
    accounts = admin.get(reverse("admin:auth_user_changelist"))
    assert accounts.status_code == 200
    assert "Unlock sign-in" in accounts.content.decode()
    assert "Sign-in" in page_text(accounts) and page_text(accounts).count("Locked") == 1, "pat's row says so"

    done = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [pat.pk]},
        REMOTE_ADDR="192.0.2.10",
        follow=True,
    )
    assert "Sign-in unlocked for pat" in page_text(done)
    (unlock,) = events("unlock")
    assert (unlock.user, unlock.address, unlock.object) == ("lee", "192.0.2.10", "account pat")
    assert unlock.details == {"failed_sign_ins_removed": 1}
    assert signed_in(sign_in(client, "pat", PASSWORD)), "before 3:15 p.m."


def test_a_site_administrator_unlocks_an_address_from_the_failed_sign_ins(client, clock, pat):
    for name in ("admin", "root", "editor", "webmaster", "sam"):
        fail(client, name, 1)
    admin = Client()
    admin.force_login(make_account("lee", "administrator"))
    listed = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listed.status_code == 200
    text = page_text(listed)
    assert "Failed sign-ins" in text and text.count("The address") == 5
    done = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True))},
        follow=True,
    )
    assert "those accounts and addresses may sign in again" in page_text(done)
    assert sorted(event.object for event in events("unlock")) == sorted(
        f"account {name} from address 203.0.113.9" for name in ("admin", "root", "editor", "webmaster", "sam")
    )
    assert {event.user for event in events("unlock")} == {"lee"}
    assert signed_in(sign_in(client, "pat", PASSWORD))


def test_writers_and_editors_cannot_unlock(clock, pat):
    fail(Client(), "pat", 5)
    for role in ("writer", "editor"):
        someone = Client()
        someone.force_login(make_account(f"a-{role}", role))
        assert someone.get(reverse("admin:auth_user_changelist")).status_code == 403
        assert someone.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
        refused = someone.post(
            reverse("admin:auth_user_changelist"), {"action": "unlock_sign_in", "_selected_action": [pat.pk]}
        )
        assert refused.status_code == 403
        attempt = AccessAttempt.objects.get()
        assert (
            someone.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}).status_code
            == 403
        )
    assert AccessAttempt.objects.get().failures_since_start == 5
    assert events("unlock") == []


def test_the_command_unlocks_and_the_log_says_it_came_from_manage_py(client, clock, pat):
    fail(client, "pat", 5)
    assert command_output("axes_reset_username", "pat").strip() == "1 attempts removed."
    (unlock,) = events("unlock")
    assert (unlock.user, unlock.object, unlock.details) == (
        "",
        "account pat",
        {"failed_sign_ins_removed": 1, "via": "manage.py"},
    )
    assert signed_in(sign_in(client, "pat", PASSWORD))
    assert command_output("axes_reset_username", "pat").strip() == "No attempts found."
    assert len(events("unlock")) == 1, "nothing lifted, nothing logged"


def test_the_limit_and_the_time_come_from_the_environment():
    shown = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)",
        LOGIN_FAILURES_ALLOWED="3",
        LOCKOUT_MINUTES="15",
    )
    assert shown.stdout.split() == ["3", "0:15:00"]


def test_three_failures_lock_when_three_are_allowed(client, clock, settings, pat):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    *_, third = fail(client, "pat", 3)
    assert third.status_code == 429
    assert "Try again after 3 p.m." in page_text(third)


def test_a_name_with_no_account_locks_the_same_way(client, clock):
    *_, fifth = fail(client, "ghost", 5, address="198.51.100.1")
    assert fifth.status_code == 429
    assert LOCKED in page_text(fifth), "the page does not tell whether an account exists"
    assert not get_user_model().objects.filter(username="ghost").exists()


def test_a_sign_in_asking_for_json_gets_the_lock_as_json(client, clock, pat):
    fail(client, "pat", 5)
    refused = sign_in(client, "pat", PASSWORD, HTTP_ACCEPT="application/json")
    assert refused.status_code == 429
    assert refused.json() == {"error": LOCKED}
