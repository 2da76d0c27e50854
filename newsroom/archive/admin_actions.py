"""Bulk actions for the story changelist: into a historical collection, and back out.

StoryAdmin lists them in its `actions`. They call the same services as the archive_stories
and unarchive_stories commands, so the admin skips and counts exactly what they do. Both need
the "stories.archive_story" permission; without it the request is refused (403).
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from newsroom.archive.forms import MoveToCollectionForm
from newsroom.archive.models import ArchiveStatus, Collection
from newsroom.archive.services import stories_archive, stories_unarchive

ARCHIVE_PERMISSION = "stories.archive_story"


def _require_archive_permission(request):
    if not request.user.has_perm(ARCHIVE_PERMISSION):
        raise PermissionDenied("Moving stories into or out of historical collections needs the archive permission.")


def _count(number: int) -> str:
    return f"{number} stor{'y' if number == 1 else 'ies'}"


@admin.action(description="Move selected stories to a historical collection", permissions=["archive"])
def move_to_collection(modeladmin, request, queryset):
    """First an intermediate page to choose the collection, then the move itself."""
    _require_archive_permission(request)
    if not Collection.objects.exists():
        modeladmin.message_user(
            request,
            format_html(
                'There are no historical collections yet. <a href="{}">Add one</a>, then move the stories.',
                reverse("admin:archive_collection_add"),
            ),
            messages.ERROR,
        )
        return None

    form = MoveToCollectionForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        collection = form.cleaned_data["collection"]
        result = stories_archive(stories=queryset, collection=collection, user=request.user)
        if result.archived:
            modeladmin.message_user(
                request, f"Moved {_count(len(result.archived))} into “{collection}”.", messages.SUCCESS
            )
        skipped = [
            f"{len(result.skipped_never)} marked never to archive" if result.skipped_never else "",
            f"{len(result.already)} already in a collection" if result.already else "",
            f"{len(result.not_published)} not published" if result.not_published else "",
        ]
        if any(skipped):
            modeladmin.message_user(
                request, f"Left where they were: {', '.join(filter(None, skipped))}.", messages.WARNING
            )
        return None  # back to the changelist

    stories = list(queryset.select_related("collection"))
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Move stories to a historical collection",
        "subtitle": None,
        "opts": opts,
        "app_label": opts.app_label,
        "stories": stories,
        "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "archived": ArchiveStatus.ARCHIVED,
        "never": ArchiveStatus.NEVER,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/archive/move_to_collection.html", context)


@admin.action(description="Bring selected stories back from their historical collection", permissions=["archive"])
def bring_back_from_collection(modeladmin, request, queryset):
    _require_archive_permission(request)
    result = stories_unarchive(stories=queryset, user=request.user)
    if result.unarchived:
        modeladmin.message_user(
            request, f"Brought {_count(len(result.unarchived))} back into current news.", messages.SUCCESS
        )
    if result.not_archived:
        modeladmin.message_user(
            request, f"{_count(len(result.not_archived))} not in a collection, left as they were.", messages.WARNING
        )
