"""The legacy plain-text importer: the parser's errors, and the command end to end."""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from newsroom.photos.models import PhotoAsset
from newsroom.stories.importers.text_story import TextStoryError, headline_key, parse_text_story
from newsroom.stories.models import PhotoPlacement, Status, Story
from tests.conftest import command_output
from tests.stories.test_admin import story_form

SAMPLES = Path(__file__).parent / "samples"
PHOTOS = Path(__file__).parent.parent / "photos" / "samples"
CURRENT = SAMPLES / "current-story.txt"
ARCHIVED = SAMPLES / "archived-story.txt"
BYLINE = "Jane Doe, DOD News"


def run_failing(*args):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_text_stories", *map(str, args), stdout=out, stderr=err)
    return raised.value, out.getvalue() + err.getvalue()


def nothing_written():
    return not Story.objects.exists() and not PhotoAsset.objects.exists()


# The parser


def test_parser_reads_the_archived_sample():
    story = parse_text_story(ARCHIVED.read_text())
    assert story.headline == "Engineers Close Final Levee Breach Ahead of Hurricane Season"
    assert story.is_archived and story.archive_notice.startswith("You have accessed part of a historical collection")
    assert story.summary.startswith("Army engineers finished repairing 14 miles")
    assert len(story.paragraphs) == 6
    assert [(p.virin, p.after_paragraph) for p in story.photos] == [
        ("210614-A-KX193-1002", 2),
        ("210615-N-QR552-1045", 4),
    ]
    assert (story.photos[0].photographer, story.photos[0].credit) == ("Staff Sgt. Maria Delgado", "Army")
    assert story.related_headlines == []


def test_parser_handles_crlf_nbsp_curly_quotes_and_no_final_newline():
    text = CURRENT.read_text().replace("\n", "\r\n").rstrip()
    text = text.replace('"What we leave', "\u201cWhat we leave").replace("Capt. Helen", "Capt.\u00a0Helen")
    story = parse_text_story(text)
    assert story.headline == "Navy Hospital Ship Wraps Up Five-Month Partnership Mission"
    assert "\u201cWhat we leave" in story.paragraphs[-1]  # kept as typed
    assert story.paragraphs[1].startswith("Capt. Helen Brandt")
    assert story.related_headlines[-1] == "Hospital Ship Departs for Partnership Mission"
    assert [p.after_paragraph for p in story.photos] == [1]


def test_credit_is_split_on_the_last_comma():
    text = CURRENT.read_text().replace(
        "Photo By: Mass Communication Specialist 1st Class Tomas Varga, Navy",
        "Photo By: Tomas Varga, Jr., Navy Medicine, Navy",
    )
    photo = parse_text_story(text).photos[0]
    assert (photo.photographer, photo.credit) == ("Tomas Varga, Jr., Navy Medicine", "Navy")


def test_a_photo_block_without_its_virin_line_names_the_line():
    text = CURRENT.read_text().replace("VIRIN: 260303-N-TV418-1107\n", "")
    with pytest.raises(TextStoryError) as raised:
        parse_text_story(text)
    assert raised.value.line_number == 22
    assert "no “VIRIN:” line" in str(raised.value) and "Line 22" in str(raised.value)


def test_headlines_match_despite_quotes_spaces_and_case():
    assert headline_key("Navy\u2019s  \u201cBig\u201d\u00a0Day") == headline_key('navy\'s "big" day')


# The command


@pytest.mark.django_db
def test_current_story_imports_and_reads_in_order(client):
    output = command_output("import_text_stories", CURRENT, "--byline", BYLINE)
    story = Story.objects.get()
    assert story.status == Status.PUBLISHED and story.published_at.date().isoformat() == "2026-03-03"
    assert story.slug == "navy-hospital-ship-wraps-up-five-month-partnership-mission"
    assert "image missing" in output and "not found yet" in output
    # From the story on: the head's JSON-LD carries the text too (articleBody).
    page = client.get(story.get_absolute_url()).content.decode().split("<article", 1)[1]
    pieces = [
        "Sailors and civilian mariners aboard",
        "The mission visited six host nations",
        "Navy Lt. j.g. Aisha Bello checks",
        "Photo By: Mass Communication Specialist 1st Class Tomas Varga, Navy",
        "260303-N-TV418-1107",
        "Capt. Helen Brandt, the mission commander",
        "What we leave behind is the training",
    ]
    positions = [page.find(piece.replace("'", "&#x27;").replace('"', "&quot;")) for piece in pieces]
    assert -1 not in positions, list(zip(pieces, positions))
    assert positions == sorted(positions)
    assert "historical collection" not in page


