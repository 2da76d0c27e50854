from django.contrib import admin

from newsroom.accounts.models import SecurityEvent
from newsroom.core.admin_lists import DateHierarchyAdmin


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
