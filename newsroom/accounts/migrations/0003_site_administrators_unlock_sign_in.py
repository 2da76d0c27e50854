from django.db import migrations

from newsroom.accounts.roles import sync_roles_in_migration


def let_administrators_unlock(apps, schema_editor):
    # Site administrators unlock sign-ins: axes' permissions.
    sync_roles_in_migration(apps, "axes")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_security_log"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(let_administrators_unlock, migrations.RunPython.noop)]