@pytest.mark.django_db
def test_archived_story_goes_into_the_collection_and_shows_the_notice(client, collection):
    command_output("import_text_stories", ARCHIVED, "--byline", BYLINE, "--collection", collection.slug)
    story = Story.objects.get()
    assert story.collection == collection and story.is_archived
    assert story.published_at.date().isoformat() == "2021-06-15"  # the latest VIRIN date
    page = client.get(story.get_absolute_url()).content.decode()
    assert collection.notice in page
    page = page.split("<article", 1)[1]  # the head's JSON-LD carries the text too
    # The legacy text became the body's blocks, its photos blocks where they stood, and the rows follow.
    assert re.findall(r"<(p|figure)\b", story.body) == ["p", "p", "figure", "p", "p", "figure", "p", "p"]
    assert [p.photo.virin for p in story.placements.all()] == ["210614-A-KX193-1002", "210615-N-QR552-1045"]
    order = [
        page.find("Army engineers finished repairing"),
        page.find("Col. Dana Whitfield, who commands"),
        page.find("These levees protect about 40,000 people"),
        page.find("Photo By: Staff Sgt. Maria Delgado, Army"),
        page.find("210614-A-KX193-1002"),
        page.find("The repairs used about 310,000"),
        page.find("Whitfield credited a partnership"),
        page.find("Photo By: Petty Officer 2nd Class Jonah Reyes, Navy"),
        page.find("210615-N-QR552-1045"),
        page.find("Inspectors will walk the full length"),
        page.find("We built this to last 50 years"),
    ]
    assert -1 not in order and order == sorted(order)


@pytest.mark.django_db
def test_archived_story_without_a_collection_goes_into_a_new_one_with_the_files_notice(client):
    command_output("import_text_stories", ARCHIVED, "--byline", BYLINE)
    story = Story.objects.get()
    assert story.collection.slug == "historical"
    page = client.get(story.get_absolute_url()).content.decode()
    assert "You have accessed part of a historical collection on defense.gov" in page


@pytest.mark.django_db
def test_archived_story_without_a_collection_goes_into_the_only_one():
    from newsroom.archive.models import Collection

    only = Collection.objects.create(name="2019-2021", slug="2019-2021", notice="Old news.")
    command_output("import_text_stories", ARCHIVED, "--byline", BYLINE)
    assert Story.objects.get().collection == only and Collection.objects.count() == 1


@pytest.mark.django_db
def test_archived_story_with_several_collections_and_none_named_is_refused():
    from newsroom.archive.models import Collection

    Collection.objects.create(name="A", slug="a", notice="Old.")
    Collection.objects.create(name="B", slug="b", notice="Older.")
    error, output = run_failing(ARCHIVED, "--byline", BYLINE)
    assert error.returncode == 1
    assert "--collection" in output and "a, b" in output and not Story.objects.exists()


@pytest.mark.django_db
def test_unknown_collection_is_bad_usage():
    error, _ = run_failing(ARCHIVED, "--collection", "nope")
    assert error.returncode == 2


@pytest.mark.django_db
def test_reimport_updates_without_duplicates_and_links_related_stories(make_story):
    command_output("import_text_stories", CURRENT, "--byline", BYLINE)
    related = make_story(headline="Hospital Ship Departs for Partnership Mission")
    output = command_output("import_text_stories", CURRENT, "--byline", BYLINE)
    assert Story.objects.filter(slug__startswith="navy-hospital-ship").count() == 1
    assert PhotoAsset.objects.count() == 1 and PhotoPlacement.objects.count() == 1
    story = Story.objects.get(slug="navy-hospital-ship-wraps-up-five-month-partnership-mission")
    assert list(story.related_stories.all()) == [related]
    assert "Navy Medical Teams Train Partner Nations" in output and "not found yet" in output


@pytest.mark.django_db
def test_related_headlines_not_found_are_remembered_and_linked_when_the_story_arrives(editor_client):
    command_output("import_text_stories", CURRENT, "--byline", BYLINE)
    story = Story.objects.get(slug="navy-hospital-ship-wraps-up-five-month-partnership-mission")
    assert story.related_stories.count() == 0
    waiting = set(story.waiting_related.values_list("headline", flat=True))
    assert "Hospital Ship Departs for Partnership Mission" in waiting

    # Written with other case and curly quotes, it is still the same headline.
    editor_client.post(
        "/admin/stories/story/add/",
        story_form(headline="hospital ship departs for partnership  mission", slug="ship-departs"),
    )
    arrived = Story.objects.get(slug="ship-departs")
    assert list(story.related_stories.all()) == [arrived]
    assert "Hospital Ship Departs for Partnership Mission" not in set(
        story.waiting_related.values_list("headline", flat=True)
    )
    response_links = [s.headline for s in story.related_stories.all()]
    assert response_links == ["hospital ship departs for partnership  mission"]


