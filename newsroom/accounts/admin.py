from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from newsroom.accounts.models import SecurityEvent
from newsroom.accounts.second_factor import reset_security_keys
from newsroom.accounts.security_log import record
from newsroom.core.admin_lists import DateHierarchyAdmin
from newsroom.core.apstyle import counted

User = get_user_model()
UNLOCK_PERMISSION = "axes.delete_accessattempt"


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


def recent_failures(**match):
    """The failed sign-ins still counting (within LOCKOUT_MINUTES) that share a row's name or address,
    one subquery for the whole list."""
    field, outer = next(iter(match.items()))
    since = timezone.now() - get_cool_off()
    total = (
        AccessAttempt.objects.filter(**{field: OuterRef(outer)}, attempt_time__gte=since)
        .order_by()
        .values(field)
        .annotate(total=Sum("failures_since_start"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(total), Value(0))


# Recovery codes are the person's own: they see them once, and nobody reads them in the admin.
admin.site.unregister(StaticDevice)
admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(UserAdmin):
    """Django's accounts admin, with how many security keys each person has and whether their
    sign-in is locked: the keys reset, the lock lifted."""

    list_display = [*UserAdmin.list_display, "security_keys", "sign_in"]
    actions = ["reset_security_keys", "unlock_sign_in"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                key_count=Count("webauthncredential", distinct=True),
                failed_sign_ins=recent_failures(username="username"),
            )
        )

    @admin.display(description="Security keys", ordering="key_count")
    def security_keys(self, person):
        return person.key_count or "None"

    @admin.display(description="Sign-in", ordering="failed_sign_ins")
    def sign_in(self, person):
        if person.failed_sign_ins >= settings.AXES_FAILURE_LIMIT:
            return "Locked"
        if person.failed_sign_ins:
            return f"{counted(person.failed_sign_ins, 'failed sign-in', 'failed sign-ins')} lately"
        return ""

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

    def has_unlock_permission(self, request):
        return request.user.has_perm(UNLOCK_PERMISSION)

    @admin.action(description="Unlock sign-in", permissions=["unlock"])
    def unlock_sign_in(self, request, queryset):
        names = list(queryset.values_list("username", flat=True))
        unlocked = [name for name in names if reset(username=name)]  # the handler logs each unlock
        if not unlocked:
            self.message_user(request, "The selected accounts have no failed sign-ins to forget: none is locked.")
            return
        self.message_user(
            request,
            f"Sign-in unlocked for {', '.join(unlocked)}: their failed sign-ins are forgotten. A locked "
            "address stays locked until its time is up or it is unlocked under Failed sign-ins.",
            messages.SUCCESS,
        )


@admin.register(AccessAttempt)
class FailedSignInAdmin(DateHierarchyAdmin, admin.ModelAdmin):
    """django-axes' record of failed sign-ins: one row per name, address and browser, with how many
    failed. Unlocking removes rows: the account and the address count from zero again."""

    list_display = ["username", "ip_address", "failures", "last_failure", "locks", "user_agent"]
    search_fields = ["username", "=ip_address"]
    date_hierarchy = "attempt_time"
    list_per_page = 100
    fields = readonly_fields = [
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        "user_agent",
        "path_info",
        "post_data",
    ]
    actions = ["unlock"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                account_failures=recent_failures(username="username"),
                address_failures=recent_failures(ip_address="ip_address"),
            )
        )

    @admin.display(description="Failed sign-ins", ordering="failures_since_start")
    def failures(self, attempt):
        return attempt.failures_since_start

    @admin.display(description="Last failure", ordering="attempt_time")
    def last_failure(self, attempt):
        return attempt.attempt_time

    @admin.display(description="Locks")
    def locks(self, attempt):
        limit = settings.AXES_FAILURE_LIMIT
        locked = [
            name
            for name, failures in (("the account", attempt.account_failures), ("the address", attempt.address_failures))
            if failures >= limit
        ]
        if locked:
            return " and ".join(locked).capitalize()
        return f"Nothing yet: {max(attempt.account_failures, attempt.address_failures)} of {limit} failures"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # "Unlock" says what removing them does
        return actions

    def delete_model(self, request, obj):
        self.delete_queryset(request, AccessAttempt.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        for attempt in queryset:
            record(
                "unlock",
                obj=f"account {attempt.username or '(no name)'} from address {attempt.ip_address}",
                failed_sign_ins_removed=attempt.failures_since_start,
            )
        queryset.delete()

    @admin.action(description="Unlock: forget the selected failed sign-ins", permissions=["delete"])
    def unlock(self, request, queryset):
        count = queryset.count()
        self.delete_queryset(request, queryset)
        self.message_user(
            request,
            f"Forgot {counted(count, 'row', 'rows')} of failed sign-ins: those accounts and addresses may sign in again.",
        )
