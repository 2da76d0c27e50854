import datetime
import json
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.html import format_html, format_html_join
from django.views.decorators.csp import csp_override

from newsroom.core.addresses import on_site
from newsroom.core.admin_widgets import DAYS_WITHOUT_ZONE, TEXT_AS_STORED, AutocompleteChoices
from newsroom.core.apstyle import ap_datetime, counted
from newsroom.core.clock import start_of_day
from newsroom.core.history import LIST_ACTION
from newsroom.core.pagination import EstimatedCountPaginator
from newsroom.photos.admin import PhotoAssetAdmin, YearFilter, thumbnail, virin_prefix
from newsroom.photos.models import Copies, PhotoAsset
from newsroom.stories import preview
from newsroom.stories.admin_history import StoryHistoryMixin
from newsroom.stories.body import reader_blocks
from newsroom.stories.calendar import calendar_view
from newsroom.stories.checks import draft_checks, story_checks
from newsroom.stories.embargo import in_story_on_the_record, may_release, photo_release
from newsroom.stories.models import (
    PENDING_ACTIONS,
    Action,
    ArchiveStatus,
    Correction,
    NoteKind,
    PhotoPlacement,
    RelatedHeadline,
    Status,
    Story,
    Tag,
)
from newsroom.stories.revisions import live_revisions, pending_story
from newsroom.stories.selectors import has_been_public, story_links
from newsroom.stories.services import (
    EDITED_FIELDS,
    REASON_REQUIRED,
    TRASH_DAYS,
    PublishRefused,
    story_create,
    story_discard_changes,
    story_lock,
    story_publish,
    story_publish_changes,
    story_publish_now,
    story_retract,
    story_return_to_draft,
    story_revoke_preview_links,
    story_save_changes,
    story_schedule,
    story_schedule_changes,
    story_submit,
    story_trash,
    story_untrash,
    story_update,
    story_withdraw,
)
from newsroom.stories.widgets import StoryBodyEditor

# The buttons under the story form, and the transition each one asks for after saving.
WORKFLOW_BUTTONS = {
    "_submit": story_submit,
    "_publish": story_publish_now,
    "_schedule": story_schedule,
    "_return": story_return_to_draft,
}
# ... and on a published story, whose edits wait as unpublished changes: what each button does then.
LIVE_STORY_BUTTONS = {
    "_submit_changes": "Changes submitted for review",
    "_publish_changes": "Changes published",
    "_schedule_changes": "Changes scheduled",
    "_discard_changes": "Unpublished changes discarded",
}


# Help text is HTML in the admin: the ">" it names is written escaped.
BODY_HELP = (
    "Type “## ” for a subheading, “- ” or “1. ” for a list, “&gt; ” for a quote. Alt+F10 moves to the "
    "toolbar (arrow keys between its buttons, Escape back to the text); each button shows its keyboard "
    "shortcut. Ctrl+S (⌘S on a Mac) saves and keeps the story open."
)
# How many stories the editor's link chooser offers for the words typed.
CHOSEN_STORIES = 20


class StoryForm(forms.ModelForm):
    # The version the editor started from; a save from an older one is refused.
    started_from_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Why "Save and return to draft" sends the story back: required with that button, told to the writer.
    return_reason = forms.CharField(
        label="Reason for returning to draft",
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required with “Save and return to draft”: what the writer should do. They are told, and the "
        "story's history keeps it.",
    )
    # For "Save and schedule changes" on a live story (see StoryAdmin.save_live_story).
    changes_publish_at = forms.SplitDateTimeField(
        label="Publish the changes at",
        required=False,
        widget=AdminSplitDateTime,
        help_text="For “Save and schedule changes”: when readers start seeing these changes.",
    )

    class Meta:
        model = Story
        fields = "__all__"
        widgets = {"body": StoryBodyEditor}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_from_version"].initial = self.instance.version
        pending = getattr(self.instance, "pending", None)
        if pending is not None and not self.is_bound:
            # The form opens on the unpublished changes, not the live version.
            for name in ("tags", "related_stories"):
                self.initial[name] = pending.snapshot.get(name, [])
            self.initial["changes_publish_at"] = pending.publish_at
        if "body" in self.fields:  # a story the user may only look at has no body field
            self.fields["body"].help_text = BODY_HELP

    def clean(self):
        cleaned = super().clean()
        if "_return" in self.data and not cleaned.get("return_reason"):
            self.add_error("return_reason", REASON_REQUIRED[Action.RETURNED])
        if self.instance.status == Status.PUBLISHED and not cleaned.get("published_at"):
            self.add_error(
                "published_at",
                "A published story needs its publication time. To take it off the site, use Withdraw.",
            )
        if self.instance.pk:
            try:
                # The row stays locked until this save commits, so two saves cannot both pass.
                story_lock(story=self.instance, expected_version=self.started_from())
            except ValidationError as conflict:
                raise ValidationError(
                    format_html(
                        "Someone else saved this story after you opened it, so your changes were not saved "
                        "(you started from version {}; it is now version {}). "
                        '<a href="{}">See what they changed</a>, then reload the story and make your edits again.',
                        conflict.params["started_from"],
                        conflict.params["current"],
                        self._changes_since(conflict.params["seen"], conflict.params["latest"]),
                    ),
                    code=conflict.code,
                ) from None
        return cleaned

    def started_from(self) -> int:
        """The version the editor's form was opened at (a form posted without one is from no version)."""
        return self.cleaned_data.get("started_from_version") or 0

    def _changes_since(self, seen: int | None, latest: int | None) -> str:
        """A link comparing what the editor saw with what is saved now, as near as the history allows."""
        if seen is None or latest is None or seen == latest:
            return reverse("admin:stories_story_revisions", args=[self.instance.pk])
        compare = reverse("admin:stories_story_revisions_compare", args=[self.instance.pk])
        return f"{compare}?from={seen}&to={latest}"


class PhotoPlacementInline(admin.TabularInline):
    """The body's photos, in order, as the write path keeps them: photos are placed in the body
    itself, so here they are only shown, with what publishing needs of them at hand."""

    model = PhotoPlacement
    extra = 0
    can_delete = False
    verbose_name_plural = "Photos in the body"
    fields = ["preview", "photo_beside", "caption"]
    readonly_fields = fields

    @admin.display(description="Preview")
    def preview(self, placement):
        return thumbnail(placement.photo if placement.photo_id else None)

    @admin.display(description="Photo")
    def photo_beside(self, placement):
        # Opens beside the story, so nothing typed in the story form is lost.
        url = reverse("admin:photos_photoasset_change", args=[placement.photo_id])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, placement.photo)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RelatedHeadlineInline(admin.TabularInline):
    """Imported "Related Stories" headlines no story has yet; each is linked when its story arrives."""

    model = RelatedHeadline
    extra = 0
    fields = ["headline"]
    readonly_fields = ["headline"]

    def has_add_permission(self, request, obj=None):
        return False


class NoteForm(forms.ModelForm):
    """A note readers already see on a live story is the public record: it stays as it is (a
    wrong one is put right by a new note). Others are written and changed freely."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields and self.instance.kind != NoteKind.RETRACTION:
            # A retraction note is written by the Retract step only, with the story's new state.
            self.fields["kind"].choices = [
                (value, label) for value, label in NoteKind.choices if value != NoteKind.RETRACTION
            ]
        if self.is_public():
            for field in self.fields.values():
                field.disabled = True

    def is_public(self):
        note, story = self.instance, getattr(self.instance, "story", None)
        return note.pk is not None and not note.pending and story is not None and story.is_public()


class NoteFormSet(forms.BaseInlineFormSet):
    # Set by StoryAdmin.save_live_story: notes added with a live story's changes wait with them.
    notes_wait = False

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields and form.is_public():
            form.fields["DELETE"].disabled = True

    def save_new(self, form, commit=True):
        note = super().save_new(form, commit=False)
        note.pending = self.notes_wait
        if commit:
            note.save()
        return note


class CorrectionInline(admin.TabularInline):
    model = Correction
    form = NoteForm
    formset = NoteFormSet
    extra = 0
    formfield_overrides = {**TEXT_AS_STORED, **DAYS_WITHOUT_ZONE}
    fields = ["noted_on", "kind", "text", "waiting"]
    readonly_fields = ["waiting"]

    @admin.display(description="Readers see it")
    def waiting(self, note):
        if note.pk is None:
            return ""
        return "When the changes are published" if note.pending else "Yes"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    # A tag a published story shows is renamed by an Editor: its name is on readers' pages and its
    # slug in their addresses. Writers see it read-only, with TAG_LOCKED; a POST anyway gets 403.

    def locked_for(self, request, tag) -> bool:
        if tag is None or tag.pk is None or request.user.has_perm("stories.publish_story"):
            return False
        known = request.__dict__.setdefault("_tags_locked", {})
        if tag.pk not in known:
            known[tag.pk] = tag.stories.filter(status=Status.PUBLISHED).exists()
        return known[tag.pk]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.locked_for(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.locked_for(request, obj):
            context["locked_note"] = TAG_LOCKED
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change and self.locked_for(request, obj):
            raise PermissionDenied(TAG_LOCKED)
        super().save_model(request, obj, form, change)


class StatusFilter(admin.SimpleListFilter):
    """Stories by workflow state, remembered for the editor: back on the list from the home page or the
    sidebar, they find the drafts or the review queue they were looking at. "All" is a choice of its
    own (status=all), so choosing it is remembered too."""

    title = "status"
    parameter_name = "status"
    EVERY = "all"
    SESSION_KEY = "newsroom.story-list-status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset

    def choices(self, changelist):
        yield {
            "selected": self.value() in (None, self.EVERY),
            "query_string": changelist.get_query_string({self.parameter_name: self.EVERY}),
            "display": "All",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    @classmethod
    def remembered(cls, request):
        """Where a plain visit to the list should go: the status chosen last, if any but "all"."""
        if request.method != "GET" or request.GET:
            if request.GET.get(cls.parameter_name) in (*Status.values, cls.EVERY):
                request.session[cls.SESSION_KEY] = request.GET[cls.parameter_name]
            return None
        chosen = request.session.get(cls.SESSION_KEY)
        return chosen if chosen in Status.values else None


class TrashFilter(admin.SimpleListFilter):
    """Deleted drafts wait in the trash, out of every other list, until restored or emptied."""

    title = "trash"
    parameter_name = "trash"
    IN_TRASH = "yes"

    def lookups(self, request, model_admin):
        return [(self.IN_TRASH, f"In the trash (kept {TRASH_DAYS} days)")]

    def queryset(self, request, queryset):
        return queryset.filter(trashed_at__isnull=self.value() != self.IN_TRASH)

    def choices(self, changelist):
        yield {
            "selected": self.value() != self.IN_TRASH,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Not in the trash",
        }
        yield {
            "selected": self.value() == self.IN_TRASH,
            "query_string": changelist.get_query_string({self.parameter_name: self.IN_TRASH}),
            "display": f"In the trash (kept {TRASH_DAYS} days)",
        }


class PendingChangesFilter(admin.SimpleListFilter):
    """Live stories with unpublished changes: the review queue for changes, beside the drafts'."""

    title = "unpublished changes"
    parameter_name = "changes"

    def lookups(self, request, model_admin):
        return [("submitted", "Submitted for review"), ("any", "Any")]

    def queryset(self, request, queryset):
        if self.value() == "submitted":
            return queryset.filter(status=Status.PUBLISHED, pending_changes__submitted_at__isnull=False)
        if self.value() == "any":
            return queryset.filter(status=Status.PUBLISHED, pending_changes__isnull=False)
        return queryset


class YearPublishedFilter(YearFilter):
    title = "year published"
    field = "published_at"

    def year_of(self, value) -> int:
        return timezone.localtime(value).year

    def start_of_year(self, year: int):
        return start_of_day(datetime.date(year, 1, 1))


