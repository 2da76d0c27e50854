"""Paging through a million stories: counts that are not recounted on every request, deep pages
that do not read the table row by row, and estimates where an exact figure is not worth its cost.

Readers' listings (`ListingPaginator`): the count of a listing is kept in the cache under the
site's content generation (see website/caching.py), so it is counted once per change to the
content, not once per request; and a page deep in a listing finds its twenty stories' ids with
an index-only walk (from the far end when that is shorter), then loads just those rows.

The admin (`EstimatedCountPaginator`): an unfiltered changelist of a big table shows
PostgreSQL's own estimate of the rows (pg_class.reltuples, kept by ANALYZE and autovacuum);
a filtered one counts exactly up to a cap, then estimates.
"""

import json
import logging

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.functional import cached_property
from django.views.generic import ListView

from newsroom.core.cache import cached_by_generation

logger = logging.getLogger(__name__)

# Pages up to this offset are read with a plain LIMIT/OFFSET: walking a few thousand index
# entries costs less than a second query.
SHALLOW_OFFSET = 2000
# Deep pages start walking from a bookmark kept at every this many stories of a listing.
BOOKMARK_EVERY = 1000
NEWEST_FIRST = ["-published_at", "-id"]
# A listing this small is sorted after it is found (see ListingPaginator.small_set_ordering).
SMALL_SET = 5000


def kept_count(count_key: str, stories) -> int:
    """The count of the listing named `count_key`, kept until the content changes."""
    return cached_by_generation(f"count:{count_key}", stories.count)


class ListingPaginator(Paginator):
    """A readers' listing ordered by a unique key (newest first, ties by id).

    `count_key` names the listing ("news", "tag:disaster-response"); its count is kept per
    content generation. Without one, the count is made on every request.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        count_key=None,
        small_set_ordering=None,
        whole_count=None,
        first_page=None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key
        self.small_set_ordering = small_set_ordering
        # How many stories the listing this one is part of holds (all current news for a tag's).
        self.whole_count = whole_count
        # first_page(top, sorted_after_matching=...): the listing's first `top` stories, the same as
        # object_list[:top] in that order, from a query compiled once (the most read page of each).
        self.first_page = first_page

    @cached_property
    def count(self):
        if self.count_key is None:
            return self.object_list.count()
        return kept_count(self.count_key, self.object_list)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        sorted_after_matching = bool(self.small_set_ordering) and self._sorting_pays(bottom + self.per_page)
        if sorted_after_matching:
            # A few thousand stories among a million (a small tag's): found through their own
            # index and sorted, rather than by walking the date index until twenty turn up.
            self.object_list = self.object_list.order_by(*self.small_set_ordering)
        if bottom == 0 and self.first_page is not None:
            return self._get_page(self.first_page(top, sorted_after_matching=sorted_after_matching), number, self)
        if bottom <= SHALLOW_OFFSET or not hasattr(self.object_list, "values_list"):
            return self._get_page(self.object_list[bottom:top], number, self)
        return self._get_page(self._deep_page(bottom, top), number, self)

    def _sorting_pays(self, through: int) -> bool:
        """Whether sorting all of this listing's stories reads fewer than walking the whole's date
        index until `through` of them turn up (about through * whole / count entries): so for a
        small tag among a million stories, not for a tag on half of them."""
        if self.count > SMALL_SET:
            return False
        return self.whole_count is None or self.count * self.count < through * self.whole_count()

    def _deep_page(self, bottom, top):
        """The stories from `bottom` to `top`: their ids from an index-only walk, then their rows.

        The walk starts at the nearest bookmark (see _bookmarks) when the listing has them, so it
        passes at most BOOKMARK_EVERY entries; otherwise from whichever end is nearer.
        """
        stories = self.object_list
        bookmarks = self._bookmarks()
        if bookmarks is not None and bottom // BOOKMARK_EVERY < len(bookmarks):
            published_at, pk = bookmarks[bottom // BOOKMARK_EVERY]
            skip = bottom % BOOKMARK_EVERY
            # From the bookmark on, newest first: on or before its time, minus its time's later ids.
            onwards = stories.filter(published_at__lte=published_at).exclude(published_at=published_at, pk__gt=pk)
            ids = list(onwards.values_list("pk", flat=True)[skip : skip + (top - bottom)])
            return self._rows(ids)
        from_the_end = self.count - top
        if from_the_end < bottom:
            # Past the middle: walking from the oldest end passes fewer entries.
            ids = list(stories.reverse().values_list("pk", flat=True)[from_the_end : from_the_end + (top - bottom)])
            ids.reverse()
        else:
            ids = list(stories.values_list("pk", flat=True)[bottom:top])
        return self._rows(ids)

    def _rows(self, ids):
        rows = {story.pk: story for story in self.object_list.filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def _bookmarks(self):
        """(published_at, id) of every BOOKMARK_EVERY-th story, kept per content generation;
        None for listings in another order or without a count key.

        Found with one index-only walk of the whole listing (row_number() over its order), the
        first time a deep page of it is asked for after a change.
        """
        stories = self.object_list
        if self.count_key is None or stories.query.order_by or stories.model._meta.ordering != NEWEST_FIRST:
            return None

        def find():
            numbered = stories.order_by().annotate(
                position=Window(RowNumber(), order_by=[F("published_at").desc(), F("pk").desc()])
            )
            wanted = range(1, self.count + 1, BOOKMARK_EVERY)
            rows = numbered.filter(position__in=wanted).values_list("position", "published_at", "pk")
            return [(published_at, pk) for _, published_at, pk in sorted(rows)]

        return cached_by_generation(f"bookmarks:{self.count_key}:{self.count}", find)


class EstimatedCountPaginator(Paginator):
    """For admin changelists of big tables: estimates instead of counting a million rows.

    Unfiltered: PostgreSQL's row estimate for the table when it is over ESTIMATE_FROM rows
    (exact below that, and on other databases). Filtered (a search, a filter): counted exactly
    up to EXACT_UP_TO, and the planner's estimate beyond it.
    """

    ESTIMATE_FROM = 100_000
    EXACT_UP_TO = 1000

    @cached_property
    def count(self):
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return queryset.count()
        if not queryset.query.where:
            estimate = _table_estimate(connection, queryset.model._meta.db_table)
            return estimate if estimate >= self.ESTIMATE_FROM else queryset.count()
        capped = queryset.order_by()[: self.EXACT_UP_TO + 1].count()
        if capped <= self.EXACT_UP_TO:
            return capped
        return max(capped, _planner_estimate(connection, queryset))

    @property
    def is_estimate(self):
        return self.count > self.EXACT_UP_TO


def _table_estimate(connection, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return max(0, row[0]) if row else 0


def _planner_estimate(connection, queryset) -> int:
    """How many rows PostgreSQL expects the query to return (EXPLAIN, nothing is run)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class ListingView(ListView):
    """A readers' listing: its count kept until the content changes, deep pages read by index.

    `count_key` names the listing for the kept count; set it in get_queryset.
    """

    count_key = None
    small_set_ordering = None
    whole_count = None  # a callable: the count of the listing this one is part of, kept like its own
    first_page = None  # a callable: see ListingPaginator

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return ListingPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count_key=self.count_key,
            small_set_ordering=self.small_set_ordering,
            whole_count=self.whole_count,
            first_page=self.first_page,
            **kwargs,
        )
