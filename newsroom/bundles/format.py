"""What a bundle holds, and reading one back with every check an import needs first.

A bundle is one zip file:

    manifest.json                  format and version, the site, how many records each table has, and
                                   whether it carries the staff's own work (--with-staff-accounts)
    records/<table>.ndjson         one JSON object a line: the table's rows, by primary key
    files/private/<name>           each photo's original, under its name in private storage (PRIVATE_MEDIA_ROOT)
    files/public/<name>            each public copy (full size, renditions), under its storage name (in
                                   MEDIA_ROOT, or in private storage while the photo is embargoed)
    search/documents.ndjson        each story's search document as the exporting site had it (PostgreSQL
                                   only; the manifest's "search" gives the search rules they were made by)

Rows keep their primary keys and every field as stored (timestamps to the microsecond, the
renditions manifest, workflow state, archive state), so an import into an empty database
gives back the same site. Accounts carry no password hash: see ``ACCOUNT_FIELDS``.

The manifest is written last, and a zip's directory is at its end: a bundle cut short is not
a zip at all and is refused whole.
"""

from __future__ import annotations

import copy
import datetime
import functools
import hashlib
import json
import lzma
import os
import stat
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import models

from newsroom.bundles import shapes
from newsroom.core.files import size_text
from newsroom.stories.body import body_size_problem

FORMAT = "newsroom-bundle"
# Version 2 added search/documents.ndjson. A version 1 bundle is the same without it and is
# still read: its search documents are made here, as they always were.
# Version 3: story bodies in their canonical form (docs/STORY_BODY.md), photos as blocks in them,
# and placements without `after_paragraph` (their `order` is their place among the story's photos).
# Bundles of versions 1 and 2 are converted as they are imported (restore.py, legacy_body); their
# revisions keep the old form, which the story's history reads as it reads its own old revisions.
# Version 4: fields added to the records since (below); a bundle of an older version is read with
# their defaults, so a bundle made before a field existed still imports.
# Version 5: the photo embargo (whether a photo's copies are public, an Editor's release) and the
# stories' preview link generation. An older bundle's photos come in embargoed, and the import
# then makes public those a published story uses (restore.py), as this site would have.
# Version 6: a live story's unpublished changes, always (they are the story's next version: leaving
# them behind loses work), and, only in a bundle exported with --with-staff-accounts, the staff's own
# work (see STAFF_WORK below); the manifest's "staff_work" says whether it does. An older bundle
# has neither, and imports as it did. Corrections gain `pending` (waiting with those changes).
FORMAT_VERSION = 6
READS_VERSIONS = (1, 2, 3, 4, 5, 6)
FIRST_WITH_BODY_BLOCKS = 3
# Each version's new fields, by table, with the value rows of older bundles take for them.
FIELDS_ADDED = {
    4: {"stories": {"trashed_at": None}, "revisions": {"publish_checks": {}, "reason": ""}},
    5: {
        "stories": {"preview_generation": 0},
        "photos": {"copies_public": False, "released_at": None, "released_by_id": None},
    },
    # A correction added to a live story waits with its unpublished changes; an older one is public.
    6: {"corrections": {"pending": False}},
}


def fields_added_after(version: int, table: str) -> dict:
    """The fields a bundle of `version` has not got in `table`, with their defaults."""
    added = {}
    for since, tables in FIELDS_ADDED.items():
        if since > version:
            added.update(tables.get(table, {}))
    return added


MANIFEST = "manifest.json"
SEARCH_DOCUMENTS = "search/documents.ndjson"
SEARCH_DOCUMENT_FIELDS = ("story_id", "vector", "text", "refreshed_at")
ORIGINALS = "files/private/"
PUBLIC = "files/public/"

