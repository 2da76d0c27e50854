"""Saving and removing photos, keeping the files in media/ in step with the rows."""

import hashlib

from django.db import transaction

from newsroom.photos.models import PhotoAsset


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@transaction.atomic
def photo_save(*, photo: PhotoAsset, user) -> PhotoAsset:
    """Save a photo's record; on a new or replaced file, record its size and hash.

    A replaced file is deleted only once the new row is committed, so a failed save
    never leaves a record pointing at nothing.
    """
    if photo._state.adding and user is not None:
        photo.uploaded_by = user
    new_file = not photo.image._committed
    if new_file:
        photo.file_hash = file_sha256(photo.image.file)
        photo.file_size = photo.image.size
        if not photo._state.adding:
            old_name = PhotoAsset.objects.filter(pk=photo.pk).values_list("image", flat=True).first()
            if old_name:
                storage = photo.image.storage
                transaction.on_commit(lambda: storage.delete(old_name))
    photo.save()
    return photo


def delete_file_when_committed(sender, instance, **kwargs):
    """post_delete receiver: the file goes with its row, but only if the delete commits."""
    if instance.image:
        storage, name = instance.image.storage, instance.image.name
        transaction.on_commit(lambda: storage.delete(name))
