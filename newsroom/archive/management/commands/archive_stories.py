"""Move published stories into a historical collection, by the collection's rule or by dates.

    manage.py archive_stories --collection 2019-2021 --dry-run   # what the collection's rule would move
    manage.py archive_stories --collection 2019-2021             # move them
    manage.py archive_stories --collection 2017-2021 --after 2017-01-20 --before 2021-01-20

The whole run is one transaction: it moves every story or none. Running it again moves
nothing new, because stories already in a collection are skipped.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newsroom.archive.commandline import (
    add_selection_arguments,
    check_date_order,
    describe_dates,
    selected_collection,
    stories_word,
    story_line,
)
from newsroom.archive.services import stories_archive, stories_to_archive
from newsroom.core.commandline import BAD_USAGE, HelpFormatter, dry_run_or_commit, progress, write_summary


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
                # Dates given replace the rule, so what they pick may lie outside it: that is the choice made.
                result = stories_archive(
                    stories=stories,
                    collection=collection,
                    user=None,
                    outside_rule_confirmed=before is not None or after is not None,
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
        write_summary(self, summary, dry_run=dry_run)
