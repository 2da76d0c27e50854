"""Every path that changes what a story says refreshes its search document: the admin, the
services, revision restores, imports and the demo loader all save through the ORM, so the
receivers here catch them without any of them knowing search exists.

The refresh runs once the transaction commits (nothing is indexed that is then rolled back),
and robustly: a failed refresh is logged and `rebuild_search_index` repairs it, but it never
turns an editor's successful save into an error page.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from newsroom.photos.models import PhotoAsset
from newsroom.search import indexing
from newsroom.stories.models import PhotoPlacement, Story


def _schedule(refresh, object_id):
    if indexing.index_in_use():
        transaction.on_commit(partial(refresh, object_id), robust=True)


# Fixtures (raw saves) are refreshed too: by the time the transaction commits, every row
# a document is made from has been loaded.


def story_saved(sender, instance, **kwargs):
    _schedule(indexing.refresh_story, instance.pk)


def placement_changed(sender, instance, **kwargs):
    _schedule(indexing.refresh_story, instance.story_id)


def photo_saved(sender, instance, created=False, **kwargs):
    # A new photo is in no story yet; placing it saves a placement, which refreshes the story.
    if not created:
        _schedule(indexing.refresh_stories_with_photo, instance.pk)


def register_signal_handlers():
    post_save.connect(story_saved, sender=Story, dispatch_uid="search-story-saved")
    post_save.connect(placement_changed, sender=PhotoPlacement, dispatch_uid="search-placement-saved")
    post_delete.connect(placement_changed, sender=PhotoPlacement, dispatch_uid="search-placement-deleted")
    post_save.connect(photo_saved, sender=PhotoAsset, dispatch_uid="search-photo-saved")
