import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsroom.stories.models import Status, Story
from newsroom.stories.services import story_create, story_publish, story_update
from tests.conftest import story_fields

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


# The body through the write path: cleaned on every save, its photos the placed photos


def placed(story):
    return [(p.photo_id, p.order, p.caption) for p in story.placements.order_by("order")]


def test_every_save_stores_the_body_cleaned(create_story):
    story = create_story(body='<h1 onclick="x()">Levee</h1>Loose <b>words</b><script>alert(1)</script>')
    assert story.body == "<h2>Levee</h2><p>Loose <strong>words</strong></p>"

    story_update(
        story=story,
        changes={"body": "<p style='x'>Edited</p><iframe src='https://evil.example'></iframe>"},
        user=None,
        expected_version=None,
    )

    story.refresh_from_db()
    assert story.body == "<p>Edited</p>"
    assert story.revisions.latest().snapshot["body"] == "<p>Edited</p>"


def test_placed_photos_follow_the_body_photo_blocks(create_story, make_photo):
    first, second, third = make_photo(), make_photo(), make_photo()
    story = create_story(
        body=f'<figure data-photo="{first.pk}"></figure><p>One.</p>'
        f'<figure data-photo="{second.pk}" data-caption="Ours"></figure><p>Two.</p>'
    )
    assert placed(story) == [(first.pk, 0, ""), (second.pk, 1, "Ours")]

    # Moved, captioned anew, one removed and one added: the rows say the same, in one revision.
    story_update(
        story=story,
        changes={
            "body": f'<p>One.</p><figure data-photo="{second.pk}"></figure>'
            f'<p>Two.</p><figure data-photo="{third.pk}" data-caption="New"></figure>'
        },
        user=None,
        expected_version=None,
    )

    assert placed(story) == [(second.pk, 0, ""), (third.pk, 1, "New")]
    assert story.revisions.latest().changed_fields == ["body", "placements"]


def test_a_photo_block_for_a_photo_that_does_not_exist_or_is_shown_twice_is_dropped(create_story, make_photo):
    photo = make_photo()
    story = create_story(
        body=f'<figure data-photo="{photo.pk}"></figure><p>One.</p><figure data-photo="999999"></figure>'
        f'<figure data-photo="{photo.pk}"></figure>'
    )
    assert story.body == f'<figure data-photo="{photo.pk}"></figure><p>One.</p>'
    assert placed(story) == [(photo.pk, 0, "")]


def test_story_links_are_written_from_the_ids_and_a_link_to_no_story_keeps_its_words(create_story):
    levee = create_story(slug="levee-holds")
    story = create_story(
        body=f'<p><a href="/news/old-address/" data-story="{levee.pk}">The levee</a> and '
        '<a href="/news/gone/" data-story="999999">a story deleted since</a>.</p>'
    )
    assert story.body == (
        f'<p><a href="/news/levee-holds/" data-story="{levee.pk}">The levee</a> and a story deleted since.</p>'
    )


def test_a_video_the_site_cannot_show_is_refused_and_nothing_changes(create_story):
    story = create_story(body="<p>Before.</p>")

    with pytest.raises(ValidationError) as refused:
        story_update(
            story=story,
            changes={"body": '<p>After.</p><figure data-video="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>'},
            user=None,
            expected_version=None,
        )

    assert refused.value.message_dict["body"] == [
        "Video 1 (https://www.youtube.com/watch?v=dQw4w9WgXcQ) has no title. Give it one: it names the video for "
        "readers who use a screen reader and for those it cannot play for."
    ]
    story.refresh_from_db()
    assert story.body == "<p>Before.</p>" and story.version == 1
    elsewhere = Story(**story_fields(body='<figure data-video="https://vimeo.com/1" data-title="Elsewhere"></figure>'))
    with pytest.raises(ValidationError, match="only YouTube and DVIDS videos"):
        story_create(story=elsewhere, user=None)
    assert Story.objects.count() == 1


def test_a_body_of_photos_alone_is_missing_its_words_for_publishing(create_story, make_photo):
    story = create_story(published=False, body=f'<figure data-photo="{make_photo().pk}"></figure>')
    with pytest.raises(ValidationError) as refused:
        story_publish(story=story, user=None)
    assert refused.value.messages == ["Body is missing"]
