"""generate_content: a small generated newsroom, checked the way a reader and an operator would.

Runs on SQLite and on PostgreSQL (COPY, and the search index built alongside).
"""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from markupsafe import escape  # as the readers' Jinja2 pages escape text

from newsroom.photos.models import PhotoAsset
from newsroom.photos.virin import parse_virin, validate_virin
from newsroom.search import indexing
from newsroom.search.models import StorySearchDocument
from newsroom.stories.body import body_text, clean_body, photo_blocks, prose_blocks
from newsroom.stories.models import ArchiveStatus, PhotoPlacement, Status, Story, Tag

UNTIL = datetime.date(2026, 6, 30)
on_postgresql = connection.vendor == "postgresql"


def generate(stories=60, photos=None, seed=1, until=UNTIL):
    out = StringIO()
    args = ["--stories", str(stories), "--seed", str(seed), "--until", until.isoformat()]
    if photos is not None:
        args += ["--photos", str(photos)]
    call_command("generate_content", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated(db):
    return generate()


def test_counts_and_shape_of_the_generated_newsroom(generated):
    assert "Generated 60 stories, 120 photo records (no image files)" in generated
    assert Story.objects.count() == 60 and PhotoAsset.objects.count() == 120
    assert PhotoPlacement.objects.count() == 120
    assert Story.related_stories.through.objects.count() == 60 * 5
    assert Tag.objects.count() >= 200

    kinds = []
    for story in Story.objects.prefetch_related("tags", "related_stories", "placements"):
        assert clean_body(story.body) == story.body, "written in the canonical form, as the write path keeps it"
        blocks = prose_blocks(story.body)
        kinds.append({kind for kind, _, _ in blocks})
        assert 7 <= [kind for kind, _, _ in blocks].count("p") <= 15, story.slug
        assert 350 <= len(body_text(story.body).split()) <= 1800, story.slug
        assert 2 <= story.tags.count() <= 5
        assert len({p.photo_id for p in story.placements.all()}) == 2
        # The photos are blocks of the body, the first above it all, and the rows say the same.
        assert blocks[0][0] == "photo"
        assert [b.photo_id for b in photo_blocks(story.body)] == [p.photo_id for p in story.placements.all()]
        assert story not in story.related_stories.all() and story.related_stories.count() == 5
        assert story.headline and story.summary and ", " in story.byline

    # Bodies as real stories have them: every one with subheadings, many with a list or a pull quote.
    assert all("h2" in found for found in kinds)
    assert sum("li" in found for found in kinds) >= 10 and sum("quote" in found for found in kinds) >= 15

    states = {status: Story.objects.filter(status=status).count() for status in Status.values}
    assert states[Status.DRAFT] >= 1 and states[Status.IN_REVIEW] >= 1 and states[Status.WITHDRAWN] >= 1
    end_of_until = datetime.datetime.combine(UNTIL, datetime.time.max, tzinfo=datetime.UTC)
    assert Story.objects.scheduled(now=end_of_until).exists(), "scheduled after --until"
    archived = Story.objects.archived()
    assert archived.exists() and Story.objects.current().exists()
    assert not archived.filter(collection__isnull=True).exists()
    dates = Story.objects.published(now=end_of_until).order_by("published_at").values_list("published_at", flat=True)
    assert (dates.last() - dates.first()).days > 365 * 12, "spread over about fifteen years"
    assert dates.last().date() <= UNTIL


def test_photo_records_have_valid_virins_credits_and_no_files(generated):
    for photo in PhotoAsset.objects.all():
        validate_virin(photo.virin)  # strict, canonical
        assert parse_virin(photo.virin).date_shot == photo.date_taken
        assert photo.caption.endswith(f"{photo.date_taken.year}.")
        assert photo.alt_text and photo.photographer and photo.credit and photo.title
        assert not photo.original and photo.renditions == {}


def test_every_published_story_page_renders(generated, client):
    for story in Story.objects.published():
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200, story.slug
        page = response.content.decode()
        assert story.headline in page
        for placement in story.placements.all():  # a photo record without a file says what it shows
            assert f"Image not available: {escape(placement.photo.alt_text)}" in page
        if story.archive_status == ArchiveStatus.ARCHIVED:
            assert story.collection.notice[:40] in page
    for story in Story.objects.exclude(pk__in=Story.objects.published()):
        assert client.get(story.get_absolute_url()).status_code == 404, story.slug


def test_listings_and_photo_pages_render_without_image_files(generated, client):
    assert client.get("/news/").status_code == 200
    assert client.get("/news/?page=2").status_code == 200
    assert client.get("/archive/").status_code == 200
    tag = Tag.objects.filter(stories__in=Story.objects.published().current()).first()
    assert client.get(tag.get_absolute_url()).status_code == 200
    photo = PhotoAsset.objects.filter(placements__story__in=Story.objects.published()).first()
    response = client.get(photo.get_absolute_url())
    assert response.status_code == 200 and photo.virin in response.content.decode()


def snapshot():
    return (
        list(Story.objects.order_by("pk").values_list()),
        list(PhotoAsset.objects.order_by("pk").values_list()),
        list(PhotoPlacement.objects.order_by("story", "photo").values_list("story", "photo", "order")),
        list(Story.tags.through.objects.order_by("story", "tag").values_list("story", "tag")),
        list(
            Story.related_stories.through.objects.order_by("from_story", "to_story").values_list(
                "from_story", "to_story"
            )
        ),
    )


def empty_the_newsroom():
    Story.objects.all().delete()
    PhotoAsset.objects.all().delete()


# A transaction per statement, as an operator's run has: on PostgreSQL the search index is
# then built on two connections at once.
@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_content():
    generate(stories=40, seed=7)
    first = snapshot()
    empty_the_newsroom()
    generate(stories=40, seed=7)
    assert snapshot() == first
    empty_the_newsroom()
    generate(stories=40, seed=8)
    assert snapshot()[0] != first[0]


def test_refuses_a_database_that_has_content(generated):
    with pytest.raises(CommandError, match=r"already has content \(60 stories and 120 photos\).*flush") as error:
        generate(stories=5)
    assert error.value.returncode == 2
    assert Story.objects.count() == 60


def test_dry_run_saves_nothing(db):
    out = StringIO()
    call_command("generate_content", "--stories", "25", "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would generate 25 stories, 50 photo records")
    assert out.getvalue().rstrip().endswith("Dry run: nothing was saved.")
    assert not Story.objects.exists() and not PhotoAsset.objects.exists()
    assert not StorySearchDocument.objects.exists()


def test_fewer_photos_than_placements_are_shared_and_more_stay_in_the_library(db):
    generate(stories=30, photos=10)
    assert PhotoAsset.objects.count() == 10 and PhotoPlacement.objects.count() == 60
    empty_the_newsroom()
    generate(stories=20, photos=100)
    assert PhotoAsset.objects.filter(placements__isnull=True).count() == 60


def test_help_lists_examples_and_says_photos_have_no_files(capsys):
    with pytest.raises(SystemExit):
        call_command("generate_content", "--help")
    text = capsys.readouterr().out
    assert "Examples:\n  python manage.py generate_content --stories 1000\n" in text
    assert "NO image file" in text


@pytest.mark.skipif(not on_postgresql, reason="the search index exists on PostgreSQL only; SQLite search reads stories")
def test_search_documents_are_what_the_index_would_make(generated, client):
    assert StorySearchDocument.objects.count() == 60
    made = {doc.story_id: (doc.vector, doc.text) for doc in StorySearchDocument.objects.all()}
    for story_id in list(made)[:12]:
        indexing.refresh_story(story_id)
        document = StorySearchDocument.objects.get(pk=story_id)
        assert (document.vector, document.text) == made[story_id], story_id

    story = Story.objects.published().first()
    word = max(re.findall(r"[A-Za-z]{6,}", story.headline), key=len)
    response = client.get("/search/", {"q": word})
    assert response.status_code == 200
    assert re.search(
        r'class="newsroom-listing__headline"><a class="usa-link" href="/news/[^"]+">[^<]*' + word,
        response.content.decode(),
        flags=re.I,
    )


def test_photo_copies_give_pages_their_pictures_without_writing_files(db, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("generate_content", "--stories", "20", "--until", UNTIL.isoformat(), "--photo-copies", stdout=out)
    assert "40 photo records (with copies recorded, no image files)" in out.getvalue()
    assert not any(tmp_path.iterdir()), "records only: no file written"

    photo = PhotoAsset.objects.filter(placements__story__in=Story.objects.published()).first()
    assert photo.has_image and photo.copies_public and (photo.width, photo.height) == (6000, 4000)
    assert photo.original.name == f"originals/{photo.virin[:2]}/{photo.virin.lower()}.jpg"
    assert set(photo.renditions) == {
        "full",
        "thumb.webp",
        "thumb.jpg",
        "share.jpg",
        *(f"w{width}.{extension}" for width in (480, 800, 1200, 1600) for extension in ("webp", "jpg")),
    }
    assert photo.renditions["w800.jpg"]["width"] == 800 and photo.renditions["w800.jpg"]["height"] == 533
    assert re.fullmatch(
        rf"photos/{photo.virin[:2]}/{photo.virin.lower()}/w800\.[0-9a-f]{{10}}\.jpg",
        photo.renditions["w800.jpg"]["name"],
    )

    # A reader's story page shows each photo as a made photo is shown: its picture in both
    # formats at every width, and its full-size download with its size.
    story = photo.placements.first().story
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Image not available" not in page
    for placement in story.placements.all():
        placed = placement.photo
        assert f'srcset="{settings.MEDIA_URL}{placed.renditions["w480.webp"]["name"]} 480w' in page
        assert f'{settings.MEDIA_URL}{placed.renditions["w1600.jpg"]["name"]} 1600w"' in page
        assert f'download="{placed.virin}.jpg">Full Size ({placed.renditions["full"]["bytes"] / 1e6:.2f} MB)' in page
    listing = client.get("/news/").content.decode()
    assert listing.count('class="newsroom-listing__photo"') == listing.count('class="newsroom-listing__item"') > 0
