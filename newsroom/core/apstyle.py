"""Dates the way a newsroom prints them (AP style): ``Sept. 22, 2020``, ``March 4, 2021``."""

import datetime

from django.utils import dateformat, timezone

# Spelled out here rather than via calendar/strftime, which follow the process locale.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
AP_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")


def site_time(moment: datetime.datetime) -> datetime.datetime:
    """An aware moment on the site's clock (TIME_ZONE), where timezone.localtime() puts it too,
    since no request activates a zone of its own here; localtime() first looks for one in the
    request's context, which costs more than the conversion (3 µs; a listing converts forty)."""
    if moment.tzinfo is None:
        return timezone.localtime(moment)  # refuses a naive moment, as Django does
    return moment.astimezone(timezone.get_default_timezone())


def ap_date(day: datetime.date | None) -> str:
    """`Sept. 22, 2020`: a date, or a moment shown in the site's time zone; "" for none."""
    if not day:
        return ""
    if isinstance(day, datetime.datetime):
        day = site_time(day).date()
    return f"{AP_MONTHS[day.month - 1]} {day.day}, {day.year}"


# Django's own letters happen to be AP style: N is "Sept.", j has no leading zero, P gives
# "6:14 p.m.", "10 a.m.", "noon" and "midnight"; T names the zone ("EST").
AP_DATETIME_FORMAT = "N j, Y, P T"


def ap_datetime(moment: datetime.datetime | None) -> str:
    """`Dec. 6, 2026, 6:14 p.m. EST`: a moment on the site's clock, with its zone; "" for none.

    Editors schedule to the minute and work across zones, so the zone is always named.
    """
    if not moment:
        return ""
    return dateformat.format(timezone.localtime(moment), AP_DATETIME_FORMAT)


def ap_clock(moment: datetime.datetime) -> str:
    """`10:42 a.m.`, `noon`: the time of day on the site's clock, where the day is shown apart."""
    return dateformat.format(timezone.localtime(moment), "P")


def ap_time(moment: datetime.datetime) -> str:
    """`10:42 a.m.` today, `Dec. 5, 10:42 a.m.` on an earlier day (AP style, the site's clock)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return ap_clock(local)
    if local.year == timezone.localdate().year:
        return dateformat.format(local, "N j, P")
    return dateformat.format(local, "N j, Y, P")


def counted(number: int, noun: str = "story", plural: str = "stories") -> str:
    """`1 story`, `3 stories`: a count that reads as English in messages."""
    return f"{number} {noun if number == 1 else plural}"
