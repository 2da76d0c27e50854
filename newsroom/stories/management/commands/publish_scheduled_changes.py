"""Publish the unpublished changes to live stories whose scheduled time has come.

Run it every minute from cron: manage.py publish_scheduled_changes
"""

from django.core.management.base import BaseCommand

from newsroom.core.commandline import HelpFormatter
from newsroom.stories.services import publish_due_changes


class Command(BaseCommand):
    help = """\
Publish the changes to live stories that an editor scheduled for a time now past. Run it every
minute from cron: until it runs, readers keep seeing the live version. Changes that can no
longer be published (a photo lost its alt text, say) stay unpublished and unscheduled, and are
listed with what to fix. Exit status: 0 done, 1 some changes could not be published.

Example:
  * * * * *  cd /srv/newsroom && .venv/bin/python manage.py publish_scheduled_changes
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def handle(self, *args, **options):
        published, refused = publish_due_changes()
        for story in published:
            self.stdout.write(f"Published the scheduled changes to “{story.headline}”.")
        for story, problems in refused:
            self.stderr.write(
                f"Not published: the changes to “{story.headline}” (story #{story.pk}), no longer scheduled. "
                f"Fix these, then schedule them again: {'; '.join(problems)}."
            )
        if refused:
            raise SystemExit(1)
