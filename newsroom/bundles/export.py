"""Writing a bundle: every table streamed row by row, then the photo files, then the manifest.

Memory stays flat whatever the size of the site: rows are read with ``.iterator(chunk_size=…)``
(a server-side cursor on PostgreSQL) and written straight into a compressed zip member, and
files are copied a megabyte at a time. The whole export reads one snapshot of the database,
so a story saved meanwhile cannot leave a placement pointing at a photo the bundle lacks.

The bundle is written to a hidden temporary file beside PATH and renamed over PATH only when
it is complete, so an export that fails or is interrupted leaves no half bundle behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import django
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from newsroom.bundles.format import (
    ACCOUNT_FIELDS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SEARCH_DOCUMENT_FIELDS,
    SEARCH_DOCUMENTS,
    encode_record,
    file_member,
    tables_carried,
)
from newsroom.photos.models import PhotoAsset, copies_storage, originals_storage
from newsroom.search.indexing import SEARCH_RULES_VERSION, index_in_use
from newsroom.search.models import StorySearchDocument

COPY_CHUNK = 1024 * 1024


class ExportFailed(Exception):
    """The site cannot be exported as it stands; the message says what to fix."""


@dataclass
class ExportReport:
    records: dict = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    search_documents: int | None = None  # None: this site has no search index (SQLite)
    missing_files: list = field(default_factory=list)  # (photo VIRIN, storage name)
    staff_work: bool = False  # notes, working copies and notifications went too (--with-staff-accounts)


def export_bundle(
    path,
    *,
    with_staff_accounts: bool = False,
    chunk_size: int = 2000,
    progress=lambda iterable, **kwargs: iterable,
) -> ExportReport:
    """The whole site into a bundle at `path`; `with_staff_accounts` adds the staff's own work
    (format.STAFF_WORK), for a bundle that moves this newsroom with its staff."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; the bundle gets the usual mode
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            outermost = not connection.in_atomic_block
            with transaction.atomic():
                if connection.vendor == "postgresql" and outermost:
                    # One snapshot for every table, read while editors go on working.
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                report = _write(archive, with_staff_accounts, chunk_size, progress)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return report


def _write(archive: zipfile.ZipFile, with_staff_accounts: bool, chunk_size: int, progress) -> ExportReport:
    report = ExportReport(staff_work=with_staff_accounts)
    for table in tables_carried(FORMAT_VERSION, with_staff_accounts):
        rows = _account_rows(chunk_size) if table.name == "accounts" else _rows(table, chunk_size)
        total = table.model._base_manager.count()
        report.records[table.name] = _write_member(archive, table.member, rows, total, table.name, chunk_size, progress)
    search = None
    if index_in_use():
        # The documents as they are here: an import under the same search rules loads them
        # instead of computing every vector again, which was most of an import's time.
        documents = StorySearchDocument.objects.order_by("story_id").values(*SEARCH_DOCUMENT_FIELDS)
        count = _write_member(
            archive,
            SEARCH_DOCUMENTS,
            documents.iterator(chunk_size=chunk_size),
            StorySearchDocument.objects.count(),
            "search documents",
            chunk_size,
            progress,
        )
        search = {"rules_version": SEARCH_RULES_VERSION, "documents": count}
        report.search_documents = count
    _write_files(archive, report, chunk_size, progress)
    site = Site.objects.get_current()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "site": {"domain": site.domain, "name": site.name},
        "made_with": {"django": django.get_version()},
        "records": report.records,
        "staff_work": with_staff_accounts,
        "search": search,
        "files": {"count": report.files, "bytes": report.file_bytes},
        "missing_files": [name for _, name in report.missing_files],
        "passwords": "not included: imported accounts get an unusable password until it is reset",
    }
    with archive.open(_member_info(MANIFEST), "w") as member:
        member.write(encode_record(manifest))
    return report


def _write_member(archive, name, rows, total, label, chunk_size, progress) -> int:
    count = 0
    with archive.open(_member_info(name), "w", force_zip64=True) as member:
        buffer = []
        for row in progress(rows, total=total, desc=f"Exporting {label}", unit="record"):
            buffer.append(encode_record(row))
            count += 1
            if len(buffer) == chunk_size:
                member.write(b"".join(buffer))
                buffer.clear()
        member.write(b"".join(buffer))
    return count


def _rows(table, chunk_size):
    queryset = table.model._base_manager.order_by("pk").values(*table.fields)
    return queryset.iterator(chunk_size=chunk_size)


def _account_rows(chunk_size):
    from django.contrib.auth import get_user_model

    accounts = (
        get_user_model()
        ._base_manager.order_by("pk")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name").only("name")))
    )
    for account in accounts.iterator(chunk_size=chunk_size):
        row = {name: getattr(account, name) for name in ACCOUNT_FIELDS}
        row["groups"] = [group.name for group in account.groups.all()]
        yield row


def _write_files(archive, report, chunk_size, progress):
    photos = PhotoAsset._base_manager.order_by("pk").values_list(
        "virin", "original", "file_hash", "renditions", "copies_public"
    )
    damaged = []
    for virin, original, file_hash, renditions, copies_public in progress(
        photos.iterator(chunk_size=chunk_size),
        total=PhotoAsset._base_manager.count(),
        desc="Exporting photo files",
        unit="photo",
    ):
        files = [("original", original)] if original else []
        files += [("public", entry["name"]) for entry in (renditions or {}).values()]
        for kind, name in files:
            # An embargoed photo's copies are in private storage; the bundle holds them all alike.
            storage = originals_storage() if kind == "original" else copies_storage(copies_public)
            try:
                source = storage.open(name, "rb")
            except FileNotFoundError:
                report.missing_files.append((virin, name))
                continue
            digest = hashlib.sha256()
            with (
                source,
                archive.open(_member_info(file_member(kind, name), stored=True), "w", force_zip64=True) as member,
            ):
                for chunk in iter(partial(source.read, COPY_CHUNK), b""):
                    digest.update(chunk)
                    member.write(chunk)
                    report.file_bytes += len(chunk)
            report.files += 1
            if kind == "original" and file_hash and digest.hexdigest() != file_hash:
                damaged.append(f"photo {virin}: {name} no longer matches the SHA-256 recorded when it was uploaded")
    if damaged:
        raise ExportFailed(
            "Some originals have changed on disk since they were uploaded, so the bundle would not "
            "import; restore them from a backup (or upload the photo again), then export again:\n  - "
            + "\n  - ".join(damaged[:20])
        )


def _member_info(name: str, *, stored: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    # Photos are compressed already; deflating them again costs time and saves nothing.
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return info
