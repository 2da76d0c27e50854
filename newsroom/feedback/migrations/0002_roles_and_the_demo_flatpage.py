"""Editors and Site administrators get the feedback permissions (newsroom/accounts/roles.py), and the
demo's old Accessibility flat page, which the structured statement at the same address replaces, goes.

Only the demo's own page is removed (it says it is a demonstration); a page an agency wrote at
/accessibility/ is kept for its text to be copied into the statement (README, "Accessibility").
"""

from django.db import migrations

from newsroom.accounts.roles import sync_roles_in_migration

DEMO_WORDS = "This is a demonstration site."


def give_roles_feedback(apps, schema_editor):
    sync_roles_in_migration(apps, "feedback")


def remove_demo_statement_page(apps, schema_editor):
    FlatPage = apps.get_model("flatpages", "FlatPage")
    FlatPage.objects.filter(url="/accessibility/", content__contains=DEMO_WORDS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("accounts", "0005_site_administrators_watch_tasks"),
        ("flatpages", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(give_roles_feedback, migrations.RunPython.noop),
        migrations.RunPython(remove_demo_statement_page, migrations.RunPython.noop),
    ]
