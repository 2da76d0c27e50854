"""Before a public story's page is withdrawn, retracted, archived or moved to a new address, keep
it as readers were getting it: one WARC 1.0 file in private storage (the "records" storage), a
PageSnapshot row, and a link from the story's history.

The write path sends `stories.signals.story_leaving_readers` inside its transaction, with the
story's row locked and still unchanged, so the page rendered here is the one readers got (from the
page cache if it held it). A snapshot that cannot be kept refuses the change: nothing is changed
and the editor is told why.

The file is written before its row, under a name made of the story and the version readers saw:
if the change is then rolled back, its row goes and the file stays, a true copy of that version,
which the same change tried again writes over (the version has not moved).
"""

from __future__ import annotations

import hashlib
import io
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from newsroom.records.models import PageChange, PageSnapshot
from newsroom.records.warc import SOFTWARE, Capture
from newsroom.website.audit import Site

logger = logging.getLogger(__name__)


def keep_page(sender, *, story, change: str, user=None, reason: str = "", **kwargs) -> PageSnapshot:
    """Receiver of story_leaving_readers: keep the story's page as readers get it now."""
    now = timezone.now()
    change = PageChange(change)
    site = Site()
    site.client.raise_request_exception = False  # a page that fails is kept as readers got it
    path = story.get_absolute_url()
    name = f"snapshots/{story.pk}/{story.pk}-v{story.version}-{change.value}.warc.gz"
    buffer = io.BytesIO()  # one page: a story page is tens of kilobytes gzipped
    capture = Capture(buffer, site=site)
    who = (user.get_full_name() or user.get_username()) if user is not None else "a system job"
    capture.info(
        name.rsplit("/", 1)[-1],
        {
            "software": f"{SOFTWARE} page snapshot",
            "isPartOf": settings.SITE_NAME,
            "description": (
                f"The page of “{story.headline}” (version {story.version}) as readers got it at "
                f"{now.isoformat(timespec='seconds')}, kept before it was {change.label.lower()} by {who}"
                + (f": {reason}" if reason else ".")
            ),
        },
    )
    fetched = capture.page(path)
    data = buffer.getvalue()
    storage = storages["records"]
    try:
        if storage.exists(name):  # left by the same change, rolled back: the same version's page
            storage.delete(name)
        stored = storage.save(name, ContentFile(data))
    except OSError as error:
        logger.exception("Could not keep the page of story #%s before it was %s", story.pk, change.label.lower())
        raise ValidationError(
            f"Nothing was changed: the page as readers see it must be kept first, and it could not be saved "
            f"({error.strerror or error}). Ask a Site administrator to check the records storage, then try again.",
            code="snapshot_failed",
        ) from error
    return PageSnapshot.objects.create(
        story=story,
        story_version=story.version,
        headline=story.headline,
        address=capture.absolute(path),
        change=change,
        reason=reason,
        taken_at=now,
        taken_by=user,
        status_code=fetched.status,
        file=stored,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def kept_response(snapshot: PageSnapshot):
    """The kept response record's HTTP headers and body, read from the stored WARC file."""
    with snapshot.file.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):
            if record.rec_type == "response":
                return record.http_headers, record.content_stream().read()
    raise ValueError(f"{snapshot.file.name} holds no response record.")


def unchanged(snapshot: PageSnapshot) -> bool:
    """Whether the stored file is still the one kept (its SHA-256)."""
    digest = hashlib.sha256()
    with snapshot.file.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest() == snapshot.sha256