# Accounts travel without their password hash: a hash moved to another site is a credential
# leaked with the file. An imported account gets an unusable password; the operator resets it.
ACCOUNT_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "date_joined",
    "last_login",
)
# Problems listed before a check gives up: enough to see the pattern, not a wall of text.
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Table:
    """One table's rows in the bundle, in the order an import needs them (parents first)."""

    name: str
    model_label: str = ""  # "app_label.ModelName"; a many-to-many table is named by its field below
    m2m: str = ""  # "stories.Story.tags": the table behind that field
    exclude: tuple = ()  # fields that stay behind (the site a redirect belongs to: the importing site's)
    since: int = 1  # the first format version that carries the table
    staff_work: bool = False  # carried only with --with-staff-accounts (STAFF_WORK)

    @property
    def member(self) -> str:
        return f"records/{self.name}.ndjson"

    @property
    def model(self) -> type[models.Model]:
        if self.m2m:
            app_model, field_name = self.m2m.rsplit(".", 1)
            return apps.get_model(app_model)._meta.get_field(field_name).remote_field.through
        return apps.get_model(self.model_label or settings.AUTH_USER_MODEL)

    @property
    def fields(self) -> tuple:
        if self.name == "accounts":
            return ACCOUNT_FIELDS + ("groups",)
        return tuple(f.attname for f in self.model._meta.concrete_fields if f.attname not in self.exclude)


# The staff's own work goes only in a bundle exported with --with-staff-accounts, the one an operator
# makes to move this newsroom, staff and all (and imports with --with-staff-accounts): notes between
# writer and editor (newsroom/notes/), each person's working copies (autosave, newsroom/editing/), and
# their notifications and the kinds they turned off (newsroom/desk/). Without it they stay behind: a
# bundle may be handed to another site, and notes are the newsroom's candid working talk, never
# public; working copies are private to their writer; notifications are one person's mail. Who is
# editing a story now (presence) never travels: it lasts a minute.
TABLES = (
    Table("accounts"),  # the site's user model
    Table("tags", "stories.Tag"),
    Table("collections", "archive.Collection"),
    Table("photos", "photos.PhotoAsset"),
    Table("stories", "stories.Story"),
    Table("story_tags", m2m="stories.Story.tags"),
    Table("related_stories", m2m="stories.Story.related_stories"),
    Table("placements", "stories.PhotoPlacement"),
    Table("corrections", "stories.Correction"),
    Table("revisions", "stories.Revision"),
    Table("related_headlines", "stories.RelatedHeadline"),
    Table("pending_changes", "stories.PendingChanges", since=6),
    Table("redirects", "redirects.Redirect", exclude=("site_id",)),
    Table("pages", "flatpages.FlatPage"),
    Table("notes", "notes.Note", since=6, staff_work=True),
    Table("working_copies", "editing.WorkingCopy", since=6, staff_work=True),
    Table("notifications", "desk.Notification", since=6, staff_work=True),
    Table("notifications_turned_off", "desk.TurnedOff", since=6, staff_work=True),
)
TABLE = {table.name: table for table in TABLES}
STAFF_WORK = tuple(table for table in TABLES if table.staff_work)


def tables_carried(version: int, staff_work: bool) -> tuple[Table, ...]:
    """The tables a bundle of `version` holds: the staff's own work only when it was exported with it."""
    return tuple(table for table in TABLES if table.since <= version and (staff_work or not table.staff_work))


class BundleError(Exception):
    """The bundle cannot be imported; the message names the member, line and what is wrong."""


# --- Encoding ---------------------------------------------------------------------------------


def _plain(value):
    # Full precision: Django's JSON encoder cuts datetimes to milliseconds, and a merge
    # compares updated_at to the microsecond.
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot go into a bundle")


def encode_record(row: dict) -> bytes:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_plain).encode() + b"\n"


def _decoders(table: Table) -> dict:
    """Field name -> function turning its JSON value back into what the model stores."""
    if table.name == "accounts":
        fields = [table.model._meta.get_field(name) for name in ACCOUNT_FIELDS]
    else:
        fields = [f for f in table.model._meta.concrete_fields if f.attname not in table.exclude]
    decoders = {}
    for model_field in fields:
        if isinstance(model_field, models.DateTimeField):
            decoders[model_field.attname] = datetime.datetime.fromisoformat
        elif isinstance(model_field, models.DateField):
            decoders[model_field.attname] = datetime.date.fromisoformat
    return decoders


