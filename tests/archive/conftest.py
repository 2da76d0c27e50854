"""What the archive's tests share: collections with and without a rule, stories on both sides
of the rule's edges, and accounts with and without the archive permission."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from newsroom.archive.models import Collection
from newsroom.stories.models import ArchiveStatus, Revision, Status, Story
from tests.conftest import local

CHANGELIST = "/admin/stories/story/"


def archive_fields():
    """Every story's archive fields and version, and the number of revisions: what a move changes."""
    stories = sorted(Story.objects.values_list("pk", "archive_status", "collection_id", "archived_at", "version"))
    return stories, Revision.objects.count()


def archived_headlines():
    return set(Story.objects.filter(archive_status=ArchiveStatus.ARCHIVED).values_list("headline", flat=True))


@pytest.fixture
def ruled_collection(collection):
    """2019-2021: published on or after Jan. 20, 2019 and before Jan. 20, 2021."""
    collection.published_after = datetime.date(2019, 1, 20)
    collection.published_before = datetime.date(2021, 1, 20)
    collection.save()
    return collection


@pytest.fixture
def other_collection(db):
    return Collection.objects.create(name="Older News", slug="older-news", notice="From an earlier website.")


@pytest.fixture
def newsroom_stories(make_story):
    """Stories on both sides of the 2019-2021 rule's edges, in every state that matters."""
    return {
        "first_day": make_story(headline="First Day In", published_at=local(2019, 1, 20, 0, 0)),
        "middle": make_story(headline="Middle Of The Term", published_at=local(2020, 6, 1)),
        "last_evening": make_story(headline="Last Evening In", published_at=local(2021, 1, 19, 23, 59)),
        "day_before": make_story(headline="Day Before", published_at=local(2019, 1, 19, 23, 59)),
        "cut_off_day": make_story(headline="Cut-off Day", published_at=local(2021, 1, 20, 0, 0)),
        "recent": make_story(headline="Recent News"),
        "never": make_story(
            headline="Standing Guidance", published_at=local(2020, 3, 1), archive_status=ArchiveStatus.NEVER
        ),
        "draft": make_story(
            headline="Unfinished Draft", published=False, status=Status.DRAFT, published_at=local(2020, 2, 1)
        ),
        "withdrawn": make_story(
            headline="Withdrawn Story", published=False, status=Status.WITHDRAWN, published_at=local(2020, 4, 1)
        ),
        "expired": make_story(headline="Expired Event", published_at=local(2020, 5, 1), expires_at=local(2020, 5, 2)),
    }


IN_RULE = {"First Day In", "Middle Of The Term", "Last Evening In"}


@pytest.fixture
def archivist_client(editor_client, editor):
    # Editors hold it through their group (accounts migration 0001_roles); the actions need it.
    assert editor.has_perm("stories.archive_story")
    return editor_client


@pytest.fixture
def story_editor_client(client, db):
    """A staff member with every story permission except moving stories between collections."""
    user = get_user_model().objects.create_user("no-archive", password="a-long-test-password", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="stories").exclude(codename="archive_story")
    )
    client.force_login(user)
    return client
