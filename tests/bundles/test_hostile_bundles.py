"""Bundles made to hurt: wrong types, members too large to hold, files that are not files.

Each is refused with a sentence naming what is wrong (the member, the line, the field and its
value), with bounded memory, and never with a traceback: through call_command and through a real
`manage.py import_newsroom` process.
"""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.db import connection

from newsroom.bundles.format import MANIFEST_MAX_BYTES, READS_VERSIONS
from tests.bundles.conftest import (
    assert_nothing_written,
    export,
    in_old_format,
    rewrite_bundle,
    run,
    wipe_site,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def manifest_with(**changes):
    def rewrite(data):
        manifest = json.loads(data)
        for dotted, value in changes.items():
            *parents, last = dotted.split("__")
            holder = manifest
            for parent in parents:
                holder = holder[parent]
            holder[last] = value
        return json.dumps(manifest).encode()

    return {"manifest.json": rewrite}


def records_with(member, change):
    def rewrite(data):
        rows = [json.loads(line) for line in data.splitlines()]
        change(rows)
        return b"".join(json.dumps(row).encode() + b"\n" for row in rows)

    return {member: rewrite}


# --- The manifest's values --------------------------------------------------------------------

WRONG_MANIFESTS = [
    (
        {"format_version": True},
        "gives the format version as true (true or false); it should be a whole number "
        f"(this Newsroom reads versions {', '.join(map(str, READS_VERSIONS))})",
    ),
    ({"format_version": "2"}, 'gives the format version as "2" (text); it should be a whole number'),
    (
        {"records__stories": [1, 2]},
        'manifest.json: "records" → "stories" is [1, 2] (a list); it should be a whole number, 0 or more.',
    ),
    ({"records__photos": -2}, '"records" → "photos" is -2 (a whole number); it should be a whole number, 0 or more'),
    ({"site__name": {"text": "Newsroom"}}, '"site" → "name" is {"text": "Newsroom"} (an object); it should be text'),
    ({"missing_files": "all of them"}, '"missing_files" is "all of them" (text); it should be a list'),
    ({"staff_work": "yes"}, '"staff_work" is "yes" (text); it should be true or false'),
    ({"records__pending_changes": "0"}, '"records" → "pending_changes" is "0" (text); it should be a whole number'),
    # It says it carries the staff's own work: then it must count each of their tables.
    ({"staff_work": True}, '"records" is {'),
    (
        {"search": {"rules_version": "1", "documents": 3}},
        '"search" → "rules_version" is "1" (text); it should be a whole number, 1 or more',
    ),
]


@pytest.mark.parametrize(("changes", "message"), WRONG_MANIFESTS)
def test_a_manifest_value_of_the_wrong_type_is_named_with_its_field(tmp_path, bundle, changes, message):
    wrong = rewrite_bundle(bundle, tmp_path / "wrong.zip", replace=manifest_with(**changes))

    result = run("import_newsroom", wrong)

    assert result.status == 2
    assert message in result.err
    assert_nothing_written(tmp_path)


def test_a_manifest_larger_than_any_newsroom_writes_is_refused_after_reading_only_the_limit(tmp_path, bundle):
    huge = b'{"format": "newsroom-bundle", "padding": "' + b" " * MANIFEST_MAX_BYTES + b'"}'
    wrong = rewrite_bundle(bundle, tmp_path / "wrong.zip", replace={"manifest.json": huge})

    result = run("import_newsroom", wrong)

    assert result.status == 2
    assert "wrong.zip: manifest.json is larger than 16 MB" in result.err
    assert_nothing_written(tmp_path)


def test_a_manifest_nested_too_deep_to_read_is_damaged_not_a_crash(tmp_path, bundle):
    wrong = rewrite_bundle(bundle, tmp_path / "wrong.zip", replace={"manifest.json": b"[" * 200_000})

    result = run("import_newsroom", wrong)

    assert result.status == 2 and "manifest.json is damaged" in result.err


# --- The records' values ----------------------------------------------------------------------


def test_a_record_line_longer_than_the_limit_is_refused_with_its_member_and_line(tmp_path, bundle):
    def pad_second(data):
        lines = data.splitlines(keepends=True)
        lines[1] = b'{"padding": "' + b"x" * (17 * 1024 * 1024) + b'"}\n'
        return b"".join(lines)

    wrong = rewrite_bundle(bundle, tmp_path / "wrong.zip", replace={"records/stories.ndjson": pad_second})

    result = run("import_newsroom", wrong)

    assert result.status == 2
    assert "records/stories.ndjson line 2 is longer than 16 MB" in result.err
    assert_nothing_written(tmp_path)


WRONG_RECORDS = [
    (
        "records/stories.ndjson",
        lambda rows: rows[0].update(version="3"),
        'records/stories.ndjson line 1: "version" is "3" (text); it should be a whole number, 0 or more.',
    ),
    (
        "records/stories.ndjson",
        lambda rows: rows[1].update(headline={"en": "Navy Clinics"}),
        'records/stories.ndjson line 2: "headline" is {"en": "Navy Clinics"} (an object); it should be text.',
    ),
    (
        "records/stories.ndjson",
        lambda rows: rows[0].update(slug="a" * 201),
        '"slug" is "aaaa',
    ),
    (
        "records/photos.ndjson",
        lambda rows: rows[0].update(renditions=[{"name": "full.jpg"}]),
        'records/photos.ndjson line 1: "renditions" is [{"name": "full.jpg"}] (a list); it should be an object.',
    ),
    (
        "records/photos.ndjson",
        lambda rows: rows[1]["renditions"]["w480.jpg"].update(bytes="many"),
        '"renditions" → "w480.jpg" → "bytes" is "many" (text); it should be a whole number, 0 or more.',
    ),
    (
        "records/pages.ndjson",
        lambda rows: rows[0].update(enable_comments=1),
        'records/pages.ndjson line 1: "enable_comments" is 1 (a whole number); it should be true or false.',
    ),
    (
        "records/revisions.ndjson",
        lambda rows: rows[0]["snapshot"].update(tags=[[1]]),
        '"snapshot" → "tags" → item 1 is [1] (a list); it should be a whole number.',
    ),
    (
        "records/accounts.ndjson",
        lambda rows: rows[0].update(groups="Editors"),
        'records/accounts.ndjson line 1: "groups" is "Editors" (text); it should be a list.',
    ),
]


@pytest.mark.parametrize(("member", "change", "message"), WRONG_RECORDS)
def test_a_record_value_of_the_wrong_type_is_named_with_its_line_and_field(tmp_path, bundle, member, change, message):
    wrong = rewrite_bundle(bundle, tmp_path / "wrong.zip", replace=records_with(member, change))

    result = run("import_newsroom", wrong)

    assert result.status == 2, result.err
    assert message in result.err
    assert_nothing_written(tmp_path)


def test_a_record_nested_too_deep_to_read_is_not_a_json_record(tmp_path, bundle):
    def deep_first(data):
        return b"[" * 200_000 + b"\n" + data.split(b"\n", 1)[1]

    wrong = rewrite_bundle(bundle, tmp_path / "wrong.zip", replace={"records/tags.ndjson": deep_first})

    result = run("import_newsroom", wrong)

    assert result.status == 2 and "records/tags.ndjson line 1: not a JSON record" in result.err


# --- Story bodies over the limit --------------------------------------------------------------


def test_a_story_body_over_the_limit_is_refused_naming_the_story(settings, tmp_path, bundle):
    settings.STORY_BODY_MAX_KB = 2

    def long_body(rows):
        ship = next(row for row in rows if row["slug"] == "hospital-ship")
        ship["body"] = "<p>" + "The ship's surgeons operated every day. " * 80 + "</p>"

    wrong = rewrite_bundle(bundle, tmp_path / "wrong.zip", replace=records_with("records/stories.ndjson", long_body))

    result = run("import_newsroom", wrong)

    assert result.status == 2
    assert "Story “hospital-ship” (Hospital Ship Wraps Up Mission) (records/stories.ndjson line " in result.err
    assert "The body is 3.1 KB of HTML; the limit is 2 KB (STORY_BODY_MAX_KB)." in result.err
    assert_nothing_written(tmp_path)


def test_an_old_bundles_body_over_the_limit_once_converted_is_refused_naming_the_story(settings, tmp_path, bundle):
    # 1,800 bytes of paragraphs in the old form; each gains its <p> tags in today's form.
    def many_paragraphs(rows):
        ship = next(row for row in rows if row["slug"] == "hospital-ship")
        ship["body"] = "\n\n".join(["Sailors treated patients."] * 70)

    old = in_old_format(bundle, tmp_path / "old.zip", version=2)
    wrong = rewrite_bundle(old, tmp_path / "wrong.zip", replace=records_with("records/stories.ndjson", many_paragraphs))
    settings.STORY_BODY_MAX_KB = 2

    result = run("import_newsroom", wrong)

    assert result.status == 1
    assert "wrong.zip was not imported; nothing was written." in result.err
    assert (
        "Story “hospital-ship” (Hospital Ship Wraps Up Mission), in the form bodies have now: The body is" in result.err
    )
    assert "the limit is 2 KB (STORY_BODY_MAX_KB)" in result.err
    assert_nothing_written(tmp_path)


# --- Members zipfile cannot read, and files that are not bundles ------------------------------


def with_compression_method(path, member, method: int) -> Path:
    """The bundle with one member's compression method changed in its headers: a method zipfile cannot read."""
    data = bytearray(Path(path).read_bytes())
    name = member.encode()
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(member).header_offset
    data[local + 8 : local + 10] = method.to_bytes(2, "little")
    central = 0
    while True:
        central = data.index(b"PK\x01\x02", central)
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_length] == name:
            data[central + 10 : central + 12] = method.to_bytes(2, "little")
            break
        central += 4
    Path(path).write_bytes(data)
    return Path(path)


