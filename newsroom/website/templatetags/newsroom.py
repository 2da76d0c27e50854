import datetime

from django import template
from django.utils import timezone

from newsroom.stories.selectors import lead_photo as _lead_photo
from newsroom.website.apstyle import ap_date as _ap_date

register = template.Library()


@register.filter
def ap_date(value):
    """`Sept. 22, 2020`: a date, or a moment shown in the site's time zone."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return _ap_date(value)


@register.filter
def download_size(size_in_bytes):
    """`3.32 MB`, the way DoD download links state a photo's size (never `0.00 MB`)."""
    return f"{max(size_in_bytes or 0, 10_000) / 1_000_000:.2f} MB"


@register.filter
def lead_photo(story):
    return _lead_photo(story)
