"""Web records: a BagIt bag of what readers get, in WARC 1.0, for the National Archives.

    <bag>/bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
    <bag>/data/warc/<host>-<time>.warc.gz         every public address as readers get it
    <bag>/data/metadata/stories.csv                one row per story
    <bag>/data/metadata/stories/<slug>.json        one descriptive record per story

The WARC file opens with a `warcinfo` record naming the software and the export; then, for each
address, the request and the response a reader's browser got (warc.py).

Stories and photos are read in chunks, and each record is written as it is made (peak memory at
growing counts: bench/records.py, bench/RESULTS.md). The bag is made in a hidden folder beside its path and renamed into place
once complete, so a failed export leaves nothing behind.
"""

from __future__ import annotations

import csv
import datetime
import json
import logging
import shutil
import tempfile
import xml.etree.ElementTree as ElementTree
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

SOFTWARE = "Newsroom export_records"
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
    warc_name: str = ""
    warc_bytes: int = 0
    not_ok: list[tuple[str, int]] = field(default_factory=list)  # addresses that did not answer 200
    missing_copies: list[str] = field(default_factory=list)


def selected_photos(stories):
    """The photos the selected stories show: each has a page at /photos/<VIRIN>/ and public copies."""
    used = PhotoPlacement.objects.filter(story__in=stories).values("photo")
    return PhotoAsset.objects.filter(pk__in=used)


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


def export_records(
    path: Path,
    *,
    stories,
    description: str,
    chunk_size: int = 500,
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
    report.warc_name = f"{site.host}-{now:%Y%m%d%H%M%S}.warc.gz"
    progress = progress or (lambda iterable=None, **kwargs: iterable)

    work = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial"))
    try:
        (work / "warc").mkdir()
        (work / "metadata" / "stories").mkdir(parents=True)
        warc_path = work / "warc" / report.warc_name
        with warc_path.open("wb") as stream, (work / "metadata" / "stories.csv").open("w", newline="") as listing:
            capture = Capture(stream, site=site)
            capture.info(
                report.warc_name,
                {
                    "software": SOFTWARE,
                    "isPartOf": settings.SITE_NAME,
                    "description": description,
                    "robots": "ignore (the site's own export of its public pages)",
                },
            )
            rows = csv.DictWriter(listing, fieldnames=CSV_FIELDS)
            rows.writeheader()

            listings = _listing_paths(capture)  # the sitemap index, recorded as it was read
            for listing_path in progress(listings[1:], desc="Feeds and sitemaps", unit="page"):
                capture.page(listing_path)
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
                capture.page(url)
                virins = list(dict.fromkeys(placement.photo.virin for placement in story.placements.all()))
                record = story_metadata(story, url=capture.absolute(url), virins=virins, captured=captured)
                name = f"metadata/stories/{story.slug}.json"
                (work / name).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
                rows.writerow(csv_row(record, metadata_file=f"data/{name}"))
                report.stories += 1

            photos = selected_photos(stories).only("virin", "renditions", "copies_public").order_by("pk")
            for photo in progress(
                photos.iterator(chunk_size=chunk_size), total=photos.count(), desc="Photos", unit="photo"
            ):
                capture.page(photo.get_absolute_url())
                report.photos += 1
                if not photo.copies_public:
                    continue  # an embargoed photo's copies are not public: its page shows none
                for key, entry in sorted(photo.renditions.items()):
                    if capture.copy(photo.public_url(key), entry["name"]):
                        report.copies += 1
        report.records, report.not_ok, report.missing_copies = capture.records, capture.not_ok, capture.missing_copies
        report.warc_bytes = warc_path.stat().st_size

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
    return report
