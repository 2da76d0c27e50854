from django.db import migrations

from newsroom.accounts.roles import sync_roles_in_migration


def let_administrators_watch_tasks(apps, schema_editor):
    # Site administrators read the background tasks' queue (view only: the worker writes it).
    sync_roles_in_migration(apps, "django_tasks_database")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_security_log_events"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(let_administrators_watch_tasks, migrations.RunPython.noop)]
