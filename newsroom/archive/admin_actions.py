"""The archive's bulk actions for the story list: into a historical collection and back out,
never to archive and allowed again.

The archive's StoryAdmin (admin.py) lists them in its `actions`. They call the same
services as the archive_stories and unarchive_stories commands, so the admin skips and counts
exactly what they do. All need the "stories.archive_story" permission; without it the request
is refused (403) and the checkbox is read-only.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from newsroom.archive.forms import MoveToCollectionForm
from newsroom.archive.models import Collection
from newsroom.archive.services import (
    OutsideRule,
    stories_archive,
    stories_set_never_archive,
    stories_unarchive,
)
from newsroom.core.apstyle import counted
from newsroom.stories.models import Action, ArchiveStatus

ARCHIVE_PERMISSION = "stories.archive_story"
# The second page's button: the editor confirms moving stories published outside the rule.
MOVE_ANYWAY = "move_anyway"


def _require_archive_permission(request):
    if not request.user.has_perm(ARCHIVE_PERMISSION):
        raise PermissionDenied("Moving stories into or out of historical collections needs the archive permission.")


def _log_each(modeladmin, request, stories, message: str):
    """Each story's History page records the list action, as it records a save."""
    for story in stories:
        modeladmin.log_change(request, story, message)


def _left_alone(heading: tuple[str, str], groups) -> str:
    """ "Left as it was: 1 story already in a collection." The heading agrees with how many were left."""
    numbers = [(len(stories), words) for stories, words in groups if stories]
    total = sum(number for number, _ in numbers)
    if not total:
        return ""
    return f"{heading[total != 1]}: {', '.join(f'{counted(number)} {words}' for number, words in numbers)}."


def _report(modeladmin, request, success: str, left: str):
    if success:
        modeladmin.message_user(request, success, messages.SUCCESS)
    if left:
        modeladmin.message_user(request, left, messages.WARNING)


@admin.action(description="Move selected stories to a historical collection", permissions=["archive"])
def move_to_collection(modeladmin, request, queryset):
    """A page to choose the collection, then the move; a second page first if any story is outside its rule."""
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

    confirmed = MOVE_ANYWAY in request.POST
    if "apply" in request.POST or confirmed:
        form = MoveToCollectionForm(request.POST)
    else:
        # "Go back" from the second page keeps the collection the editor chose.
        form = MoveToCollectionForm(initial={"collection": request.POST.get("collection")})
    context = {"form": form}
    if form.is_valid():
        collection = form.cleaned_data["collection"]
        try:
            result = stories_archive(
                stories=queryset, collection=collection, user=request.user, outside_rule_confirmed=confirmed
            )
        except OutsideRule as outside:
            # Nothing has moved: ask before putting stories where the rule says they do not belong.
            context.update(
                collection=collection, outside=list(zip(outside.stories, outside.messages)), within=outside.within
            )
        else:
            _log_each(modeladmin, request, result.archived, f"{Action.ARCHIVED.label}: “{collection}” (list action).")
            moved = f"Moved {counted(len(result.archived))} into “{collection}”"
            if result.outside_rule:
                moved += f", including {counted(len(result.outside_rule))} published outside its rule"
            _report(
                modeladmin,
                request,
                f"{moved}." if result.archived else "",
                _left_alone(
                    ("Left where it was", "Left where they were"),
                    [
                        (result.skipped_never, "marked never to archive"),
                        (result.already, "already in a collection"),
                        (result.not_published, "not published"),
                    ],
                ),
            )
            return None  # back to the changelist

    opts = modeladmin.model._meta
    if "outside" in context:
        title = "Published outside the collection's rule"
    else:
        title = "Move stories to a historical collection"
    context.update(
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "stories": list(queryset.select_related("collection")),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "move_anyway": MOVE_ANYWAY,
            "archived": ArchiveStatus.ARCHIVED,
            "never": ArchiveStatus.NEVER,
            "media": modeladmin.media,
        }
    )
    return TemplateResponse(request, "admin/archive/move_to_collection.html", context)


@admin.action(description="Bring selected stories back from their historical collection", permissions=["archive"])
def bring_back_from_collection(modeladmin, request, queryset):
    _require_archive_permission(request)
    result = stories_unarchive(stories=queryset, user=request.user)
    _log_each(modeladmin, request, result.unarchived, f"{Action.UNARCHIVED.label} (list action).")
    not_archived = len(result.not_archived)
    _report(
        modeladmin,
        request,
        f"Brought {counted(len(result.unarchived))} back into current news." if result.unarchived else "",
        f"{counted(not_archived)} not in a collection, left as {'it was' if not_archived == 1 else 'they were'}."
        if not_archived
        else "",
    )


def _set_never_archive(modeladmin, request, queryset, *, never: bool):
    _require_archive_permission(request)
    result = stories_set_never_archive(stories=queryset, never=never, user=request.user)
    action = Action.MARKED_NEVER_ARCHIVE if never else Action.ALLOWED_ARCHIVE
    _log_each(modeladmin, request, result.changed, f"{action.label} (list action).")
    left = _left_alone(
        ("Left as it was", "Left as they were"),
        [
            (result.in_collection, "already in a collection"),
            (result.already, "already marked never to archive" if never else "not marked never to archive"),
        ],
    )
    if never and result.in_collection:
        left += " Bring a story back from its collection before marking it never to archive."
    _report(
        modeladmin,
        request,
        f"{counted(len(result.changed))} {'marked never to archive' if never else 'may be archived again'}."
        if result.changed
        else "",
        left,
    )


@admin.action(description="Mark selected stories never to archive", permissions=["archive"])
def mark_never_archive(modeladmin, request, queryset):
    _set_never_archive(modeladmin, request, queryset, never=True)


@admin.action(description="Allow selected stories to be archived", permissions=["archive"])
def allow_archive(modeladmin, request, queryset):
    _set_never_archive(modeladmin, request, queryset, never=False)
