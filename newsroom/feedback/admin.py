"""The statement, readers' messages and the yes/no counts in the admin.

Site administrators keep the statement; Editors read it, and read and handle messages (marking
them handled, with what was done). Writers see none of this: a message may carry a reader's email
address, which only the people who answer need (newsroom/accounts/roles.py).
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from newsroom.core.admin_lists import DateHierarchyAdmin
from newsroom.core.admin_widgets import DAYS_WITHOUT_ZONE
from newsroom.core.apstyle import ap_datetime
from newsroom.feedback.models import (
    STATEMENT_ID,
    AccessibilityStatement,
    FeedbackMessage,
    KnownLimitation,
    Status,
    StoryHelpfulness,
)
from newsroom.feedback.services import message_set_status, messages_mark_handled, statement_save


class KnownLimitationInline(admin.StackedInline):
    model = KnownLimitation
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}
    fields = ["description", "workaround", "order"]
    verbose_name_plural = "known limitations (readers see them in this order)"


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(admin.ModelAdmin):
    """One statement: its list opens the statement itself (or the form to write it, the first time)."""

    inlines = [KnownLimitationInline]
    formfield_overrides = {
        **DAYS_WITHOUT_ZONE,  # the date reviewed is a day: the browser's date picker, no time-zone note
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 80})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 60})},
        models.EmailField: {"widget": forms.EmailInput(attrs={"size": 60})},
    }
    fieldsets = [
        (None, {"fields": ["standard", "conformance", "commitment"]}),
        ("Section 508 contact", {"fields": ["contact_name", "contact_email", "contact_phone", "reply_days"]}),
        ("Review", {"fields": ["reviewed_on", "updated_at", "updated_by"]}),
    ]
    readonly_fields = ["updated_at", "updated_by"]

    def get_changeform_initial_data(self, request):
        starter = AccessibilityStatement.starter()
        return {
            "contact_name": starter.contact_name,
            "contact_email": starter.contact_email,
            "reply_days": starter.reply_days,
            **super().get_changeform_initial_data(request),
        }

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)  # refused as Django refuses
        if AccessibilityStatement.objects.filter(pk=STATEMENT_ID).exists():
            return HttpResponseRedirect(reverse("admin:feedback_accessibilitystatement_change", args=[STATEMENT_ID]))
        if self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:feedback_accessibilitystatement_add"))
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not AccessibilityStatement.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False  # M-24-08 asks for a statement always; change it instead

    def save_model(self, request, obj, form, change):
        statement_save(statement=obj, user=request.user)

    def view_on_site(self, obj):
        return reverse("feedback:statement")


@admin.register(FeedbackMessage)
class FeedbackMessageAdmin(DateHierarchyAdmin, admin.ModelAdmin):
    list_display = ["message", "page", "reply", "received", "status"]
    list_filter = ["status"]
    search_fields = ["problem", "page"]
    date_hierarchy = "received_at"
    list_per_page = 50
    actions = ["mark_handled"]
    fields = ["received", "page", "problem", "reply_to", "status", "handling_note", "handled"]
    readonly_fields = ["received", "page", "problem", "reply_to", "handled"]

    def has_add_permission(self, request):
        return False  # messages come from readers only

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("handled_by")

    @admin.display(description="what went wrong", ordering="problem")
    def message(self, message):
        return str(message)

    @admin.display(description="reply wanted")
    def reply(self, message):
        return "Yes" if message.reply_to else "No"

    @admin.display(description="received", ordering="received_at")
    def received(self, message):
        return ap_datetime(message.received_at)

    @admin.display(description="handled")
    def handled(self, message):
        if message.status != Status.HANDLED or message.handled_at is None:
            return "Not yet"
        by = message.handled_by.get_full_name() or message.handled_by.username if message.handled_by else ""
        return f"{ap_datetime(message.handled_at)}{f' by {by}' if by else ''}"

    def save_model(self, request, obj, form, change):
        previous = FeedbackMessage.objects.get(pk=obj.pk)
        status = obj.status
        obj.status = previous.status  # the service decides who handled it, and when
        message_set_status(message=obj, status=Status(status), user=request.user, note=obj.handling_note)

    @admin.action(description="Mark selected messages as handled", permissions=["change"])
    def mark_handled(self, request, queryset):
        done = messages_mark_handled(messages=queryset, user=request.user)
        self.message_user(
            request,
            f"{done} {'message' if done == 1 else 'messages'} marked as handled."
            if done
            else "Those were handled already.",
            messages.SUCCESS if done else messages.INFO,
        )


@admin.register(StoryHelpfulness)
class StoryHelpfulnessAdmin(admin.ModelAdmin):
    """Counts only, written by readers' answers: nobody edits them."""

    list_display = ["story_link", "yes_count", "no_count", "last_answer"]
    search_fields = ["story__headline"]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("story")
            .only("yes_count", "no_count", "last_answer_at", "story__headline")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="story", ordering="story__headline")
    def story_link(self, answers):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:stories_story_change", args=[answers.story_id]),
            answers.story.headline,
        )

    @admin.display(description="last answer", ordering="last_answer_at")
    def last_answer(self, answers):
        return ap_datetime(answers.last_answer_at)
