"""What PostgreSQL's planner is shown of a query's values, so that a prepared statement keeps one plan.

Django sends every value as a parameter; with server-side binding (config/settings.py) psycopg
prepares a statement after a few runs, and PostgreSQL then chooses between a generic plan, made
once, and a custom plan, made for each run's values. Three kinds of value made the readers'
listings (news, tag, label, byline, archive) plan afresh on every request, 0.25 of the 0.33 ms
PostgreSQL spent on the news listing's stories, 0.44 of a tag page's 0.57 (EXPLAIN ANALYZE, 5,000
stories):

- a fixed word such as `status = 'published'`: as a parameter, the generic plan cannot use the
  partial indexes whose condition names that word, so the custom plan always wins; written into
  the SQL (`Word`), both plans can;
- the request's moment (`published_at <= now`): given its value, the custom plan of the same index
  scan looks cheaper by its row estimate alone; as `(SELECT $1)` (`Moment`), which the planner
  does not look into, the generic plan looks as cheap, and is kept;
- a tag on its page: PostgreSQL's best plan differs between a tag of twenty stories and one of
  thousands, so a generic plan for all tags reads a big tag's stories whole (5 ms against 0.1);
  its id written into the SQL (`Number`) gives each tag a statement, and a plan, of its own.

Elsewhere (SQLite) all three are plain values. A query with other parameters (a story's slug) is
still planned for them as PostgreSQL sees fit.
"""

import datetime
import re

from django.db import models

_WORD = re.compile(r"[a-z][a-z_]*\Z")


class Word(models.Value):
    """A fixed lower-case word (a status, a label) written into the SQL as a quoted literal."""

    def __init__(self, word: str):
        if not _WORD.match(word):
            raise ValueError(f"Word takes lower-case letters and underscores only, not {word!r}")
        super().__init__(str(word), output_field=models.CharField())

    def as_postgresql(self, compiler, connection, **extra_context):
        return f"'{self.value}'", []


class Number(models.Value):
    """A whole number written into the SQL (a tag's id on its page): a statement of its own, whose
    plan is made for that number and then kept, as a word's is."""

    def __init__(self, number: int):
        super().__init__(int(number), output_field=models.BigIntegerField())

    def as_postgresql(self, compiler, connection, **extra_context):
        return str(self.value), []


class Moment(models.Value):
    """A moment the app chose (a request's `now`), as `(SELECT $1)` on PostgreSQL."""

    def __init__(self, moment: datetime.datetime):
        super().__init__(moment, output_field=models.DateTimeField())

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = self.as_sql(compiler, connection, **extra_context)
        # Typed here, for a statement prepared without its parameters' types (PgBouncer, psql).
        return f"(SELECT {sql}::{self.output_field.cast_db_type(connection)})", params
