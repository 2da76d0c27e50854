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


def ap_time(moment: datetime.datetime) -> str:
    """`6:14 p.m.`, `10 a.m.`, `noon`, `midnight`: a clock time as AP style prints it."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "noon" if moment.hour == 12 else "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {'a.m.' if moment.hour < 12 else 'p.m.'}"


def ap_datetime(moment: datetime.datetime | None) -> str:
    """`Dec. 6, 2026, 6:14 p.m. EST`: a moment on the site's clock, with its zone; "" for none.

    Editors schedule to the minute and work across zones, so the zone is always named.
    """
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return f"{ap_date(local.date())}, {ap_time(local)} {local.tzname()}"
