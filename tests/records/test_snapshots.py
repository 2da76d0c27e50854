"""Snapshots before change: withdrawing, retracting, archiving or moving a public story first keeps
its page as readers got it, a WARC record in private storage, linked from the story's history."""

import csv
import datetime
import hashlib
import io
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.signals import request_finished
from django.db import transaction
from django.test import Client
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from newsroom.archive.services import story_archive
from newsroom.records.models import PageChange, PageSnapshot
from newsroom.records.snapshots import remove_files_rolled_back
from newsroom.stories.models import Status, Story
from newsroom.stories.services import (
    story_publish_changes,
    story_retract,
    story_save_changes,
    story_update,
    story_withdraw,
)
from newsroom.website.audit import Site
from tests.conftest import command_output, make_account, page_text

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")
BODY = "<p>The Corps of Engineers said the levee held through the night as the river crested.</p>"


def withdraw_url(story):
    return f"/admin/stories/story/{story.pk}/withdraw/"


def history_url(story):
    return f"/admin/stories/story/{story.pk}/revisions/"


@pytest.fixture
def levee(make_story, make_photo):
    return make_story(
        headline="Levee Holds After Record Crest",
        slug="levee-holds",
        body=BODY,
        photos=[make_photo(public=True)],
        published_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=EASTERN),
    )


def kept_records(snapshot):
    """The kept WARC file read back by warcio, digests checked: [(type, URI, record, payload)]."""
    with snapshot.file.open("rb") as stream:
        data = stream.read()
    found = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests="raise"):
        payload = record.content_stream().read()
        found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), record, payload))
    return data, found


def test_withdrawing_from_the_admin_keeps_the_page_readers_had(
    editor_client, client, levee, private_root, media_root, committed
):
    readers_had = Site().get(levee.get_absolute_url()).content  # over HTTPS on the site's host, as readers
    public_files = {path.relative_to(media_root).as_posix(): path.read_bytes() for path in media_root.rglob("*.*")}

    done = committed(editor_client.post, withdraw_url(levee), {"post": "yes", "reason": "The date was wrong."})

    assert done.status_code == 302
    assert Story.objects.get(pk=levee.pk).status == Status.WITHDRAWN
    assert client.get(levee.get_absolute_url()).status_code == 404
    snapshot = PageSnapshot.objects.get()
    assert (snapshot.story, snapshot.change, snapshot.reason, snapshot.status_code) == (
        levee,
        PageChange.WITHDRAWN,
        "The date was wrong.",
        200,
    )
    assert snapshot.taken_by.username == "editor"
    assert snapshot.address == f"https://{Site().host}{levee.get_absolute_url()}"
    # Private: under PRIVATE_MEDIA_ROOT, with no public URL.
    assert (private_root / "records" / snapshot.file.name).is_file()
    with pytest.raises(ValueError, match="private and have no URL"):
        _ = snapshot.file.url

    data, records = kept_records(snapshot)
    assert hashlib.sha256(data).hexdigest() == snapshot.sha256 and len(data) == snapshot.size
    # warcio writes a pair response first: the page, then the photo copies it shows.
    assert [kind for kind, *_ in records[:3]] == ["warcinfo", "response", "request"]
    assert all(record.rec_headers.protocol == "WARC/1.0" for _, _, record, _ in records)
    info = records[0][3].decode()
    assert (
        "Levee Holds After Record Crest" in info
        and "kept before it was withdrawn by editor: The date was wrong." in info
    )
    kind, uri, response, payload = records[1]
    assert uri == snapshot.address and uri.endswith(levee.get_absolute_url())
    assert response.http_headers.get_statuscode() == "200"
    assert response.rec_headers.get_header("WARC-Payload-Digest").startswith("sha256:")
    assert payload == readers_had, "the page exactly as readers got it"

    # Every public copy the page names (img src and srcset, the share image) is kept byte for byte:
    # withdrawn, the story's photo may leave public storage.
    named = set(re.findall(r"/media/([^\s\"',]+)", readers_had.decode()))
    assert named and all(name.startswith("photos/") for name in named)
    copies = {uri.split("/media/", 1)[1]: body for kind, uri, _, body in records[3:] if kind == "response"}
    assert set(copies) == named
    assert len(records) == 3 + 2 * len(named)
    for name, body in copies.items():
        assert body == public_files[name], name
    assert not (media_root / next(iter(named))).exists(), "the copies left public storage with the story"