def test_a_member_compressed_in_a_way_zipfile_cannot_read_is_named(tmp_path, bundle):
    wrong = with_compression_method(rewrite_bundle(bundle, tmp_path / "wrong.zip"), "manifest.json", 99)

    result = run("import_newsroom", wrong)

    assert result.status == 2
    assert "wrong.zip: manifest.json cannot be read (" in result.err and "Export the site again." in result.err


def test_a_fifo_a_device_and_a_folder_are_named_never_waited_on(tmp_path, db, within_seconds):
    fifo = tmp_path / "newsroom.zip"
    os.mkfifo(fifo)

    assert "newsroom.zip is a named pipe (FIFO), not a file" in run("import_newsroom", fifo).err
    assert "/dev/zero is a device or socket, not a file" in run("import_newsroom", "/dev/zero").err
    assert f"{tmp_path} is a folder; give the bundle file" in run("import_newsroom", tmp_path).err
    assert run("import_newsroom", fifo).status == 2


# --- From the shell: an exit status and a sentence, never a traceback -------------------------


@pytest.fixture
def shell_database(request, tmp_path):
    """A database a `manage.py` process can open: the test database on PostgreSQL (its rows
    committed), a migrated file of its own on SQLite."""
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        return "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    url = f"sqlite:///{tmp_path / 'shell.sqlite3'}"
    manage("migrate", "-v0", database=url, check=True)
    return url


