"""Moving stories into and out of historical collections."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newsroom.archive.models import ArchiveStatus, Collection


@transaction.atomic
def story_archive(*, story, collection: Collection, user, at=None):
    """Put a story in a historical collection; it keeps its address and gains the notice."""
    if story.archive_status == ArchiveStatus.NEVER:
        raise ValidationError(f"“{story.headline}” is marked never to be archived.", code="never_archive")
    story.archive_status = ArchiveStatus.ARCHIVED
    story.collection = collection
    story.archived_at = at or timezone.now()
    story.save(update_fields=["archive_status", "collection", "archived_at", "updated_at"])
    return story


@transaction.atomic
def story_unarchive(*, story, user):
    """Bring a story back into current news."""
    story.archive_status = ArchiveStatus.CURRENT
    story.collection = None
    story.archived_at = None
    story.save(update_fields=["archive_status", "collection", "archived_at", "updated_at"])
    return story