@admin.register(Story)
class StoryAdmin(StoryHistoryMixin, admin.ModelAdmin):
    form = StoryForm
    list_display = ["lead_photo", "headline", "publication", "label", "last_changed", "writer"]
    list_display_links = ["headline"]
    # What was worked on last comes first: a writer's draft saved a minute ago is at the top.
    ordering = ["-updated_at", "-id"]
    # By year rather than Django's date hierarchy, whose year links take a DISTINCT over every story.
    list_filter = [
        StatusFilter,
        PendingChangesFilter,
        YearPublishedFilter,
        "archive_status",
        "label",
        "created_by",
        "tags",
        TrashFilter,
    ]
    # Words in the headline, summary or byline (trigram indexes); a VIRIN, or its start, finds
    # the stories that place that photo (see get_search_results).
    search_fields = ["headline", "summary", "byline"]
    list_per_page = 50
    # A million stories: no exact count of the whole table on every page load.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_select_related = ["created_by"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags", "related_stories"]
    inlines = [PhotoPlacementInline, CorrectionInline, RelatedHeadlineInline]
    formfield_overrides = TEXT_AS_STORED

    class Media:
        css = {"all": ["css/admin-story.css"]}

    actions = ["publish_selected", "withdraw_selected", "trash_selected", "untrash_selected"]
    readonly_fields = [
        "publication",
        "preview_links",
        "archive_status",
        "collection",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "slug",
                    "label",
                    "summary",
                    "byline",
                    "body",
                    "started_from_version",
                ]
            },
        ),
        (
            "Publication",
            {"fields": ["publication", "preview_links", "published_at", "expires_at", "tags", "related_stories"]},
        ),
        ("Historical collection", {"fields": ["archive_status", "collection"], "classes": ["collapse"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self._may_return(request, obj):
            fieldsets = [*fieldsets, ("Return to draft", {"fields": ["return_reason"]})]
        if obj is not None and obj.status == Status.PUBLISHED and self.has_publish_permission(request):
            # When "Save and schedule changes" publishes the live story's changes.
            fieldsets = [
                (name, {**options, "fields": [*options["fields"], "changes_publish_at"]})
                if name == "Publication"
                else (name, options)
                for name, options in fieldsets
            ]
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Someone who may only read the story (a Writer, once it is live) reads its body as written,
        # not the stored HTML Django would print for a read-only text field.
        return [
            (name, {**options, "fields": ["body_as_written" if f == "body" else f for f in options["fields"]]})
            for name, options in fieldsets
        ]

    @admin.display(description="Body")
    def body_as_written(self, story):
        placements = story.placements.select_related("photo")
        blocks = reader_blocks(story.body, placements, story_links(story))
        return render_to_string("admin/stories/story/body_as_written.html", {"blocks": blocks})

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs.setdefault("widget", AutocompleteChoices(db_field, self.admin_site, using=kwargs.get("using")))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_urls(self):
        chooser = path("chooser/", self.admin_site.admin_view(self.story_chooser), name="stories_story_chooser")
        calendar = path(
            "calendar/",
            self.admin_site.admin_view(partial(calendar_view, self)),
            name="stories_story_calendar",
        )
        checks = path(
            "publish-checks/", self.admin_site.admin_view(self.publish_checks_view), name="stories_story_publish_checks"
        )
        withdraw = path(
            "<path:object_id>/withdraw/", self.admin_site.admin_view(self.withdraw_view), name="stories_story_withdraw"
        )
        retract = path(
            "<path:object_id>/retract/", self.admin_site.admin_view(self.retract_view), name="stories_story_retract"
        )
        revoke = path(
            "<path:object_id>/revoke-previews/",
            self.admin_site.admin_view(self.revoke_previews_view),
            name="stories_story_revoke_previews",
        )
        return [chooser, calendar, checks, withdraw, retract, revoke, *super().get_urls()]

    def publish_checks_view(self, request):
        """The checks before publishing on the story form's current, unsaved values (its summary and
        body, posted by static/js/publish-checks.js as the editor types), as JSON."""
        if request.method != "POST":
            return JsonResponse({"error": "Post the story form's summary and body."}, status=405)
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        result = draft_checks(summary=request.POST.get("summary", ""), body=request.POST.get("body", ""))
        return JsonResponse(result.as_json())

    def story_chooser(self, request):
        """Stories the body can link to, found by words of their headline, drafts too: the link is
        kept by the story's id, so it works once that story is published and after any new slug."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        words = request.GET.get("q", "").split()[:8]
        if not words:
            return JsonResponse({"stories": []})
        stories = Story.objects.only("pk", "headline", "slug", "status", "published_at", "expires_at")
        for word in words:
            stories = stories.filter(headline__icontains=word)
        if request.GET.get("exclude", "").isdigit():  # the story being written
            stories = stories.exclude(pk=request.GET["exclude"])
        found = stories.order_by("-updated_at", "-id")[:CHOSEN_STORIES]
        return JsonResponse(
            {
                "stories": [
                    {
                        "id": story.pk,
                        "headline": story.headline,
                        "status": "Scheduled" if story.is_scheduled else story.get_status_display(),
                        "address": story.get_absolute_url(),
                    }
                    for story in found
                ]
            }
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The body editor's import map is an inline <script>: this page's policy admits it by its nonce.
        policy = {**settings.SECURE_CSP, "script-src": [*settings.SECURE_CSP["script-src"], CSP.NONCE]}
        return csp_override(policy)(super().changeform_view)(request, object_id, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        prefix = virin_prefix(search_term)
        if prefix:
            placing = PhotoPlacement.objects.filter(photo__virin__startswith=prefix).values("story")
            return queryset.filter(pk__in=placing), False
        return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request):
        # One query for every row's lead photo, however many rows the page shows.
        placements = PhotoPlacement.objects.select_related("photo")
        return (
            super()
            .get_queryset(request)
            .select_related("pending_changes")
            .prefetch_related(Prefetch("placements", queryset=placements))
        )

    # Who may do what: Writers draft and submit; publishing and anything already public is the Editors'.

    def has_publish_permission(self, request):
        return request.user.has_perm("stories.publish_story")

    def has_archive_permission(self, request):
        return request.user.has_perm("stories.archive_story")

    def has_delete_permission(self, request, obj=None):
        # A story readers may have seen is withdrawn, never deleted: no Delete button, and 403.
        if obj is not None and has_been_public(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # deleting is moving to the trash, one rule for all
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        """Delete, as editors see it: the draft goes to the trash, restorable for TRASH_DAYS days."""
        story = self.get_object(request, object_id)
        if story is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_delete_permission(request, story):
            raise PermissionDenied
        if request.method == "POST":
            try:
                story_trash(story=story, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(reverse("admin:stories_story_change", args=[story.pk]))
            self.log_change(request, story, f"{Action.TRASHED.label}.")
            self.message_user(
                request,
                f"“{story}” is in the trash. An editor can restore it for {TRASH_DAYS} days; then it is deleted for good.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:stories_story_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Move the story to the trash?",
            "story": story,
            "opts": self.opts,
            "trash_days": TRASH_DAYS,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/stories/story/trash_confirmation.html", context)

    def _step_each(self, request, queryset, step, action: Action) -> int:
        """A list action's step on each selected story: each refusal said, the History noted; how many moved."""
        moved = 0
        for story in queryset:
            try:
                step(story=story, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                self.log_change(request, story, f"{action.label}{LIST_ACTION}")
                moved += 1
        return moved

    @admin.action(description="Move selected drafts to the trash", permissions=["delete"])
    def trash_selected(self, request, queryset):
        if trashed := self._step_each(request, queryset, story_trash, Action.TRASHED):
            self.message_user(
                request,
                f"{counted(trashed)} moved to the trash; an editor can restore them for {TRASH_DAYS} days.",
                messages.SUCCESS,
            )

    @admin.action(description="Restore selected stories from the trash", permissions=["delete"])
    def untrash_selected(self, request, queryset):
        if restored := self._step_each(request, queryset, story_untrash, Action.UNTRASHED):
            self.message_user(request, f"{counted(restored)} taken out of the trash.", messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        status = StatusFilter.remembered(request)
        if status:
            return HttpResponseRedirect(f"{request.path}?{StatusFilter.parameter_name}={status}")
        # Django hides actions a user may not run; a crafted request for one is refused outright.
        requested = request.POST.get("action") if request.method == "POST" else None
        every_action = {action if isinstance(action, str) else action.__name__ for action in self.actions}
        if requested in every_action and requested not in self.get_actions(request):
            raise PermissionDenied(f"You may not run “{requested}”.")
        return super().changelist_view(request, extra_context)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == Status.WITHDRAWN and not self.has_publish_permission(request):
            return False  # a writer sees a withdrawn story but cannot change it
        if obj is not None and obj.status == Status.RETRACTED:
            return False  # a retraction is final: the story stays as readers last saw it, for the record
        # A writer may prepare changes to a live story: they are kept unpublished (save_live_story).
        return super().has_change_permission(request, obj)

    def _may_return(self, request, story):
        return self.has_publish_permission(request) and story.status in (
            Status.IN_REVIEW,
            Status.PUBLISHED,
            Status.WITHDRAWN,
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        status = obj.status if obj else Status.DRAFT
        can_publish = self.has_publish_permission(request)
        # Live: readers see it now, so edits wait as unpublished changes (save_live_story).
        live = status == Status.PUBLISHED and not obj.is_scheduled
        # Scheduling is a button of its own, naming the moment (with its zone) once the story has one ahead.
        ahead = obj is not None and obj.published_at and obj.published_at > timezone.now()
        schedule = f"Save and schedule for {ap_datetime(obj.published_at)}" if ahead else "Save and schedule"
        # A published story is withdrawn from a confirmation page that asks why.
        context["withdraw_url"] = (
            reverse("admin:stories_story_withdraw", args=[obj.pk])
            if obj is not None and can_publish and status == Status.PUBLISHED
            else ""
        )
        # A story readers have seen is retracted from a confirmation page that asks for the public reason.
        context["retract_url"] = (
            reverse("admin:stories_story_retract", args=[obj.pk])
            if obj is not None
            and can_publish
            and status in (Status.PUBLISHED, Status.WITHDRAWN)
            and has_been_public(obj)
            else ""
        )
        pending = getattr(obj, "pending", None)
        context["site_time_zone"] = settings.TIME_ZONE  # for the Schedule button's label as times are typed
        context["workflow_buttons"] = [
            (name, label)
            for name, label, shown in (
                ("_submit", "Save and submit for review", status == Status.DRAFT),
                ("_submit_changes", "Save and submit changes for review", live),
                ("_publish_changes", "Save and publish changes", can_publish and live),
                ("_schedule_changes", "Save and schedule changes", can_publish and live),
                ("_discard_changes", "Discard unpublished changes", can_publish and pending is not None),
                ("_publish", "Save and publish now", can_publish and not live),
                ("_schedule", schedule, can_publish and not live),
                (
                    "_return",
                    "Save and return to draft",
                    can_publish and status in (Status.IN_REVIEW, Status.PUBLISHED, Status.WITHDRAWN),
                ),
            )
            if shown
        ]
        if context.get("has_change_permission", True) and (obj is None or self.has_change_permission(request, obj)):
            context["publish_checks"] = {
                "result": story_checks(obj) if obj is not None else None,
                "url": reverse("admin:stories_story_publish_checks"),
                "can_publish": can_publish,
            }
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def view_on_site(self, story):
        """Readers' page of a public story; for any other, the staff preview (readers would get a 404)."""
        return on_site(story.get_absolute_url()) if story.is_public() else preview.staff_preview_url(story)

    @admin.display(description="Photo")
    def lead_photo(self, story):
        placements = list(story.placements.all())
        return thumbnail(placements[0].photo if placements else None, width=64)

    @admin.display(description="Status", ordering="published_at")
    def publication(self, story):
        pending = getattr(story, "pending_changes", None)
        if story.status != Status.PUBLISHED or pending is None:
            return self._publication(story)
        if pending.publish_at:
            return format_html(
                "{}<br><em>Changes scheduled for {}</em>", self._publication(story), ap_datetime(pending.publish_at)
            )
        if pending.submitted_at:
            return format_html("{}<br><em>Changes submitted for review</em>", self._publication(story))
        return self._publication(story)

    def _publication(self, story):
        now = timezone.now()
        if story.status == Status.PUBLISHED and story.published_at > now:
            return format_html("<strong>Scheduled</strong> for {}", ap_datetime(story.published_at))
        if story.status == Status.PUBLISHED and story.expires_at and story.expires_at <= now:
            return format_html("<strong>Expired</strong> {}", ap_datetime(story.expires_at))
        if story.status == Status.PUBLISHED and getattr(story, "pending_changes", None) is not None:
            state = format_html("Live, with unpublished changes<br>{}", ap_datetime(story.published_at))
        elif story.published_at and story.status in (Status.PUBLISHED, Status.WITHDRAWN):
            state = format_html("{}<br>{}", story.get_status_display(), ap_datetime(story.published_at))
        else:
            state = story.get_status_display()
        if story.archive_status != ArchiveStatus.CURRENT:
            return format_html("{}<br><em>{}</em>", state, story.get_archive_status_display())
        return state

    @admin.display(description="Writer", ordering="created_by")
    def writer(self, story):
        return story.created_by or "—"

    @admin.display(description="Last changed", ordering="updated_at")
    def last_changed(self, story):
        return ap_datetime(story.updated_at)

    @admin.display(description="Preview")
    def preview_links(self, story):
        if not story.pk:
            return "Save the story to preview it."
        expires = ap_datetime(timezone.now() + preview.LINK_LIFETIME)
        links = format_html(
            '<a href="{}">Preview as readers will see it</a><br>'
            '<a href="{}">Reviewer link</a>: copy it for someone without an account; it works until {}, '
            "or until the story changes, is withdrawn or returned to draft.<br>"
            '<a href="{}" class="button">Revoke preview links</a> Every reviewer link made until now stops working.',
            preview.staff_preview_url(story),
            preview.reviewer_link(story),
            expires,
            reverse("admin:stories_story_revoke_previews", args=[story.pk]),
        )
        if getattr(story, "pending", None) is None:
            return links
        return format_html("{}<br>{}", self.pending_links(story, expires), links)

    def revoke_previews_view(self, request, object_id):
        """*Revoke preview links*: a confirmation page, then every reviewer link made so far stops
        working (services.story_revoke_preview_links, in the security log and the History)."""
        story = self.get_object(request, object_id)
        if story is None:
            raise Http404(f"No story with ID “{object_id}”.")
        if not self.has_change_permission(request):
            raise PermissionDenied("You may not change stories, so you may not revoke their preview links.")
        change_url = reverse("admin:stories_story_change", args=[story.pk])
        if request.method == "POST":
            story_revoke_preview_links(story=story, user=request.user)
            self.log_change(request, story, "Preview links revoked.")
            self.message_user(
                request,
                f"The reviewer links to “{story}” made until now no longer work. The link on the form is a new one.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Revoke the preview links to this story?",
            "story": story,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/stories/story/revoke_previews_confirmation.html", context)

    def pending_links(self, story, expires):
        """What an editor needs of a live story's unpublished changes: see them, share them, compare them."""
        live = live_revisions(story).values_list("number", flat=True).first()
        pending = (
            story.revisions.filter(action__in=PENDING_ACTIONS).order_by("-number").values_list("number", flat=True)
        )
        compare = reverse("admin:stories_story_revisions_compare", args=[story.pk])
        return format_html(
            "<strong>This form shows unpublished changes</strong>; readers see the live version until an editor "
            "publishes them.<br>"
            '<a href="{}">Preview the changes</a><br>'
            '<a href="{}">Reviewer link to the changes</a>: it works until {}, or until the changes change.<br>'
            '<a href="{}?from={}&amp;to={}">Compare the live version with the changes</a>',
            preview.changes_preview_url(story),
            preview.changes_reviewer_link(story),
            expires,
            compare,
            live,
            pending.first(),
        )

    def get_object(self, request, object_id, from_field=None):
        """On the change form a live story with unpublished changes shows the changes."""
        story = super().get_object(request, object_id, from_field)
        pending = getattr(story, "pending_changes", None) if story is not None else None
        match = request.resolver_match
        if pending is None or story.status != Status.PUBLISHED or not match or match.url_name != "stories_story_change":
            return story
        shown = pending_story(story, pending.snapshot)
        shown.pending = pending
        return shown

    def save_live_story(self, request, form, formsets):
        """An edit of a published story: its unpublished changes, then the button's step with them.
        Correction and update notes added with them wait too, and go out with them."""
        story = form.instance
        notes = [formset for formset in formsets if formset.has_changed()]
        expected = form.started_from()
        request.saved_formsets = notes  # the History page names only what was saved
        for formset in notes:
            formset.notes_wait = True  # kept with the changes (story_save_changes)
        button = next((name for name in LIVE_STORY_BUTTONS if name in request.POST), None)
        pending = story_save_changes(
            story=story,
            # What differs from what the form opened on: the unpublished changes, or the live version.
            changes={
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in EDITED_FIELDS or name in ("tags", "related_stories")
            },
            user=request.user,
            expected_version=expected,
            submit=button == "_submit_changes",
            write_notes=(lambda _story: [formset.save() for formset in notes]) if notes else None,
        )
        if button is None or button == "_submit_changes":
            request.changes_kept = True
            if pending is not None:
                request.workflow_step = "Changes submitted for review" if button else "Changes saved, not published"
                self.message_user(
                    request,
                    f"Your changes to “{story}” are saved{' and submitted for review' if button else ''}. "
                    "Readers see the live version until an editor publishes them.",
                    messages.SUCCESS,
                )
            return
        if button == "_discard_changes" and pending is None:
            request.workflow_refused = True
            self.message_user(request, "There are no unpublished changes to discard.", messages.WARNING)
            return
        if not self.has_publish_permission(request):
            raise PermissionDenied("Only editors can publish, schedule or discard changes to a live story.")
        past_warnings = request.POST.get("_publish_reason", "")  # an Editor's reason, as for "Publish now"
        try:
            if button == "_publish_changes":
                if pending is not None:
                    story_publish_changes(story=story, user=request.user, past_warnings=past_warnings)
                done = "published: readers see it as it now stands"
            elif button == "_schedule_changes":
                at = form.cleaned_data.get("changes_publish_at")
                pending = story_schedule_changes(story=story, user=request.user, at=at, past_warnings=past_warnings)
                done = f"changes are scheduled for {ap_datetime(pending.publish_at)}"
            else:
                story_discard_changes(story=story, user=request.user)
                done = "unpublished changes are discarded; the live version stays"
        except PublishRefused as refused:
            request.workflow_refused = True
            words = self._publish_refused_words(
                refused, saved="Your changes are saved", button="Save and publish changes"
            )
            self.message_user(request, words, messages.ERROR)
            return
        except ValidationError as error:
            request.workflow_refused = True
            self.message_user(
                request,
                format_html(
                    "Your changes are saved, but not {}. Fix these first:<ul>{}</ul>",
                    "scheduled" if button == "_schedule_changes" else "published",
                    format_html_join("", "<li>{}</li>", ((m,) for m in error.messages)),
                ),
                messages.ERROR,
            )
            return
        request.workflow_step = dict(LIVE_STORY_BUTTONS)[button]
        self.message_user(request, f"“{story}”: {done}.", messages.SUCCESS)

    def message_user(self, request, message, *args, **kwargs):
        # Django's "… was changed successfully" would say the story changed; the changes wait, and
        # save_live_story has said so.
        if getattr(request, "changes_kept", False) and "was changed successfully" in str(message):
            return
        super().message_user(request, message, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        """Nothing yet: save_related saves the story together with its placed photos and notes."""

    def save_related(self, request, form, formsets, change):
        """The story, its tags, related stories and notes, as one change through the story services
        (one version, one revision; the photos follow the body), then the workflow button's step."""
        story = form.instance
        transition = next((name for name in WORKFLOW_BUTTONS if name in request.POST), None)
        expected = form.started_from() if change else None
        # As stored, not as the form has it: a story is live when readers can see it now.
        live = change and Story.objects.filter(pk=story.pk, status=Status.PUBLISHED, published_at__lte=timezone.now())
        if live and live.exists():
            if transition != "_return" or not self.has_publish_permission(request):
                return self.save_live_story(request, form, formsets)
            # Back to draft first: the story is no longer live, so the edit is the draft itself.
            story_return_to_draft(story=story, user=request.user, reason=form.cleaned_data.get("return_reason", ""))
            request.workflow_step = self._step_words(story, form.cleaned_data.get("return_reason", ""))
            self.message_user(request, f"“{story}” is {self._state_words(story)}.", messages.SUCCESS)
            transition, expected = None, story.version
        save_parts = partial(super().save_related, request, form, formsets, change)  # Django's formsets
        if change:
            # After a return to draft, every field: the form opened on the changes now in the draft.
            edited = form.cleaned_data if expected != form.started_from() else form.changed_data
            story_update(
                story=story,
                changes={name: form.cleaned_data[name] for name in edited if name in EDITED_FIELDS},
                user=request.user,
                expected_version=expected,
                write_parts=lambda _story: save_parts(),
            )
        else:
            story_create(story=story, user=request.user, write_parts=lambda _story: save_parts())
        if transition is None:
            return
        step = WORKFLOW_BUTTONS[transition]
        if transition in ("_publish", "_schedule"):  # an Editor's reason for publishing past the checks' warnings
            step = partial(step, past_warnings=request.POST.get("_publish_reason", ""))
        reason = form.cleaned_data.get("return_reason", "") if transition == "_return" else ""
        if reason:
            step = partial(step, reason=reason)
        try:
            step(story=story, user=request.user)
        except PublishRefused as refused:
            request.workflow_refused = True
            self.message_user(request, self._publish_refused_words(refused), messages.ERROR)
        except ValidationError as error:
            request.workflow_refused = True
            self.message_user(
                request,
                format_html(
                    "Saved, but not {}. Fix these first:<ul>{}</ul>",
                    {"_publish": "published", "_schedule": "scheduled"}.get(transition, "moved on"),
                    format_html_join("", "<li>{}</li>", ((m,) for m in error.messages)),
                ),
                messages.ERROR,
            )
        else:
            request.workflow_step = self._step_words(story, reason)
            self.message_user(request, f"“{story}” is {self._state_words(story)}.", messages.SUCCESS)

    @staticmethod
    def _publish_refused_words(refused, *, saved="Saved", button="Save and publish now"):
        """Why "Save and publish" did not publish: what must be fixed, and the warnings an Editor may
        publish past with a reason (the "Publish anyway, because…" field under the checks)."""
        items = lambda messages_: format_html_join("", "<li>{}</li>", ((m,) for m in messages_))  # noqa: E731
        fix = format_html("Fix these first:<ul>{}</ul>", items(refused.problems)) if refused.problems else ""
        warn = (
            format_html(
                "Warnings{}:<ul>{}</ul>",
                ""
                if refused.problems
                else f" (to publish anyway, say why under “Checks before publishing” and press “{button}” again)",
                items(refused.warnings),
            )
            if refused.warnings
            else ""
        )
        return format_html("{}, but not published. {}{}", saved, fix, warn)

    def construct_change_message(self, request, form, formsets, add=False):
        """The History page says which workflow step a save took, not only which fields changed."""
        formsets = getattr(request, "saved_formsets", formsets)
        message = super().construct_change_message(request, form, formsets, add)
        step = getattr(request, "workflow_step", "")
        if not step:
            return message
        fields = LogEntry(change_message=json.dumps(message)).get_change_message() if message else ""
        return f"{_sentence(step)} {fields}".strip()

    @staticmethod
    def _step_words(story, reason=""):
        """A workflow step as the History page records it: "Scheduled for Dec. 6, 2026, 6 p.m. EST",
        "Returned to draft: Needs a second source"."""
        if story.is_scheduled:
            return f"Scheduled for {ap_datetime(story.published_at)}"
        words = {
            Status.IN_REVIEW: Action.SUBMITTED.label,
            Status.DRAFT: Action.RETURNED.label,
            Status.WITHDRAWN: Action.WITHDRAWN.label,
        }.get(story.status, Action.PUBLISHED.label)
        return f"{words}: {reason}" if reason else words

    @staticmethod
    def _state_words(story):
        if story.is_scheduled:
            return f"scheduled for {ap_datetime(story.published_at)}"
        return {Status.IN_REVIEW: "submitted for review", Status.DRAFT: "back in draft"}.get(story.status, "published")

    def _stay_if_refused(self, request, obj, response):
        if getattr(request, "workflow_refused", False):
            return HttpResponseRedirect(reverse("admin:stories_story_change", args=[obj.pk]))
        return response

    def response_add(self, request, obj, post_url_continue=None):
        return self._stay_if_refused(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._stay_if_refused(request, obj, super().response_change(request, obj))

    @admin.action(description="Publish selected stories", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published = 0
        for story in queryset:
            try:
                story_publish(story=story, user=request.user)
                self.log_change(request, story, f"{self._step_words(story)}{LIST_ACTION}")
                published += 1
            except ValidationError as error:
                self.message_user(request, f"“{story}” not published: {'; '.join(error.messages)}.", messages.ERROR)
        if published:
            self.message_user(request, f"{counted(published)} published.", messages.SUCCESS)

    @admin.action(description="Withdraw selected stories from public view", permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        """First a confirmation page that asks why (as Django's delete asks "Are you sure?"), then the withdrawal."""
        reason, error = self._withdraw_reason(request)
        if reason is None:
            return self._withdraw_confirmation(request, list(queryset), error, from_list=True)
        withdrawn = 0
        for story in queryset:
            try:
                story_withdraw(story=story, user=request.user, reason=reason)
                self.log_change(request, story, _sentence(f"{Action.WITHDRAWN.label} (list action): {reason}"))
                withdrawn += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
        if withdrawn:
            self.message_user(request, f"{counted(withdrawn)} withdrawn.", messages.SUCCESS)
        return None

    def withdraw_view(self, request, object_id):
        """The story form's *Withdraw* button: the same confirmation page, for one story."""
        story = self.get_object(request, object_id)
        if story is None:
            raise Http404(f"No story with ID “{object_id}”.")
        if not self.has_publish_permission(request):
            raise PermissionDenied("Only editors can withdraw stories.")
        change_url = reverse("admin:stories_story_change", args=[story.pk])
        if story.status != Status.PUBLISHED:
            self.message_user(request, f"“{story}” is not published, so there is nothing to withdraw.", messages.INFO)
            return HttpResponseRedirect(change_url)
        reason, error = self._withdraw_reason(request)
        if reason is None:
            return self._withdraw_confirmation(request, [story], error, from_list=False)
        try:
            story_withdraw(story=story, user=request.user, reason=reason)
        except ValidationError as refused:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
        else:
            self.log_change(request, story, _sentence(f"{Action.WITHDRAWN.label}: {reason}"))
            self.message_user(request, f"“{story}” is withdrawn: readers no longer see it.", messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def retract_view(self, request, object_id):
        """The story form's *Retract* button: a confirmation page that asks for the reason readers will read."""
        story = self.get_object(request, object_id)
        if story is None:
            raise Http404(f"No story with ID “{object_id}”.")
        if not self.has_publish_permission(request):
            raise PermissionDenied("Only editors can retract stories.")
        change_url = reverse("admin:stories_story_change", args=[story.pk])
        if story.status not in (Status.PUBLISHED, Status.WITHDRAWN) or not has_been_public(story):
            self.message_user(request, f"“{story}” was never public, so there is nothing to retract.", messages.INFO)
            return HttpResponseRedirect(change_url)
        reason = " ".join(request.POST.get("reason", "").split())
        error = ""
        if request.method == "POST" and request.POST.get("post") == "yes":
            try:
                story_retract(story=story, user=request.user, reason=reason)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                self.log_change(request, story, _sentence(f"{Action.RETRACTED.label}: {reason}"))
                self.message_user(
                    request, f"“{story}” is retracted: its address now shows the retraction notice.", messages.SUCCESS
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Retract this story?",
            "story": story,
            "error": error,
            "reason": reason,
            "back_url": change_url,
        }
        return TemplateResponse(request, "admin/stories/story/retract_confirmation.html", context)

    @staticmethod
    def _withdraw_reason(request):
        """(reason, None) once the confirmation page is posted with one; (None, what to fix) before."""
        if request.method != "POST" or request.POST.get("post") != "yes":
            return None, ""
        reason = request.POST.get("reason", "").strip()
        return (reason, None) if reason else (None, REASON_REQUIRED[Action.WITHDRAWN])

    def _withdraw_confirmation(self, request, stories, error, *, from_list):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Withdraw stories from public view?" if len(stories) > 1 else "Withdraw this story?",
            "stories": stories,
            "published": [story for story in stories if story.status == Status.PUBLISHED],
            "from_list": from_list,
            "error": error,
            "reason": request.POST.get("reason", ""),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "back_url": reverse("admin:stories_story_changelist")
            if from_list
            else reverse("admin:stories_story_change", args=[stories[0].pk]),
        }
        return TemplateResponse(request, "admin/stories/story/withdraw_confirmation.html", context)


def _sentence(words: str) -> str:
    """Words ending as a sentence does, with one full stop (a reason may bring its own)."""
    return words if words.endswith((".", "!", "?")) else f"{words}."


# What a Writer reads on a photo or tag they may not change, and why (least privilege: what readers
# see of a published story changes through an Editor).
PHOTO_LOCKED = "This photo is in a published story: an Editor can change it."
TAG_LOCKED = "This tag is on a published story: an Editor can rename it."


def may_change_what_is_published(request) -> bool:
    return request.user.has_perm("stories.publish_story")


class PhotoLibraryAdmin(PhotoAssetAdmin):
    """The photo library with what stories add to it: how many stories use each photo, linked to
    them; which photos readers may see (the embargo, stories/embargo.py) and an Editor's release;
    and who may change a photo that a published story shows. Stories stand on photos, so the photo
    admin is registered again here, not the reverse."""

    list_display = [*PhotoAssetAdmin.list_display, "used_in", "readers"]
    readonly_fields = [*PhotoAssetAdmin.readonly_fields, "public_use"]
    actions = [*PhotoAssetAdmin.actions, "release_selected", "embargo_selected"]

    def get_queryset(self, request):
        # Counted per listed photo; grouping the whole library by photo would read every row.
        uses = PhotoPlacement.objects.filter(photo=OuterRef("pk")).order_by().values("photo").annotate(n=Count("pk"))
        return super().get_queryset(request).annotate(story_count=Coalesce(Subquery(uses.values("n")), 0))

    @admin.display(description="Used in", ordering="story_count")
    def used_in(self, photo):
        if not photo.story_count:
            return "—"
        url = reverse("admin:stories_story_changelist") + f"?q={photo.virin}"
        return format_html('<a href="{}">{}</a>', url, counted(photo.story_count))

    @admin.display(description="Readers")
    def readers(self, photo):
        if photo.copies_public:
            return "Released" if photo.released_at else "Public"
        return "Embargoed" if photo.has_image else "—"

    # Least privilege: a photo a published story shows (its caption, credit, alt text, title,
    # keywords and picture are on readers' pages) is changed by an Editor, never straight from a
    # Writer's hand. Writers see it read-only, with PHOTO_LOCKED; a POST anyway gets 403.

    def locked_for(self, request, photo) -> bool:
        """Whether this photo is read-only for the user: a Writer, and a published story uses it."""
        if photo is None or photo.pk is None or may_change_what_is_published(request):
            return False
        known = request.__dict__.setdefault("_photos_locked", {})
        if photo.pk not in known:
            known[photo.pk] = in_story_on_the_record(photo)
        return known[photo.pk]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.locked_for(request, obj)

    def has_release_permission(self, request):
        return may_release(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        name, options = fieldsets[0]
        return [(name, {**options, "fields": [*options["fields"], "public_use"]}), *fieldsets[1:]]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.locked_for(request, obj):
            context["locked_note"] = PHOTO_LOCKED
        if obj is not None and self.has_release_permission(request) and obj.has_image:
            context["release_url"] = reverse("admin:photos_photoasset_release", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        # The admin refuses the POST already (has_change_permission); this holds for any other way in.
        if change and self.locked_for(request, obj):
            raise PermissionDenied(PHOTO_LOCKED)
        super().save_model(request, obj, form, change)

    @admin.action(description="Edit credit and keywords of selected photos", permissions=["change"])
    def edit_credit_and_keywords(self, request, queryset):
        if not may_change_what_is_published(request):
            locked = list(
                queryset.filter(placements__story__status=Status.PUBLISHED).distinct().values_list("virin", flat=True)
            )
            if locked:
                self.message_user(
                    request,
                    f"Left as they are: {', '.join(sorted(locked))}. "
                    f"{'These photos are' if len(locked) > 1 else 'This photo is'} in a published story: "
                    "an Editor can change them.",
                    messages.WARNING,
                )
                queryset = queryset.exclude(virin__in=locked)
                if not queryset.exists():
                    return None
        return super().edit_credit_and_keywords(request, queryset)

    @admin.display(description="Readers")
    def public_use(self, photo):
        if photo.released_at:
            by = photo.released_by or "an editor"
            return f"Released for public use by {by} on {ap_datetime(photo.released_at)}: its copies are public."
        if photo.copies_public:
            return "Public: a published story uses it, so its copies are public."
        if not photo.has_image:
            if photo.copies == Copies.MAKING:
                return (
                    "Nothing yet: its copies are being made. Readers see them once a published story uses "
                    "the photo, or an Editor releases it."
                )
            if photo.copies == Copies.FAILED:
                return "Nothing: its copies could not be made, so no story using it can be published."
            return "No image file, so nothing to show."
        return (
            "Embargoed: no published story uses it, so readers cannot reach its copies or its page; you see it "
            "because you are signed in, and so does a reviewer through a story's preview link. It becomes public "
            "when a story using it is published, or when an Editor releases it."
        )

    def get_urls(self):
        release = path(
            "<path:object_id>/release/", self.admin_site.admin_view(self.release_view), name="photos_photoasset_release"
        )
        return [release, *super().get_urls()]

    def release_view(self, request, object_id):
        """The photo form's *Release for public use* (or *Withdraw the release*): a confirmation page
        that says what it does, then the step (stories/embargo.py, logged)."""
        photo = self.get_object(request, object_id)
        if photo is None:
            raise Http404(f"No photo with ID “{object_id}”.")
        if not self.has_release_permission(request):
            raise PermissionDenied("Only editors can release photos for public use.")
        change_url = reverse("admin:photos_photoasset_change", args=[photo.pk])
        release = photo.released_at is None
        if request.method == "POST":
            photo_release(photo=photo, user=request.user, release=release)
            self.log_change(request, photo, "Released for public use." if release else "Release withdrawn.")
            self.message_user(
                request,
                f"“{photo}” is released for public use: its copies are public."
                if release
                else f"“{photo}” is no longer released"
                + (
                    ": its copies are embargoed again."
                    if not photo.copies_public
                    else ", but a published story uses it."
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Release this photo for public use?" if release else "Withdraw this photo's release?",
            "photo": photo,
            "release": release,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/photos/photoasset/release_confirmation.html", context)

    @admin.action(description="Release selected photos for public use", permissions=["release"])
    def release_selected(self, request, queryset):
        released = sum(photo_release(photo=photo, user=request.user) for photo in queryset)
        self.message_user(request, f"{counted(released, 'photo', 'photos')} released for public use.", messages.SUCCESS)

    @admin.action(description="Withdraw the release of selected photos", permissions=["release"])
    def embargo_selected(self, request, queryset):
        withdrawn = sum(photo_release(photo=photo, user=request.user, release=False) for photo in queryset)
        self.message_user(
            request,
            f"{counted(withdrawn, 'photo', 'photos')} no longer released; those no published story uses are embargoed again.",
            messages.SUCCESS,
        )


admin.site.unregister(PhotoAsset)
admin.site.register(PhotoAsset, PhotoLibraryAdmin)
