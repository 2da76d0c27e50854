"""The archive in the admin: collections, and what it adds to the story admin.

The archive stands on stories (docs/ARCHITECTURE.md), so rather than the story admin importing
the archive, the archive registers the story admin again with its own additions: the list
actions into and out of collections, and the story form's "Never archive" checkbox.
"""

from django.contrib import admin, messages
from django.db.models import Count

from newsroom.archive.admin_actions import (
    ARCHIVE_PERMISSION,
    allow_archive,
    bring_back_from_collection,
    mark_never_archive,
    move_to_collection,
)
from newsroom.archive.forms import CollectionForm, NeverArchiveField
from newsroom.archive.models import Collection
from newsroom.archive.services import story_allow_archive, story_mark_never_archive
from newsroom.core.admin_widgets import DAYS_WITHOUT_ZONE
from newsroom.stories import admin as stories_admin
from newsroom.stories.models import ArchiveStatus, Story


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    form = CollectionForm
    formfield_overrides = DAYS_WITHOUT_ZONE  # the rule's dates are days, with no zone to note
    list_display = ["name", "story_count", "published_before", "published_after"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("stories"))

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, collection):
        return collection.story_count


class StoryForm(NeverArchiveField, stories_admin.StoryForm):
    """The story form with "Never archive", which the story's own save leaves to the archive's services."""


class StoryAdmin(stories_admin.StoryAdmin):
    """The story admin with the archive's actions and "Never archive" in its Historical collection
    section. Without the archive permission the checkbox is read-only, so a crafted POST of it is
    never read; a change is saved after the story's own save, as a revision of its own."""

    form = StoryForm
    actions = [
        *stories_admin.StoryAdmin.actions,
        move_to_collection,
        bring_back_from_collection,
        mark_never_archive,
        allow_archive,
    ]
    fieldsets = [
        (name, {**options, "fields": ["archive_status", "never_archive", "collection"]})
        if name == "Historical collection"
        else (name, options)
        for name, options in stories_admin.StoryAdmin.fieldsets
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(ARCHIVE_PERMISSION):
            fields.append("never_archive")
        return fields

    @admin.display(description="Never archive")
    def never_archive(self, story):
        return "Yes" if story.archive_status == ArchiveStatus.NEVER else "No"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "never_archive" not in form.changed_data or not request.user.has_perm(ARCHIVE_PERMISSION):
            return
        story = form.instance
        if form.cleaned_data["never_archive"]:
            story_mark_never_archive(story=story, user=request.user)
            self.message_user(request, f"“{story}” is marked never to archive.", messages.SUCCESS)
        else:
            story_allow_archive(story=story, user=request.user)
            self.message_user(request, f"“{story}” may be archived again.", messages.SUCCESS)


admin.site.unregister(Story)
admin.site.register(Story, StoryAdmin)