def manage(*args, database, check=False):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.test_settings", DATABASE_URL=database, SECURITY_LOG="/dev/null", COLUMNS="200"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_malformed_bundles_from_the_shell_get_a_sentence_and_status_2_never_a_traceback(
    request, settings, tmp_path, small_site
):
    good = export(tmp_path / "newsroom.zip")
    database = request.getfixturevalue("shell_database")
    wipe_site(settings, tmp_path)  # on PostgreSQL the shell reads the committed, now empty, tables
    fifo = tmp_path / "pipe.zip"
    os.mkfifo(fifo)
    malformed = {
        "version true": (
            rewrite_bundle(good, tmp_path / "a.zip", replace=manifest_with(format_version=True)),
            "gives the format version as true",
        ),
        "count a list": (
            rewrite_bundle(good, tmp_path / "b.zip", replace=manifest_with(records__tags=[])),
            '"records" → "tags" is [] (a list)',
        ),
        "site name an object": (
            rewrite_bundle(good, tmp_path / "c.zip", replace=manifest_with(site__name={})),
            '"site" → "name" is {} (an object)',
        ),
        "renditions a list": (
            rewrite_bundle(
                good,
                tmp_path / "d.zip",
                replace=records_with("records/photos.ndjson", lambda r: r[0].update(renditions=[])),
            ),
            'records/photos.ndjson line 1: "renditions" is [] (a list)',
        ),
        "deep JSON": (
            rewrite_bundle(good, tmp_path / "e.zip", replace={"records/tags.ndjson": b"[" * 100_000 + b"\n"}),
            "records/tags.ndjson line 1: not a JSON record",
        ),
        "cut short": (rewrite_bundle(good, tmp_path / "f.zip", cut_at=0.5), "is not a complete bundle"),
        "a FIFO": (fifo, "is a named pipe (FIFO), not a file"),
    }
    for case, (path, message) in malformed.items():
        done = manage("import_newsroom", path, database=database)

        assert "Traceback" not in done.stderr, f"{case}: {done.stderr}"
        assert done.returncode == 2, f"{case}: {done.returncode} {done.stderr}"
        assert message in done.stderr, f"{case}: {done.stderr}"
