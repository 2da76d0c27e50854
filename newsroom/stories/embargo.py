"""Photo embargo: a photo's public copies are reachable by a public URL only once readers may see it.

Readers may see a photo once a published story uses it (published, its time come, not expired:
Story.objects.published(), the rule readers' pages follow) or once an Editor has released it for
public use. Until then its copies are kept in private storage, and only signed-in staff, or a
reviewer holding a story's preview link, get them, through stories.views.photo_copy; readers' photo
page at /photos/<VIRIN>/ answers 404.

Whatever changes the answer moves the copies (photos.services.photo_move_copies):

- the write path notes the photos a change may concern (a story published, withdrawn, returned to
  draft, a photo placed or removed) and `sync_photos` runs once the change commits;
- a story scheduled ahead becomes public at its second with no one saving anything, and one that
  expires leaves the same way: `sync_recent` (run by publish_scheduled_changes every minute) moves
  the copies of the photos of stories whose time came or went in the last day; until it runs, the
  view serves those photos to readers too, so no reader meets a broken picture;
- an Editor's release or its withdrawal (`photo_release`), logged in the security log;
- bulk loads and bundle imports call `sync_photos` themselves.

Withdrawing a story, or returning it to draft, takes its photos' copies out of public view again
unless another published story uses them or an Editor released them: a withdrawal is often made
because something in the story must not be public.
"""

import datetime
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from newsroom.accounts.security_log import record as record_security_event
from newsroom.core.transactions import gather_until_commit
from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_move_copies
from newsroom.stories.models import PhotoPlacement, Status, Story

logger = logging.getLogger(__name__)

# How far back publish_scheduled_changes looks for stories that became public or expired since
# it last ran: a day, so a cron stopped for hours catches up on its next run.
RECENT = datetime.timedelta(days=1)


def in_published_stories(photos=None, *, now=None):
    """Ids of the photos (of `photos`, a queryset; else all) that a story readers may see uses."""
    used = PhotoPlacement.objects.filter(story__in=Story.objects.published(now=now)).values("photo")
    return (photos if photos is not None else PhotoAsset.objects.all()).filter(pk__in=used).values("pk")


def readers_may_see(photo: PhotoAsset, *, now=None) -> bool:
    """Whether a public URL may show the photo: released, or used by a published story."""
    if photo.released_at is not None:
        return True
    return PhotoPlacement.objects.filter(photo=photo, story__in=Story.objects.published(now=now)).exists()


def in_story_on_the_record(photo: PhotoAsset) -> bool:
    """Whether a published story uses the photo, live or scheduled: readers see its record (caption,
    credit, alt text) in that story now or at a time an Editor set, so only Editors change it."""
    return PhotoPlacement.objects.filter(photo=photo, story__status=Status.PUBLISHED).exists()


def sync_photos(photos, *, written: list | None = None) -> tuple[int, int]:
    """Move the copies of these photos (a queryset, or ids) to where the rule puts them; how many
    were made public and how many embargoed again. Each photo in its own transaction (a savepoint
    inside the caller's); `written` gains the files written (photo_move_copies)."""
    if not isinstance(photos, QuerySet):
        photos = PhotoAsset.objects.filter(pk__in=list(photos))
    with_files = photos.exclude(renditions={})
    public = in_published_stories(with_files)
    to_publish = with_files.filter(copies_public=False).filter(Q(released_at__isnull=False) | Q(pk__in=public))
    to_embargo = with_files.filter(copies_public=True, released_at__isnull=True).exclude(pk__in=public)
    made_public = embargoed = 0
    for photo in to_publish.only("pk", "virin"):
        made_public += _move(photo, public=True, written=written)
    for photo in to_embargo.only("pk", "virin"):
        embargoed += _move(photo, public=False, written=written)
    return made_public, embargoed


def _move(photo, *, public, written=None) -> bool:
    try:
        return photo_move_copies(photo, public=public, written=written)
    except (OSError, PhotoAsset.DoesNotExist):
        # The copies stay where they were; rebuild_renditions repairs a photo whose files are lost.
        logger.exception("The copies of photo %s were not moved %s", photo.virin, "public" if public else "private")
        return False


def note_photos(photo_ids: Iterable[int]) -> None:
    """The write path's part: once the change commits, move these photos' copies if readers'
    view of them changed (an embargo lifted, or set again)."""
    ids = set(photo_ids)
    if ids:
        gather_until_commit(_sync_noted, "photos", ids)


def _sync_noted(notes: dict) -> None:
    sync_photos(notes.get("photos", set()))


def sync_recent(*, now=None) -> tuple[int, int]:
    """The photos of the stories whose publication time came, or whose expiry time passed, in the
    last day: a schedule's moment changes what readers see with no save to tell anyone."""
    now = now or timezone.now()
    since = now - RECENT
    stories = Story.objects.filter(status=Status.PUBLISHED).filter(
        Q(published_at__gt=since, published_at__lte=now) | Q(expires_at__gt=since, expires_at__lte=now)
    )
    photos = PhotoPlacement.objects.filter(story__in=stories).values("photo")
    return sync_photos(PhotoAsset.objects.filter(pk__in=photos))


def may_release(user) -> bool:
    return user is not None and user.has_perm("photos.release_photoasset")


def photo_release(*, photo: PhotoAsset, user, release: bool = True) -> bool:
    """An Editor releases the photo for public use before any story publishes it (its copies become
    reachable by URL at once), or takes the release back (they are embargoed again unless a
    published story uses the photo). Logged in the security log. True when something changed."""
    if not may_release(user):
        raise PermissionDenied("Only editors can release photos for public use.")
    with transaction.atomic():
        stored = PhotoAsset.objects.select_for_update().get(pk=photo.pk)
        if (stored.released_at is not None) == release:
            return False
        stored.released_at, stored.released_by = (timezone.now(), user) if release else (None, None)
        # Not the photo's record: its updated time stays. The save retires cached pages.
        stored.save(update_fields=["released_at", "released_by"])
        record_security_event(
            "photo-release",
            user=user,
            obj=stored,
            step="Released for public use"
            if release
            else "Release withdrawn: embargoed unless a published story uses it",
        )
    photo.released_at, photo.released_by = stored.released_at, stored.released_by
    sync_photos([photo.pk])
    photo.copies_public = PhotoAsset.objects.values_list("copies_public", flat=True).get(pk=photo.pk)
    return True
