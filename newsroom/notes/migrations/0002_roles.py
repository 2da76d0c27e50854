"""Writers may read and write notes; Editors have every notes permission (newsroom/accounts/roles.py)."""

from django.db import migrations

from newsroom.accounts.roles import sync_roles


def give_roles_notes(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; the roles need the notes' now.
    app_config = apps.get_app_config("notes")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial"), ("accounts", "0001_roles")]

    operations = [migrations.RunPython(give_roles_notes, migrations.RunPython.noop)]