def test_the_history_links_the_kept_page_and_its_warc_file(editor_client, levee, committed):
    committed(story_withdraw, story=levee, user=None, reason="The date was wrong.")
    snapshot = PageSnapshot.objects.get()

    history = editor_client.get(history_url(levee))
    text = page_text(history, after='id="content"')
    assert "Withdrawn: The date was wrong." in text
    assert "The public page just before this, kept" in text
    page_link = f"/admin/records/pagesnapshot/{snapshot.pk}/page/"
    warc_link = f"/admin/records/pagesnapshot/{snapshot.pk}/warc/"
    html = history.content.decode()
    assert page_link in html and warc_link in html
    # The link sits in the row of the revision that withdrew it.
    row = html[html.index(f'<th scope="row">{snapshot.before_revision}</th>') :]
    assert row.index(page_link) < row.index("</tr>")

    page = editor_client.get(page_link)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "Levee Holds After Record Crest" in page_text(page)
    assert "the levee held through the night" in page_text(page)
    # Said at the top of its main content, so nobody takes it for the live site (the WARC is untouched).
    main = page_text(page, after="<main")
    assert main.startswith("Kept page. This is the page as readers got it on ")
    assert "kept before it was withdrawn. It is not the live site" in main
    policy = page["Content-Security-Policy"]
    assert "sandbox allow-same-origin" in policy.split("; "), "no script of it runs, no form of it is sent"
    assert "no-store" in page["Cache-Control"] and "public" not in page["Cache-Control"]

    # Its photos come from the copies kept with it, the story's own having left public storage.
    html_kept = page.content.decode()
    assert "/media/photos/" not in html_kept
    sources = re.findall(r'src="(/admin/records/pagesnapshot/\d+/copies/photos/[^"]+)"', html_kept)
    assert sources
    photo = editor_client.get(sources[0])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert photo.content[:3] == b"\xff\xd8\xff"
    assert editor_client.get(sources[0].replace("/photos/", "/photos/x")).status_code == 404
    assert Client().get(sources[0]).status_code == 302  # to sign in

    warc = editor_client.get(warc_link)
    assert warc.status_code == 200 and warc["Content-Type"] == "application/warc"
    assert "attachment" in warc["Content-Disposition"]
    assert hashlib.sha256(b"".join(warc.streaming_content)).hexdigest() == snapshot.sha256


def test_every_role_opens_kept_pages_but_nobody_changes_or_deletes_one(client, levee, committed):
    committed(story_withdraw, story=levee, user=None, reason="The date was wrong.")
    snapshot = PageSnapshot.objects.get()
    for role in ("writer", "editor", "administrator"):
        client.force_login(make_account(f"a-{role}", role))
        listing = client.get("/admin/records/pagesnapshot/")
        assert listing.status_code == 200 and "Levee Holds After Record Crest" in page_text(listing), role
        detail = page_text(client.get(f"/admin/records/pagesnapshot/{snapshot.pk}/change/"), after='id="content"')
        assert "Yes: its SHA-256 is the one recorded." in detail, role
        assert (
            "Delete" not in detail
            and client.get(f"/admin/records/pagesnapshot/{snapshot.pk}/delete/").status_code == 403
        )
        assert client.get(f"/admin/records/pagesnapshot/{snapshot.pk}/page/").status_code == 200, role
    client.logout()
    assert client.get(f"/admin/records/pagesnapshot/{snapshot.pk}/page/").status_code == 302  # to sign in


def test_a_kept_file_changed_afterwards_is_seen(editor_client, levee, private_root, committed):
    committed(story_withdraw, story=levee, user=None, reason="The date was wrong.")
    snapshot = PageSnapshot.objects.get()
    path = private_root / "records" / snapshot.file.name
    data = bytearray(path.read_bytes())
    data[-40] ^= 0x01
    path.write_bytes(bytes(data))
    detail = page_text(editor_client.get(f"/admin/records/pagesnapshot/{snapshot.pk}/change/"), after='id="content"')
    assert "No: the file's SHA-256 differs from the one recorded." in detail


def test_archiving_keeps_the_page_before_the_notice(levee, collection, client, committed):
    committed(story_archive, story=levee, collection=collection, user=None)
    snapshot = PageSnapshot.objects.get()
    assert snapshot.change == PageChange.ARCHIVED
    _, records = kept_records(snapshot)
    kept = records[1][3].decode()
    assert "Levee Holds After Record Crest" in kept
    assert collection.notice not in kept
    assert collection.notice in client.get(levee.get_absolute_url()).content.decode()


