"""Moving stories into and out of historical collections: the commands and the admin's bulk actions."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from newsroom.archive import services
from newsroom.archive.management.commands.archive_stories import Command as ArchiveCommand
from newsroom.archive.models import ArchiveStatus, Collection
from newsroom.archive.services import story_archive
from newsroom.stories.models import Action, Revision, Status, Story

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/stories/story/"


def local(year, month, day, hour=12, minute=0):
    """A moment on the site's clock, as editors and readers see publication times."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


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
        "expired": make_story(
            headline="Expired Event", published_at=local(2020, 5, 1), expires_at=local(2020, 5, 2)
        ),
    }


IN_RULE = {"First Day In", "Middle Of The Term", "Last Evening In"}


# The command, by the collection's rule


def test_the_collections_rule_moves_published_stories_within_its_dates(ruled_collection, newsroom_stories):
    output = run("archive_stories", "--collection", "2019-2021")

    assert archived_headlines() == IN_RULE
    assert output.strip() == (
        "Archived 3 stories into “2019-2021 Historical Collection”; "
        "1 marked never to archive was skipped; 0 already archived."
    )
    middle = Story.objects.get(pk=newsroom_stories["middle"].pk)
    assert middle.collection == ruled_collection and middle.archived_at is not None


def test_drafts_withdrawn_and_expired_stories_stay_where_they_are(ruled_collection, newsroom_stories):
    run("archive_stories", "--collection", "2019-2021")

    for name in ("draft", "withdrawn", "expired", "never"):
        story = Story.objects.get(pk=newsroom_stories[name].pk)
        assert story.collection is None, name
        assert story.archive_status != ArchiveStatus.ARCHIVED, name
    assert Story.objects.get(pk=newsroom_stories["never"].pk).archive_status == ArchiveStatus.NEVER


def test_each_story_is_moved_through_the_service_with_a_revision(ruled_collection, newsroom_stories):
    before = Story.objects.get(pk=newsroom_stories["middle"].pk).version

    run("archive_stories", "--collection", "2019-2021")

    middle = Story.objects.get(pk=newsroom_stories["middle"].pk)
    assert middle.version == before + 1
    revision = middle.revisions.latest()
    assert (revision.number, revision.action, revision.user) == (middle.version, Action.ARCHIVED, None)
    assert "archive_status" in revision.changed_fields


def test_a_second_run_moves_nothing(ruled_collection, newsroom_stories):
    run("archive_stories", "--collection", "2019-2021")
    first = archive_fields()

    output = run("archive_stories", "--collection", "2019-2021")

    assert archive_fields() == first
    assert output.strip() == (
        "Archived 0 stories into “2019-2021 Historical Collection”; "
        "1 marked never to archive was skipped; 3 already archived."
    )


def test_a_story_already_in_another_collection_stays_there(ruled_collection, other_collection, make_story):
    elsewhere = make_story(headline="Filed Elsewhere", published_at=local(2020, 7, 1))
    story_archive(story=elsewhere, collection=other_collection, user=None)
    make_story(headline="Not Yet Filed", published_at=local(2020, 7, 2))

    output = run("archive_stories", "--collection", "2019-2021")

    assert Story.objects.get(pk=elsewhere.pk).collection == other_collection
    assert Story.objects.get(headline="Not Yet Filed").collection == ruled_collection
    assert "Archived 1 story into" in output and "1 already archived." in output


# The command, by dates


def test_before_alone_moves_everything_published_before_that_day(other_collection, newsroom_stories):
    output = run("archive_stories", "--collection", "older-news", "--before", "2019-01-20")

    assert archived_headlines() == {"Day Before"}
    assert output.startswith("Archived 1 story into “Older News”; 0 marked never to archive were skipped")


def test_after_alone_moves_from_that_day_on_but_not_scheduled_stories(other_collection, make_story):
    make_story(headline="Last Week", published_at=timezone.now() - datetime.timedelta(days=7))
    make_story(headline="Before The Date", published_at=local(2021, 12, 31, 23, 59))
    make_story(headline="Scheduled Tomorrow", published_at=timezone.now() + datetime.timedelta(days=1))

    run("archive_stories", "--collection", "older-news", "--after", "2022-01-01")

    assert archived_headlines() == {"Last Week"}
    assert Story.objects.get(headline="Scheduled Tomorrow").is_scheduled


def test_before_and_after_together_are_a_range_that_replaces_the_rule(ruled_collection, newsroom_stories):
    run("archive_stories", "--collection", "2019-2021", "--after", "2020-01-01", "--before", "2021-01-01")

    assert archived_headlines() == {"Middle Of The Term"}
    assert Story.objects.get(headline="Middle Of The Term").collection == ruled_collection


