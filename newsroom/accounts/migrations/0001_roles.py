"""The newsroom's roles as groups, with the permissions each one has.

Writers draft and submit; Editors publish, schedule, withdraw and archive; Site administrators
also manage accounts. The lists are frozen here, as migrations must be; a later change to a
role is a new migration.
"""

from django.db import migrations

WRITER = {
    "stories": ["add_story", "change_story", "view_story", "add_tag", "change_tag", "view_tag",
                "add_photoplacement", "change_photoplacement", "delete_photoplacement", "view_photoplacement",
                "add_correction", "change_correction", "delete_correction", "view_correction", "view_revision"],
    "photos": ["add_photoasset", "change_photoasset", "view_photoasset"],
    "archive": ["view_collection"],
}
EDITOR_APPS = ["stories", "photos", "archive", "flatpages", "redirects"]
ADMINISTRATOR_APPS = EDITOR_APPS + ["auth", "sites"]


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    writer, _ = Group.objects.get_or_create(name="Writers")
    writer_permissions = []
    for app, codenames in WRITER.items():
        writer_permissions += Permission.objects.filter(content_type__app_label=app, codename__in=codenames)
    writer.permissions.set(writer_permissions)
    for name, app_labels in (("Editors", EDITOR_APPS), ("Site administrators", ADMINISTRATOR_APPS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=app_labels))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Writers", "Editors", "Site administrators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("stories", "0002_workflow"),
        ("photos", "0001_initial"),
        ("archive", "0001_initial"),
        ("flatpages", "0001_initial"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
