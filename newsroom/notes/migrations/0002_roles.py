"""Writers may read and write notes; Editors have every notes permission (newsroom/accounts/roles.py)."""

from django.db import migrations

from newsroom.accounts.roles import sync_roles_in_migration


def give_roles_notes(apps, schema_editor):
    # Writers and Editors: the notes' permissions.
    sync_roles_in_migration(apps, "notes")


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial"), ("accounts", "0001_roles")]

    operations = [migrations.RunPython(give_roles_notes, migrations.RunPython.noop)]
