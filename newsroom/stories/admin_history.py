"""A story's history in the admin: its revisions, a readable diff of two, and restoring one.

Kept apart from admin.py so StoryAdmin only has to inherit it. Every page needs permission to
change the story: comparing is how an editor decides what to restore.
"""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from newsroom.stories.revisions import RESTORED_FIELDS, RESTORED_RELATIONS, field_label, revision_diff
from newsroom.stories.services import revision_restore


class StoryHistoryMixin:
    """For a ModelAdmin of Story: adds …/revisions/, …/revisions/compare/ and …/revisions/<n>/restore/."""

    revisions_per_page = 50

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/revisions/compare/",
                wrap(self.revisions_compare_view),
                name=f"{prefix}_revisions_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                wrap(self.revision_restore_view),
                name=f"{prefix}_revision_restore",
            ),
            path("<path:object_id>/revisions/", wrap(self.revisions_view), name=f"{prefix}_revisions"),
            *super().get_urls(),
        ]

    def _story_for_history(self, request, object_id):
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404(f"No story with ID “{object_id}”.")
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        return story

    def _history_context(self, request, story, title, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "subtitle": str(story),
            "object": story,
            "original": story,
            **context,
        }

    def _admin_url(self, story, view):
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"
        return reverse(name, args=[quote(story.pk)])

    def revisions_view(self, request, object_id):
        story = self._story_for_history(request, object_id)
        paginator = Paginator(story.revisions.select_related("user").order_by("-number"), self.revisions_per_page)
        page = paginator.get_page(request.GET.get("page"))
        numbers = [revision.number for revision in page.object_list]
        # The first revision "changes" every field; saying so reads better than listing them all.
        oldest = numbers[-1] if numbers and not page.has_next() else None
        rows = [
            (revision, None if revision.number == oldest else [field_label(name) for name in revision.changed_fields])
            for revision in page.object_list
        ]
        context = self._history_context(
            request,
            story,
            "Revisions",
            page=page,
            rows=rows,
            # Preselected: the newest revision against the one before it, the usual question.
            compare_to=numbers[0] if numbers else None,
            compare_from=numbers[1] if len(numbers) > 1 else None,
        )
        return TemplateResponse(request, "admin/stories/story/revisions.html", context)

    def revisions_compare_view(self, request, object_id):
        story = self._story_for_history(request, object_id)
        try:
            numbers = {int(request.GET["from"]), int(request.GET["to"])}
        except (KeyError, ValueError):
            numbers = set()
        if len(numbers) != 2:
            self.message_user(request, "Choose two different revisions to compare.", messages.WARNING)
            return HttpResponseRedirect(self._admin_url(story, "revisions"))
        if not all(1 <= number <= story.version for number in numbers):
            raise Http404("No such revision of this story.")
        older, newer = _two_revisions(story, numbers)
        context = self._history_context(
            request,
            story,
            f"Changes from revision {older.number} to revision {newer.number}",
            older=older,
            newer=newer,
            changes=revision_diff(older, newer),
        )
        return TemplateResponse(request, "admin/stories/story/revisions_compare.html", context)

    def revision_restore_view(self, request, object_id, number):
        story = self._story_for_history(request, object_id)
        revision = get_object_or_404(story.revisions.select_related("user"), number=number)
        if request.method == "POST":
            try:
                restored = revision_restore(revision=revision, user=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"Revision {number} was not restored: {' '.join(error.messages)}", messages.ERROR
                )
                return HttpResponseRedirect(request.path)
            self.log_change(request, restored, f"Restored revision {number}.")
            self.message_user(
                request,
                f"“{restored}” is back as it was in revision {number}; this is now revision {restored.version}.",
                messages.SUCCESS,
            )
            if restored.restore_skipped:
                self.message_user(
                    request,
                    "Not restored, because they have been deleted since: " + "; ".join(restored.restore_skipped) + ".",
                    messages.WARNING,
                )
            return HttpResponseRedirect(self._admin_url(story, "change"))
        # What the restore would change, against the story as last recorded; workflow state stays.
        latest = story.revisions.select_related("user").order_by("-number").first()
        restorable = {*RESTORED_FIELDS, *RESTORED_RELATIONS}
        changes = [change for change in revision_diff(latest, revision) if change.name in restorable]
        context = self._history_context(
            request, story, f"Restore revision {number}?", revision=revision, latest=latest, changes=changes
        )
        return TemplateResponse(request, "admin/stories/story/revision_restore.html", context)


def _two_revisions(story, numbers):
    """Both revisions in one query, older first; 404 if either is not this story's."""
    revisions = list(story.revisions.select_related("user").filter(number__in=numbers).order_by("number"))
    if len(revisions) != 2:
        raise Http404("No such revision of this story.")
    return revisions
