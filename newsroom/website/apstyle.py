"""Dates the way a newsroom prints them (AP style): ``Sept. 22, 2020``, ``March 4, 2021``."""

import datetime

from django.utils import timezone

# Spelled out here rather than via calendar/strftime, which follow the process locale.
MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")
AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July",
             "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")


def ap_date(day: datetime.date | None) -> str:
    """`Sept. 22, 2020`: a date, or a moment shown in the site's time zone; "" for none."""
    if not day:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    return f"{AP_MONTHS[day.month - 1]} {day.day}, {day.year}"
