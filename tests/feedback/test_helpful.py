"""'Was this page helpful?' under a story: a yes/no that works without JavaScript, carries no CSRF token
and sets no cookie (story pages come from the shared page cache), counts per story, never a 500."""

import datetime

import pytest
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone

from newsroom.feedback.models import StoryHelpfulness
from newsroom.feedback.services import story_answer_helpful
from newsroom.stories.models import Status
from tests.conftest import page_text

pytestmark = pytest.mark.django_db
HELPFUL = "/accessibility/helpful/"


def counts(story):
    found = StoryHelpfulness.objects.filter(story=story).first()
    return (found.yes_count, found.no_count) if found else (0, 0)


def test_the_story_page_asks_without_a_token_or_cookie_and_stays_cached(
    client, make_story, page_cache_on, django_assert_num_queries
):
    story = make_story(headline="Levee Holds")
    first = client.get(story.get_absolute_url())
    html = first.content.decode()
    question = html[
        html.index('<section class="newsroom-helpful"') : html.index("</section>", html.index("newsroom-helpful"))
    ]
    assert '<form method="post" action="/accessibility/helpful/">' in question
    assert f'<input type="hidden" name="story" value="{story.pk}">' in question
    assert 'name="answer" value="yes">Yes' in question and 'name="answer" value="no">No' in question
    assert "csrfmiddlewaretoken" not in html and not first.cookies
    with django_assert_num_queries(0):  # served from the page cache for the next reader
        second = client.get(story.get_absolute_url())
    assert second.content == first.content and "public" in second["Cache-Control"]


def test_previews_do_not_ask(editor_client, make_story):
    from newsroom.stories import preview

    story = make_story(published=False)
    assert "Was this page helpful?" not in page_text(editor_client.get(preview.staff_preview_url(story)))


def test_a_yes_and_a_no_are_counted_per_story_and_the_reader_thanked_without_a_cookie(make_story):
    story, other = make_story(headline="Levee Holds"), make_story()
    client = Client(enforce_csrf_checks=True)  # no token needed, none given
    response = client.post(HELPFUL, {"story": story.pk, "answer": "yes"})
    assert response.status_code == 302 and not response.cookies
    assert response["Location"] == f"/accessibility/helpful/thanks/?story={story.pk}&answer=yes"
    thanks = client.get(response["Location"])
    assert "Thank you for your answer" in page_text(thanks) and not thanks.cookies
    assert f'<a class="usa-link" href="{story.get_absolute_url()}">Back to “Levee Holds”</a>' in thanks.content.decode()
    assert "Tell us what went wrong" not in page_text(thanks)
    client.post(HELPFUL, {"story": story.pk, "answer": "no"})
    client.post(HELPFUL, {"story": story.pk, "answer": "no"})
    assert counts(story) == (1, 2) and counts(other) == (0, 0)


def test_a_no_leads_to_the_feedback_form_with_the_story_filled_in(client, make_story):
    story = make_story(headline="Levee Holds")
    response = client.post(HELPFUL, {"story": story.pk, "answer": "no"}, follow=True)
    text, html = page_text(response), response.content.decode()
    assert "Sorry the page did not help." in text
    report = f"/accessibility/feedback/?page=%2Fnews%2F{story.slug}%2F"
    assert f'<a class="usa-button" href="{report}">Tell us what went wrong</a>' in html
    form = client.get(report).content.decode()
    assert f'name="page" type="text" maxlength="500" value="http://testserver/news/{story.slug}/"' in form


@pytest.mark.parametrize(
    "story_state",
    ["draft", "scheduled", "expired", "withdrawn", "unknown", "not-a-number", "huge", "missing"],
)
def test_only_a_published_story_can_be_answered_about(client, make_story, story_state):
    now = timezone.now()
    stories = {
        "draft": lambda: make_story(published=False).pk,
        "scheduled": lambda: make_story(published_at=now + datetime.timedelta(days=1)).pk,
        "expired": lambda: make_story(expires_at=now - datetime.timedelta(hours=1)).pk,
        "withdrawn": lambda: make_story(status=Status.WITHDRAWN).pk,
        "unknown": lambda: 987654,
        "not-a-number": lambda: "12abc",
        "huge": lambda: "99999999999999999999999",
        "missing": lambda: "",
    }
    response = client.post(HELPFUL, {"story": stories[story_state](), "answer": "yes"})
    assert response.status_code == 404
    assert not StoryHelpfulness.objects.exists()


def test_an_answer_other_than_yes_or_no_is_refused_with_400(client, make_story):
    story = make_story()
    for answer in ["maybe", "", "YES"]:
        response = client.post(HELPFUL, {"story": story.pk, "answer": answer})
        assert response.status_code == 400 and "answer “yes” or “no”" in response.content.decode()
    assert client.get(HELPFUL).status_code == 405  # a link followed by a crawler counts nothing
    assert not StoryHelpfulness.objects.exists()


def test_a_client_past_its_hourly_limit_gets_429_and_counts_nothing_more(client, make_story, settings):
    settings.HELPFUL_ANSWERS_PER_HOUR = 3
    story = make_story()
    for _ in range(3):
        assert client.post(HELPFUL, {"story": story.pk, "answer": "yes"}, REMOTE_ADDR="198.51.100.4").status_code == 302
    response = client.post(HELPFUL, {"story": story.pk, "answer": "yes"}, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "We take up to 3 answers an hour" in page_text(response)
    assert counts(story) == (3, 0)


def test_the_first_answers_to_a_story_at_once_are_both_counted(make_story, monkeypatch):
    """Two readers answer a story's first question at once: both UPDATEs find no row, one INSERT wins, and
    the other, refused by the database, counts its answer by UPDATE."""
    story = make_story()
    StoryHelpfulness.objects.create(story=story, yes_count=1, no_count=0, last_answer_at=timezone.now())
    update = QuerySet.update
    missed = []

    def first_update_misses(queryset, **changes):
        if queryset.model is StoryHelpfulness and not missed:
            missed.append(True)  # the other reader's INSERT had not committed when this UPDATE ran
            return 0
        return update(queryset, **changes)

    monkeypatch.setattr(QuerySet, "update", first_update_misses)
    story_answer_helpful(story_id=story.pk, helpful=False)
    assert missed and counts(story) == (1, 1)


def test_the_thank_you_page_takes_any_query_without_failing(client):
    for query in ["", "?story=abc", "?story=-1&answer=no", "?story=99999999999999999999&answer=maybe"]:
        response = client.get("/accessibility/helpful/thanks/" + query)
        assert response.status_code == 200 and "Thank you for your answer" in page_text(response)
