"""The inbox (Notifications, each person's own) and each person's notification settings, in the admin."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from newsroom.core.apstyle import ap_datetime
from newsroom.desk.mail import what_happened
from newsroom.desk.models import Kind, Notification, TurnedOff
from newsroom.desk.services import MAX_ATTEMPTS, mark_read, set_turned_off


class SettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Tell me when",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each kind you leave ticked comes to your inbox on the admin home page and by e-mail "
        "(to the address on your account). Untick a kind to hear nothing of it.",
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Everyone on staff has an inbox: their own notifications, read-only."""

    list_display = ["what", "when", "reason", "email"]
    list_filter = ["kind"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user).select_related("actor")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or obj.recipient_id == request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="What happened")
    def what(self, notification):
        url = reverse("admin:stories_story_change", args=[notification.story_id])
        return format_html('<a href="{}">{}</a>', url, what_happened(notification))

    @admin.display(description="When", ordering="created_at")
    def when(self, notification):
        return ap_datetime(notification.created_at)

    @admin.display(description="E-mail")
    def email(self, notification):
        if not notification.email_to:
            return "None: your account has no e-mail address"
        if notification.sent_at:
            return f"Sent {ap_datetime(notification.sent_at)}"
        if notification.attempts >= MAX_ATTEMPTS:  # failed every time, or brought by a site bundle unsent
            return "Not sent: it is in this inbox only"
        if not notification.attempts:
            return "Queued: the task worker sends it"
        return "Not sent yet: the mail server did not take it; it will be tried again"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("settings/", wrap(self.settings_view), name="desk_notification_preferences"),
            path("read/", wrap(self.read_view), name="desk_notification_read"),
            *super().get_urls(),
        ]

    def settings_view(self, request):
        if not self.has_module_permission(request):
            raise PermissionDenied
        turned_off = set(TurnedOff.objects.filter(user=request.user).values_list("kind", flat=True))
        if request.method == "POST":
            form = SettingsForm(request.POST)
            if form.is_valid():
                wanted = set(form.cleaned_data["kinds"])
                set_turned_off(request.user, set(Kind.values) - wanted)
                self.message_user(request, "Your notification settings are saved.", messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        else:
            form = SettingsForm(initial={"kinds": [kind for kind in Kind.values if kind not in turned_off]})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Your notification settings",
            "form": form,
            "email": request.user.email,
        }
        return TemplateResponse(request, "admin/desk/notification/settings.html", context)

    def read_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        mark_read(request.user)
        return HttpResponseRedirect(reverse("admin:index"))
