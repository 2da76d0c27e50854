"""Staff sessions (issue 17, point 2): they end after 30 minutes without activity and after 12 hours
in all, and with the browser; a story form's heartbeat is not activity, its autosave is. An editor
whose session ended is sent to the login page and back, told why; the story form's JSON requests
get a status and words the page can show."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from newsroom.accounts.models import SecurityEvent
from newsroom.accounts.sessions import ACTIVE_AT
from newsroom.editing.models import WorkingCopy
from tests.conftest import local, make_account, page_text

pytestmark = pytest.mark.django_db(transaction=True)

IDLE = "You were signed out after 30 minutes without activity."
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def clock():
    with time_machine.travel(local(2026, 12, 7, 9, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def pat(db):
    return make_account("pat", "editor")


@pytest.fixture
def story(make_story):
    return make_story(published=False, headline="Levee Repairs Begin", body="<p>Crews began.</p>")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("admin:index"))  # the CSRF cookie, as any admin page sets it
    return client


def story_form(story) -> str:
    return reverse("admin:stories_story_change", args=[story.pk])


def ask(client, name, story, data=None):
    """One of the story form's own requests, as its script sends them: POST, asking for JSON."""
    return client.post(
        reverse(f"editing:{name}", args=[story.pk]),
        {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        HTTP_ACCEPT="application/json",
    )


def still_signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_thirty_minutes_without_activity_ends_the_session(clock, pat):
    client = signed_in(pat)
    clock.shift(20 * MINUTE)
    assert still_signed_in(client), "20 minutes idle"
    clock.shift(29 * MINUTE)
    assert still_signed_in(client), "29 minutes after the last page"
    clock.shift(30 * MINUTE)
    assert client.get(reverse("admin:index")).status_code == 302
    logout = SecurityEvent.objects.get(action="logout")
    assert (logout.user, logout.details) == ("pat", {"session_ended": "idle"})
    assert client.get(reverse("admin:index")).status_code == 302, "signed out for good"


def test_twelve_hours_end_the_session_however_busy(clock, pat):
    client = signed_in(pat)
    for _ in range(12 * 3 - 1):
        clock.shift(20 * MINUTE)
        assert still_signed_in(client)
    clock.shift(20 * MINUTE)  # 12 hours after signing in
    to_login = client.get(reverse("admin:index"))
    assert to_login.status_code == 302
    page = client.get(to_login["Location"])
    assert "You were signed out: a session lasts at most 12 hours. Sign in to go on." in page_text(page)
    assert SecurityEvent.objects.get(action="logout").details == {"session_ended": "limit"}


def test_a_heartbeat_alone_does_not_keep_an_open_story_form_signed_in(clock, pat, story):
    client = signed_in(pat)
    assert client.get(story_form(story)).status_code == 200
    for _ in range(29):
        clock.shift(MINUTE)
        assert ask(client, "heartbeat", story).status_code == 200
    clock.shift(MINUTE)
    ended = ask(client, "heartbeat", story)
    assert ended.status_code == 401
    assert ended.json() == {"error": IDLE, "why": "idle", "signedOut": True, "login": "/admin/login/"}
    again = ask(client, "autosave", story, {"headline": "Levee Repairs Finish"})
    assert again.status_code == 401 and again.json()["error"] == IDLE, "the page's next requests say why too"
    never = Client().post(reverse("editing:heartbeat", args=[story.pk]), HTTP_ACCEPT="application/json")
    assert never.json()["error"] == "You are signed out.", "a browser never signed in"


def test_a_request_that_crossed_the_one_ending_the_session_says_it_cannot_tell_why(clock, pat, story):
    # The page's heartbeat and autosave can leave together with the old session cookie: the first to
    # arrive ends the session, the other finds it gone. It says "why": null, so the page keeps
    # listening; its next request carries the new cookie and says why.
    client = signed_in(pat)
    client.get(story_form(story))
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    clock.shift(31 * MINUTE)
    assert ask(client, "heartbeat", story).json()["why"] == "idle"
    crossed = Client()
    crossed.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    crossed.cookies["csrftoken"] = client.cookies["csrftoken"].value
    late = ask(crossed, "autosave", story, {"headline": "Levee Repairs Finish"})
    assert late.status_code == 401
    assert late.json()["why"] is None and late.json()["error"] == "You are signed out."
    assert ask(client, "heartbeat", story).json()["error"] == IDLE


def test_autosave_of_typed_text_keeps_the_session_alive(clock, pat, story):
    client = signed_in(pat)
    client.get(story_form(story))
    for minutes in range(1, 7):
        clock.shift(20 * MINUTE)
        typed = {"headline": f"Levee Repairs, Hour {minutes}", "body": "<p>Crews began.</p>"}
        assert ask(client, "autosave", story, typed).status_code == 200
        assert ask(client, "heartbeat", story).status_code == 200
    assert still_signed_in(client), "two hours of typing, never more than 20 minutes apart"


def test_a_page_opened_after_the_session_ended_goes_to_the_login_and_back(clock, pat, story):
    client = signed_in(pat)
    clock.shift(31 * MINUTE)
    to_login = client.get(story_form(story))
    assert to_login.status_code == 302
    assert to_login["Location"] == f"/admin/login/?next={story_form(story)}"
    login = client.get(to_login["Location"])
    assert f"{IDLE} Sign in to go on." in page_text(login)
    back = client.post(
        to_login["Location"], {"username": "pat", "password": "a-long-test-password", "next": story_form(story)}
    )
    assert back.status_code == 302 and back["Location"] == story_form(story)
    assert client.get(story_form(story)).status_code == 200
    assert f"{IDLE}" not in page_text(client.get(to_login["Location"])), "said once"


def test_autosave_after_the_session_ended_answers_401_with_words_to_show(clock, pat, story):
    client = signed_in(pat)
    client.get(story_form(story))
    ask(client, "autosave", story, {"headline": "Levee Repairs Finish", "body": "<p>Crews began.</p>"})
    clock.shift(45 * MINUTE)
    ended = ask(client, "autosave", story, {"headline": "Levee Repairs Finish Early", "body": "<p>Crews began.</p>"})
    assert ended.status_code == 401
    assert ended.json() == {"error": IDLE, "why": "idle", "signedOut": True, "login": "/admin/login/"}
    assert WorkingCopy.objects.get().headline == "Levee Repairs Finish", "what was kept before is kept"
    # The login page the person opens next says why they are there.
    assert f"{IDLE} Sign in to go on." in page_text(client.get("/admin/login/"))


def test_saving_the_story_form_after_the_session_ended_keeps_the_working_copy_for_after_signing_in(clock, pat, story):
    client = signed_in(pat)
    client.get(story_form(story))
    ask(client, "autosave", story, {"headline": "Levee Repairs Finish", "body": "<p>Crews began.</p>"})
    clock.shift(40 * MINUTE)
    sent = client.post(story_form(story), {"headline": "Levee Repairs Finish", "_continue": "Save"})
    assert sent.status_code == 302 and sent["Location"] == f"/admin/login/?next={story_form(story)}"
    story.refresh_from_db()
    assert story.headline == "Levee Repairs Begin", "nothing saved while signed out"
    client.post(sent["Location"], {"username": "pat", "password": "a-long-test-password", "next": story_form(story)})
    copy = client.get(reverse("editing:working_copy", args=[story.pk]), HTTP_ACCEPT="application/json").json()
    assert copy["workingCopy"]["fields"]["headline"] == "Levee Repairs Finish", "offered back on the story form"


def test_the_last_activity_is_written_at_most_once_a_minute(clock, pat):
    client = signed_in(pat)

    def written():
        return Session.objects.get(pk=client.session.session_key).get_decoded()[ACTIVE_AT]

    first = written()
    for _ in range(5):
        clock.shift(datetime.timedelta(seconds=10))
        client.get(reverse("admin:index"))
    assert written() == first, "six pages in 50 seconds: the session row is not rewritten"
    clock.shift(datetime.timedelta(seconds=10))
    client.get(reverse("admin:index"))
    assert written() == first + 60


def test_the_session_cookie_ends_with_the_browser(pat):
    client = Client()
    response = client.post("/admin/login/", {"username": "pat", "password": "a-long-test-password"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"]


def test_the_limits_are_settings(clock, pat, settings):
    settings.SESSION_IDLE_MINUTES = 10
    client = signed_in(pat)
    clock.shift(10 * MINUTE)
    to_login = client.get(reverse("admin:index"))
    assert "You were signed out after 10 minutes without activity." in page_text(client.get(to_login["Location"]))


def test_readers_pages_need_no_session_and_do_not_start_one(client, make_story):
    published = make_story(headline="Levee Repairs Begin")
    page = client.get(published.get_absolute_url())
    assert page.status_code == 200 and settings.SESSION_COOKIE_NAME not in page.cookies


def test_a_signed_in_account_that_may_not_use_the_admin_gets_403_json(clock, story):
    reader = get_user_model().objects.create_user("kim", password="a-long-test-password")  # not staff
    client = Client()
    client.force_login(reader)
    refused = client.post(reverse("editing:heartbeat", args=[story.pk]), HTTP_ACCEPT="application/json")
    assert refused.status_code == 403
    assert refused.json() == {"error": "Your account may not use the newsroom's admin.", "signedOut": False}


def test_a_staff_session_with_the_security_key_still_to_pass_is_told_to_finish_signing_in(settings, pat, story):
    settings.REQUIRE_SECOND_FACTOR = True
    client = Client()
    client.force_login(pat)  # the password only
    refused = client.post(reverse("editing:heartbeat", args=[story.pk]), HTTP_ACCEPT="application/json")
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "Finish signing in with your security key to go on.",
        "why": None,
        "signedOut": True,
        "login": "/admin/login/",
    }
