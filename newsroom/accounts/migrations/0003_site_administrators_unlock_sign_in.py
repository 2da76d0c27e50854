from django.db import migrations

from newsroom.accounts.roles import sync_roles


def let_administrators_unlock(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; the role needs the failed sign-ins' now.
    app_config = apps.get_app_config("axes")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_security_log"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(let_administrators_unlock, migrations.RunPython.noop)]
