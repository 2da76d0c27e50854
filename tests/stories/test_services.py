import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsroom.stories.models import Status
from newsroom.stories.services import story_publish

pytestmark = pytest.mark.django_db


def test_publish_now_sets_the_time(make_story):
    story = make_story(published=False)
    before = timezone.now()
    story_publish(story=story, user=None)
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and story.published_at >= before
    assert story.is_public()


def test_publish_at_a_future_time_schedules(make_story):
    story = make_story(published=False)
    at = timezone.now() + datetime.timedelta(hours=2)
    story_publish(story=story, user=None, at=at)
    story.refresh_from_db()
    assert story.is_scheduled and not story.is_public()
    assert story.is_public(now=at)


def test_publish_is_refused_with_every_problem_and_changes_nothing(make_story, make_photo):
    photo = make_photo(virin="200922-D-BN624-1166", alt_text="", credit="")
    story = make_story(published=False, byline="", body="   ", photos=[photo])

    with pytest.raises(ValidationError) as refused:
        story_publish(story=story, user=None)

    assert refused.value.messages == [
        "Byline is missing",
        "Body is missing",
        "Photo 200922-D-BN624-1166 has no alt text",
        "Photo 200922-D-BN624-1166 needs a photographer and a credit organization",
    ]
    story.refresh_from_db()
    assert story.status == Status.DRAFT and story.published_at is None
