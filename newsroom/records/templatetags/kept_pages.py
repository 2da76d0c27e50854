"""The story's history links each change that took its public page away or moved it to the page
as readers had it just before (records.PageSnapshot). Stories' template loads this; stories'
Python imports nothing of records."""

from django import template
from django.urls import reverse

from newsroom.records.models import PageSnapshot

register = template.Library()


@register.simple_tag(takes_context=True)
def pages_kept(context, story) -> dict:
    """{revision number: [snapshots kept before it]}, for those who may open them (one query)."""
    request = context.get("request")
    if request is None or not request.user.has_perm("records.view_pagesnapshot"):
        return {}
    kept: dict[int, list] = {}
    for snapshot in PageSnapshot.objects.filter(story=story).order_by("taken_at", "pk"):
        kept.setdefault(snapshot.before_revision, []).append(snapshot)
    return kept


@register.inclusion_tag("admin/records/kept_before.html")
def kept_before(kept: dict, number: int):
    return {
        "snapshots": [
            (
                snapshot,
                reverse("admin:records_pagesnapshot_page", args=[snapshot.pk]),
                reverse("admin:records_pagesnapshot_warc", args=[snapshot.pk]),
            )
            for snapshot in kept.get(number, ())
        ]
    }