@functools.cache
def _record_checks(table: Table) -> dict:
    """Field name -> the check of its value's type (bundles.shapes), from the model's fields."""
    if table.name == "accounts":
        fields = [table.model._meta.get_field(name) for name in ACCOUNT_FIELDS]
    else:
        fields = [f for f in table.model._meta.concrete_fields if f.attname not in table.exclude]
    return shapes.record_checks(table.name, fields)


def _open_regular_file(path):
    """The bundle file, open for reading, once it is known to be a file (a FIFO, a device or a
    folder is named, never waited on or read); a BundleError says what it is instead."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise BundleError(f"{path}: no such file.") from None
    except IsADirectoryError:
        descriptor = None
    except OSError as error:
        raise BundleError(f"{path} cannot be opened: {error.strerror}.") from None
    mode = stat.S_IFDIR if descriptor is None else os.fstat(descriptor).st_mode
    if stat.S_ISREG(mode):
        return os.fdopen(descriptor, "rb")
    if descriptor is not None:
        os.close(descriptor)
    if stat.S_ISDIR(mode):
        raise BundleError(f"{path} is a folder; give the bundle file export_newsroom wrote.")
    what = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device or socket"
    raise BundleError(f"{path} is {what}, not a file; give the bundle file export_newsroom wrote.")


def story_label(row: dict) -> str:
    """A story of the bundle as an operator finds it: by its address (slug) and headline."""
    return f"Story “{row['slug']}” ({row['headline'][:60]})"


def file_member(kind: str, name: str) -> str:
    return (ORIGINALS if kind == "original" else PUBLIC) + name


def safe_storage_name(name: str) -> bool:
    """A storage name an import may write: relative, and never climbing out of its folder."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


# --- Reading ----------------------------------------------------------------------------------

# A bundle is read with bounded memory, whatever it holds: the manifest and any one record line are
# read up to a limit and refused past it (a line is never read whole to find its end). The records'
# limit leaves room for a story's revision at the largest body allowed (STORY_BODY_MAX_KB), written
# as JSON (quotes escaped), with its other fields.
MANIFEST_MAX_BYTES = 16 * 1024 * 1024


def record_line_limit() -> int:
    return max(16 * 1024 * 1024, 8 * settings.STORY_BODY_MAX_KB * 1024)


# What reading a member can raise when the bytes are not what the zip says: a bad CRC or header,
# damaged compressed data (deflate, bzip2, LZMA), a compression method or encryption zipfile does
# not read, a member that ends early.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, NotImplementedError, RuntimeError)

_MANIFEST_FIELDS = {
    "format": shapes.text(),
    "format_version": shapes.whole(),
    "exported_at": shapes.text(),
    "site": shapes.obj({"domain": shapes.text(max_length=100), "name": shapes.text(max_length=50)}),
    "made_with": shapes.obj(values=shapes.text()),
    "staff_work": shapes.boolean,
    "search": shapes.nullable(
        shapes.obj(
            {"rules_version": shapes.whole(at_least=1), "documents": shapes.whole(at_least=0)},
            required=("rules_version", "documents"),
        )
    ),
    "files": shapes.obj({"count": shapes.whole(at_least=0), "bytes": shapes.whole(at_least=0)}),
    "missing_files": shapes.list_of(shapes.text()),
    "passwords": shapes.text(),
}
_SEARCH_DOCUMENT_CHECKS = {
    "story_id": shapes.whole(),
    "vector": shapes.text(),
    "text": shapes.text(),
    "refreshed_at": shapes.text(),
}


