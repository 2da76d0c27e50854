"""Moving stories into and out of historical collections: the archive_stories and unarchive_stories commands."""

import datetime

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from newsroom.archive import services
from newsroom.archive.management.commands.archive_stories import Command as ArchiveCommand
from newsroom.archive.services import story_archive
from newsroom.stories.models import Action, ArchiveStatus, Status, Story
from tests.archive.conftest import IN_RULE, archive_fields, archived_headlines
from tests.conftest import command_output, local

pytestmark = pytest.mark.django_db


# The command, by the collection's rule


def test_the_collections_rule_moves_published_stories_within_its_dates(ruled_collection, newsroom_stories):
    output = command_output("archive_stories", "--collection", "2019-2021")

    assert archived_headlines() == IN_RULE
    assert output.strip() == (
        "Archived 3 stories into “2019-2021 Historical Collection”; "
        "1 marked never to archive was skipped; 0 already archived."
    )
    middle = Story.objects.get(pk=newsroom_stories["middle"].pk)
    assert middle.collection == ruled_collection and middle.archived_at is not None


def test_drafts_withdrawn_and_expired_stories_stay_where_they_are(ruled_collection, newsroom_stories):
    command_output("archive_stories", "--collection", "2019-2021")

    for name in ("draft", "withdrawn", "expired", "never"):
        story = Story.objects.get(pk=newsroom_stories[name].pk)
        assert story.collection is None, name
        assert story.archive_status != ArchiveStatus.ARCHIVED, name
    assert Story.objects.get(pk=newsroom_stories["never"].pk).archive_status == ArchiveStatus.NEVER


def test_each_story_is_moved_through_the_service_with_a_revision(ruled_collection, newsroom_stories):
    before = Story.objects.get(pk=newsroom_stories["middle"].pk).version

    command_output("archive_stories", "--collection", "2019-2021")

    middle = Story.objects.get(pk=newsroom_stories["middle"].pk)
    assert middle.version == before + 1
    revision = middle.revisions.latest()
    assert (revision.number, revision.action, revision.user) == (middle.version, Action.ARCHIVED, None)
    assert "archive_status" in revision.changed_fields


def test_a_second_run_moves_nothing(ruled_collection, newsroom_stories):
    command_output("archive_stories", "--collection", "2019-2021")
    first = archive_fields()

    output = command_output("archive_stories", "--collection", "2019-2021")

    assert archive_fields() == first
    assert output.strip() == (
        "Archived 0 stories into “2019-2021 Historical Collection”; "
        "1 marked never to archive was skipped; 3 already archived."
    )


def test_a_story_already_in_another_collection_stays_there(ruled_collection, other_collection, make_story):
    elsewhere = make_story(headline="Filed Elsewhere", published_at=local(2020, 7, 1))
    story_archive(story=elsewhere, collection=other_collection, user=None)
    make_story(headline="Not Yet Filed", published_at=local(2020, 7, 2))

    output = command_output("archive_stories", "--collection", "2019-2021")

    assert Story.objects.get(pk=elsewhere.pk).collection == other_collection
    assert Story.objects.get(headline="Not Yet Filed").collection == ruled_collection
    assert "Archived 1 story into" in output and "1 already archived." in output


# The command, by dates


def test_before_alone_moves_everything_published_before_that_day(other_collection, newsroom_stories):
    output = command_output("archive_stories", "--collection", "older-news", "--before", "2019-01-20")

    assert archived_headlines() == {"Day Before"}
    assert output.startswith("Archived 1 story into “Older News”; 0 marked never to archive were skipped")


def test_after_alone_moves_from_that_day_on_but_not_scheduled_stories(other_collection, make_story):
    make_story(headline="Last Week", published_at=timezone.now() - datetime.timedelta(days=7))
    make_story(headline="Before The Date", published_at=local(2021, 12, 31, 23, 59))
    make_story(headline="Scheduled Tomorrow", published_at=timezone.now() + datetime.timedelta(days=1))

    command_output("archive_stories", "--collection", "older-news", "--after", "2022-01-01")

    assert archived_headlines() == {"Last Week"}
    assert Story.objects.get(headline="Scheduled Tomorrow").is_scheduled


def test_before_and_after_together_are_a_range_that_replaces_the_rule(ruled_collection, newsroom_stories):
    command_output("archive_stories", "--collection", "2019-2021", "--after", "2020-01-01", "--before", "2021-01-01")

    assert archived_headlines() == {"Middle Of The Term"}
    assert Story.objects.get(headline="Middle Of The Term").collection == ruled_collection


def test_verbosity_2_names_the_dates_and_each_story(ruled_collection, newsroom_stories):
    output = command_output("archive_stories", "--collection", "2019-2021", "--verbosity", "2")

    assert "Published stories on or after Jan. 20, 2019 and before Jan. 20, 2021 (the collection's rule):" in output
    assert "Archived: June 1, 2020 | Middle Of The Term (/news/" in output
    assert "Skipped, marked never to archive: March 1, 2020 | Standing Guidance" in output
    assert "Day Before" not in output


def test_verbosity_1_prints_only_the_counts(ruled_collection, newsroom_stories):
    output = command_output("archive_stories", "--collection", "2019-2021")

    assert len(output.strip().splitlines()) == 1
    assert "Middle Of The Term" not in output


# All or nothing


