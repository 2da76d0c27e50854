"""Remove the uploads the photo form kept for a second round that nobody came back to.

manage.py clean_pending_uploads
manage.py clean_pending_uploads --dry-run -v 2
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from newsroom.core.commandline import HelpFormatter
from newsroom.core.files import size_text
from newsroom.photos.pending import remove_stale, stale_uploads


class Command(BaseCommand):
    help = """\
Remove the uploads the photo form keeps between its rounds (so the file need not be chosen
again) once they are older than PENDING_UPLOAD_HOURS (24 unless set): forms nobody came back
to. Run it from cron, every hour for example; bin/dev runs it every minute beside the site.
Exit status: 0 done, 2 bad usage.

Examples:
  manage.py clean_pending_uploads
  manage.py clean_pending_uploads --dry-run -v 2
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be removed; remove nothing.")

    def handle(self, *args, dry_run, verbosity, **options):
        stale = stale_uploads() if dry_run else remove_stale()
        if verbosity > 1:
            for kept in stale:
                self.stdout.write(
                    f"  {kept.name} ({size_text(kept.size)}, kept since {kept.modified:%Y-%m-%d %H:%M} UTC)"
                )
        verb = "Would remove" if dry_run else "Removed"
        summary = (
            f"{verb} {len(stale)} kept upload{'' if len(stale) == 1 else 's'} older than {settings.PENDING_UPLOAD_HOURS} hours "
            f"({size_text(sum(kept.size for kept in stale))})."
        )
        if dry_run:
            summary += " Dry run: nothing was removed."
        if verbosity:
            self.stdout.write(self.style.WARNING(summary) if dry_run else self.style.SUCCESS(summary))
