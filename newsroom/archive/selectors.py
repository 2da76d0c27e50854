"""What readers see of the archive: archived stories by collection, and by year and month.

Dates are publication dates on the site's clock (TIME_ZONE), like the dates printed on stories.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.http import Http404

from newsroom.archive.models import Collection
from newsroom.core.apstyle import MONTHS
from newsroom.core.cache import cached_by_generation
from newsroom.core.clock import start_of_day
from newsroom.stories.models import Story
from newsroom.stories.selectors import listed_stories


@dataclass(frozen=True)
class ArchivePeriod:
    """A year, or a month of a year, with how many archived stories readers can see from it."""

    year: int
    month: int | None = None
    count: int = 0

    @property
    def name(self) -> str:
        # AP style spells a month out when it stands alone or with a year: "March 2020".
        return str(self.year) if self.month is None else f"{MONTHS[self.month - 1]} {self.year}"

    @property
    def month_name(self) -> str:
        return MONTHS[self.month - 1]

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The first moment of the period and the first moment after it."""
        if not 1 <= self.year < datetime.MAXYEAR or self.month not in (None, *range(1, 13)):
            raise Http404("No such year or month.")
        if self.month is not None:
            first = datetime.date(self.year, self.month, 1)
            following = datetime.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        else:
            first, following = datetime.date(self.year, 1, 1), datetime.date(self.year + 1, 1, 1)
        return start_of_day(first), start_of_day(following)


def archived_stories(*, period: ArchivePeriod | None = None):
    """Archived stories as listings show them, newest first; only from `period` if given."""
    stories = listed_stories().archived()
    if period:
        start, end = period.bounds()
        stories = stories.filter(published_at__gte=start, published_at__lt=end)
    return stories


def _public_archived():
    return Story.objects.published().archived().order_by()


def archived_years() -> list[ArchivePeriod]:
    """Each year with archived stories, newest first, in one query; kept until the content changes."""
    return cached_by_generation("archive:years", _archived_years)


def _archived_years() -> list[ArchivePeriod]:
    rows = (
        _public_archived()
        .annotate(year=ExtractYear("published_at"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
    )
    return [ArchivePeriod(year=row["year"], count=row["count"]) for row in rows]


def archived_months(year: int) -> list[ArchivePeriod]:
    """Each month of `year` with archived stories, in calendar order, in one query; kept until the content changes."""
    return cached_by_generation(f"archive:months:{year}", lambda: _archived_months(year))


def _archived_months(year: int) -> list[ArchivePeriod]:
    start, end = ArchivePeriod(year=year).bounds()
    rows = (
        _public_archived()
        .filter(published_at__gte=start, published_at__lt=end)
        .annotate(month=ExtractMonth("published_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    return [ArchivePeriod(year=year, month=row["month"], count=row["count"]) for row in rows]


def collections_with_public_counts() -> list[Collection]:
    """Every collection with `public_count`, its stories readers can see; kept until the content changes.

    Counted per collection on its own index, not by joining every story to its collection.
    """
    return cached_by_generation("archive:collections", _collections_with_public_counts)


def _collections_with_public_counts() -> list[Collection]:
    public = (
        _public_archived().filter(collection=OuterRef("pk")).values("collection").annotate(n=Count("pk")).values("n")
    )
    return list(Collection.objects.annotate(public_count=Coalesce(Subquery(public), 0)))
