"""The editor's home on the admin index: what needs attention today."""

from django import template
from django.db.models import Q
from django.utils import timezone

from newsroom.photos.selectors import photos_needing_attention
from newsroom.stories.models import Status, Story

register = template.Library()
SHOWN = 10


@register.inclusion_tag("admin/stories/editors_home.html", takes_context=True)
def editors_home(context):
    user = context["request"].user
    if not user.has_perm("stories.view_story"):
        return {"shown": False}
    now = timezone.now()
    stories = Story.objects.filter(trashed_at__isnull=True).select_related("created_by").order_by()
    # Photos with no alt text or no full credit, placed in a story that is or will be public.
    missing = (
        Q(placements__photo__alt_text="") | Q(placements__photo__photographer="") | Q(placements__photo__credit="")
    )
    return {
        "shown": True,
        # The review queue and the week's schedule are on the role lists above it (worklists.py).
        "recent": stories.published(now=now).order_by("-published_at")[:SHOWN],
        "problems": stories.filter(status__in=[Status.IN_REVIEW, Status.PUBLISHED])
        .filter(missing)
        .distinct()
        .order_by("-updated_at")[:SHOWN],
        **photos_needing_attention(user, shown=SHOWN),
    }
