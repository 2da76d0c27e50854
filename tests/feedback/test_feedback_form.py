"""The feedback form readers send without JavaScript: what it asks, what it keeps, what it refuses."""

import time

import pytest
from django.core import signing
from django.test import Client

from newsroom.feedback.models import FeedbackMessage, Status
from newsroom.feedback.protection import FORM_SALT, served_token, token_problem
from tests.conftest import page_text
from tests.feedback.conftest import sent

pytestmark = pytest.mark.django_db
FORM = "/accessibility/feedback/"


def test_the_form_asks_for_the_problem_the_page_and_an_optional_reply_address_only(client):
    response = client.get(FORM)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Report an Accessibility Problem | Newsroom</title>" in html
    assert '<meta name="description" content="Tell Newsroom about a page you could not read' in html
    fields = {name for name in ("page", "problem", "reply_to", "website", "served") if f'name="{name}"' in html}
    assert fields == {"page", "problem", "reply_to", "website", "served"}
    assert 'name="name"' not in html and 'type="tel"' not in html
    assert (
        '<label class="usa-label" for="id_problem">What went wrong? <span class="newsroom-required">(required)' in html
    )
    assert 'aria-describedby="id_problem-hint"' in html and 'id="id_problem-hint"' in html
    assert 'type="email" autocomplete="email"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_form_page_is_never_cached_and_its_csrf_cookie_ends_with_the_browser(client):
    response = client.get(FORM)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    cookie = response.cookies["csrftoken"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a session cookie, as the privacy policy says
    assert set(response.cookies) == {"csrftoken"}


@pytest.mark.parametrize(
    ("query", "referer", "filled"),
    [
        ("?page=/news/levee-holds/", "", "http://testserver/news/levee-holds/"),
        ("?page=http://testserver/photos/200922-D-BN624-1166/", "", "http://testserver/photos/200922-D-BN624-1166/"),
        ("", "http://testserver/news/?page=2", "http://testserver/news/?page=2"),
        ("?page=https://elsewhere.example.com/news/", "", ""),
        ("?page=//elsewhere.example.com/news/", "", ""),
        ("?page=javascript:alert(1)", "", ""),
        ("", "https://elsewhere.example.com/a-page/", ""),
        ("", "http://testserver/accessibility/", ""),
    ],
    ids=[
        "page-path",
        "page-address",
        "referer",
        "other-site",
        "scheme-relative",
        "script",
        "other-referer",
        "statement",
    ],
)
def test_the_page_is_filled_in_from_this_sites_own_addresses_only(client, query, referer, filled):
    extra = {"HTTP_REFERER": referer} if referer else {}
    html = client.get(FORM + query, **extra).content.decode()
    assert f'name="page" type="text" maxlength="500" value="{filled}"' in html.replace("&amp;", "&")


def test_a_message_is_stored_and_the_reader_thanked_after_a_redirect(client):
    response = client.post(
        FORM, sent(page="http://testserver/news/levee-holds/", reply_to=" reader@example.com "), follow=True
    )
    assert response.redirect_chain == [("/accessibility/feedback/thanks/?reply=1", 302)]
    text = page_text(response)
    assert "Thank you: we have your message" in text
    assert "We will answer at the email address you gave, within 5 business days if we can." in text
    assert "reader@example.com" not in response.content.decode()
    message = FeedbackMessage.objects.get()
    assert (message.page, message.reply_to, message.status) == (
        "http://testserver/news/levee-holds/",
        "reader@example.com",
        Status.NEW,
    )
    assert message.problem.startswith("The photo at the top of the story has no description")


def test_without_a_reply_address_the_reader_is_told_there_will_be_no_reply(client):
    response = client.post(FORM, sent(), follow=True)
    assert "You gave no email address, so we will not reply" in page_text(response)
    assert FeedbackMessage.objects.get().reply_to == ""


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"problem": "   "}, "problem", "Tell us what went wrong."),
        ({"problem": "x" * 2001}, "problem", "Keep it to 2,000 characters: this has 2,001."),
        (
            {"reply_to": "reader at example"},
            "reply_to",
            "Enter an email address like name@example.com, or leave it empty.",
        ),
        ({"page": "/news/" + "x" * 500}, "page", "Keep the page address to 500 characters."),
    ],
    ids=["empty", "too-long", "bad-address", "long-page"],
)
def test_a_mistake_is_named_at_the_top_and_at_its_field_and_nothing_is_kept(client, fields, field, error):
    response = client.post(FORM, sent(**fields))
    html = response.content.decode()
    assert response.status_code == 200 and not FeedbackMessage.objects.exists()
    assert "<title>Error: Report an Accessibility Problem | Newsroom</title>" in html
    summary = html[html.index('id="error-summary"') : html.index("<h1>")]
    assert 'tabindex="-1" autofocus' in summary
    assert f'<a class="usa-link" href="#id_{field}">{error}</a>' in summary
    assert f'<span class="usa-error-message" id="id_{field}-error">{error}</span>' in html
    assert f'aria-describedby="id_{field}-hint id_{field}-error" aria-invalid="true"' in html
    # What the reader typed elsewhere is kept for them to send again.
    if field != "problem":
        assert "The photo at the top of the story has no description" in html


