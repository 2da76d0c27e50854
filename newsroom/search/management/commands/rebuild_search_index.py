"""Rebuild the search document of every story, for PostgreSQL's full-text search.

    manage.py rebuild_search_index          # every story, with a progress bar on a terminal
    manage.py rebuild_search_index -v 0     # quietly, from cron or a deployment script

Saves keep the index current on their own; run this once after first deploying search or
restoring a database, or whenever search seems to miss a story. On SQLite there is no index
(search reads the stories directly), so it says so and changes nothing.
"""

from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from newsroom.core.commandline import BAD_USAGE, HelpFormatter, dry_run_or_commit, progress
from newsroom.search.indexing import index_in_use, refresh_all


class Command(BaseCommand):
    help = """\
Rebuild every story's search document (headline, summary, body, photo captions and VIRINs)
for PostgreSQL full-text search. Each batch of stories is its own transaction, so an
interrupted run keeps what it did and a second run finishes the job. Safe to repeat.
Exit status: 0 done, 1 the database refused, 2 bad usage.

Examples:
  manage.py rebuild_search_index
  manage.py rebuild_search_index --dry-run           # rebuild, count, roll back
  manage.py rebuild_search_index --chunk-size 1000 -v 2
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=200,
            metavar="N",
            help="Stories read and written per batch (default 200).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Rebuild every document in one transaction, report, then roll it back: nothing is saved.",
        )

    def handle(self, *args, chunk_size, dry_run, verbosity, **options):
        if chunk_size < 1:
            raise CommandError(f"--chunk-size must be 1 or more, not {chunk_size}.", returncode=BAD_USAGE)
        if not index_in_use():
            if verbosity:
                self.stdout.write(
                    f"Nothing to rebuild: on {connection.display_name} search reads the stories "
                    "directly. The search index is used on PostgreSQL."
                )
            return

        bar = progress(desc="Search index", unit="story")

        def report(done, total):
            bar.total = total
            bar.update(done - bar.n)
            if verbosity > 1:  # one line per batch, for logs
                self.stdout.write(f"  {done} of {total} stories")

        try:
            # Without --dry-run each batch commits as it goes; a dry run is one transaction, undone.
            with dry_run_or_commit(True) if dry_run else nullcontext():
                count = refresh_all(chunk_size=chunk_size, progress=report)
        except DatabaseError as error:
            raise CommandError(
                f"The search index could not be rebuilt: {error}. Check that migrations have run "
                "(manage.py migrate) and the database is reachable, then run this again."
            ) from error
        finally:
            bar.close()
        if verbosity:
            stories = f"{count} {'story' if count == 1 else 'stories'}"
            if dry_run:
                self.stdout.write(
                    self.style.WARNING(f"Would rebuild the search index: {stories}. Dry run: nothing was saved.")
                )
            else:
                self.stdout.write(self.style.SUCCESS(f"Rebuilt the search index: {stories}."))
