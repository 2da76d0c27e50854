"""Web records: a BagIt bag of what readers get, in WARC 1.0, for the National Archives.

    <bag>/bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
    <bag>/data/warc/<host>-<time>-00000.warc.gz    every public address as readers get it (a new
                                                   file past 1 GB: -00001, -00002 ...)
    <bag>/data/metadata/stories.jsonl              one descriptive record per story, a JSON line each
    <bag>/data/metadata/stories.csv                the same, one row per story

Each WARC file opens with a `warcinfo` record naming the software and the export; then, for each
address, the request and the response a reader's browser got (warc.py).

Memory stays flat however many stories are chosen (bench/records.py, bench/RESULTS.md): stories
and photos are read in chunks, each record is written as it is made, the metadata is a few files
rather than one per story (bagit keeps each payload file's manifest line in memory), and the page
cache's memory of the pages seen is emptied every chunk. The bag is made in a hidden folder
beside its path and renamed into place once complete, so a failed export leaves nothing behind.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import logging
import shutil
import tempfile
import xml.etree.ElementTree as ElementTree
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import bagit
from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from newsroom.photos.models import PhotoAsset
from newsroom.records.metadata import CSV_FIELDS, csv_row, story_metadata
from newsroom.records.warc import Capture
from newsroom.stories.models import PhotoPlacement
from newsroom.website.audit import Site
from newsroom.website.caching import local_pages

SOFTWARE = "Newsroom export_records"
# Where one WARC file ends and the next begins.
WARC_BYTES = 1_000_000_000
# bagit logs each file it hashes at INFO: a line per story on the operator's screen says nothing.
logging.getLogger("bagit").setLevel(logging.WARNING)
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass
class Report:
    stories: int = 0
    photos: int = 0
    copies: int = 0
    listings: int = 0
    records: int = 0
    warc_files: list[tuple[str, int]] = field(default_factory=list)  # (name, bytes), in order
    not_ok: list[tuple[str, int]] = field(default_factory=list)  # addresses that did not answer 200
    missing_copies: list[str] = field(default_factory=list)


def selected_photos(stories):
    """The photos the selected stories show: each has a page at /photos/<VIRIN>/ and public copies."""
    used = PhotoPlacement.objects.filter(story__in=stories).values("photo")
    return PhotoAsset.objects.filter(pk__in=used)


class _WarcFiles:
    """The bag's WARC files, <host>-<time>-00000.warc.gz onward: a new one is begun once the current
    one passes `limit` bytes, each opening with its own warcinfo record (1 GB, as Heritrix and most
    web archives cut theirs, keeps each file easy to move, check and replay)."""

    def __init__(self, folder: Path, *, site: Site, report: Report, now, description: str, limit: int):
        self.folder, self.site, self.report, self.limit = folder, site, report, limit
        self.prefix = f"{site.host}-{now:%Y%m%d%H%M%S}"
        self.description = description
        self.stream = self.capture = None

    def __enter__(self):
        self._begin()
        return self

    def __exit__(self, *exc):
        self._end()

    def roll_if_full(self) -> None:
        if self.stream.tell() >= self.limit:
            self._end()
            self._begin()

    def _begin(self) -> None:
        name = f"{self.prefix}-{len(self.report.warc_files):05d}.warc.gz"
        self.stream = (self.folder / name).open("wb")
        self.capture = Capture(self.stream, site=self.site)
        self.report.warc_files.append((name, 0))
        self.capture.info(
            name,
            {
                "software": SOFTWARE,
                "isPartOf": settings.SITE_NAME,
                "description": self.description,
                "robots": "ignore (the site's own export of its public pages)",
            },
        )

    def _end(self) -> None:
        if self.stream is None:
            return
        name, _ = self.report.warc_files[-1]
        self.report.warc_files[-1] = (name, self.stream.tell())
        self.stream.close()
        self.report.records += self.capture.records
        self.report.not_ok += self.capture.not_ok
        self.report.missing_copies += self.capture.missing_copies
        self.stream = None


def _listing_paths(capture: Capture) -> list[str]:
    """The feeds and sitemaps that list the stories: each section's sitemap and its further pages
    (read from the index, as a crawler does), the Google News sitemap and the news feeds."""
    paths = [reverse("sitemap")]
    body = capture.page(paths[0]).body
    for loc in ElementTree.fromstring(body).iter(f"{SITEMAP_NS}loc"):
        local = capture.site.local_path(loc.text.strip())
        if local:
            paths.append(local)
    return [*paths, reverse("sitemap-news"), reverse("stories:feed"), reverse("stories:feed-atom")]


@contextmanager
def _bag(path: Path, description: str):
    """A folder to fill with the bag's payload, beside `path`: made a BagIt bag (SHA-256
    manifests) and renamed to `path` once the block ends, or removed whole if it fails."""
    work = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial"))
    try:
        yield work
        bagit.make_bag(
            str(work),
            {
                "Source-Organization": settings.SITE_NAME,
                "External-Identifier": path.name,
                "External-Description": description,
                "Bag-Software-Agent": SOFTWARE,
            },
            processes=1,
            checksums=["sha256"],
        )
        work.rename(path)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def export_records(
    path: Path,
    *,
    stories,
    description: str,
    chunk_size: int = 500,
    warc_bytes: int = WARC_BYTES,
    progress=None,
    now: datetime.datetime | None = None,
) -> Report:
    """Write the bag of the given public stories (a queryset of Story.objects.published()) to
    `path`, a folder that must not exist yet."""
    now = now or timezone.now()
    captured = now.isoformat()
    site = Site()
    site.client.raise_request_exception = False  # a page that fails is recorded as readers got it, and reported
    report = Report()
    progress = progress or (lambda iterable=None, **kwargs: iterable)

    with _bag(path, description) as work:
        (work / "warc").mkdir()
        (work / "metadata").mkdir()
        metadata = work / "metadata"
        with (
            _WarcFiles(
                work / "warc", site=site, report=report, now=now, description=description, limit=warc_bytes
            ) as warcs,
            (metadata / "stories.jsonl").open("w") as records,
            (metadata / "stories.csv").open("w", newline="") as listing,
        ):
            rows = csv.DictWriter(listing, fieldnames=CSV_FIELDS)
            rows.writeheader()

            listings = _listing_paths(warcs.capture)  # the sitemap index, recorded as it was read
            for listing_path in progress(listings[1:], desc="Feeds and sitemaps", unit="page"):
                warcs.capture.page(listing_path)
                local_pages.forget()  # a sitemap page of 10,000 addresses is megabytes: not kept here
            report.listings = len(listings)

            placements = PhotoPlacement.objects.select_related("photo").only("story_id", "order", "photo__virin")
            chosen = (
                stories.select_related("collection")
                .prefetch_related("tags", Prefetch("placements", queryset=placements.order_by("order")))
                .order_by("published_at", "pk")
            )
            for story in progress(
                chosen.iterator(chunk_size=chunk_size), total=stories.count(), desc="Stories", unit="story"
            ):
                url = story.get_absolute_url()
                warcs.capture.page(url)
                virins = list(dict.fromkeys(placement.photo.virin for placement in story.placements.all()))
                record = story_metadata(story, url=warcs.capture.absolute(url), virins=virins, captured=captured)
                records.write(json.dumps(record, ensure_ascii=False) + "\n")
                rows.writerow(csv_row(record))
                report.stories += 1
                if report.stories % chunk_size == 0:
                    # This process is not a web server: the pages it has seen will not be asked for
                    # again, so the page cache's memory of them (up to 32 MB of pages and 50,000
                    # pages' keys) goes.
                    local_pages.forget()
                warcs.roll_if_full()

            photos = selected_photos(stories).only("virin", "renditions", "copies_public").order_by("pk")
            for photo in progress(
                photos.iterator(chunk_size=chunk_size), total=photos.count(), desc="Photos", unit="photo"
            ):
                warcs.capture.page(photo.get_absolute_url())
                report.photos += 1
                if photo.copies_public:  # an embargoed photo's copies are not public: its page shows none
                    for key, entry in sorted(photo.renditions.items()):
                        if warcs.capture.copy(photo.public_url(key), entry["name"]):
                            report.copies += 1
                if report.photos % chunk_size == 0:
                    local_pages.forget()
                warcs.roll_if_full()

    return report


KEPT_FIELDS = (
    "address",
    "headline",
    "change",
    "reason",
    "taken_at",
    "taken_by",
    "story_version",
    "http_status",
    "warc_file",
    "sha256",
)


@dataclass
class KeptReport:
    pages: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)  # kept files not in the records storage
    changed: list[str] = field(default_factory=list)  # kept files whose SHA-256 is not the one recorded


def export_kept_pages(path: Path, *, snapshots, description: str) -> KeptReport:
    """Write a bag of the pages kept before a change (records.PageSnapshot, a queryset): each WARC
    file as it was kept (data/warc/kept/), checked against its recorded SHA-256 as it is copied, and
    a CSV saying what each is (data/metadata/kept-pages.csv). A file missing or changed is left out
    and reported. `path` must not exist yet; the bag is made beside it and renamed into place."""
    report = KeptReport()
    with _bag(path, description) as work:
        kept = work / "warc" / "kept"
        kept.mkdir(parents=True)
        (work / "metadata").mkdir()
        with (work / "metadata" / "kept-pages.csv").open("w", newline="") as listing:
            rows = csv.DictWriter(listing, fieldnames=KEPT_FIELDS)
            rows.writeheader()
            for snapshot in snapshots.select_related("taken_by").order_by("taken_at", "pk").iterator(chunk_size=500):
                name = snapshot.file.name.rsplit("/", 1)[-1]
                if not _copy_checked(snapshot, kept / name, report):
                    continue
                rows.writerow(
                    {
                        "address": snapshot.address,
                        "headline": snapshot.headline,
                        "change": snapshot.get_change_display(),
                        "reason": snapshot.reason,
                        "taken_at": snapshot.taken_at.isoformat(),
                        "taken_by": snapshot.taken_by.get_username() if snapshot.taken_by else "",
                        "story_version": snapshot.story_version,
                        "http_status": snapshot.status_code,
                        "warc_file": f"data/warc/kept/{name}",
                        "sha256": snapshot.sha256,
                    }
                )
                report.pages += 1
                report.bytes += snapshot.size
    return report


def _copy_checked(snapshot, target: Path, report: KeptReport) -> bool:
    """Copy a kept file into the bag if it is still the one kept; else leave it out and say why."""
    digest = hashlib.sha256()
    try:
        with snapshot.file.open("rb") as source, target.open("wb") as copy:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                digest.update(chunk)
                copy.write(chunk)
    except FileNotFoundError:
        target.unlink(missing_ok=True)
        report.missing.append(snapshot.file.name)
        return False
    if digest.hexdigest() != snapshot.sha256:
        target.unlink()
        report.changed.append(snapshot.file.name)
        return False
    return True
