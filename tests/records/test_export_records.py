"""manage.py export_records: what a records officer checks before sending a bag to the National Archives."""

import base64
import csv
import datetime
import hashlib
import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import bagit
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from newsroom.records.export import export_records
from newsroom.stories.models import ArchiveStatus, Status, Story
from newsroom.website.audit import Site
from tests.conftest import command_output, local

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"
ROOT = Path(__file__).resolve().parents[2]


def records_of(bag: Path):
    """Every WARC record of the bag, read back with warcio: (type, URI, headers, payload)."""
    found = []
    for warc in sorted((bag / "data" / "warc").glob("*.warc.gz")):
        with warc.open("rb") as stream:
            # warcio checks each record's block and payload digests as it reads, and raises on one that differs.
            for record in ArchiveIterator(stream, check_digests="raise"):
                payload = record.raw_stream.read()
                found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), record, payload))
    return found


def sitemap_entries(section: str) -> dict[str, set[str]]:
    """A sitemap section as a crawler reads it: each address and the image addresses listed with it."""
    site = Site()
    tree = ElementTree.fromstring(site.get(f"/sitemap-{section}.xml").content)
    return {
        entry.find(f"{SITEMAP}loc").text: {image.text for image in entry.iter(f"{IMAGE}loc")}
        for entry in tree.iter(f"{SITEMAP}url")
    }


@pytest.fixture
def out(tmp_path):
    """An empty folder to write bags in (tmp_path holds MEDIA_ROOT too)."""
    folder = tmp_path / "records"
    folder.mkdir()
    return folder


@pytest.fixture
def newsroom(make_story, make_photo, collection):
    """Stories of March 2026 with public photos, an archived one, and what must stay out."""
    photo, other_photo, outside_photo = (make_photo(public=True) for _ in range(3))
    march = [
        make_story(photos=[photo], published_at=local(2026, 3, 2), label="release"),
        make_story(photos=[photo, other_photo], published_at=local(2026, 3, 31, 23, 30)),
        make_story(
            published_at=local(2026, 3, 15),
            archive_status=ArchiveStatus.ARCHIVED,
            collection=collection,
            archived_at=timezone.now(),
        ),
    ]
    outside = [
        make_story(photos=[outside_photo], published_at=local(2026, 4, 1, 0, 30)),  # April: out of the range
        make_story(published=False, slug="a-draft"),
        make_story(status=Status.WITHDRAWN, published_at=local(2026, 3, 3), slug="withdrawn-story"),
        make_story(status=Status.PUBLISHED, published_at=timezone.now() + datetime.timedelta(days=2), slug="scheduled"),
        make_story(status=Status.RETRACTED, published_at=local(2026, 3, 4), slug="retracted-story"),
    ]
    return march, outside, [photo, other_photo], outside_photo


