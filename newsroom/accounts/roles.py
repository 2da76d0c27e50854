"""Newsroom roles as auth groups."""

from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
# Editors manage everything readers see: stories, photos, collections and information pages.
EDITOR_APPS = ["stories", "photos", "archive", "flatpages"]


def editors_group() -> Group:
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=EDITOR_APPS))
    return group
