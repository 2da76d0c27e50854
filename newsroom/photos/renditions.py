"""A photo's public copies: made from its original and put in place whole, all at once.

`photo_save` (services.py) makes them at once for an operator's command or the demo loader, and
otherwise marks them as being made and queues `make_photo_copies` (tasks.py), which the worker
runs: `photo_make_copies` below. Readers meanwhile see the photo's previous complete set (a
changed credit) or its alt text (a new file), never some copies of one set and some of another.
"""

import hashlib
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction

from newsroom.photos.credentials import copy_signing, edits_recorded
from newsroom.photos.imaging import PublicMetadata, make_public_files
from newsroom.photos.models import Copies, PhotoAsset, copies_storage

# The record every public copy carries: a change to any of these remakes the copies.
PUBLIC_FIELDS = ("virin", "title", "caption", "photographer", "credit")


def copies_folder(virin: str) -> str:
    """Where a photo's public copies are stored, by year and VIRIN."""
    return f"photos/{virin[:2]}/{virin.lower()}"


def copy_names(renditions: dict) -> set:
    return {entry["name"] for entry in renditions.values()}


def public_record(photo: PhotoAsset) -> PublicMetadata:
    return PublicMetadata(**{field: getattr(photo, field) for field in PUBLIC_FIELDS})


def write_public_files(photo: PhotoAsset, source, written: list, *, overwrite=False, made=None) -> dict:
    """Make every public copy (or store `made`, copies made already) under a name that carries its
    content hash, in public storage if readers may see the photo, else in private storage.

    A file already stored under its name is taken to be the same copy, unless `overwrite`:
    a repair must not trust what is on disk.
    """
    storage = copies_storage(photo.copies_public)
    manifest = {}
    if made is None:
        made = make_public_files(source, metadata=public_record(photo), signing=copy_signing())
    for copy in made:
        stem, extension = PurePath(copy.name).stem, PurePath(copy.name).suffix
        name = f"{copies_folder(photo.virin)}/{stem}.{hashlib.sha256(copy.content).hexdigest()[:10]}{extension}"
        if overwrite or not storage.exists(name):
            storage.delete(name)
            name = storage.save(name, ContentFile(copy.content))
            written.append(name)
        key = "full" if copy.spec == "full" else copy.name
        manifest[key] = {"name": name, "width": copy.width, "height": copy.height, "bytes": len(copy.content)}
    return manifest


def photo_make_copies(photo_id: int) -> str:
    """Make the copies a saved photo waits for and put them in place; what happened, in a word.

    The pictures are made outside any transaction (a second or so of work, no row locked); then,
    with the row locked, they are stored where the embargo now says and the row names them, in
    one transaction. A photo changed meanwhile (another file, another credit) is left to the task
    its own save queued. The old copies go once this commits; on a failure, what was written goes.
    """
    photo = PhotoAsset.objects.filter(pk=photo_id).first()
    if photo is None or photo.copies == Copies.MADE or not photo.original:
        return "nothing to make"
    record = public_record(photo)
    with photo.original.open("rb") as source:
        made = make_public_files(source, metadata=record, signing=copy_signing())
        edits = edits_recorded(source)  # read while it is open: one opening of the original
    written = []
    with transaction.atomic():
        stored = PhotoAsset.objects.select_for_update().filter(pk=photo_id).first()
        if stored is None or stored.original.name != photo.original.name or public_record(stored) != record:
            return "changed meanwhile"
        if stored.copies == Copies.MADE:
            return "made meanwhile"
        storage = copies_storage(stored.copies_public)
        try:
            renditions = write_public_files(stored, None, written, made=made)
            stale = copy_names(stored.renditions) - copy_names(renditions)
            stored.renditions, stored.copies, stored.copies_error = renditions, Copies.MADE, ""
            stored.original_edits = edits
            # The photo's record did not change, so its updated time stays; the save still tells the
            # page cache and the search index (post_save) that pages now show its picture.
            stored.save(update_fields=["renditions", "copies", "copies_error", "original_edits"])
        except BaseException:
            for name in written:
                storage.delete(name)
            raise
        transaction.on_commit(lambda: [storage.delete(name) for name in stale])
    return "made"


def photo_copies_failed(photo_id: int, error: BaseException, *, last_try: bool) -> None:
    """A try failed: the editor sees why, where the picture would be; after the last, that they
    could not be made."""
    changes = {"copies_error": f"{type(error).__name__}: {error}"[:2000]}
    if last_try:
        changes["copies"] = Copies.FAILED
    PhotoAsset.objects.filter(pk=photo_id, copies=Copies.MAKING).update(**changes)