def test_verbosity_2_names_the_dates_and_each_story(ruled_collection, newsroom_stories):
    output = run("archive_stories", "--collection", "2019-2021", "--verbosity", "2")

    assert "Published stories on or after Jan. 20, 2019 and before Jan. 20, 2021 (the collection's rule):" in output
    assert "Archived: June 1, 2020 | Middle Of The Term (/news/" in output
    assert "Skipped, marked never to archive: March 1, 2020 | Standing Guidance" in output
    assert "Day Before" not in output


def test_verbosity_1_prints_only_the_counts(ruled_collection, newsroom_stories):
    output = run("archive_stories", "--collection", "2019-2021")

    assert len(output.strip().splitlines()) == 1
    assert "Middle Of The Term" not in output


# All or nothing


def test_dry_run_reports_and_changes_nothing(ruled_collection, newsroom_stories):
    before = archive_fields()

    output = run("archive_stories", "--collection", "2019-2021", "--dry-run")

    assert archive_fields() == before
    assert archived_headlines() == set()
    assert output.strip() == (
        "Would archive 3 stories into “2019-2021 Historical Collection”; 1 marked never to archive "
        "would be skipped; 0 already archived. Dry run: nothing was saved."
    )


def test_a_failure_midway_leaves_no_story_archived(ruled_collection, newsroom_stories, monkeypatch):
    calls = []

    def failing_on_the_third(**kwargs):
        calls.append(kwargs["story"])
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return story_archive(**kwargs)

    monkeypatch.setattr(services, "story_archive", failing_on_the_third)
    before = archive_fields()

    with pytest.raises(RuntimeError, match="database went away"):
        run("archive_stories", "--collection", "2019-2021")

    assert len(calls) == 3  # two stories were moved before the failure, then rolled back
    assert archive_fields() == before
    assert archived_headlines() == set()


# Bringing stories back


def test_unarchive_brings_every_story_in_the_collection_back(ruled_collection, other_collection, newsroom_stories):
    before = archive_fields()
    run("archive_stories", "--collection", "2019-2021")
    story_archive(story=newsroom_stories["day_before"], collection=other_collection, user=None)

    output = run("unarchive_stories", "--collection", "2019-2021")

    assert output.strip() == "Brought back 3 stories from “2019-2021 Historical Collection” into current news."
    assert archived_headlines() == {"Day Before"}  # another collection's story is untouched
    assert not ruled_collection.stories.exists()
    # Everything else is as it was before the archiving, apart from the version count.
    unchanged = [row[:4] for row in archive_fields()[0] if row[0] != newsroom_stories["day_before"].pk]
    assert unchanged == [row[:4] for row in before[0] if row[0] != newsroom_stories["day_before"].pk]
    middle = Story.objects.get(pk=newsroom_stories["middle"].pk)
    assert middle.revisions.latest().action == Action.UNARCHIVED
    assert run("unarchive_stories", "--collection", "2019-2021").startswith("Brought back 0 stories")


def test_unarchive_within_dates_and_as_a_dry_run(ruled_collection, newsroom_stories):
    run("archive_stories", "--collection", "2019-2021")
    archived = archive_fields()

    dry = run("unarchive_stories", "--collection", "2019-2021", "--after", "2020-01-01", "--dry-run", "-v", "2")
    assert archive_fields() == archived
    assert "Would bring back: June 1, 2020 | Middle Of The Term" in dry
    assert "Would bring back 2 stories" in dry and "Dry run: nothing was saved." in dry

    run("unarchive_stories", "--collection", "2019-2021", "--after", "2020-01-01")
    assert archived_headlines() == {"First Day In"}


def test_unarchive_also_frees_a_story_withdrawn_while_archived(collection, make_story):
    story = make_story(headline="Withdrawn Later")
    story_archive(story=story, collection=collection, user=None)
    Story.objects.filter(pk=story.pk).update(status=Status.WITHDRAWN)

    run("unarchive_stories", "--collection", "2019-2021")

    assert Story.objects.get(pk=story.pk).archive_status == ArchiveStatus.CURRENT


# Errors that say how to fix the input


def test_an_unknown_collection_lists_the_existing_slugs(collection, other_collection):
    for command in ("archive_stories", "unarchive_stories"):
        with pytest.raises(CommandError) as error:
            run(command, "--collection", "2019-2012", "--before", "2020-01-01")
        assert str(error.value) == (
            "No collection has the slug “2019-2012”. Existing collections: 2019-2021, older-news."
        )


def test_with_no_collections_at_all_the_error_says_to_create_one(db):
    with pytest.raises(CommandError, match=r"there are no collections yet\. Create one in the admin"):
        run("archive_stories", "--collection", "2019-2021")


def test_a_collection_without_a_rule_needs_dates(collection, make_story):
    make_story()
    with pytest.raises(CommandError) as error:
        run("archive_stories", "--collection", "2019-2021")
    assert "“2019-2021 Historical Collection” has no rule" in str(error.value)
    assert "manage.py archive_stories --collection 2019-2021 --before 2022-01-01" in str(error.value)
    assert archived_headlines() == set()


