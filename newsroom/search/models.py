"""What full-text search reads: one search document per story, kept in its own table.

The document lives beside the story rather than in it so that listings, feeds and the admin,
which load whole story rows, never carry a tsvector they do not use, and so that search
changes need no migration of the stories table. Only PostgreSQL fills it (see indexing.py).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Index


class GinIndexOnPostgreSQL(GinIndex):
    """A GIN index on PostgreSQL; an ordinary index elsewhere.

    SQLite has no GIN, and Django would send it `USING gin` (also whenever SQLite rebuilds the
    table). There the table stays empty, so the stand-in index costs nothing.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class StorySearchDocument(models.Model):
    """A story's words as search sees them: weighted lexemes to match and rank, plain text to quote."""

    story = models.OneToOneField(
        "stories.Story", on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    vector = SearchVectorField(
        "search vector",
        help_text="Headline (weight A), summary (B), body (C), photo captions and VIRINs (D).",
    )
    text = models.TextField(
        "text for snippets",
        help_text="The summary, the body without markup and the photo captions, for highlighted snippets.",
    )
    refreshed_at = models.DateTimeField("refreshed", auto_now=True)

    class Meta:
        verbose_name = "story search document"
        indexes = [GinIndexOnPostgreSQL(fields=["vector"], name="story_search_vector_idx")]

    def __str__(self):
        return f"Search document of story #{self.story_id}"