def test_dry_run_reports_and_changes_nothing(ruled_collection, newsroom_stories):
    before = archive_fields()

    output = command_output("archive_stories", "--collection", "2019-2021", "--dry-run")

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
        command_output("archive_stories", "--collection", "2019-2021")

    assert len(calls) == 3  # two stories were moved before the failure, then rolled back
    assert archive_fields() == before
    assert archived_headlines() == set()


# Bringing stories back


def test_unarchive_brings_every_story_in_the_collection_back(ruled_collection, other_collection, newsroom_stories):
    before = archive_fields()
    command_output("archive_stories", "--collection", "2019-2021")
    story_archive(story=newsroom_stories["day_before"], collection=other_collection, user=None)

    output = command_output("unarchive_stories", "--collection", "2019-2021")

    assert output.strip() == "Brought back 3 stories from “2019-2021 Historical Collection” into current news."
    assert archived_headlines() == {"Day Before"}  # another collection's story is untouched
    assert not ruled_collection.stories.exists()
    # Everything else is as it was before the archiving, apart from the version count.
    unchanged = [row[:4] for row in archive_fields()[0] if row[0] != newsroom_stories["day_before"].pk]
    assert unchanged == [row[:4] for row in before[0] if row[0] != newsroom_stories["day_before"].pk]
    middle = Story.objects.get(pk=newsroom_stories["middle"].pk)
    assert middle.revisions.latest().action == Action.UNARCHIVED
    assert command_output("unarchive_stories", "--collection", "2019-2021").startswith("Brought back 0 stories")


def test_unarchive_within_dates_and_as_a_dry_run(ruled_collection, newsroom_stories):
    command_output("archive_stories", "--collection", "2019-2021")
    archived = archive_fields()

    dry = command_output(
        "unarchive_stories", "--collection", "2019-2021", "--after", "2020-01-01", "--dry-run", "-v", "2"
    )
    assert archive_fields() == archived
    assert "Would bring back: June 1, 2020 | Middle Of The Term" in dry
    assert "Would bring back 2 stories" in dry and "Dry run: nothing was saved." in dry

    command_output("unarchive_stories", "--collection", "2019-2021", "--after", "2020-01-01")
    assert archived_headlines() == {"First Day In"}


def test_unarchive_also_frees_a_story_withdrawn_while_archived(collection, make_story):
    story = make_story(headline="Withdrawn Later")
    story_archive(story=story, collection=collection, user=None)
    Story.objects.filter(pk=story.pk).update(status=Status.WITHDRAWN)

    command_output("unarchive_stories", "--collection", "2019-2021")

    assert Story.objects.get(pk=story.pk).archive_status == ArchiveStatus.CURRENT


# Errors that say how to fix the input


def test_an_unknown_collection_lists_the_existing_slugs(collection, other_collection):
    for command in ("archive_stories", "unarchive_stories"):
        with pytest.raises(CommandError) as error:
            command_output(command, "--collection", "2019-2012", "--before", "2020-01-01")
        assert str(error.value) == (
            "No collection has the slug “2019-2012”. Existing collections: 2019-2021, older-news."
        )


def test_with_no_collections_at_all_the_error_says_to_create_one(db):
    with pytest.raises(CommandError, match=r"there are no collections yet\. Create one in the admin"):
        command_output("archive_stories", "--collection", "2019-2021")


def test_a_collection_without_a_rule_needs_dates(collection, make_story):
    make_story()
    with pytest.raises(CommandError) as error:
        command_output("archive_stories", "--collection", "2019-2021")
    assert "“2019-2021 Historical Collection” has no rule" in str(error.value)
    assert "manage.py archive_stories --collection 2019-2021 --before 2022-01-01" in str(error.value)
    assert archived_headlines() == set()


@pytest.mark.parametrize("option", ["--before", "--after"])
def test_a_bad_date_says_how_to_write_one(collection, option):
    hint = r"“2022-13-01” is not a date; write it as YYYY-MM-DD, for example 2022-01-01\."
    with pytest.raises(CommandError, match=hint):
        command_output("archive_stories", "--collection", "2019-2021", option, "2022-13-01")


def test_dates_in_the_wrong_order_are_refused(collection):
    with pytest.raises(CommandError, match=r"--after \(2022-01-01\) must be earlier than --before \(2021-01-01\)"):
        command_output(
            "archive_stories", "--collection", "2019-2021", "--after", "2022-01-01", "--before", "2021-01-01"
        )


def test_the_help_gives_examples_and_says_which_stories_are_moved():
    text = ArchiveCommand().create_parser("manage.py", "archive_stories").format_help()

    assert "\n  manage.py archive_stories --collection 2019-2021 --dry-run\n" in text
    assert "scheduled stories" in text and "withdrawn" in text and "never to archive" in text


# What readers see after a run


def test_archived_stories_leave_the_news_and_show_the_notice(client, ruled_collection, newsroom_stories):
    command_output("archive_stories", "--collection", "2019-2021")

    news = client.get("/news/").content.decode()
    archive = client.get("/archive/").content.decode()
    page = client.get(newsroom_stories["middle"].get_absolute_url())

    assert "Middle Of The Term" not in news and "Recent News" in news
    assert "Middle Of The Term" in archive
    assert page.status_code == 200
    assert ruled_collection.notice in page.content.decode()
    assert ruled_collection.notice not in client.get(newsroom_stories["recent"].get_absolute_url()).content.decode()
