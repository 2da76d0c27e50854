"""Saving and removing photos, keeping the files in step with the rows.

Public copies (the full-size download and every rendition) are made by the task worker once a
save that needs them commits (renditions.py, tasks.py): the editor does not wait for them, and no
reader ever does either. An operator's command makes them at once (`copies_now`). Files written
for a save that then fails are removed; files a save replaces are removed only once it has
committed.

A photo is embargoed until a published story uses it or an Editor releases it (stories decide
which, stories/embargo.py): its copies are then kept in private storage, with no public URL, and
`photo_move_copies` puts them where readers can reach them (MEDIA_ROOT, or the public bucket) when
that changes, and takes them back out again.
"""

from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from newsroom.core.files import file_sha256
from newsroom.photos.credentials import edits_recorded
from newsroom.photos.imaging import UploadRefused, inspect_upload
from newsroom.photos.metadata import PhotoMetadata, read_photo_metadata
from newsroom.photos.models import Copies, PhotoAsset, copies_storage
from newsroom.photos.renditions import PUBLIC_FIELDS, copy_names, write_public_files
from newsroom.photos.tasks import queue_copies
from newsroom.photos.virin import VirinError, normalise_virin

# What readers read of a photo: checked on every save that writes them (a caption of nothing but
# zero-width spaces is refused), whichever way the save came, as the admin's form checks them.
READ_FIELDS = ("title", "caption", "alt_text", "photographer", "credit")


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


@transaction.atomic
def photo_save(*, photo: PhotoAsset, user, facts=None, remake_copies=False, copies_now=False) -> PhotoAsset:
    """Save a photo's record; its public copies are remade whenever the file or its credited record
    changes: by the worker once this commits, or here and now with `copies_now` (an operator's
    command, the demo loader). Until the worker has made them a new file has none (readers get the
    alt text) and a changed record keeps its old ones.

    `facts` is the ImageFacts of a new upload that the caller already inspected.
    """
    # Locked, so a move of its copies (photo_move_copies) cannot cross this save; where the copies
    # are and who released the photo are the stored row's, whatever the caller's copy says.
    before = PhotoAsset.objects.select_for_update().filter(pk=photo.pk).first() if photo.pk else None
    if before is not None:
        photo.copies_public, photo.released_at, photo.released_by_id = (
            before.copies_public,
            before.released_at,
            before.released_by_id,
        )
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
        or before.copies == Copies.FAILED  # saving again is the editor's way to try again
        or any(getattr(before, field) != getattr(photo, field) for field in PUBLIC_FIELDS)
    )
    written = []
    try:
        if remake and copies_now:
            if new_original:
                photo.renditions = write_public_files(photo, photo.original.file, written)
                photo.original_edits = edits_recorded(photo.original.file)
            else:
                with photo.original.open("rb") as source:
                    photo.renditions = write_public_files(photo, source, written, overwrite=remake_copies)
                    photo.original_edits = edits_recorded(source)
            photo.copies, photo.copies_error = Copies.MADE, ""
        elif remake:
            if new_original:
                photo.renditions = {}  # the replaced picture's copies go once this commits
            photo.copies, photo.copies_error = Copies.MAKING, ""
        elif not photo.original:
            photo.renditions, photo.copies, photo.copies_error = {}, Copies.MADE, ""
        photo.save()
    except BaseException:
        for name in written:
            copies_storage(photo.copies_public).delete(name)
        if new_original and photo.original._committed:  # the row failed after its file was stored
            photo.original.storage.delete(photo.original.name)
        raise

    if remake and not copies_now:
        transaction.on_commit(partial(queue_copies, photo.pk))
    if before is not None:
        stale = copy_names(before.renditions) - copy_names(photo.renditions)
        old_original = before.original.name if before.original.name != photo.original.name else None
        storage = copies_storage(photo.copies_public)
        transaction.on_commit(lambda: _delete_files(before.original.storage, old_original, stale, storage))
    return photo


def photo_move_copies(photo: PhotoAsset, *, public: bool, written: list | None = None) -> bool:
    """Put the photo's copies where `public` says: in public storage, where readers reach them by
    URL, or back in private storage (embargoed). True when they moved; False when they were there.

    The files are copied first and the row then says where they are, in one transaction; the old
    files go once it commits (a failure leaves the copies where they were, and removes what it
    wrote). `written`, when given, gains (storage, name) of every file written, for a caller that
    must remove them if its own, larger transaction is undone (a bundle import).
    """
    with transaction.atomic():
        stored = PhotoAsset.objects.select_for_update().get(pk=photo.pk)
        if stored.copies_public == public:
            photo.copies_public = public
            return False
        source, target = copies_storage(stored.copies_public), copies_storage(public)
        names = sorted(copy_names(stored.renditions))
        copied = []
        try:
            for name in names:
                if target.exists(name):
                    continue  # a copy left there before, by a move whose old files were not yet removed
                with source.open(name, "rb") as content:
                    target.save(name, content)
                copied.append(name)
            stored.copies_public = public
            # Only this column: the photo's record did not change, so its updated time stays. The
            # save still tells the page cache (post_save): pages name the copies by their address.
            stored.save(update_fields=["copies_public"])
        except BaseException:
            for name in copied:
                target.delete(name)
            raise
        if written is not None:
            written.extend((target, name) for name in copied)
        transaction.on_commit(lambda: [source.delete(name) for name in names])
    photo.copies_public = public
    return True


@transaction.atomic
def photos_update_credit(*, photos, user, photographer="", credit="", add_keywords=""):
    """Set credit and add keywords on many photos; the worker remakes each one's public copies
    (a task a photo, so both cores share a large batch), and the editor need not wait."""
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


def _delete_files(originals, original_name, public_names, copies):
    if original_name:
        originals.delete(original_name)
    for name in public_names:
        copies.delete(name)


def delete_files_when_committed(sender, instance, **kwargs):
    """post_delete receiver: the files go with their row, but only if the delete commits."""
    original = instance.original.name
    public = copy_names(instance.renditions)
    copies = copies_storage(instance.copies_public)
    transaction.on_commit(lambda: _delete_files(instance.original.storage, original, public, copies))


def misplaced_copies(photo: PhotoAsset) -> list[str]:
    """The photo's copies that are not where its row says but in the other storage: an embargoed
    photo's copies still in MEDIA_ROOT (a site upgraded to the embargo, a move cut short), or a
    public photo's still in private storage."""
    here, other = copies_storage(photo.copies_public), copies_storage(not photo.copies_public)
    return [name for name in sorted(copy_names(photo.renditions)) if not here.exists(name) and other.exists(name)]


@transaction.atomic
def photo_gather_copies(photo: PhotoAsset) -> list[str]:
    """Bring the misplaced copies to where the row says they are (a repair, for rebuild_renditions);
    the names brought. The files left behind go once this commits."""
    stored = PhotoAsset.objects.select_for_update().get(pk=photo.pk)
    here, other = copies_storage(stored.copies_public), copies_storage(not stored.copies_public)
    names = misplaced_copies(stored)
    for name in names:
        with other.open(name, "rb") as content:
            here.save(name, content)
    transaction.on_commit(lambda: [other.delete(name) for name in names])
    return names
