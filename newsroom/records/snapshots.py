"""Before a public story's page is withdrawn, retracted, archived or moved to a new address, keep
it as readers were getting it: one WARC 1.0 file in private storage (the "records" storage), a
PageSnapshot row, and a link from the story's history.

The write path sends `stories.signals.story_leaving_readers` inside its transaction, with the
story's row locked and still unchanged, so the page rendered here is the one readers got (from the
page cache if it held it). A snapshot that cannot be kept refuses the change: nothing is changed
and the editor is told why.

The file is written before its row, under a name made of the story and the version readers saw.
If the change is then rolled back, its row goes, and its file when the request ends (or the
command's dry run: core.transactions.file_kept_if_committed); a file left by a process that died
meanwhile is a true copy of that version, which the same change made again writes over.
"""

from __future__ import annotations

import html
import logging
import re
import tempfile
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import storages
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from newsroom.core.files import file_sha256
from newsroom.core.transactions import file_kept_if_committed, remove_rolled_back_files
from newsroom.records.models import PageChange, PageSnapshot
from newsroom.records.warc import SOFTWARE, Capture
from newsroom.website.audit import Site

logger = logging.getLogger(__name__)
SPOOLED_BYTES = 8 * 1024 * 1024


def keep_page(sender, *, story, change: str, user=None, reason: str = "", **kwargs) -> PageSnapshot:
    """Receiver of story_leaving_readers: keep the story's page as readers get it now."""
    now = timezone.now()
    change = PageChange(change)
    name = f"snapshots/{story.pk}/{story.pk}-v{story.version}-{change.value}.warc.gz"
    who = (user.get_full_name() or user.get_username()) if user is not None else "a system job"
    why = (
        f"The page of “{story.headline}” (version {story.version}) as readers got it at "
        f"{now.isoformat(timespec='seconds')}, kept before it was {change.label.lower()} by {who}"
        + (f": {reason}" if reason else ".")
    )
    # One page and the copies of its photos: in memory up to a few megabytes, on disk past that.
    with tempfile.SpooledTemporaryFile(max_size=SPOOLED_BYTES) as buffer:
        address, status = _capture(buffer, story=story, filename=name.rsplit("/", 1)[-1], why=why)
        size = buffer.tell()
        sha256 = file_sha256(buffer)
        storage = storages["records"]
        try:
            if storage.exists(name):  # left by the same change, rolled back: the same version's page
                storage.delete(name)
            stored = storage.save(name, File(buffer))
            file_kept_if_committed(storage, stored)
        except OSError as error:
            logger.exception("Could not keep the page of story #%s before it was %s", story.pk, change.label.lower())
            raise ValidationError(
                f"Nothing was changed: the page as readers see it must be kept first, and it could not be saved "
                f"({error.strerror or error}). Ask a Site administrator to check the records storage, then try "
                "again.",
                code="snapshot_failed",
            ) from error
    return PageSnapshot.objects.create(
        story=story,
        story_version=story.version,
        headline=story.headline,
        address=address,
        change=change,
        reason=reason,
        taken_at=now,
        taken_by=user,
        status_code=status,
        file=stored,
        size=size,
        sha256=sha256,
    )


def _capture(stream, *, story, filename: str, why: str) -> tuple[str, int]:
    """Write the WARC records of the story's page and its photos' copies; (its address, its status)."""
    site = Site()
    site.client.raise_request_exception = False  # a page that fails is kept as readers got it
    capture = Capture(stream, site=site)
    capture.info(
        filename, {"software": f"{SOFTWARE} page snapshot", "isPartOf": settings.SITE_NAME, "description": why}
    )
    path = story.get_absolute_url()
    fetched = capture.page(path)
    # The photos readers saw on it, as the web server sent them: once the story is withdrawn they
    # may leave public storage (stories/embargo.py).
    for copy_name, url in copies_shown(fetched.body, site).items():
        capture.copy(url, copy_name)
    return capture.absolute(path), fetched.status


def media_prefixes(site: Site) -> list[str]:
    """How pages name a public copy: MEDIA_URL, and on a site serving its own media the absolute
    form too (og:image); the absolute one first, so that a pattern tries it first."""
    prefix = settings.MEDIA_URL
    return [prefix] if urlsplit(prefix).scheme else [f"https://{site.host}{prefix}", prefix]


def media_pattern(site: Site) -> re.Pattern:
    """A public copy's address in a page: a media prefix, then its storage name (group 1)."""
    return re.compile("(?:" + "|".join(map(re.escape, media_prefixes(site))) + r")([^\s\"'<>,)?#]+)")


def copies_shown(body: bytes, site: Site) -> dict[str, str]:
    """{storage name: address as the page gives it} of every public copy the page refers to
    (img src and srcset, the share image), each once."""
    found: dict[str, str] = {}
    for match in media_pattern(site).finditer(body.decode("utf-8", "replace")):
        found.setdefault(html.unescape(match.group(1)), match.group(0))
    return found


def remove_files_rolled_back(sender=None, **kwargs) -> None:
    """When a request ends: the files kept for changes that were then rolled back go."""
    remove_rolled_back_files()


def _kept_response(snapshot: PageSnapshot, wanted=lambda uri: True):
    """(HTTP headers, body) of the first response record in the kept WARC file whose address
    `wanted` accepts, digests checked as it is read; None when there is none."""
    with snapshot.file.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):
            if record.rec_type == "response" and wanted(record.rec_headers.get_header("WARC-Target-URI") or ""):
                return record.http_headers, record.content_stream().read()
    return None


def kept_copy(snapshot: PageSnapshot, name: str):
    """(content type, bytes) of a public copy kept with the page, or None."""
    found = _kept_response(snapshot, lambda uri: urlsplit(uri).path.endswith("/" + name))
    return None if found is None else (found[0].get_header("Content-Type"), found[1])


def kept_response(snapshot: PageSnapshot):
    """The kept page's HTTP headers and body (its first response record), from the stored WARC file."""
    found = _kept_response(snapshot)
    if found is None:
        raise ValueError(f"{snapshot.file.name} holds no response record.")
    return found


def unchanged(snapshot: PageSnapshot) -> bool:
    """Whether the stored file is still the one kept (its SHA-256)."""
    with snapshot.file.open("rb") as stream:
        return file_sha256(stream) == snapshot.sha256
