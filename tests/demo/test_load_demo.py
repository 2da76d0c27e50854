"""`manage.py load_demo`: the demo newsroom an editor or a reviewer first sees."""

import datetime
import io
from pathlib import Path

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.management import call_command
from PIL import Image

from newsroom.archive.models import Collection
from newsroom.core.apstyle import ap_date
from newsroom.demo.content import DEMO, DRAFT, PUBLISHED, SCHEDULED, STORY_LINK, PhotoUse, eastern
from newsroom.demo.images import make_demo_jpeg
from newsroom.photos.models import Copies, PhotoAsset
from newsroom.photos.virin import parse_virin
from newsroom.stories.body import clean_body, linked_story_ids, photo_blocks, prose_blocks
from newsroom.stories.models import ArchiveStatus, Label, PhotoPlacement, Status, Story, Tag

# "Now" for what readers see, fixed so the scheduled story (Jan. 6, 2027) stays scheduled.
NOW = eastern(2026, 11, 24, 12, 0)
PAGE_URLS = {
    "/about/": "About",
    "/foia/": "FOIA",
    "/no-fear-act/": "No FEAR Act Data",
    "/privacy/": "Privacy Policy",
    "/vulnerability-disclosure-policy/": "Vulnerability Disclosure Policy",
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def files_on_disk(root: Path) -> dict[str, int]:
    return {str(path.relative_to(root)): path.stat().st_mtime_ns for path in root.rglob("*") if path.is_file()}


def database_counts() -> dict[str, int]:
    return {
        "stories": Story.objects.count(),
        "published": Story.objects.published(now=NOW).count(),
        "archived": Story.objects.archived().count(),
        "photos": PhotoAsset.objects.count(),
        "placements": PhotoPlacement.objects.count(),
        "tags": Tag.objects.count(),
        "collections": Collection.objects.count(),
        "pages": FlatPage.objects.count(),
    }


# ---------------------------------------------------------------- the content itself, no database


def test_demo_photos_have_strict_virins_matching_their_date_and_caption():
    virins = [photo.virin for photo in DEMO.photos]
    assert len(virins) == len(set(virins)), "every demo VIRIN is unique"
    assert {virin.split("-")[1] for virin in virins} >= set("ANFMDZG")
    for photo in DEMO.photos:
        parsed = parse_virin(photo.virin)  # strict
        assert parsed.is_canonical and str(parsed) == photo.virin
        assert parsed.date_shot == photo.date_taken
        assert photo.caption.endswith(f", {ap_date(photo.date_taken)}."), photo.virin
        assert photo.title and photo.alt_text and photo.photographer and photo.credit
        assert "\n" not in photo.alt_text


def test_demo_stories_are_complete_and_consistent():
    stories = {story.slug: story for story in DEMO.stories}
    photo_dates = {photo.virin: photo.date_taken for photo in DEMO.photos}
    tag_slugs = {tag.slug for tag in DEMO.tags}
    assert len(stories) == len(DEMO.stories) >= 14
    earlier = set()
    for story in DEMO.stories:
        written = "".join(block for block in story.body if isinstance(block, str))
        paragraphs = [kind for kind, _, _ in prose_blocks(written) if kind in ("p", "li")]
        assert 4 <= len(paragraphs) <= 9, story.slug
        for block in story.body:
            if isinstance(block, str):
                # Each block is written in the canonical form, its story links made as load_demo makes them.
                made = STORY_LINK.sub(r'<a href="/news/\1/" data-story="1">\2</a>', block)
                assert clean_body(made) == made, block
        for slug in story.linked:
            assert slug in earlier and stories[slug].state == PUBLISHED, f"{story.slug} links to {slug}"
        earlier.add(story.slug)
        assert story.headline and story.summary and story.byline
        assert 1 <= len(story.tags) <= 3 and set(story.tags) <= tag_slugs
        assert len(story.photos) <= 2
        for use in story.photos:
            assert use.virin in photo_dates
            if use.caption:
                assert use.caption.endswith(f", {ap_date(photo_dates[use.virin])}."), story.slug
            if story.published_at:
                assert photo_dates[use.virin] <= story.published_at.date(), "a photo predates its story"
        for slug in story.related:
            assert stories[slug].state == PUBLISHED, "related stories must be ones readers can open"
        if story.state == PUBLISHED and not story.archive:
            assert eastern(2026, 8, 1, 0, 0) <= story.published_at <= eastern(2026, 11, 20, 23, 59)
        if story.archive:
            assert story.published_at.date() < DEMO.collection.published_before
    assert [s.state for s in DEMO.stories].count(DRAFT) == 1
    assert [s.state for s in DEMO.stories].count(SCHEDULED) == 1
    assert [s.label for s in DEMO.stories].count(Label.RELEASE) == 1
    # The demo shows every kind of block an editor can write.
    blocks = "".join(block for story in DEMO.stories for block in story.body if isinstance(block, str))
    for kind in ("<h2>", "<ul>", "<ol>", '<blockquote class="pull-quote">', "<table>", "[["):
        assert kind in blocks, kind
    assert any(isinstance(block, PhotoUse) and block.caption for story in DEMO.stories for block in story.body)


def test_demo_jpeg_is_deterministic_and_carries_no_metadata():
    spec = DEMO.photos[0]
    first, second = make_demo_jpeg(spec), make_demo_jpeg(spec)
    assert first == second
    assert first != make_demo_jpeg(DEMO.photos[2])
    assert len(first) < 300_000
    image = Image.open(io.BytesIO(first))
    assert image.format == "JPEG" and image.size == (1600, 1067)
    assert image.info.get("progressive")
    assert not image.getexif() and "exif" not in image.info
    assert Image.open(io.BytesIO(make_demo_jpeg(spec, size=(400, 300)))).size == (400, 300)


# ---------------------------------------------------------------- the command


@pytest.mark.django_db
def test_load_demo_fills_the_newsroom(media):
    output = load_demo()

    assert "Demo content:" in output and "Created" in output
    published = Story.objects.published(now=NOW)
    assert published.count() >= 12
    assert published.filter(placements__isnull=False).distinct().count() >= 6
    two_photo_stories = [s for s in Story.objects.all() if s.placements.count() == 2]
    assert len(two_photo_stories) >= 3
    assert PhotoPlacement.objects.exclude(caption="").exists(), "at least one per-story caption"

    collection = Collection.objects.get(slug=DEMO.collection.slug)
    assert collection.published_before == datetime.date(2022, 1, 1)
    assert collection.notice.startswith("You have accessed part of a historical collection")
    archived = published.filter(collection=collection, archive_status=ArchiveStatus.ARCHIVED)
    assert archived.count() >= 3
    assert archived.filter(placements__isnull=False).distinct().count() >= 2
    assert all(s.published_at.year in (2020, 2021) and s.archived_at for s in archived)
    assert Story.objects.filter(archive_status=ArchiveStatus.NEVER).count() == 1

    # Readers never see the draft or the scheduled story; the admin shows both.
    draft = Story.objects.get(status=Status.DRAFT)
    assert draft.published_at is None
    scheduled = Story.objects.scheduled(now=NOW).get()
    assert scheduled.published_at.year == 2027
    assert not published.filter(pk__in=[draft.pk, scheduled.pk]).exists()

    assert Tag.objects.count() == len(DEMO.tags)
    assert all(1 <= s.tags.count() <= 3 for s in Story.objects.all())
    levee = Story.objects.get(slug="guard-engineers-race-rising-river-to-shore-up-levee")
    assert levee.related_stories.exists()
    assert levee.get_absolute_url().endswith(f"{levee.slug}/")

    # Bodies as the editor writes them: photos as blocks, in step with the placed photos; story
    # links by id; every kind of block.
    for story in Story.objects.prefetch_related("placements"):
        assert [(b.photo_id, b.caption) for b in photo_blocks(story.body)] == [
            (p.photo_id, p.caption) for p in story.placements.all()
        ], story.slug
    hurricane = Story.objects.get(slug="guard-opens-shelters-as-hurricane-tamsin-nears-coast")
    assert linked_story_ids(hurricane.body) == {levee.pk}
    assert f'<a href="{levee.get_absolute_url()}" data-story="{levee.pk}">' in hurricane.body
    kinds = {kind for story in Story.objects.all() for kind, _, _ in prose_blocks(story.body)}
    assert kinds >= {"p", "h2", "li", "quote", "cell"}

    # Every photo: a real JPEG on disk of the recorded size, with a strict VIRIN of its date.
    photos = PhotoAsset.objects.all()
    assert photos.count() == len(DEMO.photos)
    for photo in photos:
        path = Path(photo.original.path)
        assert path.is_file() and path.is_relative_to(media)
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert image.size == (photo.width, photo.height) == (1600, 1067)
        assert photo.file_size == path.stat().st_size and len(photo.file_hash) == 64
        assert parse_virin(photo.virin).date_shot == photo.date_taken
        assert photo.caption.endswith(f", {ap_date(photo.date_taken)}.")
        assert photo.is_credited and photo.alt_text
        # Made by the loader itself: the demo is whole before any task worker has started.
        assert photo.copies == Copies.MADE and len(photo.renditions) == 12

    pages = {page.url: page for page in FlatPage.objects.all()}
    assert {url: pages[url].title for url in PAGE_URLS} == PAGE_URLS
    assert all(page.sites.exists() and "demonstration" in page.content for page in pages.values())


@pytest.mark.django_db
def test_running_twice_changes_nothing_and_keeps_editors_changes(media):
    FlatPage.objects.create(url="/privacy/", title="Privacy Policy", content="<p>Our own policy.</p>")
    load_demo()
    counts, files = database_counts(), files_on_disk(media)
    story = Story.objects.get(slug="coast-guard-cutter-returns-from-fisheries-patrol")
    story.headline = "Cutter Aldridge Returns Home After 70 Days at Sea"
    story.save()

    output = load_demo()

    assert database_counts() == counts
    assert files_on_disk(media) == files, "no photo is regenerated or written again"
    assert "Created 0" in output and "kept" in output
    story.refresh_from_db()
    assert story.headline == "Cutter Aldridge Returns Home After 70 Days at Sea"
    assert FlatPage.objects.get(url="/privacy/").content == "<p>Our own policy.</p>"


@pytest.mark.django_db
def test_dry_run_saves_nothing(media):
    output = load_demo("--dry-run")

    assert "Dry run" in output
    assert set(database_counts().values()) == {0}
    assert files_on_disk(media) == {}
