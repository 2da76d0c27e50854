"""Indexes with PostgreSQL operator classes; other databases (SQLite) get a plain stand-in.

SQLite has no GIN and no operator classes. There each is an ordinary index on the same
fields, which Django also needs whenever SQLite rebuilds a table.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models import Index
from django.db.models.functions import Upper


class _PlainElsewhere:
    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Index(fields=self.plain_fields, name=self.name).create_sql(model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def deconstruct(self):
        path, _, _ = super().deconstruct()
        return path, (), {"fields": self.plain_fields, "name": self.name}


class TrigramIndex(_PlainElsewhere, GinIndex):
    """Trigram GIN (pg_trgm) on UPPER(field), the form Django's `icontains` compares on PostgreSQL:
    a search for words anywhere in a million headlines reads the index, not every row."""

    def __init__(self, *, fields, name):
        self.plain_fields = list(fields)
        super().__init__(*(OpClass(Upper(field), name="gin_trgm_ops") for field in fields), name=name)


class PrefixIndex(_PlainElsewhere, Index):
    """A B-tree that `startswith` (LIKE 'prefix%') can use whatever the database's collation."""

    def __init__(self, *, fields, name):
        self.plain_fields = list(fields)
        super().__init__(fields=fields, name=name, opclasses=["varchar_pattern_ops"] * len(fields))
