"""The publishing calendar: scheduled publications and expiries by month or by week, in the
site's time zone, each linked to its story (issue 16). Read only; two queries a page."""

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import dateformat, timezone

from newsroom.core.apstyle import AP_MONTHS, MONTHS, ap_clock
from newsroom.core.clock import start_of_day
from newsroom.stories.models import Status, Story

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclasses.dataclass(frozen=True)
class Event:
    """A moment on the calendar: a story goes live or leaves the site."""

    moment: datetime.datetime
    kind: str  # "publication" or "expiry"
    story: Story

    @property
    def time(self) -> str:
        return ap_clock(self.moment)

    @property
    def words(self) -> str:
        ahead = self.moment > timezone.now()
        if self.kind == "publication":
            return "Scheduled" if ahead else "Published"
        return "Expires" if ahead else "Expired"

    @property
    def url(self) -> str:
        return reverse("admin:stories_story_change", args=[self.story.pk])


@dataclasses.dataclass
class Day:
    date: datetime.date
    in_range: bool
    today: bool
    events: list[Event]

    @property
    def name(self) -> str:
        return f"{WEEKDAYS[self.date.weekday()]}, {AP_MONTHS[self.date.month - 1]} {self.date.day}"


def events_between(start: datetime.date, end: datetime.date) -> dict[datetime.date, list[Event]]:
    """Publications and expiries of published stories from `start` up to `end` (a day after the
    last), by day on the site's clock, in time order."""
    since, until = start_of_day(start), start_of_day(end)
    stories = Story.objects.filter(status=Status.PUBLISHED, trashed_at__isnull=True).only(
        "pk", "headline", "published_at", "expires_at", "status"
    )
    events = [
        Event(story.published_at, "publication", story)
        for story in stories.filter(published_at__gte=since, published_at__lt=until)
    ] + [
        Event(story.expires_at, "expiry", story)
        for story in stories.filter(expires_at__gte=since, expires_at__lt=until)
    ]
    by_day = {}
    for event in sorted(events, key=lambda event: (event.moment, event.story.headline)):
        by_day.setdefault(timezone.localtime(event.moment).date(), []).append(event)
    return by_day


def _month(value: str | None, today: datetime.date) -> datetime.date:
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)


def _week(value: str | None, today: datetime.date) -> datetime.date:
    try:
        return datetime.datetime.strptime((value or "") + "-1", "%G-W%V-%u").date()
    except ValueError:
        return today - datetime.timedelta(days=today.weekday())


def calendar_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    by_week = request.GET.get("view") == "week"
    if by_week:
        first = _week(request.GET.get("week"), today)
        start, end = first, first + datetime.timedelta(days=7)
        previous, following = first - datetime.timedelta(days=7), end
        iso = first.isocalendar()
        heading = f"Week of {AP_MONTHS[first.month - 1]} {first.day}, {first.year}"
        pages = {
            "previous": f"?view=week&week={previous:%G-W%V}",
            "next": f"?view=week&week={following:%G-W%V}",
            "today": "?view=week",
            "other_view": f"?month={first:%Y-%m}",
        }
        week_value = f"{iso.year}-W{iso.week:02}"
    else:
        first = _month(request.GET.get("month"), today)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        # Whole weeks, Monday first, so the grid is a table with a column per weekday.
        start = first - datetime.timedelta(days=first.weekday())
        end = following + datetime.timedelta(days=(7 - following.weekday()) % 7)
        heading = f"{MONTHS[first.month - 1]} {first.year}"
        pages = {
            "previous": f"?month={previous:%Y-%m}",
            "next": f"?month={following:%Y-%m}",
            "today": "?",
            "other_view": f"?view=week&week={first:%G-W%V}",
        }
        week_value = ""
    events = events_between(start, end)
    days = []
    day = start
    while day < end:
        in_range = by_week or day.month == first.month
        days.append(Day(day, in_range, day == today, events.get(day, []) if in_range else []))
        day += datetime.timedelta(days=1)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Publishing calendar: {heading}",
        "heading": heading,
        "by_week": by_week,
        "weekdays": WEEKDAYS,
        "weeks": [days[index : index + 7] for index in range(0, len(days), 7)],
        "days": days,
        "pages": pages,
        "week_value": week_value,
        "zone": dateformat.format(timezone.localtime(), "T"),
        "count": sum(len(day.events) for day in days),
    }
    return TemplateResponse(request, "admin/stories/story/calendar.html", context)
