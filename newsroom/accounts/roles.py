"""Newsroom roles. The groups and their permissions are made by migration 0001_roles."""

from django.contrib.auth.models import Group

ROLES = {"writer": "Writers", "editor": "Editors", "administrator": "Site administrators"}


def role_group(role: str) -> Group:
    return Group.objects.get(name=ROLES[role])
