"""The rules the database itself keeps, and the one definition of "public"."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsroom.archive.services import story_archive, story_unarchive
from newsroom.stories.models import ArchiveStatus, Status, Story

pytestmark = pytest.mark.django_db


def refused(**changes):
    story = Story.objects.create(headline="A", slug="a-story", summary="S")
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.filter(pk=story.pk).update(**changes)


def test_slug_is_unique():
    Story.objects.create(headline="A", slug="same", summary="S")
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.create(headline="B", slug="same", summary="S")


@pytest.mark.parametrize(
    "changes",
    [
        {"label": "gossip"},
        {"status": "live"},
        {"archive_status": "maybe"},
        {"status": Status.PUBLISHED, "published_at": None},
        {"archive_status": ArchiveStatus.ARCHIVED},  # archived without a collection
    ],
    ids=["label", "status", "archive-status", "published-without-time", "archived-without-collection"],
)
def test_database_refuses_inconsistent_stories(changes):
    refused(**changes)


def test_published_means_published_and_due(make_story):
    now = timezone.now()
    due = make_story(published_at=now - datetime.timedelta(seconds=1))
    make_story(published_at=now + datetime.timedelta(seconds=1))
    make_story(published=False)
    make_story(status=Status.WITHDRAWN, published_at=now - datetime.timedelta(days=1))

    assert list(Story.objects.published(now=now)) == [due]
    assert Story.objects.scheduled(now=now).count() == 1


def test_archive_and_unarchive_round_trip(make_story, collection):
    story = make_story()
    story_archive(story=story, collection=collection, user=None)
    story.refresh_from_db()
    assert (story.archive_status, story.collection, story.archived_at is not None) == (
        ArchiveStatus.ARCHIVED,
        collection,
        True,
    )
    assert list(Story.objects.current()) == []

    story_unarchive(story=story, user=None)
    story.refresh_from_db()
    assert (story.archive_status, story.collection, story.archived_at) == (ArchiveStatus.CURRENT, None, None)


def test_a_story_marked_never_cannot_be_archived(make_story, collection):
    from django.core.exceptions import ValidationError

    story = make_story(archive_status=ArchiveStatus.NEVER)
    with pytest.raises(ValidationError, match="never to be archived"):
        story_archive(story=story, collection=collection, user=None)
    story.refresh_from_db()
    assert story.archive_status == ArchiveStatus.NEVER


def test_a_photo_in_use_cannot_be_deleted(make_story, make_photo):
    from django.db.models import ProtectedError

    photo = make_photo()
    make_story(photos=[photo])
    with pytest.raises(ProtectedError):
        photo.delete()


def test_the_same_photo_is_placed_once_per_story(make_story, make_photo):
    from newsroom.stories.models import PhotoPlacement

    photo = make_photo()
    story = make_story(photos=[photo])
    with pytest.raises(IntegrityError), transaction.atomic():
        PhotoPlacement.objects.create(story=story, photo=photo, order=2)