def test_the_bag_validates_and_holds_every_public_address_of_the_range(newsroom, out, settings):
    settings.RECORDS_SCHEDULES = {"release": "Permanent, N1-330-10-1", "collection:2019-2021": "Temporary, GRS 6.4"}
    march, outside, photos, outside_photo = newsroom
    bag_path = out / "2026-03"

    output = command_output("export_records", bag_path, "--from", "2026-03-01", "--to", "2026-03-31")

    assert "Recorded 3 stories" in output
    bag = bagit.Bag(str(bag_path))
    bag.validate()  # raises on any file that does not match its SHA-256
    assert "sha256" in bag.algorithms
    assert bag.info["Source-Organization"] == settings.SITE_NAME
    assert bag.info["Bagging-Date"]
    assert "2026-03-01 to 2026-03-31" in bag.info["External-Description"]

    records = records_of(bag_path)
    assert records[0][0] == "warcinfo"
    assert records[0][2].rec_headers.get_header("WARC-Type") == "warcinfo"
    assert b"Newsroom export_records" in records[0][3]
    assert all(record.rec_headers.protocol == "WARC/1.0" for _, _, record, _ in records)
    responses = {uri: (record, payload) for kind, uri, record, payload in records if kind == "response"}
    requests = {uri for kind, uri, _, _ in records if kind == "request"}
    assert requests == set(responses)

    for uri, (record, payload) in responses.items():
        # SHA-256, as the bag's manifests (warcio's own default is SHA-1).
        algorithm, digest = record.rec_headers.get_header("WARC-Payload-Digest").split(":")
        assert algorithm == "sha256"
        assert base64.b32encode(hashlib.sha256(payload).digest()).decode() == digest, uri
        assert record.http_headers.get_statuscode() == "200", uri

    # The story and photo pages are the sitemaps' for the range, and each image a sitemap lists is recorded.
    host = Site().host
    out_of_range = {
        f"https://{host}{outside[0].get_absolute_url()}",
        f"https://{host}{outside_photo.get_absolute_url()}",
    }
    listed = {**sitemap_entries("stories"), **sitemap_entries("photos")}
    expected_pages = set(listed) - out_of_range
    pages = {uri for uri in responses if uri.startswith((f"https://{host}/news/", f"https://{host}/photos/"))}
    pages -= {f"https://{host}/news/feed/", f"https://{host}/news/feed/atom/"}
    assert pages == expected_pages
    images = set().union(*(listed[page] for page in expected_pages))
    copies = {uri for uri in responses if "/media/" in uri}
    assert images and images <= copies
    assert copies == {f"https://{host}{photo.public_url(key)}" for photo in photos for key in photo.renditions}
    assert not any(outside_photo.public_url(key) in uri for uri in responses for key in outside_photo.renditions)
    for story in outside[1:]:
        assert not any(story.get_absolute_url() in uri for uri in responses), story.slug

    # A public copy is recorded byte for byte as stored.
    key = next(iter(photos[0].renditions))
    stored = (Path(settings.MEDIA_ROOT) / photos[0].renditions[key]["name"]).read_bytes()
    assert responses[f"https://{host}{photos[0].public_url(key)}"][1] == stored

    # The feeds and sitemaps that list them are there too.
    for path in ("/sitemap.xml", "/sitemap-stories.xml", "/sitemap-photos.xml", "/sitemap-news.xml", "/news/feed/"):
        assert f"https://{host}{path}" in responses

    # One metadata record per story, a JSON line each, and a CSV of them all.
    lines = (bag_path / "data" / "metadata" / "stories.jsonl").read_text().splitlines()
    metadata = {record["identifier"]: record for record in map(json.loads, lines)}
    assert len(lines) == len(metadata) == len(march)
    release = metadata[f"https://{host}{march[0].get_absolute_url()}"]
    assert release["title"] == march[0].headline
    assert release["creator"] == "Jane Doe, DOD News"
    assert release["virins"] == [photos[0].virin]
    assert release["records_schedule"] == "Permanent, N1-330-10-1"
    assert release["date_published"].startswith("2026-03-02")
    assert "17 U.S.C. 105" in release["rights"]
    archived = metadata[f"https://{host}{march[2].get_absolute_url()}"]
    assert archived["collection"] == "2019-2021 Historical Collection"
    assert archived["records_schedule"] == "Temporary, GRS 6.4"
    with (bag_path / "data" / "metadata" / "stories.csv").open(newline="") as listing:
        rows = list(csv.DictReader(listing))
    assert {row["identifier"]: row["title"] for row in rows} == {
        url: record["title"] for url, record in metadata.items()
    }


def test_a_collection_or_chosen_stories(newsroom, out):
    march, outside, _, _ = newsroom

    command_output("export_records", out / "collection", "--collection", "2019-2021")
    command_output("export_records", out / "chosen", "--story", march[0].slug, "--story", march[1].slug)

    host = Site().host
    for name, stories in (("collection", [march[2]]), ("chosen", march[:2])):
        bagit.Bag(str(out / name)).validate()
        story_pages = {
            uri
            for kind, uri, _, _ in records_of(out / name)
            if kind == "response" and "/news/" in uri and "/feed/" not in uri
        }
        assert story_pages == {f"https://{host}{story.get_absolute_url()}" for story in stories}


def test_a_missing_copy_is_listed_and_exits_1_with_the_rest_recorded(newsroom, out, settings):
    _, _, photos, _ = newsroom
    key = next(iter(photos[1].renditions))
    (Path(settings.MEDIA_ROOT) / photos[1].renditions[key]["name"]).unlink()

    with pytest.raises(CommandError) as raised:
        call_command("export_records", str(out / "bag"), "--from", "2026-03-01", "--to", "2026-03-31")

    assert raised.value.returncode == 1
    assert "1 addresses were not recorded as readers should get them" in str(raised.value)
    bagit.Bag(str(out / "bag")).validate()
    uris = {uri for kind, uri, _, _ in records_of(out / "bag") if kind == "response"}
    assert not any(photos[1].public_url(key) in uri for uri in uris)
    assert any(photos[0].public_url(key) in uri for uri in uris)