@dataclass
class Bundle:
    """An open bundle. `check()` before anything else reads it."""

    path: str
    archive: zipfile.ZipFile
    manifest: dict = field(default_factory=dict)
    file: object = None  # the open bundle file, closed with the bundle

    @classmethod
    def open(cls, path) -> Bundle:
        file = _open_regular_file(path)
        try:
            archive = zipfile.ZipFile(file)
        except Exception as error:  # BadZipFile, and whatever else a file that only looks like a zip raises
            file.close()
            raise BundleError(
                f"{path} is not a complete bundle: the file is not a zip archive, or it was cut short "
                f"({error}). Copy it again from where it was exported, or export it again."
            ) from None
        bundle = cls(str(path), archive, file=file)
        try:
            bundle.manifest = bundle._read_manifest()
        except BaseException:
            bundle.close()
            raise
        return bundle

    def close(self):
        self.archive.close()
        if self.file is not None:
            self.file.close()

    @property
    def missing_files(self) -> set:
        """Files the exporting site did not have: their rows come across as they were there."""
        return set(self.manifest.get("missing_files", []))

    @property
    def staff_work(self) -> bool:
        """Whether it carries the staff's own work: exported with --with-staff-accounts (format 6 on)."""
        return self.manifest["format_version"] >= STAFF_WORK[0].since and self.manifest.get("staff_work") is True

    @property
    def tables(self) -> tuple[Table, ...]:
        return tables_carried(self.manifest["format_version"], self.staff_work)

    def carries(self, table: Table) -> bool:
        return table in self.tables

    def count(self, table: Table) -> int:
        return self.manifest["records"][table.name]

    @contextmanager
    def member(self, member: str, *, missing: str = "", where=lambda: ""):
        """The member open for reading; anything wrong with it is a BundleError naming it.

        `missing` is the message when the bundle has no such member; `where()` says how far the
        reading had gone when the data turned out damaged ("after line 12")."""
        try:
            stream = self.archive.open(member)
        except KeyError:
            raise BundleError(
                missing or f"{self.path} has no {member}; the bundle is incomplete. Export the site again."
            ) from None
        except _UNREADABLE as error:
            raise BundleError(f"{member} cannot be read ({error}). Export the site again.") from None
        try:
            with stream:
                yield stream
        except _UNREADABLE as error:
            raise BundleError(f"{member} is damaged{where()} ({error}). Export the site again.") from None

    def _read_manifest(self) -> dict:
        missing = f"{self.path} has no {MANIFEST}: it is not a Newsroom bundle, or its export did not finish."
        try:
            with self.member(MANIFEST, missing=missing) as stream:
                data = stream.read(MANIFEST_MAX_BYTES + 1)
        except BundleError as error:
            raise BundleError(str(error) if str(error) == missing else f"{self.path}: {error}") from None
        if len(data) > MANIFEST_MAX_BYTES:
            raise BundleError(
                f"{self.path}: {MANIFEST} is larger than {size_text(MANIFEST_MAX_BYTES)}, far more than a "
                "manifest Newsroom writes; it is not a Newsroom bundle."
            )
        try:
            manifest = json.loads(data)
        except (ValueError, RecursionError) as error:  # RecursionError: nested too deep to be ours
            raise BundleError(f"{self.path}: {MANIFEST} is damaged ({error}). Export the site again.") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BundleError(f"{self.path}: {MANIFEST} does not describe a Newsroom bundle.")
        version = manifest.get("format_version")
        readable = ", ".join(map(str, READS_VERSIONS))
        if isinstance(version, bool) or not isinstance(version, int):  # true == 1 to Python, not to us
            raise BundleError(
                f"{self.path}: {MANIFEST} gives the format version as {shapes.shown(version)}; it should be "
                f"a whole number (this Newsroom reads versions {readable}). The manifest was changed by hand, "
                "or the file is not a Newsroom bundle."
            )
        if version not in READS_VERSIONS:
            newer = version > FORMAT_VERSION
            raise BundleError(
                f"{self.path} is in bundle format version {version}; this Newsroom reads versions {readable}. "
                + ("Upgrade Newsroom here to import it." if newer else "Export it again with a current Newsroom.")
            )
        if "records" not in manifest:
            raise BundleError(f"{self.path}: {MANIFEST} does not give a record count for every table.")
        tables = tables_carried(version, manifest.get("staff_work") is True)
        records = shapes.obj(
            {table.name: shapes.whole(at_least=0) for table in tables}, required=[table.name for table in tables]
        )
        try:
            shapes.check_fields(manifest, {**_MANIFEST_FIELDS, "records": records})
        except shapes.WrongShape as wrong:
            raise BundleError(
                f"{self.path}: {MANIFEST}: {wrong}. The bundle was changed after it was exported."
            ) from None
        return manifest

    @property
    def search_rules_version(self) -> int | None:
        """The search rules the carried documents were made by; None when it carries none."""
        return (self.manifest.get("search") or {}).get("rules_version")

    @property
    def has_legacy_bodies(self) -> bool:
        """Made before bodies had their canonical form: paragraphs, and photos "after paragraph N"."""
        return self.manifest["format_version"] < FIRST_WITH_BODY_BLOCKS

    def records(self, table: Table):
        """The table's rows, decoded; a BundleError names the member and line of anything wrong."""
        absent = fields_added_after(self.manifest["format_version"], table.name)
        fields = set(table.fields) - absent.keys()
        if table.name == "placements" and self.has_legacy_bodies:
            fields.add("after_paragraph")
        checks = _record_checks(table)
        for row in self._lines(table.member, fields, checks, _decoders(table)):
            yield {**row, **copy.deepcopy(absent)}

    def search_documents(self):
        """The carried search documents: story_id, vector (tsvector text form), text, refreshed_at."""
        if self.search_rules_version is None:
            return iter(())
        return self._lines(
            SEARCH_DOCUMENTS,
            set(SEARCH_DOCUMENT_FIELDS),
            _SEARCH_DOCUMENT_CHECKS,
            {"refreshed_at": datetime.datetime.fromisoformat},
        )

    def numbered_lines(self, member: str):
        """(line number, line) of an NDJSON member, each line read up to the limit and refused past it."""
        limit = record_line_limit()
        number = 0
        with self.member(member, where=lambda: f" after line {number}") as stream:
            while line := stream.readline(limit + 1):
                number += 1
                if len(line.rstrip(b"\n")) > limit:
                    raise BundleError(
                        f"{member} line {number} is longer than {size_text(limit)}, more than any record "
                        "Newsroom writes; the bundle was changed after it was exported, or is not a Newsroom bundle."
                    )
                yield number, line

    def _lines(self, member: str, expected: set, checks: dict, decoders: dict):
        for number, line in self.numbered_lines(member):
            try:
                row = json.loads(line)
            except (ValueError, RecursionError) as error:
                raise BundleError(f"{member} line {number}: not a JSON record ({error}).") from None
            if not isinstance(row, dict):
                raise BundleError(f"{member} line {number}: a record is a JSON object, not {line[:40]!r}.")
            if row.keys() != expected:
                missing, extra = sorted(expected - row.keys()), sorted(row.keys() - expected)
                raise BundleError(
                    f"{member} line {number}: "
                    + "; ".join(
                        part
                        for part in (
                            f"no {', '.join(missing)}" if missing else "",
                            f"unknown {', '.join(extra)}" if extra else "",
                        )
                        if part
                    )
                    + "."
                )
            try:
                shapes.check_fields(row, checks)
            except shapes.WrongShape as wrong:
                raise BundleError(f"{member} line {number}: {wrong}.") from None
            for name, decode in decoders.items():
                if row.get(name) is not None:  # a field the bundle predates has none
                    try:
                        row[name] = decode(row[name])
                    except (TypeError, ValueError):
                        raise BundleError(
                            f"{member} line {number}: {name} is {row[name]!r}, not a date in ISO form."
                        ) from None
            yield row

    def open_file(self, kind: str, name: str):
        return self.archive.open(file_member(kind, name))

    # --- The checks made before an import writes anything --------------------------------------

    def check(self, progress=lambda iterable, **kwargs: iterable) -> None:
        """Every member present, every line a record, counts as the manifest says, every file whole."""
        problems = []
        for table in self.tables:
            try:
                count = 0
                rows = self.records(table)
                if table.name == "photos":
                    rows = self._check_photo_files(rows, problems)
                elif table.name == "stories":
                    rows = self._check_story_bodies(rows, problems)
                for _ in progress(rows, total=self.count(table), desc=f"Checking {table.name}", unit="record"):
                    count += 1
                if count != self.count(table):
                    problems.append(
                        f"{table.member} has {count} records; the manifest says {self.count(table)}. "
                        "The bundle was changed after it was exported."
                    )
            except BundleError as error:
                problems.append(str(error))
            if len(problems) >= MAX_PROBLEMS:
                break
        if self.search_rules_version is not None and len(problems) < MAX_PROBLEMS:
            self._check_search_documents(progress, problems)
        if problems:
            shown = problems[:MAX_PROBLEMS]
            more = " (and perhaps more; fix these first)" if len(problems) >= MAX_PROBLEMS else ""
            raise BundleError(
                f"{self.path} cannot be imported; nothing was written{more}:\n  - " + "\n  - ".join(shown)
            )

    def _check_search_documents(self, progress, problems):
        expected = self.manifest["search"]["documents"]
        count = 0
        try:
            documents = progress(
                self.search_documents(), total=expected, desc="Checking search documents", unit="record"
            )
            # Their types are checked as they are read; the vector's own syntax is PostgreSQL's to
            # check, when it loads it.
            for _ in documents:
                count += 1
        except BundleError as error:
            problems.append(str(error))
            return
        if count != expected:
            problems.append(
                f"{SEARCH_DOCUMENTS} has {count} records; the manifest says {expected}. "
                "The bundle was changed after it was exported."
            )

    def _check_story_bodies(self, rows, problems):
        """Every story's body within STORY_BODY_MAX_KB, as every other path that writes one holds it."""
        for number, row in enumerate(rows, start=1):
            yield row
            too_large = body_size_problem(row["body"])
            if too_large and len(problems) < MAX_PROBLEMS:
                problems.append(f"{story_label(row)} ({TABLE['stories'].member} line {number}): {too_large}")

    def _check_photo_files(self, rows, problems):
        members = set(self.archive.namelist())
        missing_here = self.missing_files
        for row in rows:
            yield row
            label = f"photo {row['virin']} (records/photos.ndjson, id {row['id']})"
            files = []
            if row["original"]:
                files.append(("original", row["original"], row["file_hash"] or None, None))
            for entry in (row["renditions"] or {}).values():
                files.append(("public", entry.get("name", ""), None, entry.get("bytes")))
            for kind, name, sha256, size in files:
                if len(problems) >= MAX_PROBLEMS:
                    return
                if not safe_storage_name(name):
                    problems.append(f"{label}: the file name {name!r} is not a plain relative name.")
                elif name in missing_here:
                    continue
                elif file_member(kind, name) not in members:
                    problems.append(f"{label}: {file_member(kind, name)} is not in the bundle.")
                else:
                    problem = self._check_file(kind, name, sha256, size)
                    if problem:
                        problems.append(f"{label}: {problem}")

    def _check_file(self, kind, name, sha256, size):
        member = file_member(kind, name)
        digest = hashlib.sha256()
        length = 0
        try:
            with self.member(member) as stream:
                for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                    digest.update(chunk)
                    length += len(chunk)
        except BundleError as error:
            return str(error)
        if sha256 and digest.hexdigest() != sha256:
            return (
                f"{member} has SHA-256 {digest.hexdigest()[:12]}…, but the photo's record says "
                f"{sha256[:12]}…: the file is not the photo's original."
            )
        if size is not None and length != size:
            return f"{member} is {length} bytes; the photo's renditions manifest says {size}."
        return ""
