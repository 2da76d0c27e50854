"""Indexes with PostgreSQL operator classes; other databases (SQLite) get a plain stand-in.

SQLite has no GIN and no operator classes. There each is an ordinary index on the same
fields, which Django also needs whenever SQLite rebuilds a table.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db.models import Index


class _PlainElsewhere:
    opclass = ""

    def __init__(self, *, fields, name):
        super().__init__(fields=fields, name=name, opclasses=[self.opclass] * len(fields))

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Index(fields=self.fields, name=self.name).create_sql(model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs.pop("opclasses", None)
        return path, args, kwargs


class TrigramIndex(_PlainElsewhere, GinIndex):
    """Trigram GIN (pg_trgm): `icontains` over a million rows reads the index, not every row."""

    opclass = "gin_trgm_ops"


class PrefixIndex(_PlainElsewhere, Index):
    """A B-tree that `startswith` can use whatever the database's collation."""

    opclass = "varchar_pattern_ops"