def test_a_dry_run_writes_nothing(newsroom, out):
    output = command_output("export_records", out / "bag", "--from", "2026-03-01", "--to", "2026-03-31", "--dry-run")

    assert "Would record 3 stories and 2 photos" in output
    assert not any(out.iterdir())


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--collection", "no-such"], "There is no historical collection “no-such”. Collections: 2019-2021."),
        (["--story", "a-draft"], "No public story has the slug a-draft"),
        (["--from", "2026-04-01", "--to", "2026-03-01"], "--from 2026-04-01 is after --to 2026-03-01"),
        (
            ["--from", "2020-01-01", "--to", "2020-12-31"],
            "No public stories are in stories published 2020-01-01 to 2020-12-31",
        ),
    ],
)
def test_bad_choices_say_what_to_fix_and_write_nothing(newsroom, out, arguments, message):
    with pytest.raises(CommandError) as raised:
        call_command("export_records", str(out / "bag"), *arguments)

    assert message in str(raised.value)
    assert raised.value.returncode == 2
    assert not any(out.iterdir())


def test_an_existing_folder_or_a_missing_one_is_refused(newsroom, out):
    (out / "bag").mkdir()
    (out / "bag" / "kept.txt").write_text("an earlier export")

    with pytest.raises(CommandError) as raised:
        call_command("export_records", str(out / "bag"))
    assert "already exists" in str(raised.value) and raised.value.returncode == 2
    assert [path.name for path in out.iterdir()] == ["bag"]
    assert (out / "bag" / "kept.txt").read_text() == "an earlier export"

    with pytest.raises(CommandError) as raised:
        call_command("export_records", str(out / "no-such-folder" / "bag"))
    assert "There is no folder" in str(raised.value) and raised.value.returncode == 2


def test_a_read_only_folder_is_refused_and_left_empty(newsroom, small_disk):
    disk = small_disk("records")
    subprocess.run(["mount", "-o", "remount,ro", str(disk.path)], check=True)

    with pytest.raises(CommandError) as raised:
        call_command("export_records", str(disk.path / "bag"))

    assert f"Cannot write in {disk.path}" in str(raised.value) and raised.value.returncode == 2
    assert not any(disk.path.iterdir())


def test_a_full_disk_leaves_no_half_written_bag(newsroom, small_disk):
    disk = small_disk("records", size_kb=16)

    with pytest.raises(CommandError) as raised:
        call_command("export_records", str(disk.path / "bag"))

    assert "is full: the bag was not written" in str(raised.value) and raised.value.returncode == 1
    assert not any(disk.path.iterdir())


def test_a_bad_date_exits_2_from_the_command_line(out):
    finished = subprocess.run(
        [sys.executable, "manage.py", "export_records", str(out / "bag"), "--from", "2026-13-01"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 2
    assert "“2026-13-01” is not a date; write it as YYYY-MM-DD" in finished.stderr
    assert not any(out.iterdir())


def test_past_the_size_limit_the_records_go_on_in_a_new_warc_file(newsroom, out):
    """An export bigger than --warc-size is cut into files of about that size, each opening with its
    own warcinfo record; together they hold what one file would."""
    whole = export_records(out / "whole", stories=Story.objects.published(), description="All.")
    cut = export_records(out / "cut", stories=Story.objects.published(), description="All.", warc_bytes=20_000)

    names = sorted(path.name for path in (out / "cut" / "data" / "warc").iterdir())
    assert len(whole.warc_files) == 1 and len(names) == len(cut.warc_files) >= 3
    assert names == [name for name, _ in cut.warc_files]
    assert names[0].endswith("-00000.warc.gz") and names[1].endswith("-00001.warc.gz")
    for name, size in cut.warc_files:
        path = out / "cut" / "data" / "warc" / name
        assert path.stat().st_size == size
        with path.open("rb") as stream:
            assert next(iter(ArchiveIterator(stream))).rec_type == "warcinfo", name
    bagit.Bag(str(out / "cut")).validate()

    def responses(bag):
        return sorted(uri for kind, uri, _, _ in records_of(bag) if kind == "response")

    assert responses(out / "cut") == responses(out / "whole")
    assert cut.records == whole.records + len(names) - 1  # one more warcinfo a file
