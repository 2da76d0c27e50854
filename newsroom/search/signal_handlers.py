"""Search documents follow the stories and photos they are made from.

Stories announce each committed change, once per story per transaction, naming what changed
(newsroom.stories.signals.story_changed), whoever made it: the admin, the services, revision
restores, imports and the demo loader all change stories through the same write path. A document
is rebuilt only when that names something it is made of (indexing.SEARCHED_PARTS): a new byline,
expiry time or status leaves it alone. A photo's own caption and VIRIN are in the documents of the
stories placing it, so a saved photo refreshes them.

A refresh is queued for the task worker once the transaction commits (nothing is indexed that is
then rolled back; tasks.py), and robustly: a refresh that fails, or cannot be queued, is logged and
`rebuild_search_index` repairs it, but it never turns an editor's successful save into an error
page. It writes only search documents, which nothing in the stories app reads.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save

from newsroom.photos.models import PhotoAsset
from newsroom.search import indexing
from newsroom.search.tasks import refresh_photo_search_documents, refresh_search_document
from newsroom.stories.models import Story
from newsroom.stories.signals import story_changed

# A save of only these says where a photo's copies are, how their making went and what its original's
# Content Credentials record (read as they are made): nothing searched.
COPY_FIELDS = frozenset({"renditions", "copies", "copies_error", "copies_public", "original_edits"})


def _schedule(refresh, object_id):
    if indexing.index_in_use():
        transaction.on_commit(partial(refresh.enqueue, object_id), robust=True)


def story_text_changed(sender, story_id, changed, **kwargs):
    if changed & indexing.SEARCHED_PARTS:
        _schedule(refresh_search_document, story_id)


def photo_saved(sender, instance, created=False, update_fields=None, **kwargs):
    # A new photo is in no story yet; placing it is a change to the story, which refreshes it.
    if not created and not (update_fields and update_fields <= COPY_FIELDS):
        _schedule(refresh_photo_search_documents, instance.pk)


def register_signal_handlers():
    story_changed.connect(story_text_changed, sender=Story, dispatch_uid="search-story-changed")
    post_save.connect(photo_saved, sender=PhotoAsset, dispatch_uid="search-photo-saved")