def test_a_new_address_keeps_the_page_at_the_old_one(levee, editor, client, committed):
    old = levee.get_absolute_url()
    committed(
        story_update, story=levee, changes={"slug": "levee-holds-after-crest"}, user=editor, expected_version=None
    )
    snapshot = PageSnapshot.objects.get()
    assert snapshot.change == PageChange.SLUG and snapshot.address.endswith(old)
    assert kept_records(snapshot)[1][1][1] == snapshot.address, "the response recorded at the old address"
    assert client.get(old).status_code == 301

    # An edit that keeps the address keeps no page.
    committed(story_update, story=levee, changes={"headline": "Levee Holds"}, user=editor, expected_version=None)
    assert PageSnapshot.objects.count() == 1


def test_a_new_address_waiting_as_unpublished_changes_is_kept_when_published(levee, editor, committed):
    committed(
        story_save_changes,
        story=levee,
        changes={"slug": "levee-holds-through-the-night"},
        user=editor,
        expected_version=None,
    )
    assert not PageSnapshot.objects.exists(), "readers still get the page at its address"
    committed(story_publish_changes, story=levee, user=editor, past_warnings="Checked.")
    assert PageSnapshot.objects.get().change == PageChange.SLUG


def test_retracting_keeps_the_page_once(levee, editor, committed):
    committed(story_retract, story=levee, user=editor, reason="The document was not authentic.")
    assert PageSnapshot.objects.get().change == PageChange.RETRACTED

    other = Story.objects.create(
        headline="Bridge Reopens",
        slug="bridge-reopens",
        body=BODY,
        status=Status.PUBLISHED,
        published_at=levee.published_at,
    )
    committed(story_withdraw, story=other, user=editor, reason="Held for review.")
    committed(story_retract, story=other, user=editor, reason="The bridge did not reopen.")
    kept = list(PageSnapshot.objects.filter(story=other).values_list("change", flat=True))
    assert kept == [PageChange.WITHDRAWN], "once withdrawn, readers had no page left to keep"


def test_stories_readers_never_saw_keep_nothing(make_story, editor, committed):
    draft = make_story(published=False, slug="a-draft")
    committed(story_update, story=draft, changes={"slug": "a-better-draft"}, user=editor, expected_version=None)
    scheduled = make_story(
        slug="scheduled", published_at=datetime.datetime.now(tz=EASTERN) + datetime.timedelta(days=2)
    )
    committed(story_withdraw, story=scheduled, user=editor, reason="Not yet.")
    assert not PageSnapshot.objects.exists()


def test_a_page_that_cannot_be_kept_refuses_the_change(editor_client, levee, settings, small_disk, committed):
    disk = small_disk("private", size_kb=256)
    settings.PRIVATE_MEDIA_ROOT = disk.path
    (disk.path / "records").mkdir()
    disk.fill()

    answer = committed(
        editor_client.post, withdraw_url(levee), {"post": "yes", "reason": "The date was wrong."}, follow=True
    )

    text = page_text(answer)
    assert "Nothing was changed: the page as readers see it must be kept first, and it could not be saved" in text
    assert "Ask a Site administrator to check the records storage" in text
    levee.refresh_from_db()
    assert levee.status == Status.PUBLISHED and levee.revisions.count() == 0
    assert not PageSnapshot.objects.exists()
    assert disk.files() == [], "no partial file"

    disk.free_up()
    committed(editor_client.post, withdraw_url(levee), {"post": "yes", "reason": "The date was wrong."})
    assert Story.objects.get(pk=levee.pk).status == Status.WITHDRAWN
    assert PageSnapshot.objects.count() == 1


