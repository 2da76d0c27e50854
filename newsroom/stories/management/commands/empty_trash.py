"""Delete for good the stories in the trash for more than TRASH_DAYS days. Run it daily (cron)."""

from django.core.management.base import BaseCommand

from newsroom.core.apstyle import counted
from newsroom.core.commandline import HelpFormatter, dry_run_or_commit, write_summary
from newsroom.stories.services import TRASH_DAYS, empty_trash


class Command(BaseCommand):
    help = f"""\
Delete for good, with their history, the stories that have been in the trash for more than
{TRASH_DAYS} days. Deleting a draft in the admin moves it to the trash, where an editor can
restore it until then; stories readers have seen are never in the trash (they are withdrawn).
Run it once a day. The run is one transaction.

Exit status: 0 done, 2 bad usage.

Examples:
  manage.py empty_trash --dry-run -v 2     # what would go, story by story
  manage.py empty_trash                    # from cron, e.g. 15 3 * * *"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what would be deleted; delete nothing")

    def handle(self, *args, **options):
        with dry_run_or_commit(options["dry_run"]):
            deleted = empty_trash()
            if options["verbosity"] >= 2:
                for headline in deleted:
                    self.stdout.write(f"Deleted “{headline}”")
        write_summary(self, f"Emptied the trash: {counted(len(deleted))} deleted for good.", dry_run=options["dry_run"])
