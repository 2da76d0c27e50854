from functools import partial

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from newsroom.archive.models import Collection
from newsroom.archive.selectors import (
    ArchivePeriod,
    archived_months,
    archived_stories,
    archived_years,
    collections_with_public_counts,
)
from newsroom.core.cache import page_shows
from newsroom.core.pagination import ListingView
from newsroom.stories import shown
from newsroom.stories.selectors import first_listing_page


class ArchiveView(ListingView):
    """Stories in historical collections: still findable, newest first.

    All of them, one collection's, or one year's or month's (by publication date), with the
    collections and the years (and, within a year, the months) to move between.
    """

    template_name = "archive/archive.html"
    context_object_name = "stories"
    paginate_by = settings.NEWS_PER_PAGE

    def get_queryset(self):
        self.collection = self.period = None
        self.years = self.months = []
        if "slug" in self.kwargs:
            self.collection = get_object_or_404(Collection, slug=self.kwargs["slug"])
            self.count_key = f"archive:collection:{self.collection.pk}"
            return archived_stories().filter(collection=self.collection)

        self.years = archived_years()
        if "year" in self.kwargs:
            self.period = ArchivePeriod(year=self.kwargs["year"], month=self.kwargs.get("month"))
            # The navigation's own counts say whether the period has stories: no query for a 404.
            if self.period.year not in {entry.year for entry in self.years}:
                raise Http404("No archived stories were published that year.")
            self.months = archived_months(self.period.year)
            if self.period.month is not None and self.period.month not in {entry.month for entry in self.months}:
                raise Http404("No archived stories were published that month.")
        self.count_key = f"archive:{self.period.year}-{self.period.month}" if self.period else "archive"
        if self.period is None:  # the whole archive's first page from a query compiled once
            self.first_page = partial(first_listing_page, archived=True)
        return archived_stories(period=self.period)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            collection=self.collection,
            collections=collections_with_public_counts(),
            period=self.period,
            years=self.years,
            months=self.months,
            **kwargs,
        )
        # Every archive page shows each collection's count: they all change together.
        page_shows(self.request, {shown.ARCHIVE, *shown.listed(context["stories"])})
        return context
