"""Story bodies in bundles: format 3 carries them in their canonical form and round-trips them byte for
byte; bundles made before it (formats 1 and 2) import converted; a merge turns the keys a body names
into the keys here."""

import json
import zipfile

import pytest

from newsroom.bundles.format import FIELDS_ADDED, fields_added_after
from newsroom.photos.models import PhotoAsset
from newsroom.stories.body import linked_story_ids, photo_blocks
from newsroom.stories.models import PhotoPlacement, Revision, Story
from newsroom.stories.revisions import revision_diff
from newsroom.stories.services import revision_restore, story_update
from tests.bundles.conftest import export, in_old_format, rewrite_bundle, rows, run, wipe_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_with_bodies(small_site, create_story, make_photo, committed):
    """The small site, and a story written through the write path with what the old form could hold
    too: inline markup, links, and a photo with this story's own caption (public once committed)."""
    photo = make_photo(title="Levee Crew")
    levee = committed(
        create_story,
        headline="Levee Holds",
        slug="levee-holds",
        body='<p>The <em>levee</em> held, as <a href="/news/hospital-ship/">the ship</a> sailed.</p>'
        f'<figure data-photo="{photo.pk}" data-caption="Our own caption."></figure>'
        '<p>Read <a href="https://www.usa.gov/">USA.gov</a>.</p>',
    )
    return {**small_site, "levee": levee, "crew": photo}


def story_rows():
    state = rows()
    return state["stories"], state["placements"]


def test_a_new_bundle_round_trips_byte_for_byte(settings, tmp_path, site_with_bodies):
    first = export(tmp_path / "first.zip")
    wipe_site(settings, tmp_path)
    assert run("import_newsroom", first, "--with-staff-accounts").status == 0

    second = export(tmp_path / "second.zip")

    with zipfile.ZipFile(first) as one, zipfile.ZipFile(second) as two:
        assert json.loads(one.read("manifest.json"))["format_version"] == 6
        members = [name for name in one.namelist() if name.startswith("records/")]
        assert "records/stories.ndjson" in members and members == [
            n for n in two.namelist() if n.startswith("records/")
        ]
        for name in members:
            assert one.read(name) == two.read(name), name


@pytest.mark.parametrize("version", [1, 2])
def test_a_bundle_made_before_the_canonical_body_imports_converted(settings, tmp_path, site_with_bodies, version):
    stories_before, placements_before = story_rows()
    old = in_old_format(export(tmp_path / "newsroom.zip"), tmp_path / "old.zip", version=version)
    with zipfile.ZipFile(old) as bundle:
        levee_row = next(
            row
            for row in map(json.loads, bundle.read("records/stories.ndjson").splitlines())
            if row["slug"] == "levee-holds"
        )
    assert "<figure" not in levee_row["body"] and "\n\n" in levee_row["body"], "the old form, as old bundles have it"
    wipe_site(settings, tmp_path)

    result = run("import_newsroom", old)

    assert result.status == 0, result.err
    # The same paragraphs, the same photos at the same places with their captions here, the same links.
    assert story_rows() == (stories_before, placements_before)


def test_an_old_bundles_revisions_are_read_and_restored_in_todays_form(settings, tmp_path, site_with_bodies, editor):
    levee = site_with_bodies["levee"]
    body = levee.body
    old = in_old_format(export(tmp_path / "newsroom.zip"), tmp_path / "old.zip", version=2)
    wipe_site(settings, tmp_path)
    run("import_newsroom", old)
    story = Story.objects.get(slug="levee-holds")
    first = Revision.objects.get(story=story, number=1)
    assert "after_paragraph" in first.snapshot["placements"][0], "kept as recorded"

    story.body = "<p>Changed.</p>"
    story.version += 1
    story.save()
    from newsroom.stories.revisions import record_revision

    newer = record_revision(story=story, user=None)
    changes = {change.name: change for change in revision_diff(first, newer)}
    assert "photo " + site_with_bodies["crew"].virin + " removed (after “The levee held, as the…”)" in str(
        changes["body"].before_html
    )

    restored = revision_restore(revision=first, user=editor)

    assert restored.body == body
    assert [(p.photo.virin, p.order, p.caption) for p in restored.placements.all()] == [
        (site_with_bodies["crew"].virin, 0, "Our own caption.")
    ]


def test_a_merge_turns_the_keys_a_body_names_into_the_keys_here(
    settings, tmp_path, site_with_bodies, make_photo, make_story, client
):
    levee, ship = site_with_bodies["levee"], site_with_bodies["ship"]
    story_update(
        story=levee,
        changes={"body": levee.body.replace('href="/news/hospital-ship/"', f'data-story="{ship.pk}"')},
        user=None,
        expected_version=None,
    )
    assert linked_story_ids(levee.body) == {ship.pk}
    bundle = export(tmp_path / "newsroom.zip")
    wipe_site(settings, tmp_path)
    # Rows made here first take the keys the bundle's rows had.
    for _ in range(3):
        make_story(photos=[make_photo()])

    result = run("import_newsroom", bundle, "--merge")

    assert result.status == 0, result.err
    levee, ship = Story.objects.get(slug="levee-holds"), Story.objects.get(slug="hospital-ship")
    crew = PhotoAsset.objects.get(virin=site_with_bodies["crew"].virin)
    assert (levee.pk, crew.pk) != (site_with_bodies["levee"].pk, site_with_bodies["crew"].pk)
    assert [b.photo_id for b in photo_blocks(levee.body)] == [crew.pk]
    assert list(PhotoPlacement.objects.filter(story=levee).values_list("photo", flat=True)) == [crew.pk]
    assert linked_story_ids(levee.body) == {ship.pk}
    page = client.get(levee.get_absolute_url()).content.decode()
    assert f'<a href="{ship.get_absolute_url()}">the ship</a>' in page
    assert crew.virin in page
    # The merged revisions name the keys here too: restoring one keeps the photo and the link.
    snapshot = levee.revisions.get(number=2).snapshot
    assert f'data-photo="{crew.pk}"' in snapshot["body"] and f'data-story="{ship.pk}"' in snapshot["body"]


def test_a_bundle_of_format_3_made_before_the_trash_imports_and_a_trashed_draft_travels(
    settings, tmp_path, site_with_bodies, create_story, editor
):
    from newsroom.stories.services import story_trash

    draft = create_story(headline="Draft Sent To The Trash", slug="draft-trash", status="draft")
    story_trash(story=draft, user=editor)
    new = export(tmp_path / "newsroom.zip")

    def as_format_3(table):
        def rewrite(data):
            lines = [json.loads(line) for line in data.splitlines()]
            for row in lines:
                for name in fields_added_after(3, table):
                    del row[name]
            return b"".join(json.dumps(row).encode() + b"\n" for row in lines)

        return rewrite

    def version_three(data):
        return json.dumps({**json.loads(data), "format_version": 3}).encode()

    old = rewrite_bundle(
        new,
        tmp_path / "format-3.zip",
        replace={
            "manifest.json": version_three,
            **{
                f"records/{table}.ndjson": as_format_3(table)
                for version, tables in FIELDS_ADDED.items()
                if version > 3
                for table in tables
            },
        },
    )
    wipe_site(settings, tmp_path)
    result = run("import_newsroom", old)
    assert result.status == 0, result.err
    assert not Story.objects.filter(trashed_at__isnull=False).exists(), "format 3 knew no trash"

    wipe_site(settings, tmp_path)
    assert run("import_newsroom", new).status == 0
    assert Story.objects.get(slug="draft-trash").trashed_at is not None
