"""Move published stories into a historical collection, by the collection's rule or by dates.

    manage.py archive_stories --collection 2019-2021 --dry-run   # what the collection's rule would move
    manage.py archive_stories --collection 2019-2021             # move them
    manage.py archive_stories --collection 2017-2021 --after 2017-01-20 --before 2021-01-20

The whole run is one transaction: it moves every story or none. Running it again moves
nothing new, because stories already in a collection are skipped.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsroom.archive.services import stories_archive, stories_to_archive
from newsroom.commandline import BAD_USAGE, HelpFormatter, collection_by_slug, dry_run_or_commit, iso_date, progress
from newsroom.website.apstyle import ap_date


def add_selection_arguments(parser, *, collection_help: str):
    parser.add_argument("--collection", required=True, metavar="SLUG", help=collection_help)
    parser.add_argument(
        "--before", type=iso_date, metavar="YYYY-MM-DD",
        help="Only stories published before this date (the day itself is not included).",
    )
    parser.add_argument(
        "--after", type=iso_date, metavar="YYYY-MM-DD",
        help="Only stories published on or after this date. With --before, a range.",
    )
    parser.add_argument(
        "--dry-run", action="store_true",
        help="Do the whole run, report what it would change, then roll it back: nothing is saved.",
    )


def selected_collection(slug):
    """The --collection named; an unknown slug is bad usage (exit status 2)."""
    try:
        return collection_by_slug(slug)
    except CommandError as error:
        raise CommandError(str(error), returncode=BAD_USAGE) from None


def check_date_order(*, before, after):
    if before and after and after >= before:
        raise CommandError(
            f"--after ({after}) must be earlier than --before ({before}): --after is the first day "
            "of the range, --before the day after its last.",
            returncode=BAD_USAGE,
        )


def describe_dates(*, before, after) -> str:
    parts = []
    if after:
        parts.append(f"on or after {ap_date(after)}")
    if before:
        parts.append(f"before {ap_date(before)}")
    return " and ".join(parts)


def stories_word(count: int) -> str:
    return f"{count} {'story' if count == 1 else 'stories'}"


def story_line(story) -> str:
    day = ap_date(timezone.localdate(story.published_at)) if story.published_at else "never published"
    return f"{day} | {story.headline} ({story.get_absolute_url()})"


class Command(BaseCommand):
    help = """\
Move published stories into a historical collection: by the collection's own rule
(published before / on or after), or by the dates given, which then replace the rule.

Only stories readers can see now are moved. Drafts, stories in review, scheduled stories
(publication time still ahead), withdrawn and expired stories are left alone. Stories
marked never to archive are skipped and counted; so are stories already in a collection,
which makes a second run move nothing. The run is one transaction: all or nothing.

Exit status: 0 done, 1 a story could not be moved (then none is), 2 bad usage.

Examples:
  manage.py archive_stories --collection 2019-2021 --dry-run
  manage.py archive_stories --collection 2019-2021
  manage.py archive_stories --collection 2017-2021 --after 2017-01-20 --before 2021-01-20
  manage.py archive_stories --collection older-news --before 2015-01-01 -v 2   # list each story
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        add_selection_arguments(
            parser,
            collection_help="The collection's slug, as in its archive address (/archive/SLUG/), for example 2019-2021.",
        )

    def handle(self, *args, collection, before, after, dry_run, verbosity, **options):
        collection = selected_collection(collection)
        check_date_order(before=before, after=after)
        if before is None and after is None and not (collection.published_before or collection.published_after):
            raise CommandError(
                f"The collection “{collection}” has no rule, so give dates: for example "
                f"manage.py archive_stories --collection {collection.slug} --before 2022-01-01 "
                "(add --after for a range), or set its rule in the admin (Archive › Collections).",
                returncode=BAD_USAGE,
            )

        if verbosity > 1:
            if before or after:
                dates = describe_dates(before=before, after=after)
            else:
                rule = describe_dates(before=collection.published_before, after=collection.published_after)
                dates = f"{rule} (the collection's rule)"
            self.stdout.write(f"Published stories {dates}:")

        try:
            with dry_run_or_commit(dry_run):
                stories = stories_to_archive(collection=collection, before=before, after=after)
                result = stories_archive(
                    stories=stories, collection=collection, user=None,
                    each=lambda items: progress(items, desc="Archiving", unit="story"),
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

        if verbosity > 1:
            for story in result.archived:
                self.stdout.write(f"  {'Would archive' if dry_run else 'Archived'}: {story_line(story)}")
            for story in result.skipped_never:
                self.stdout.write(f"  Skipped, marked never to archive: {story_line(story)}")
            for story in result.already:
                self.stdout.write(f"  Already in “{story.collection}”: {story_line(story)}")

        never = len(result.skipped_never)
        summary = (
            f"{'Would archive' if dry_run else 'Archived'} {stories_word(len(result.archived))} into "
            f"“{collection}”; {never} marked never to archive "
            f"{'would be' if dry_run else ('was' if never == 1 else 'were')} skipped; "
            f"{len(result.already)} already archived."
        )
        if dry_run:
            self.stdout.write(self.style.WARNING(f"{summary} Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS(summary))
