"""Publish the unpublished changes to live stories whose scheduled time has come (run by cron)."""

from django.core.management.base import BaseCommand

from newsroom.core.apstyle import counted
from newsroom.core.commandline import HelpFormatter, dry_run_or_commit, write_summary
from newsroom.stories.embargo import sync_recent
from newsroom.stories.services import publish_due_changes


class Command(BaseCommand):
    help = """\
Publish the changes to live stories that an editor scheduled for a time now past. Run it every
minute from cron: until it runs, readers keep seeing the live version. Changes that can no
longer be published (a photo lost its alt text, say) stay unpublished and unscheduled, and are
listed with what to fix. Exit status: 0 done, 1 some changes could not be published, 2 bad usage.

It also keeps the photo embargo in step with the clock: the photos of stories whose publication
time came (or whose expiry time passed) in the last day, with nobody saving anything, get their
copies moved into the public media folder (or out of it). Until it runs, readers get such a photo
through the site itself, so none of them meets a broken picture.

Examples:
  * * * * *  cd /srv/newsroom && .venv/bin/python manage.py publish_scheduled_changes
  manage.py publish_scheduled_changes --dry-run      # what would be published now
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be published; publish nothing.")

    def handle(self, *args, dry_run=False, **options):
        with dry_run_or_commit(dry_run):
            published, refused = publish_due_changes()
        verb = "Would publish" if dry_run else "Published"
        for story in published:
            self.stdout.write(f"{verb} the scheduled changes to “{story.headline}”.")
        for story, problems in refused:
            self.stderr.write(
                f"Not published: the changes to “{story.headline}” (story #{story.pk}), now unscheduled. "
                f"Fix these, then schedule them again: {'; '.join(problems)}."
            )
        if not dry_run:  # files cannot be rolled back: a dry run moves none
            made_public, embargoed = sync_recent()
            if made_public:
                self.stdout.write(f"Made the copies of {counted(made_public, 'photo', 'photos')} public.")
            if embargoed:
                self.stdout.write(
                    f"Took the copies of {counted(embargoed, 'photo', 'photos')} out of public view (expired)."
                )
        write_summary(self, f"{verb} the changes to {counted(len(published), 'story')}.", dry_run=dry_run)
        if refused and not dry_run:
            raise SystemExit(1)
