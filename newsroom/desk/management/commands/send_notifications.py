"""Send the notification e-mail not sent yet, at once: the task worker tries each failed message
again by itself, later and later; this is for an operator who has mended the mail server and will
not wait, or whose worker was stopped (README, "The workflow")."""

from django.core.management.base import BaseCommand

from newsroom.core.apstyle import counted
from newsroom.core.commandline import HelpFormatter
from newsroom.desk.services import BATCH, MAX_ATTEMPTS, send_unsent, unsent


class Command(BaseCommand):
    help = f"""\
Send the notification e-mail not sent yet (the mail server was down or refused it), now. The
task worker (manage.py db_worker) tries each message again by itself, after 1, 2, 4 ... minutes
up to an hour; after {MAX_ATTEMPTS} tries it is left in the inbox only. Run this once the mail
server is mended, or from cron where no worker runs.

Exit status: 0 done (a message that failed again waits for the next run), 2 bad usage.

Examples:
  manage.py send_notifications --dry-run    # how many are waiting
  manage.py send_notifications              # the mail server is back: send the backlog now"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say how many are waiting; send nothing")

    def handle(self, *args, **options):
        if options["dry_run"]:
            waiting = unsent().count()
            self.stdout.write(
                f"{counted(waiting, 'notification e-mail', 'notification e-mails')} waiting. Dry run: nothing was sent."
            )
            return
        total_sent = total_failed = 0
        while True:
            sent, failed = send_unsent(limit=BATCH)
            total_sent, total_failed = total_sent + sent, total_failed + failed
            if failed or sent < BATCH:
                break  # a failure is tried again at the next run, not at once
        self.stdout.write(f"{counted(total_sent, 'notification e-mail', 'notification e-mails')} sent.")
        if total_failed:
            self.stderr.write(
                f"{counted(total_failed, 'notification e-mail', 'notification e-mails')} could not be sent and will "
                "be tried again at the next run "
                f"({unsent().count()} waiting). The mail server's answer is in the log."
            )