@pytest.mark.parametrize("option", ["--before", "--after"])
def test_a_bad_date_says_how_to_write_one(collection, option):
    hint = r"“2022-13-01” is not a date; write it as YYYY-MM-DD, for example 2022-01-01\."
    with pytest.raises(CommandError, match=hint):
        run("archive_stories", "--collection", "2019-2021", option, "2022-13-01")


def test_dates_in_the_wrong_order_are_refused(collection):
    with pytest.raises(CommandError, match=r"--after \(2022-01-01\) must be earlier than --before \(2021-01-01\)"):
        run("archive_stories", "--collection", "2019-2021", "--after", "2022-01-01", "--before", "2021-01-01")


def test_the_help_gives_examples_and_says_which_stories_are_moved():
    text = ArchiveCommand().create_parser("manage.py", "archive_stories").format_help()

    assert "\n  manage.py archive_stories --collection 2019-2021 --dry-run\n" in text
    assert "scheduled stories" in text and "withdrawn" in text and "never to archive" in text


# What readers see after a run


def test_archived_stories_leave_the_news_and_show_the_notice(client, ruled_collection, newsroom_stories):
    run("archive_stories", "--collection", "2019-2021")

    news = client.get("/news/").content.decode()
    archive = client.get("/archive/").content.decode()
    page = client.get(newsroom_stories["middle"].get_absolute_url())

    assert "Middle Of The Term" not in news and "Recent News" in news
    assert "Middle Of The Term" in archive
    assert page.status_code == 200
    assert ruled_collection.notice in page.content.decode()
    assert ruled_collection.notice not in client.get(newsroom_stories["recent"].get_absolute_url()).content.decode()


# The admin's bulk actions


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


def test_move_to_collection_first_asks_which_collection(archivist_client, collection, other_collection, make_story):
    stories = [
        make_story(headline="Levee Repairs Finish Early"),
        make_story(headline="Standing Guidance", archive_status=ArchiveStatus.NEVER),
    ]

    response = archivist_client.post(
        CHANGELIST, {"action": "move_to_collection", "_selected_action": [story.pk for story in stories]}
    )

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "admin/archive/move_to_collection.html"
    html = response.content.decode()
    assert "2019-2021 Historical Collection" in html and "Older News" in html
    assert "Levee Repairs Finish Early" in html
    assert "Standing Guidance (" in html and "marked never to archive; will be skipped" in html
    assert archived_headlines() == set()


def test_move_to_collection_moves_the_stories_through_the_service(archivist_client, editor, collection, make_story):
    current = make_story(headline="Levee Repairs Finish Early")
    never = make_story(headline="Standing Guidance", archive_status=ArchiveStatus.NEVER)
    draft = make_story(headline="Unfinished Draft", published=False)
    selected = [current.pk, never.pk, draft.pk]

    response = archivist_client.post(
        CHANGELIST,
        {"action": "move_to_collection", "_selected_action": selected, "apply": "1", "collection": collection.pk},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == CHANGELIST
    assert archived_headlines() == {"Levee Repairs Finish Early"}
    assert Story.objects.get(pk=current.pk).revisions.latest().user == editor
    messages = [str(message) for message in response.context["messages"]]
    assert "Moved 1 story into “2019-2021 Historical Collection”." in messages
    assert "Left where they were: 1 marked never to archive, 1 not published." in messages


def test_bring_back_from_collection(archivist_client, collection, make_story):
    archived = make_story(headline="Levee Repairs Finish Early")
    story_archive(story=archived, collection=collection, user=None)
    current = make_story(headline="Current Story")

    response = archivist_client.post(
        CHANGELIST, {"action": "bring_back_from_collection", "_selected_action": [archived.pk, current.pk]},
        follow=True,
    )

    assert archived_headlines() == set()
    messages = [str(message) for message in response.context["messages"]]
    assert "Brought 1 story back into current news." in messages
    assert "1 story not in a collection, left as they were." in messages


@pytest.mark.parametrize("refused", ["story_editor_client", "writer_client"])
@pytest.mark.parametrize("action", ["move_to_collection", "bring_back_from_collection"])
def test_the_actions_are_refused_without_the_archive_permission(request, refused, collection, make_story, action):
    refused_client = request.getfixturevalue(refused)
    make_story()
    story_archive(story=make_story(), collection=collection, user=None)
    before = archive_fields()
    data = {"action": action, "_selected_action": list(Story.objects.values_list("pk", flat=True))}

    assert refused_client.post(CHANGELIST, data).status_code == 403
    assert refused_client.post(CHANGELIST, {**data, "apply": "1", "collection": collection.pk}).status_code == 403
    assert archive_fields() == before