@pytest.mark.django_db
def test_photos_are_attached_from_the_photos_dir(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("210614-A-KX193-1002.jpg", "210615-N-QR552-1045.jpg"):
        shutil.copy(PHOTOS / name, folder / name.lower())  # names match whatever their case
    from newsroom.archive.models import Collection

    Collection.objects.create(name="Old", slug="old", notice="Old news.")
    output = command_output(
        "import_text_stories", ARCHIVED, "--byline", BYLINE, "--collection", "old", "--photos-dir", folder
    )
    assert "image missing" not in output
    photos = PhotoAsset.objects.order_by("virin")
    assert [p.virin for p in photos] == ["210614-A-KX193-1002", "210615-N-QR552-1045"]
    assert all(p.original and p.renditions.get("full") for p in photos)
    command_output("import_text_stories", ARCHIVED, "--byline", BYLINE, "--collection", "old", "--photos-dir", folder)
    assert PhotoAsset.objects.count() == 2


@pytest.mark.django_db
def test_without_a_byline_the_legacy_story_is_published_and_reads_well(client):
    output = command_output("import_text_stories", CURRENT)
    story = Story.objects.get()
    assert story.status == Status.PUBLISHED and story.byline == ""
    assert "--byline" in output
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert "By " not in page.content.decode().split("<h1", 1)[1].split("</header>", 1)[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Caf\u00e9 headline\n\nSummary.\n\nBody.\n".encode("latin-1"), "not UTF-8"),
        (CURRENT.read_bytes().replace(b"VIRIN: 260303-N-TV418-1107\n", b""), "Line 22"),
    ],
    ids=["empty", "binary", "latin-1", "missing-virin"],
)
def test_bad_files_are_refused_with_a_clear_error_and_nothing_written(tmp_path, content, message):
    path = tmp_path / "story.txt"
    path.write_bytes(content)
    error, output = run_failing(path, "--byline", BYLINE, "--published", "2026-03-03")
    assert error.returncode == 1
    assert message in output
    assert nothing_written()


@pytest.mark.django_db
def test_no_date_anywhere_asks_for_published(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("A Headline\n\nThe summary.\n\nThe only paragraph.")
    _, output = run_failing(path, "--byline", BYLINE)
    assert "--published" in output and nothing_written()
    command_output("import_text_stories", path, "--byline", BYLINE, "--published", "2020-01-02")
    assert Story.objects.get().published_at.date().isoformat() == "2020-01-02"


@pytest.mark.django_db
def test_dry_run_writes_nothing(collection, tmp_path):
    output = command_output(
        "import_text_stories",
        CURRENT,
        ARCHIVED,
        "--byline",
        BYLINE,
        "--collection",
        collection.slug,
        "--photos-dir",
        PHOTOS,
        "--dry-run",
    )
    assert "Would import 2 of 2" in output and "nothing was saved" in output
    assert nothing_written()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]  # no originals, no public copies


@pytest.mark.django_db
def test_a_failure_in_the_second_file_keeps_the_first(collection, monkeypatch):
    from newsroom.bundles.management.commands import import_text_stories

    real = import_text_stories.story_archive

    def failing_archive(**kwargs):
        real(**kwargs)  # the story is written, archived, then the file fails: all of it must go
        raise ValidationError("Injected failure.")

    monkeypatch.setattr(import_text_stories, "story_archive", failing_archive)
    error, output = run_failing(CURRENT, ARCHIVED, "--byline", BYLINE, "--collection", collection.slug)
    assert error.returncode == 1
    assert "Injected failure." in output and "Imported 1 of 2 files; 1 failed" in str(error)
    assert list(Story.objects.values_list("headline", flat=True)) == [
        "Navy Hospital Ship Wraps Up Five-Month Partnership Mission"
    ]
    assert not PhotoAsset.objects.filter(virin__startswith="2106").exists()


@pytest.mark.django_db
def test_a_legacy_virin_is_kept_with_notes_and_the_story_stays_a_draft(tmp_path):
    legacy = tmp_path / "legacy.txt"
    legacy.write_text(CURRENT.read_text().replace("VIRIN: 260303-N-TV418-1107", "VIRIN: 170815-a-DR075-349C.JPG"))
    output = command_output("import_text_stories", legacy, "--byline", BYLINE)
    photo = PhotoAsset.objects.get()
    assert photo.virin == "170815-A-DR075-349C"
    assert "File extension" in photo.virin_notes and "Trailing letter" in photo.virin_notes
    story = Story.objects.get()
    assert story.status == Status.DRAFT and "not published" in output
    assert story.published_at.date().isoformat() == "2017-08-15"
