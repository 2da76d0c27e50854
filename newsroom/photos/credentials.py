"""Content Credentials as this site is set up for them: who signs the public copies (settings
C2PA_SIGNING_CERT with C2PA_SIGNING_KEY or C2PA_SIGNING_CALLBACK; config/settings.py checks them
at start), and reading a public copy's credentials back for the audit and for readers."""

from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from newsroom.photos.imaging import ContentCredentials, Signing, read_content_credentials
from newsroom.photos.models import PhotoAsset, copies_storage


def signing_configured() -> bool:
    return bool(settings.C2PA_SIGNING_CERT)


def copy_signing() -> Signing | None:
    """Who signs the copies made now, or None when signing is not configured.

    The files are read each time: a renewed certificate is used from the next copy on, with no
    restart, and they are a few kilobytes next to the megabytes of a photo.
    """
    if not signing_configured():
        return None
    chain = Path(settings.C2PA_SIGNING_CERT).read_bytes()
    if settings.C2PA_SIGNING_CALLBACK:
        return Signing(chain, sign=import_string(settings.C2PA_SIGNING_CALLBACK))
    return Signing(chain, private_key=Path(settings.C2PA_SIGNING_KEY).read_bytes())


def copy_credentials(photo: PhotoAsset, key: str) -> ContentCredentials | None:
    """One public copy's Content Credentials ("full", "thumb.jpg" ...), read from where the copies
    are kept; None when it has none, or the copy is not there."""
    entry = photo.renditions.get(key)
    if not entry:
        return None
    try:
        with copies_storage(photo.copies_public).open(entry["name"], "rb") as copy:
            return read_content_credentials(copy)
    except FileNotFoundError:
        return None


def original_credentials(photo: PhotoAsset) -> ContentCredentials | None:
    """The Content Credentials the original carries (a camera's or an editing program's), validated;
    None when it carries none or is not in storage."""
    if not photo.original:
        return None
    try:
        with photo.original.storage.open(photo.original.name, "rb") as original:
            return read_content_credentials(original)
    except FileNotFoundError:
        return None


def edits_recorded(file) -> list[str]:
    """What a file's own credentials record that its caption must disclose (stored as
    PhotoAsset.original_edits when the copies are made); [] when it carries none."""
    file.seek(0)
    found = read_content_credentials(file)
    file.seek(0)
    return list(found.to_disclose) if found is not None else []


def disclosure_needed(found: ContentCredentials | None) -> str:
    """What the editor must do about what the original's credentials record; "" when nothing."""
    if found is None or not found.to_disclose:
        return ""
    return (
        f"The original's Content Credentials record {', '.join(found.to_disclose)}: more than the standard "
        "adjustments. DoDI 5040.02 requires the caption to say what was done, and a photo illustration to be "
        "labelled as one."
    )
