"""The inbox on the admin home page: the person's latest notifications, the unread ones marked."""

from django import template

from newsroom.desk.mail import what_happened
from newsroom.desk.models import Notification

register = template.Library()
SHOWN = 10


@register.inclusion_tag("admin/desk/inbox.html", takes_context=True)
def desk_inbox(context):
    user = context["request"].user
    if not (user.is_active and user.is_staff):
        return {"shown": False}
    latest = list(Notification.objects.filter(recipient=user).select_related("actor")[:SHOWN])
    return {
        "shown": True,
        "entries": [(notification, what_happened(notification)) for notification in latest],
        "unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        "csrf_token": context.get("csrf_token"),
    }
