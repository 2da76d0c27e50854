"""Bring stories back from a historical collection into current news: archive_stories undone.

    manage.py unarchive_stories --collection 2019-2021 --dry-run
    manage.py unarchive_stories --collection 2019-2021
    manage.py unarchive_stories --collection 2019-2021 --after 2021-01-01   # only the newest

The whole run is one transaction: it brings back every story or none.
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
from newsroom.archive.services import stories_to_unarchive, stories_unarchive
from newsroom.core.commandline import HelpFormatter, dry_run_or_commit, progress, write_summary


class Command(BaseCommand):
    help = """\
Bring the stories in a historical collection back into current news: they lose the
collection's notice and return to the news listings. With --before / --after, only the
stories published within those dates; the collection's rule is not used.

Every story in the collection is brought back, whatever its workflow state (a story
withdrawn while archived leaves the collection too). The run is one transaction: all or
nothing. Running it again brings back nothing.

Exit status: 0 done, 1 a story could not be brought back (then none is), 2 bad usage.

Examples:
  manage.py unarchive_stories --collection 2019-2021 --dry-run
  manage.py unarchive_stories --collection 2019-2021
  manage.py unarchive_stories --collection 2019-2021 --after 2021-01-01 -v 2   # list each story
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        add_selection_arguments(
            parser,
            collection_help="The slug of the collection to take stories out of, as in /archive/SLUG/.",
        )

    def handle(self, *args, collection, before, after, dry_run, verbosity, **options):
        collection = selected_collection(collection)
        check_date_order(before=before, after=after)
        if verbosity > 1:
            dates = f" published {describe_dates(before=before, after=after)}" if (before or after) else ""
            self.stdout.write(f"Stories in “{collection}”{dates}:")

        try:
            with dry_run_or_commit(dry_run):
                stories = stories_to_unarchive(collection=collection, before=before, after=after)
                result = stories_unarchive(
                    stories=stories,
                    user=None,
                    each=lambda items: progress(items, desc="Bringing back", unit="story"),
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

        if verbosity > 1:
            for story in result.unarchived:
                self.stdout.write(f"  {'Would bring back' if dry_run else 'Brought back'}: {story_line(story)}")

        summary = (
            f"{'Would bring back' if dry_run else 'Brought back'} {stories_word(len(result.unarchived))} "
            f"from “{collection}” into current news."
        )
        write_summary(self, summary, dry_run=dry_run)
