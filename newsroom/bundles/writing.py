"""Writing a restore's rows fast: COPY on PostgreSQL, bulk_create batches elsewhere.

A restore's rows carry their own keys, so nothing has to be read back: PostgreSQL takes each
table as one COPY stream (about ten times the rate of multi-row INSERTs, measured in
bench/bundles.py). Search documents a bundle carries are loaded the same way; any others are
made with one INSERT … SELECT over text prepared in Python by search's own rules. Other
databases (SQLite in development) get bulk_create in batches.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import connection, connections, reset_queries

from newsroom.search.indexing import CONFIG, WEIGHTS, document_parts
from newsroom.search.models import StorySearchDocument
from newsroom.stories.models import PhotoPlacement, Story

# Field types whose Python values psycopg writes to COPY unchanged (aware datetimes included).
AS_THEY_ARE = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "EmailField",
}


class Inserter:
    """Rows (dicts of field attnames) for one table, written as they come."""

    def __init__(self, model, *, batch_size: int):
        self.model, self.batch_size = model, batch_size
        self.copying = connection.vendor == "postgresql"
        self.fields = model._meta.concrete_fields
        self.batch: list = []
        self.count = 0
        if self.copying:
            # Most values go to COPY as they are; only a few field types need preparing (JSON
            # fields an adapter, file fields their name). get_db_prep_save, never pre_save: a
            # restored row keeps its timestamps. Bound once: the connection proxy costs a lookup a call.
            real = connections[connection.alias]
            self._columns = [
                (
                    f.attname,
                    None if f.get_internal_type() in AS_THEY_ARE else partial(f.get_db_prep_save, connection=real),
                )
                for f in self.fields
            ]

    def __enter__(self):
        if self.copying:
            columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            self._cursor = connection.cursor()
            self._copy_block = self._cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({columns}) FROM STDIN"
            )
            self._copy = self._copy_block.__enter__()
        return self

    def add(self, row: dict) -> None:
        self.count += 1
        if self.copying:
            with connection.wrap_database_errors:
                self._copy.write_row(
                    [
                        row[name] if prepare is None or row[name] is None else prepare(row[name])
                        for name, prepare in self._columns
                    ]
                )
            return
        self.batch.append(self.model(**row))
        if len(self.batch) >= self.batch_size:
            self._flush()

    def _flush(self):
        self.model._base_manager.bulk_create(self.batch)
        self.batch = []
        if settings.DEBUG:
            reset_queries()  # with DEBUG on, Django keeps every statement's text: thousands of rows each

    def __exit__(self, kind, error, traceback):
        if self.copying:
            try:
                with connection.wrap_database_errors:  # Django's IntegrityError etc., as from any query
                    self._copy_block.__exit__(kind, error, traceback)
            finally:
                self._cursor.close()
        elif kind is None and self.batch:
            self._flush()
        return False


def load_search_documents(carried, *, chunk_size: int = 2000) -> int:
    """Every story's search document, into an empty table: the ones the bundle carries (made by
    our search rules: the caller checks), loaded as they are; any other story's made here.

    Into an empty table, the GIN index is built once afterwards: updating it row by row took
    most of the time (bench/bundles.py). Every step is inside the import's transaction.
    """
    indexes = StorySearchDocument._meta.indexes if not StorySearchDocument.objects.exists() else []
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(StorySearchDocument, index)
    count = 0
    with Inserter(StorySearchDocument, batch_size=chunk_size) as inserter:
        for document in carried:
            inserter.add(document)
    count += inserter.count
    count += rebuild_search_documents(chunk_size=chunk_size, missing_only=True)
    if indexes:
        with connection.cursor() as cursor:
            # An index cannot be built while foreign keys wait to be checked at commit: check them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            with connection.schema_editor() as editor:
                for index in indexes:
                    editor.add_index(StorySearchDocument, index)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return count


def rebuild_search_documents(*, chunk_size: int = 2000, missing_only: bool = False) -> int:
    """Search documents equal to what search.indexing.refresh_story makes: of every story, or
    with `missing_only` of the stories that have none.

    The text is prepared in Python by search's own rules (indexing.document_parts) and
    PostgreSQL computes the weighted vectors in one statement; tests/bundles pin the result to
    refresh_all's.
    """
    table = connection.ops.quote_name(StorySearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bundle_search_text")
        cursor.execute(
            "CREATE TEMPORARY TABLE bundle_search_text (story_id bigint, headline text, summary text,"
            " body text, captions text, snippet text)"
        )
        count = 0
        prepared = []
        for story_id, headline, summary, body, placed in _stories_with_captions(chunk_size, missing_only):
            parts, snippet = document_parts(headline, summary, body, placed)
            prepared.append((story_id, *parts, snippet))
            if len(prepared) == chunk_size:
                count += _copy_text(cursor, prepared)
                prepared = []
        count += _copy_text(cursor, prepared)
        if count:
            weighted = " || ".join(
                f"setweight(to_tsvector(%s::regconfig, COALESCE({column}, '')), '{weight}')"
                for column, weight in zip(("headline", "summary", "body", "captions"), WEIGHTS, strict=True)
            )
            cursor.execute(
                f"INSERT INTO {table} (story_id, vector, text, refreshed_at)"
                f" SELECT story_id, {weighted}, snippet, now() FROM bundle_search_text"
                " ON CONFLICT (story_id) DO UPDATE SET vector = EXCLUDED.vector, text = EXCLUDED.text,"
                " refreshed_at = EXCLUDED.refreshed_at",
                [CONFIG] * len(WEIGHTS),
            )
        cursor.execute("DROP TABLE bundle_search_text")
    return count


def _copy_text(cursor, rows) -> int:
    # A COPY per chunk, ended before the story cursors fetch again: one connection cannot do both at once.
    with connection.wrap_database_errors, cursor.cursor.copy("COPY bundle_search_text FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)


def _stories_with_captions(chunk_size, missing_only=False):
    """(id, headline, summary, body, [(caption here, photo's caption, VIRIN), …]) per story, in
    key order: two streams walked side by side, so no story's photos are looked up one by one."""
    stories = Story._base_manager.order_by("pk")
    placements = PhotoPlacement._base_manager.all()
    if missing_only:
        stories = stories.filter(search_document__isnull=True)
        placements = placements.filter(story__search_document__isnull=True)
    stories = stories.values_list("pk", "headline", "summary", "body")
    placements = (
        placements.order_by("story_id", "order", "id")
        .values_list("story_id", "caption", "photo__caption", "photo__virin")
        .iterator(chunk_size=chunk_size)
    )
    waiting = next(placements, None)
    for story_id, headline, summary, body in stories.iterator(chunk_size=chunk_size):
        photos = []
        while waiting is not None and waiting[0] == story_id:
            photos.append(waiting[1:])
            waiting = next(placements, None)
        yield story_id, headline, summary, body, photos
