"""Send the notification e-mail not sent yet: those whose server refused or was down when the step
was taken. Run it from cron, every few minutes (README, "The workflow")."""

from django.core.management.base import BaseCommand

from newsroom.core.apstyle import counted
from newsroom.desk.services import BATCH, MAX_ATTEMPTS, send_unsent, unsent


class Command(BaseCommand):
    help = (
        "Send notification e-mail that could not be sent when its step was taken "
        f"(each is tried up to {MAX_ATTEMPTS} times). Run it from cron every few minutes."
    )

    def handle(self, *args, **options):
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
