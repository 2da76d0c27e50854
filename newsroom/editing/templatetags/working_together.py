from django import template
from django.conf import settings
from django.urls import reverse

from newsroom.accounts.sessions import signed_in_at

register = template.Library()


@register.inclusion_tag("admin/editing/story_form_top.html", takes_context=True)
def working_together(context):
    """The story form's autosave and presence region, for someone who may write the story."""
    form = context["adminform"].form
    return {
        "add": context.get("add"),
        "change": context.get("change"),
        "has_add_permission": context.get("has_add_permission"),
        "has_change_permission": context.get("has_change_permission"),
        "original": context.get("original"),
        "autosave_seconds": settings.EDITING_AUTOSAVE_SECONDS,
        "heartbeat_seconds": settings.EDITING_HEARTBEAT_SECONDS,
        # The version check refused this save: what was typed is on the page, to keep and copy.
        "refused": any(error.code == "edit_conflict" for error in form.non_field_errors().as_data()),
        # Text typed while signed out is kept in the browser against this sign-in, and brought
        # back to the working copy after the next one.
        "signed_in": str(signed_in_at(context["request"]) or ""),
        "login": reverse("admin:login"),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }
