"""Create a newsroom account in a role: Writers, Editors or Site administrators.

manage.py create_editor jdoe --email jdoe@example.gov            # an editor
manage.py create_editor asmith --role writer
manage.py create_editor editor --password-file .demo-login       # the local demo account
manage.py create_editor jdoe --dry-run                           # check the name; save nothing
"""

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newsroom.accounts.roles import ROLES, role_group
from newsroom.core.commandline import BAD_USAGE, HelpFormatter, dry_run_or_commit


class Command(BaseCommand):
    help = """\
Create an account with admin access in a role, with a generated password, and print its
login. Roles: writer (drafts and submits for review), editor (also publishes, schedules,
withdraws and archives), administrator (also manages accounts). An existing account is left
unchanged. Exit status: 0 done, 2 bad usage (an unusable name, email or password file).

Examples:
  manage.py create_editor jdoe --email jdoe@example.gov            # an editor
  manage.py create_editor asmith --role writer
  manage.py create_editor editor --password-file .demo-login       # the local demo account
  manage.py create_editor jdoe --role administrator --dry-run
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("username", help="Login name, for example jdoe.")
        parser.add_argument("--email", default="", help="The person's email address.")
        parser.add_argument("--role", choices=sorted(ROLES), default="editor", help="Which role (default: editor).")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="Keep the generated password in this file (created with owner-only access) "
            "and print it again on later runs. Meant for a local demo account.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the name and email and say what would be created; nothing is saved or written.",
        )

    def handle(self, *args, username, email, password_file, role, dry_run, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None:
            if password_file and password_file.exists() and user.check_password(password_file.read_text().strip()):
                self._print_login(username, password_file.read_text().strip(), role)
            else:
                self.stdout.write(
                    f"Account “{username}” already exists; left unchanged. "
                    f"To set a new password: manage.py changepassword {username}"
                )
            return
        if password_file and not password_file.parent.is_dir():
            raise CommandError(
                f"--password-file {password_file}: the folder {password_file.parent} does not exist; "
                "create it or name a file in an existing folder.",
                returncode=BAD_USAGE,
            )

        password = secrets.token_urlsafe(12)
        with dry_run_or_commit(dry_run):
            candidate = User(username=User.normalize_username(username), email=User.objects.normalize_email(email))
            try:
                candidate.full_clean(exclude=["password"])
            except ValidationError as error:
                problems = " ".join(message for messages in error.message_dict.values() for message in messages)
                raise CommandError(f"Could not create “{username}”: {problems}", returncode=BAD_USAGE) from None
            user = User.objects.create_user(username=username, email=email, password=password, is_staff=True)
            user.groups.add(role_group(role))
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    f"Would create “{username}” ({role}) with a generated password. Dry run: nothing was saved."
                )
            )
            return
        if password_file:
            password_file.touch(mode=0o600)
            password_file.write_text(password + "\n")
        self._print_login(username, password, role)

    def _print_login(self, username, password, role="editor"):
        self.stdout.write(self.style.SUCCESS(f"Login ({role}): username “{username}”, password “{password}”"))
