"""Auditing the photo library: what is wrong with each photo's record and files, and how to fix it.

Read-only. ``audit_photo`` checks one photo and returns its findings; the ``audit_photos``
command streams the library through it. The checks, by code:

    virin-invalid   the VIRIN does not parse, even in the lenient form used for imports
    virin-legacy    the VIRIN is in an old form (three-digit sequence, old originator ID ...)
    virin-date      the VIRIN's date is not the photo's date taken
    alt-text        no alt text (publishing a story that uses the photo is refused)
    credit          no photographer or no credit organization (likewise refused)
    no-image        a record without an image file (imported with "image missing")
    file-missing    the private original or a public copy is not in storage
    gps             a public copy (the full-size download or a rendition) carries a GPS position
    hash-mismatch   the original's SHA-256 is no longer the one recorded at upload
    credentials     a public copy's Content Credentials (C2PA) are missing, do not validate, or
                    name another original; checked only when signing is configured
                    (C2PA_SIGNING_CERT): without it the copies are unsigned, and the command says so

A public copy is read with Pillow by ``public_file_problems``, the same audit
``rebuild_renditions`` uses and that every copy passes when it is made.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.urls import reverse

from newsroom.core.apstyle import ap_date
from newsroom.core.files import file_sha256
from newsroom.core.visible import has_visible
from newsroom.photos.credentials import signing_configured
from newsroom.photos.imaging import ContentCredentials, public_file_problems, read_content_credentials
from newsroom.photos.models import Copies, PhotoAsset, copies_storage
from newsroom.photos.virin import VirinError, parse_virin

# Code -> the heading its findings are listed under, in the order they are reported.
CHECKS = {
    "virin-invalid": "Invalid VIRINs",
    "virin-legacy": "Legacy VIRINs",
    "virin-date": "VIRIN dates that differ from the date taken",
    "alt-text": "Missing alt text",
    "credit": "Missing photographer or credit",
    "no-image": "Records without an image file",
    "file-missing": "Files missing from storage",
    "gps": "GPS positions in public files",
    "hash-mismatch": "Originals changed since upload",
    "credentials": "Public copies without valid Content Credentials",
}

# Every photo with a file has at least these public copies; a missing one means they are incomplete.
REQUIRED_COPIES = ("full", "thumb.jpg", "thumb.webp", "share.jpg", "w480.jpg", "w480.webp")


@dataclass(frozen=True)
class Finding:
    """One thing to fix on one photo. ``file`` is the storage name when a file is at fault."""

    photo_id: int
    virin: str
    check: str
    message: str
    fix: str
    file: str | None = None

    @property
    def admin_url(self) -> str:
        return reverse("admin:photos_photoasset_change", args=[self.photo_id])

    def as_json(self) -> dict:
        return {**asdict(self), "admin_url": self.admin_url}


@dataclass(frozen=True)
class PublicCopy:
    key: str  # "full", "w800.webp", "thumb.jpg" ...
    name: str  # storage name (under MEDIA_ROOT, or in private storage while the photo is embargoed)
    problems: list[str] | None  # what public_file_problems finds; None when the file is missing
    credentials: ContentCredentials | None = None  # when asked for: None also when it carries none


def copies_place(photo: PhotoAsset) -> str:
    """Where the photo's copies should be, in an operator's words."""
    return "MEDIA_ROOT" if photo.copies_public else "private storage, as the photo is embargoed"


def public_copies(photo: PhotoAsset, *, credentials=False):
    """Each public copy of the photo with what is wrong inside it, read from where the copies are
    kept (public storage, or private storage while the photo is embargoed); with `credentials`,
    its Content Credentials read and validated too."""
    storage = copies_storage(photo.copies_public)
    for key, entry in photo.renditions.items():
        try:
            public_file = storage.open(entry["name"], "rb")
        except FileNotFoundError:
            yield PublicCopy(key, entry["name"], None)
            continue
        # Read from the file as each check needs, never whole: a full-size copy is tens of megabytes.
        with public_file:
            problems = public_file_problems(public_file)
            public_file.seek(0)
            found = read_content_credentials(public_file) if credentials else None
        yield PublicCopy(key, entry["name"], problems, found)


def copy_problems(photo: PhotoAsset) -> list[str]:
    """What is wrong with one photo's public copies, in an operator's words (for rebuild_renditions)."""
    if not photo.original:
        return []
    problems = [f"no {key} copy" for key in REQUIRED_COPIES if key not in photo.renditions]
    # Waiting for the worker (or its queue was lost), or its last try failed: a rebuild makes them.
    if photo.copies == Copies.MAKING:
        problems.insert(0, "copies not made yet (queued for the task worker)")
    elif photo.copies == Copies.FAILED:
        problems.insert(0, f"the task worker could not make the copies ({photo.copies_error})")
    signing = signing_configured()
    for copy in public_copies(photo, credentials=signing):
        if copy.problems is None:
            problems.append(f"{copy.key}: file missing")
            continue
        problems.extend(f"{copy.key}: {problem}" for problem in copy.problems)
        # With signing configured, a copy made before it (or changed since) is remade, signed.
        if signing and copy.credentials is None:
            problems.append(f"{copy.key}: no Content Credentials")
        elif signing and not copy.credentials.validates:
            problems.append(f"{copy.key}: Content Credentials do not validate")
    return problems


def audit_photo(photo: PhotoAsset, *, checks=tuple(CHECKS)) -> list[Finding]:
    """Every finding of the given checks on one photo; [] when it is in order."""
    findings: list[Finding] = []

    def found(check, message, fix, file=None):
        if check in checks:
            findings.append(Finding(photo.pk, photo.virin, check, message, fix, file))

    _check_virin(photo, found)
    if not has_visible(photo.alt_text):  # a zero-width space is no alt text either
        found("alt-text", "No alt text.", "Describe what is in the picture in one line, in the admin's Alt text field.")
    missing = [
        name
        for name, value in (("photographer", photo.photographer), ("credit organization", photo.credit))
        if not has_visible(value)
    ]
    if missing:
        found(
            "credit",
            f"No {' and no '.join(missing)}.",
            "Fill in Photographer and Credit (organization) as the photo is credited, e.g. "
            "“Staff Sgt. Maria Delgado” and “Army”.",
        )
    if not photo.original:
        found(
            "no-image",
            "The record has no image file (it was imported without one).",
            "Upload the photo's file in the admin; its public copies are made on save.",
        )
        return findings
    if {"file-missing", "hash-mismatch"} & set(checks):
        _check_original(photo, found, hashing="hash-mismatch" in checks)
    if {"file-missing", "gps", "credentials"} & set(checks):
        _check_public_copies(photo, found, credentials="credentials" in checks and signing_configured())
    return findings


def _check_virin(photo, found):
    try:
        virin = parse_virin(photo.virin, lenient=True)
    except VirinError as error:
        found(
            "virin-invalid",
            str(error),
            "Correct the VIRIN in the admin from the photographer's record (the file name or the caption).",
        )
        return
    if virin.legacy_reasons:
        found(
            "virin-legacy",
            f"Legacy VIRIN: {' '.join(virin.legacy_reasons)}",
            "Stories using it cannot be published: enter the VIRIN in today's form in the admin, "
            "from the photographer's record.",
        )
    if photo.date_taken and virin.date_shot != photo.date_taken:
        found(
            "virin-date",
            f"The VIRIN says the photo was shot on {ap_date(virin.date_shot)}; its date taken is "
            f"{ap_date(photo.date_taken)}.",
            "Check which is right and correct the date taken or the VIRIN in the admin.",
        )


def _check_original(photo, found, *, hashing):
    storage, name = photo.original.storage, photo.original.name
    try:
        with storage.open(name, "rb") as original:
            digest = file_sha256(original) if hashing else None
    except FileNotFoundError:
        found(
            "file-missing",
            f"The original {name} is not in private storage (PRIVATE_MEDIA_ROOT).",
            "Restore it from a backup, or upload the photo's file again in the admin.",
            name,
        )
        return
    if digest is not None and digest != photo.file_hash:
        found(
            "hash-mismatch",
            f"The original {name} has changed since upload: SHA-256 {digest[:12]}…, recorded {photo.file_hash[:12]}….",
            "Restore the original from a backup, or upload it again in the admin if the new file is right.",
            name,
        )


def _check_public_copies(photo, found, *, credentials):
    remake = f"Remake the public copies: manage.py rebuild_renditions {photo.virin}"
    for key in REQUIRED_COPIES:
        if key not in photo.renditions:
            found("file-missing", f"There is no {key} public copy.", remake)
    for copy in public_copies(photo, credentials=credentials):
        if credentials and copy.problems is not None:
            _check_credentials(photo, copy, found, remake)
        label = "full-size" if copy.key == "full" else copy.key
        if copy.problems is None:
            found(
                "file-missing",
                f"The {label} public copy {copy.name} is not in storage ({copies_place(photo)}).",
                remake,
                copy.name,
            )
        elif "GPS position" in copy.problems:
            found(
                "gps",
                f"The {label} public copy {copy.name} carries a GPS position: it tells readers where "
                "the photo was taken.",
                remake,
                copy.name,
            )


def _check_credentials(photo, copy, found, remake):
    label = "full-size" if copy.key == "full" else copy.key
    signed = copy.credentials
    if signed is None:
        found("credentials", f"The {label} public copy {copy.name} carries no Content Credentials.", remake, copy.name)
    elif not signed.validates:
        found(
            "credentials",
            f"The {label} public copy {copy.name} has Content Credentials that do not validate "
            f"({', '.join(signed.problems) or 'no valid signature'}): the file was changed after it was signed.",
            remake,
            copy.name,
        )
    elif signed.original_sha256 != photo.file_hash:
        found(
            "credentials",
            f"The {label} public copy {copy.name} names another original in its Content Credentials "
            f"(SHA-256 {signed.original_sha256[:12] or 'none'}…, this photo's is {photo.file_hash[:12]}…).",
            remake,
            copy.name,
        )
