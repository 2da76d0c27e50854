"""Remove a person's security keys and recovery codes, for someone who lost both.

manage.py reset_security_keys jdoe
manage.py reset_security_keys jdoe --dry-run
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsroom.accounts.second_factor import reset_security_keys
from newsroom.core.apstyle import counted
from newsroom.core.commandline import BAD_USAGE, HelpFormatter, dry_run_or_commit, write_summary


class Command(BaseCommand):
    help = """\
Remove every security key (and passkey) and every recovery code of one account, for a person who
lost their key and their codes. Their password stays; the next time they sign in they add a new
key and are given new recovery codes. Recorded in the security log (mfa-reset). Make sure it is
really them asking before you run it. Exit status: 0 done, 2 bad usage (no such account).

Examples:
  manage.py reset_security_keys jdoe
  manage.py reset_security_keys jdoe --dry-run      # say what would be removed; remove nothing
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("username", help="The account's login name, for example jdoe.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be removed; nothing is removed or logged."
        )

    def handle(self, *args, username, dry_run, **options):
        person = get_user_model().objects.filter(username=username).first()
        if person is None:
            raise CommandError(
                f"No account is named “{username}”. Check the login name (it is case-sensitive).",
                returncode=BAD_USAGE,
            )
        with dry_run_or_commit(dry_run):
            keys, codes = reset_security_keys(person, by="manage.py reset_security_keys")
        removed = (
            f"{counted(keys, 'security key', 'security keys')} and {counted(codes, 'recovery code', 'recovery codes')}"
        )
        if dry_run:
            write_summary(self, f"Would remove {removed} of “{username}”.", dry_run=True)
        else:
            write_summary(
                self,
                f"Removed {removed} of “{username}”. They add a new key the next time they sign in.",
                dry_run=False,
            )
