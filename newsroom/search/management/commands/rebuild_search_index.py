"""Rebuild the search document of every story, for PostgreSQL's full-text search.

    manage.py rebuild_search_index          # every story, with a count as it goes
    manage.py rebuild_search_index -v 0     # quietly, from cron or a deployment script

Saves keep the index current on their own; run this once after first deploying search or
restoring a database, or whenever search seems to miss a story. On SQLite there is no index
(search reads the stories directly), so it says so and changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from newsroom.search.indexing import index_in_use, refresh_all


class Command(BaseCommand):
    help = (
        "Rebuild every story's search document (headline, summary, body, photo captions and VIRINs) "
        "for PostgreSQL full-text search. Safe to repeat. Example: manage.py rebuild_search_index"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size", type=int, default=200, metavar="N",
            help="Stories read and written per batch (default 200).",
        )

    def handle(self, *args, chunk_size, verbosity, **options):
        if chunk_size < 1:
            raise CommandError(f"--chunk-size must be 1 or more, not {chunk_size}.")
        if not index_in_use():
            if verbosity:
                self.stdout.write(
                    f"Nothing to rebuild: on {connection.display_name} search reads the stories "
                    "directly. The search index is used on PostgreSQL."
                )
            return

        # On a terminal a counter rewrites itself in place; with -v 2, one line per batch (for logs).
        live = verbosity == 1 and self.stdout.isatty()

        def progress(done, total):
            if live:
                self.stdout.write(f"\r  {done} of {total} stories", ending="")
            elif verbosity > 1:
                self.stdout.write(f"  {done} of {total} stories")

        try:
            count = refresh_all(chunk_size=chunk_size, progress=progress)
        except DatabaseError as error:
            raise CommandError(
                f"The search index could not be rebuilt: {error}. Check that migrations have run "
                "(manage.py migrate) and the database is reachable, then run this again."
            ) from error
        if live:
            self.stdout.write("")
        if verbosity:
            stories = f"{count} {'story' if count == 1 else 'stories'}"
            self.stdout.write(self.style.SUCCESS(f"Rebuilt the search index: {stories}."))
