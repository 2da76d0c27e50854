"""What a bundle holds, and reading one back with every check an import needs first.

A bundle is one zip file:

    manifest.json                  format and version, the site, how many records each table has
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
import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import models

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
FORMAT_VERSION = 5
READS_VERSIONS = (1, 2, 3, 4, 5)
FIRST_WITH_BODY_BLOCKS = 3
# Each version's new fields, by table, with the value rows of older bundles take for them.
FIELDS_ADDED = {
    4: {"stories": {"trashed_at": None}, "revisions": {"publish_checks": {}, "reason": ""}},
    5: {
        "stories": {"preview_generation": 0},
        "photos": {"copies_public": False, "released_at": None, "released_by_id": None},
    },
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


# Notes between writer and editor (newsroom/notes/) are left out on purpose: a bundle may be handed
# to another site, and notes are the newsroom's candid working talk, never public.
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
    Table("redirects", "redirects.Redirect", exclude=("site_id",)),
    Table("pages", "flatpages.FlatPage"),
)
TABLE = {table.name: table for table in TABLES}


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


def file_member(kind: str, name: str) -> str:
    return (ORIGINALS if kind == "original" else PUBLIC) + name


def safe_storage_name(name: str) -> bool:
    """A storage name an import may write: relative, and never climbing out of its folder."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class Bundle:
    """An open bundle. `check()` before anything else reads it."""

    path: str
    archive: zipfile.ZipFile
    manifest: dict = field(default_factory=dict)

    @classmethod
    def open(cls, path) -> Bundle:
        try:
            archive = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise BundleError(f"{path}: no such file.") from None
        except IsADirectoryError:
            raise BundleError(f"{path} is a folder; give the bundle file export_newsroom wrote.") from None
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise BundleError(
                f"{path} is not a complete bundle: the file is not a zip archive, or it was cut short "
                f"({error}). Copy it again from where it was exported, or export it again."
            ) from None
        bundle = cls(str(path), archive)
        bundle.manifest = bundle._read_manifest()
        return bundle

    def close(self):
        self.archive.close()

    @property
    def missing_files(self) -> set:
        """Files the exporting site did not have: their rows come across as they were there."""
        return set(self.manifest.get("missing_files", []))

    def count(self, table: Table) -> int:
        return self.manifest["records"][table.name]

    def _read_manifest(self) -> dict:
        try:
            manifest = json.loads(self.archive.read(MANIFEST))
        except KeyError:
            raise BundleError(
                f"{self.path} has no {MANIFEST}: it is not a Newsroom bundle, or its export did not finish."
            ) from None
        except (ValueError, zipfile.BadZipFile, zlib.error) as error:
            raise BundleError(f"{self.path}: {MANIFEST} is damaged ({error}). Export the site again.") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BundleError(f"{self.path}: {MANIFEST} does not describe a Newsroom bundle.")
        version = manifest.get("format_version")
        if version not in READS_VERSIONS:
            newer = isinstance(version, int) and version > FORMAT_VERSION
            raise BundleError(
                f"{self.path} is in bundle format version {version}; this Newsroom reads versions "
                f"{', '.join(map(str, READS_VERSIONS))}. "
                + ("Upgrade Newsroom here to import it." if newer else "Export it again with a current Newsroom.")
            )
        records = manifest.get("records")
        if not isinstance(records, dict) or any(not isinstance(records.get(t.name), int) for t in TABLES):
            raise BundleError(f"{self.path}: {MANIFEST} does not give a record count for every table.")
        search = manifest.get("search")
        if search is not None and not (
            isinstance(search, dict) and all(isinstance(search.get(key), int) for key in ("rules_version", "documents"))
        ):
            raise BundleError(f'{self.path}: {MANIFEST} has a "search" entry without its rules version and count.')
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
        for row in self._lines(table.member, fields, _decoders(table)):
            yield {**row, **copy.deepcopy(absent)}

    def search_documents(self):
        """The carried search documents: story_id, vector (tsvector text form), text, refreshed_at."""
        if self.search_rules_version is None:
            return iter(())
        return self._lines(
            SEARCH_DOCUMENTS, set(SEARCH_DOCUMENT_FIELDS), {"refreshed_at": datetime.datetime.fromisoformat}
        )

    def _lines(self, member: str, expected: set, decoders: dict):
        number = 0
        try:
            with self.archive.open(member) as lines:
                for number, line in enumerate(lines, start=1):
                    try:
                        row = json.loads(line)
                    except ValueError as error:
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
                    for name, decode in decoders.items():
                        if row.get(name) is not None:  # a field the bundle predates has none
                            try:
                                row[name] = decode(row[name])
                            except (TypeError, ValueError):
                                raise BundleError(
                                    f"{member} line {number}: {name} is {row[name]!r}, not a date in ISO form."
                                ) from None
                    yield row
        except KeyError:
            raise BundleError(
                f"{self.path} has no {member}; the bundle is incomplete. Export the site again."
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise BundleError(f"{member} is damaged after line {number} ({error}). Export the site again.") from None

    def open_file(self, kind: str, name: str):
        return self.archive.open(file_member(kind, name))

    # --- The checks made before an import writes anything --------------------------------------

    def check(self, progress=lambda iterable, **kwargs: iterable) -> None:
        """Every member present, every line a record, counts as the manifest says, every file whole."""
        problems = []
        for table in TABLES:
            try:
                count = 0
                rows = self.records(table)
                if table.name == "photos":
                    rows = self._check_photo_files(rows, problems)
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
            for count, document in enumerate(documents, start=1):
                # The vector's own syntax is PostgreSQL's to check, when it loads it.
                if not (
                    isinstance(document["story_id"], int)
                    and isinstance(document["vector"], str)
                    and isinstance(document["text"], str)
                ):
                    problems.append(f"{SEARCH_DOCUMENTS} line {count}: story_id is a number, vector and text are text.")
                    return
        except BundleError as error:
            problems.append(str(error))
            return
        if count != expected:
            problems.append(
                f"{SEARCH_DOCUMENTS} has {count} records; the manifest says {expected}. "
                "The bundle was changed after it was exported."
            )

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
            with self.archive.open(member) as stream:
                for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                    digest.update(chunk)
                    length += len(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            return f"{member} is damaged ({error})."
        if sha256 and digest.hexdigest() != sha256:
            return (
                f"{member} has SHA-256 {digest.hexdigest()[:12]}…, but the photo's record says "
                f"{sha256[:12]}…: the file is not the photo's original."
            )
        if size is not None and length != size:
            return f"{member} is {length} bytes; the photo's renditions manifest says {size}."
        return ""
