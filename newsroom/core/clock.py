"""The site's clock: where the newsroom's days begin."""

import datetime

from django.utils import timezone


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` on the site's clock, where the newsroom's dates begin."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
