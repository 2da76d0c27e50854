"""Saving and removing photos, keeping the files in step with the rows.

Public copies (the full-size download and every rendition) are made here, when a photo is
saved, so no reader ever waits for one. Files written for a save that then fails are removed;
files a save replaces are removed only once it has committed.
"""

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from newsroom.photos.imaging import PublicMetadata, UploadRefused, inspect_upload, make_public_files
from newsroom.photos.metadata import PhotoMetadata, read_photo_metadata
from newsroom.photos.models import PhotoAsset
from newsroom.photos.virin import VirinError, normalise_virin

# The record every public copy carries: a change to any of these remakes the copies.
PUBLIC_FIELDS = ("virin", "title", "caption", "photographer", "credit")
# What readers read of a photo: checked on every save that writes them (a caption of nothing but
# zero-width spaces is refused), whichever way the save came, as the admin's form checks them.
READ_FIELDS = ("title", "caption", "alt_text", "photographer", "credit")


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def inspect_photo_upload(file):
    """Check an upload against the site's limits; a ValidationError says what is wrong."""
    try:
        return inspect_upload(file, max_bytes=settings.PHOTO_MAX_UPLOAD_BYTES, max_pixels=settings.PHOTO_MAX_PIXELS)
    except UploadRefused as refusal:
        raise ValidationError(str(refusal), code="upload_refused") from None


def values_from_file(metadata: PhotoMetadata) -> dict:
    """The photo's fields as its own metadata gives them, for those it gives."""
    values = {
        "virin": metadata.virin,
        "title": metadata.title,
        "caption": metadata.caption,
        "photographer": metadata.photographer,
        "credit": metadata.credit,
        "date_taken": metadata.date_taken,
        "place": metadata.place,
        "keywords": ", ".join(metadata.keywords),
    }
    if metadata.virin:
        try:
            values["virin"] = normalise_virin(metadata.virin)
        except VirinError:
            pass  # left as found: the form then says what is wrong with it
    return {field: value for field, value in values.items() if value}


def metadata_source(metadata: PhotoMetadata, field: str) -> str:
    # PhotoMetadata names its place parts separately; any of them stands for the place.
    if field == "place":
        return next((metadata.sources[part] for part in ("city", "state", "country") if part in metadata.sources), "")
    return metadata.sources.get(field, "")


def sources_kept(photo: PhotoAsset, metadata: PhotoMetadata) -> dict:
    """Which of the saved values are the file's own, and from which record."""
    return {
        field: metadata_source(metadata, field)
        for field, value in values_from_file(metadata).items()
        if getattr(photo, field) == value and metadata_source(metadata, field)
    }


def _folder(photo: PhotoAsset) -> str:
    return f"photos/{photo.virin[:2]}/{photo.virin.lower()}"


def _write_public_files(photo: PhotoAsset, source, written: list, *, overwrite=False) -> dict:
    """Make every public copy and store it under a name that carries its content hash.

    A file already stored under its name is taken to be the same copy, unless `overwrite`:
    a repair must not trust what is on disk.
    """
    metadata = PublicMetadata(
        virin=photo.virin,
        title=photo.title,
        caption=photo.caption,
        photographer=photo.photographer,
        credit=photo.credit,
    )
    manifest = {}
    for made in make_public_files(source, metadata=metadata):
        stem, extension = PurePath(made.name).stem, PurePath(made.name).suffix
        name = f"{_folder(photo)}/{stem}.{hashlib.sha256(made.content).hexdigest()[:10]}{extension}"
        if overwrite or not default_storage.exists(name):
            default_storage.delete(name)
            name = default_storage.save(name, ContentFile(made.content))
            written.append(name)
        key = "full" if made.spec == "full" else made.name
        manifest[key] = {"name": name, "width": made.width, "height": made.height, "bytes": len(made.content)}
    return manifest


def _names(renditions: dict) -> set:
    return {entry["name"] for entry in renditions.values()}


@transaction.atomic
def photo_save(*, photo: PhotoAsset, user, facts=None, remake_copies=False) -> PhotoAsset:
    """Save a photo's record; make its public copies whenever the file or its credited record changes.

    `facts` is the ImageFacts of a new upload that the caller already inspected.
    """
    before = PhotoAsset.objects.filter(pk=photo.pk).first() if photo.pk else None
    text_written = {name for name in READ_FIELDS if before is None or getattr(before, name) != getattr(photo, name)}
    if text_written:
        # Only what this save writes: a record kept from before these checks still saves.
        photo.clean_fields(exclude=[field.name for field in PhotoAsset._meta.fields if field.name not in text_written])
    if photo._state.adding and user is not None:
        photo.uploaded_by = user
    new_original = bool(photo.original) and not photo.original._committed
    if new_original:
        upload = photo.original.file
        facts = facts or inspect_photo_upload(upload)
        photo.width, photo.height = facts.width, facts.height
        photo.file_hash = file_sha256(upload)
        photo.file_size = upload.size
        photo.metadata_sources = sources_kept(photo, read_photo_metadata(upload))

    remake = photo.original and (
        remake_copies
        or new_original
        or not photo.renditions
        or before is None
        or any(getattr(before, field) != getattr(photo, field) for field in PUBLIC_FIELDS)
    )
    written = []
    try:
        if remake:
            if new_original:
                photo.renditions = _write_public_files(photo, photo.original.file, written)
            else:
                with photo.original.open("rb") as source:
                    photo.renditions = _write_public_files(photo, source, written, overwrite=remake_copies)
        elif not photo.original:
            photo.renditions = {}
        photo.save()
    except BaseException:
        for name in written:
            default_storage.delete(name)
        if new_original and photo.original._committed:  # the row failed after its file was stored
            photo.original.storage.delete(photo.original.name)
        raise

    if before is not None:
        stale = _names(before.renditions) - _names(photo.renditions)
        old_original = before.original.name if before.original.name != photo.original.name else None
        transaction.on_commit(lambda: _delete_files(before.original.storage, old_original, stale))
    return photo


@transaction.atomic
def photos_update_credit(*, photos, user, photographer="", credit="", add_keywords=""):
    """Set credit and add keywords on many photos; each save remakes its public copies."""
    new_words = [word.strip() for word in add_keywords.split(",") if word.strip()]
    changed = 0
    for photo in photos:
        if photographer:
            photo.photographer = photographer
        if credit:
            photo.credit = credit
        words = photo.keyword_list + [word for word in new_words if word not in photo.keyword_list]
        photo.keywords = ", ".join(words)
        photo_save(photo=photo, user=user)
        changed += 1
    return changed


def _delete_files(originals, original_name, public_names):
    if original_name:
        originals.delete(original_name)
    for name in public_names:
        default_storage.delete(name)


def delete_files_when_committed(sender, instance, **kwargs):
    """post_delete receiver: the files go with their row, but only if the delete commits."""
    original = instance.original.name
    public = _names(instance.renditions)
    transaction.on_commit(lambda: _delete_files(instance.original.storage, original, public))
