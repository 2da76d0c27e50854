"""Writers, Editors and Site administrators may open the pages kept before a change
(newsroom/accounts/roles.py)."""

from django.db import migrations

from newsroom.accounts.roles import sync_roles_in_migration


def give_roles_records(apps, schema_editor):
    sync_roles_in_migration(apps, "records")


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_page_snapshots"),
        ("accounts", "0005_site_administrators_watch_tasks"),
        ("feedback", "0002_roles_and_the_demo_flatpage"),
    ]

    operations = [migrations.RunPython(give_roles_records, migrations.RunPython.noop)]
