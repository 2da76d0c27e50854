"""Newsroom roles: which group has which permissions.

Migration 0001_roles applies this; `sync_roles` can apply it again at any time (a role that
changes here is brought up to date by a migration that calls it once more).
"""

ROLES = {"writer": "Writers", "editor": "Editors", "administrator": "Site administrators"}

# Writers draft and submit; they can upload photos but not publish, archive or delete.
WRITER_PERMISSIONS = {
    "stories": [
        "add_story",
        "change_story",
        "view_story",
        "add_tag",
        "change_tag",
        "view_tag",
        "add_photoplacement",
        "change_photoplacement",
        "delete_photoplacement",
        "view_photoplacement",
        "add_correction",
        "change_correction",
        "delete_correction",
        "view_correction",
        "view_revision",
    ],
    "photos": ["add_photoasset", "change_photoasset", "view_photoasset"],
    "archive": ["view_collection"],
    "notes": ["add_note", "view_note"],
    # The pages kept before a public story was withdrawn, archived or moved: copies of public pages,
    # linked from the history of a story they may change.
    "records": ["view_pagesnapshot"],
}
# Editors have every permission of these apps; site administrators also manage accounts.
EDITOR_APPS = ["stories", "photos", "archive", "notes", "flatpages", "redirects"]
# Editors also read and handle readers' messages (deleting spam) and read the yes/no counts and the
# accessibility statement, which Site administrators keep. Writers get none of it: a message may
# carry a reader's email address, which only those who answer need.
EDITOR_PERMISSIONS = {
    "feedback": [
        "view_feedbackmessage",
        "change_feedbackmessage",
        "delete_feedbackmessage",
        "view_storyhelpfulness",
        "view_accessibilitystatement",
        "view_knownlimitation",
    ],
    "records": ["view_pagesnapshot"],
}
# "accounts" holds the security log, which Site administrators read; "axes" the failed sign-ins,
# whose locks they lift; "django_tasks_database" the background tasks, which they watch;
# "feedback" the accessibility statement, which they keep current; "records" the kept pages, which
# nobody may change or delete (records/admin.py).
ADMINISTRATOR_APPS = EDITOR_APPS + ["auth", "sites", "accounts", "axes", "django_tasks_database", "feedback", "records"]


def sync_roles(Group, Permission):
    """Create the role groups and give each exactly its permissions (model classes passed in,
    so a migration can use its historical models)."""
    from django.db.models import Q

    def named(permissions):
        rule = Q(pk__in=[])
        for app, codenames in permissions.items():
            rule |= Q(content_type__app_label=app, codename__in=codenames)
        return rule

    for role, rule in (
        ("writer", named(WRITER_PERMISSIONS)),
        ("editor", Q(content_type__app_label__in=EDITOR_APPS) | named(EDITOR_PERMISSIONS)),
        ("administrator", Q(content_type__app_label__in=ADMINISTRATOR_APPS)),
    ):
        group, _ = Group.objects.get_or_create(name=ROLES[role])
        group.permissions.set(Permission.objects.filter(rule))


def sync_roles_in_migration(apps, *app_labels: str) -> None:
    """For a migration that gives the roles permissions on models just made: Django makes
    permissions after all migrations, so those of `app_labels` are made now, then the roles synced."""
    from django.contrib.auth.management import create_permissions

    for label in app_labels:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def role_group(role: str):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.filter(name=ROLES[role]).first()
    if group is None:  # e.g. after a test flushed the tables
        sync_roles(Group, Permission)
        group = Group.objects.get(name=ROLES[role])
    return group
