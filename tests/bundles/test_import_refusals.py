"""What import_newsroom refuses, and that a refused or failed import leaves nothing behind."""

import json

import pytest

from newsroom.stories.models import Story
from tests.bundles.conftest import assert_nothing_written, export, rewrite_bundle, run

pytestmark = pytest.mark.django_db


def stories_with(change):
    """A replacement for the stories member: `change(records)` edits the decoded records in place."""

    def rewrite(data):
        records = [json.loads(line) for line in data.splitlines()]
        change(records)
        return b"".join(json.dumps(record).encode() + b"\n" for record in records)

    return {"records/stories.ndjson": rewrite}


def test_a_site_with_content_is_refused_without_merge(tmp_path, small_site):
    path = export(tmp_path / "newsroom.zip")

    result = run("import_newsroom", path)

    assert result.status == 2
    assert "already has content (3 stories, 2 photos" in result.err
    assert "--merge" in result.err
    assert Story.objects.count() == 3


def test_a_truncated_bundle_is_refused_whole(tmp_path, bundle):
    cut = rewrite_bundle(bundle, tmp_path / "cut.zip", cut_at=0.6)

    result = run("import_newsroom", cut)

    assert result.status == 2
    assert "cut.zip is not a complete bundle" in result.err and "cut short" in result.err
    assert_nothing_written(tmp_path)


def test_a_line_that_is_not_json_is_named_with_its_line_number(tmp_path, bundle):
    def break_second_line(data):
        lines = data.splitlines(keepends=True)
        lines[1] = b'{"id": 7, "headline": "Navy Clinics\n'
        return b"".join(lines)

    broken = rewrite_bundle(bundle, tmp_path / "broken.zip", replace={"records/stories.ndjson": break_second_line})

    result = run("import_newsroom", broken)

    assert result.status == 2
    assert "records/stories.ndjson line 2: not a JSON record" in result.err
    assert_nothing_written(tmp_path)


def test_a_record_missing_a_field_is_named(tmp_path, bundle):
    def drop_headline(records):
        del records[0]["headline"]

    broken = rewrite_bundle(bundle, tmp_path / "broken.zip", replace=stories_with(drop_headline))

    result = run("import_newsroom", broken)

    assert result.status == 2
    assert "records/stories.ndjson line 1: no headline." in result.err
    assert_nothing_written(tmp_path)


def test_a_missing_original_is_named_by_photo(tmp_path, bundle, small_site):
    photo = small_site["photos"][0]
    member = f"files/private/{photo.original.name}"
    incomplete = rewrite_bundle(bundle, tmp_path / "incomplete.zip", drop=[member])

    result = run("import_newsroom", incomplete)

    assert result.status == 2
    assert f"photo {photo.virin}" in result.err and f"{member} is not in the bundle" in result.err
    assert_nothing_written(tmp_path)


def test_an_original_that_does_not_match_its_hash_is_refused(tmp_path, bundle, small_site):
    photo = small_site["photos"][1]
    member = f"files/private/{photo.original.name}"
    swapped = rewrite_bundle(bundle, tmp_path / "swapped.zip", replace={member: b"not the photo's original"})

    result = run("import_newsroom", swapped)

    assert result.status == 2
    assert f"photo {photo.virin}" in result.err and "the file is not the photo's original" in result.err
    assert_nothing_written(tmp_path)


def test_a_bundle_of_another_format_version_is_refused(tmp_path, bundle):
    def version_seven(data):
        manifest = json.loads(data)
        manifest["format_version"] = 7
        return json.dumps(manifest).encode()

    newer = rewrite_bundle(bundle, tmp_path / "newer.zip", replace={"manifest.json": version_seven})

    result = run("import_newsroom", newer)

    assert result.status == 2
    assert "bundle format version 7; this Newsroom reads versions 1, 2, 3, 4, 5, 6. Upgrade Newsroom" in result.err
    assert_nothing_written(tmp_path)


def test_a_failure_halfway_leaves_no_story_no_photo_and_no_file(tmp_path, bundle):
    # The last story breaks a rule the database enforces (published needs a publication time),
    # after the photos, their files and the first stories have been written, one a batch.
    def unpublishable_last(records):
        records[-1]["published_at"] = None
        records[-1]["status"] = "published"

    failing = rewrite_bundle(bundle, tmp_path / "failing.zip", replace=stories_with(unpublishable_last))

    result = run("import_newsroom", failing, "--batch-size", 1)

    assert result.status == 1
    assert "was not imported; nothing was written" in result.err and "story_published_has_time" in result.err
    assert_nothing_written(tmp_path)


def test_a_dry_run_writes_nothing(tmp_path, bundle):
    result = run("import_newsroom", bundle, "--dry-run")

    assert result.status == 0, result.err
    assert "Would import" in result.out and "Dry run: nothing was saved." in result.out
    assert_nothing_written(tmp_path)


def test_export_leaves_no_half_bundle_and_will_not_overwrite(tmp_path, small_site):
    existing = tmp_path / "newsroom.zip"
    existing.write_bytes(b"last week's bundle")

    result = run("export_newsroom", existing)

    assert result.status == 2 and "--overwrite" in result.err
    assert existing.read_bytes() == b"last week's bundle"
    assert run("export_newsroom", existing, "--overwrite").status == 0
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []
