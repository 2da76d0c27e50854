"""Create a newsroom account in a role: Writers, Editors or Site administrators.

    manage.py create_editor jdoe --email jdoe@example.gov            # an editor
    manage.py create_editor asmith --role writer
    manage.py create_editor editor --password-file .demo-login       # the local demo account
"""

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from newsroom.accounts.roles import ROLES, role_group


class Command(BaseCommand):
    help = (
        "Create an account with admin access in a role (writer: drafts and submits; editor: also "
        "publishes, schedules, withdraws and archives; administrator: also manages accounts), with a "
        "generated password, and print its login. An existing account is left unchanged. "
        "Example: manage.py create_editor jdoe --role writer --email jdoe@example.gov"
    )

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

    @transaction.atomic
    def handle(self, *args, username, email, password_file, role, **options):
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

        password = secrets.token_urlsafe(12)
        try:
            user = User.objects.create_user(username=username, email=email, password=password, is_staff=True)
        except ValueError as error:
            raise CommandError(f"Could not create “{username}”: {error}") from None
        user.groups.add(role_group(role))
        if password_file:
            password_file.touch(mode=0o600)
            password_file.write_text(password + "\n")
        self._print_login(username, password, role)

    def _print_login(self, username, password, role="editor"):
        self.stdout.write(self.style.SUCCESS(f"Login ({role}): username “{username}”, password “{password}”"))