@pytest.mark.parametrize(
    ("served", "error"),
    [
        (lambda: served_token(), "That was sent very quickly after the form opened."),
        (lambda: served_token(time.time() - 25 * 3600), "The form was open for more than a day."),
        (lambda: "1796633979:forged:signature", "The form could not be checked."),
        (lambda: "", "The form could not be checked."),
    ],
    ids=["too-quick", "too-old", "forged", "missing"],
)
def test_a_form_sent_too_quickly_too_late_or_with_a_forged_time_is_refused_and_can_be_sent_again(client, served, error):
    response = client.post(FORM, sent(served=served()))
    html = response.content.decode()
    assert error in page_text(response) and not FeedbackMessage.objects.exists()
    assert "The photo at the top of the story has no description" in html  # kept, to send again
    # The form comes back with a fresh signed time: sent again once a person has looked, it is taken.
    fresh = html.split('name="served" value="', 1)[1].split('"', 1)[0]
    assert abs(signing.loads(fresh, salt=FORM_SALT) - time.time()) < 5
    assert token_problem(fresh, now=time.time() + 10) is None


def test_a_filled_honeypot_is_thanked_and_kept_nowhere(client, caplog):
    response = client.post(FORM, sent(website="https://cheap-pills.example.com"))
    assert response.status_code == 302 and response["Location"] == "/accessibility/feedback/thanks/"
    assert not FeedbackMessage.objects.exists()
    assert "honeypot" in caplog.text


def test_the_form_is_protected_against_cross_site_posts():
    client = Client(enforce_csrf_checks=True)
    response = client.post(FORM, sent())
    assert response.status_code == 403 and not FeedbackMessage.objects.exists()
    html = client.get(FORM).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert client.post(FORM, sent(csrfmiddlewaretoken=token)).status_code == 302
    assert FeedbackMessage.objects.count() == 1


def test_a_client_past_its_hourly_limit_is_told_to_wait_with_429(client, settings):
    settings.FEEDBACK_MESSAGES_PER_HOUR = 2
    for _ in range(2):
        assert client.post(FORM, sent(), REMOTE_ADDR="203.0.113.7").status_code == 302
    response = client.post(FORM, sent(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "no-store" in response["Cache-Control"]
    assert "We take up to 2 messages an hour from one connection" in page_text(response)
    assert FeedbackMessage.objects.count() == 2
    # Another reader is not held back, and the address is the one our proxies report.
    assert client.post(FORM, sent(), REMOTE_ADDR="203.0.113.8").status_code == 302
    settings.PROXY_COUNT = 1
    response = client.post(FORM, sent(), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 429


def test_messages_never_reach_public_pages_feeds_sitemaps_or_search(client, make_story):
    make_story(headline="Levee Holds")
    client.post(FORM, sent(problem="Zanzibarquux table has no headers.", reply_to="reader@example.com"))
    assert FeedbackMessage.objects.count() == 1
    for address in [
        "/",
        "/news/",
        "/news/feed/",
        "/news/feed/atom/",
        "/sitemap-pages.xml",
        "/sitemap-stories.xml",
        "/search/?q=Zanzibarquux",
        "/accessibility/",
        "/accessibility/feedback/thanks/",
    ]:
        body = client.get(address).content.decode()  # the search page repeats its query: not the message
        assert "table has no headers" not in body and "reader@example.com" not in body


def test_other_readers_pages_still_refuse_a_post_and_the_forms_take_nothing_else(client):
    for address in [
        "/",
        "/news/",
        "/accessibility/",
        "/accessibility/feedback/thanks/",
        "/accessibility/helpful/thanks/",
    ]:
        response = client.post(address, {"answer": "yes"})
        assert (response.status_code, response["Allow"]) == (405, "GET, HEAD"), address
    for method in ("put", "delete", "patch"):
        response = getattr(client, method)(FORM)
        assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, POST")
        response = getattr(client, method)("/accessibility/helpful/")
        assert (response.status_code, response["Allow"]) == (405, "POST")
    # An address under a form's is no form: only the exact addresses take a POST.
    assert client.post(FORM + "extra/", sent()).status_code == 405
    assert not FeedbackMessage.objects.exists()


def test_a_form_sent_without_its_csrf_cookie_says_what_to_do(client):
    reader = Client(enforce_csrf_checks=True)  # a tab restored after the browser closed: no cookie
    response = reader.post(FORM, sent())
    assert response.status_code == 403 and "no-store" in response["Cache-Control"]
    text = page_text(response)
    assert "Your form could not be sent" in text and "reload the page and send the form again" in text
    assert "An official website of the United States government" in text
    # The admin keeps Django's own page.
    staff = Client(enforce_csrf_checks=True)
    response = staff.post("/admin/login/", {"username": "editor", "password": "x"})
    assert response.status_code == 403 and "CSRF verification failed" in response.content.decode()