def test_a_change_rolled_back_leaves_no_file_once_the_request_ends(levee, editor, private_root, committed):
    def kept_files():
        return sorted(
            path.relative_to(private_root / "records").as_posix()
            for path in (private_root / "records").rglob("*")
            if path.is_file()
        )

    with pytest.raises(ValidationError), transaction.atomic():
        story_withdraw(story=levee, user=editor, reason="The date was wrong.")
        raise ValidationError("something later in the same request failed")
    assert Story.objects.get(pk=levee.pk).status == Status.PUBLISHED
    assert not PageSnapshot.objects.exists()
    assert len(kept_files()) == 1  # until the request ends
    # What runs when a request ends (sending request_finished here would also close the test's
    # database connection, as Django does at the end of a real request).
    assert "records.remove_files_rolled_back" in {key[0] for key, *_ in request_finished.receivers}
    remove_files_rolled_back()
    assert kept_files() == []

    committed(story_withdraw, story=levee, user=editor, reason="The date was wrong.")
    remove_files_rolled_back()
    assert kept_files() == [PageSnapshot.objects.get().file.name]


def test_a_dry_run_keeps_no_page(levee, collection, private_root):
    out = command_output("archive_stories", "--collection", collection.slug, "--before", "2027-01-01", "--dry-run")
    assert "Dry run" in out
    assert Story.objects.get(pk=levee.pk).archive_status != "archived"
    assert not PageSnapshot.objects.exists()
    assert not [path for path in (private_root / "records").rglob("*") if path.is_file()]


def test_the_records_folder_follows_private_media_root_as_the_environment_sets_it(settings, tmp_path):
    """django-environ reads PRIVATE_MEDIA_ROOT as its own Path type, which `/` does not join."""
    import environ

    from newsroom.records.storage import RecordsStorage

    settings.PRIVATE_MEDIA_ROOT = environ.Path(str(tmp_path / "private"))
    stored = RecordsStorage().save("snapshots/1/page.warc.gz", io.BytesIO(b"kept"))
    assert (tmp_path / "private" / "records" / stored).read_bytes() == b"kept"


def test_the_kept_pages_of_a_period_go_to_the_records_officer_as_a_bag(
    levee, make_story, editor, private_root, tmp_path, committed
):
    import bagit

    other = make_story(headline="Bridge Reopens", slug="bridge-reopens")
    committed(story_withdraw, story=levee, user=editor, reason="The date was wrong.")
    committed(story_update, story=other, changes={"slug": "bridge-reopens-early"}, user=editor, expected_version=None)
    today = timezone.localdate().isoformat()  # the site's day, as the command reads --from and --to

    out = command_output("export_records", tmp_path / "kept", "--kept-pages", "--from", today, "--to", today)

    assert "Recorded 2 pages kept before a change" in out
    bag = tmp_path / "kept"
    bagit.Bag(str(bag)).validate()
    for snapshot in PageSnapshot.objects.all():
        copied = bag / "data" / "warc" / "kept" / snapshot.file.name.rsplit("/", 1)[-1]
        assert copied.read_bytes() == (private_root / "records" / snapshot.file.name).read_bytes()
    with (bag / "data" / "metadata" / "kept-pages.csv").open(newline="") as listing:
        rows = {row["headline"]: row for row in csv.DictReader(listing)}
    assert (rows["Levee Holds After Record Crest"]["change"], rows["Levee Holds After Record Crest"]["reason"]) == (
        "Withdrawn",
        "The date was wrong.",
    )
    assert rows["Bridge Reopens"]["change"] == "Address changed"
    assert rows["Bridge Reopens"]["address"].endswith("/news/bridge-reopens/")

    # One story's pages; and nothing kept in a period is a clear refusal.
    command_output("export_records", tmp_path / "one", "--kept-pages", "--story", "bridge-reopens-early")
    assert len(list((tmp_path / "one" / "data" / "warc" / "kept").iterdir())) == 1
    with pytest.raises(CommandError, match="There are no pages kept before a change kept 2020-01-01 to 2020-12-31"):
        command_output(
            "export_records", tmp_path / "none", "--kept-pages", "--from", "2020-01-01", "--to", "2020-12-31"
        )
    assert not (tmp_path / "none").exists()


def test_a_kept_page_changed_since_is_left_out_of_the_bag_and_said(levee, editor, private_root, tmp_path, committed):
    committed(story_withdraw, story=levee, user=editor, reason="The date was wrong.")
    snapshot = PageSnapshot.objects.get()
    path = private_root / "records" / snapshot.file.name
    path.write_bytes(path.read_bytes()[:-10])

    with pytest.raises(CommandError) as refused:
        command_output("export_records", tmp_path / "kept", "--kept-pages")

    assert refused.value.returncode == 1
    assert "1 kept page was left out" in str(refused.value)
    assert not list((tmp_path / "kept" / "data" / "warc" / "kept").iterdir())
