from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django_otp.plugins.otp_static.models import StaticDevice

from newsroom.accounts.models import SecurityEvent
from newsroom.accounts.second_factor import reset_security_keys
from newsroom.core.admin_lists import DateHierarchyAdmin
from newsroom.core.apstyle import counted

User = get_user_model()


@admin.register(SecurityEvent)
class SecurityEventAdmin(DateHierarchyAdmin, admin.ModelAdmin):
    """Recent events of the security log, to read: nobody adds, changes or deletes one here."""

    list_display = ["at", "action", "outcome", "user", "address", "object"]
    list_filter = ["action", "outcome"]
    search_fields = ["user", "object", "=address"]
    date_hierarchy = "at"
    list_per_page = 100
    readonly_fields = ["at", "action", "outcome", "user", "address", "object", "details"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Recovery codes are the person's own: they see them once, and nobody reads them in the admin.
admin.site.unregister(StaticDevice)
admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(UserAdmin):
    """Django's accounts admin, with how many security keys each person has, and their reset."""

    list_display = [*UserAdmin.list_display, "security_keys"]
    actions = ["reset_security_keys"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(key_count=Count("webauthncredential", distinct=True))

    @admin.display(description="Security keys", ordering="key_count")
    def security_keys(self, person):
        return person.key_count or "None"

    @admin.action(description="Reset the security keys of selected people", permissions=["change"])
    def reset_security_keys(self, request, queryset):
        """For someone who lost their key and their recovery codes: both are removed, and they add
        a new key when they next sign in."""
        people = list(queryset.order_by("username"))
        for person in people:
            reset_security_keys(person, request=request)
        names = ", ".join(person.get_username() for person in people)
        self.message_user(
            request,
            f"Removed the security keys and recovery codes of {counted(len(people), 'person', 'people')} "
            f"({names}). Each adds a new key the next time they sign in.",
            messages.SUCCESS,
        )
