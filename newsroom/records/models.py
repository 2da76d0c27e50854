"""Snapshots: a public story's page as readers got it, kept before a change took it away or moved it."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models


def _records_storage():
    return storages["records"]


class PageChange(models.TextChoices):
    """What happened to the page after it was kept (the write path's step, or a new address)."""

    WITHDRAWN = "withdrawn", "Withdrawn"
    RETRACTED = "retracted", "Retracted"
    ARCHIVED = "archived", "Moved to a historical collection"
    SLUG = "slug", "Address changed"


class PageSnapshot(models.Model):
    """One WARC file: a `warcinfo` record saying why it was kept, then the story page's request and
    the response readers got. Kept for good: nobody may change or delete one in the admin, and it
    outlives its story (headline and address are kept with it)."""

    story = models.ForeignKey(
        "stories.Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="page_snapshots"
    )
    story_version = models.PositiveIntegerField(help_text="The story's version readers were getting.")
    headline = models.CharField(max_length=500)
    address = models.URLField(max_length=1000, help_text="The page's address, as readers reached it.")
    change = models.CharField(max_length=20, choices=PageChange, help_text="What happened to the page next.")
    reason = models.TextField(blank=True, help_text="Why, as given for the step.")
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_code = models.PositiveSmallIntegerField("HTTP status", help_text="What readers got.")
    file = models.FileField(storage=_records_storage, max_length=300)
    size = models.PositiveIntegerField("size in bytes", help_text="Of the WARC file.")
    sha256 = models.CharField("SHA-256", max_length=64, help_text="Of the WARC file, to check it is unchanged.")

    class Meta:
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["story", "story_version"], name="records_snapshot_story")]
        verbose_name = "page kept before a change"
        verbose_name_plural = "pages kept before a change"

    def __str__(self):
        return f"“{self.headline}”, kept before: {self.get_change_display().lower()}"

    @property
    def before_revision(self) -> int:
        """The revision that recorded the change (the write path bumps the version once per change)."""
        return self.story_version + 1
