"""Uploads kept between rounds of the photo form, so a person need not choose the file again.

A kept upload is a file in private storage, ``pending/<person's id>-<random>.<ext>``, named to the
form by a signed token. Each person keeps at most PENDING_UPLOADS_PER_PERSON (keeping another
removes their oldest), and none is kept longer than PENDING_UPLOAD_HOURS: ``remove_stale``, run by
``manage.py clean_pending_uploads`` from cron (and by bin/dev beside the site), removes the rest,
so uploads of forms nobody came back to do not fill the disk.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core import signing
from django.utils import timezone

from newsroom.photos.models import originals_storage

PENDING_SALT = "newsroom.photos.pending-upload"
PENDING_FOLDER = "pending"


def kept_for() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.PENDING_UPLOAD_HOURS)


def _owner(user) -> str:
    """The start of a person's kept uploads' names: their account's id."""
    return f"{PENDING_FOLDER}/{user.pk if user is not None and user.pk else 0}-"


def pending_token(name: str) -> str:
    return signing.dumps(name, salt=PENDING_SALT)


def pending_name(token: str, user=None) -> str:
    """The kept upload a signed token names, or "" when the token is forged or stale, the file is
    gone, or (given `user`) it is someone else's."""
    try:
        name = signing.loads(token, salt=PENDING_SALT, max_age=kept_for())
    except signing.BadSignature:
        return ""
    if not isinstance(name, str) or not name.startswith(_owner(user) if user is not None else f"{PENDING_FOLDER}/"):
        return ""
    if "/" in name.removeprefix(f"{PENDING_FOLDER}/") or not originals_storage().exists(name):
        return ""
    return name


def keep_upload(upload, user) -> str:
    """Store an upload for the next round of its form; its name ("" if none are kept). The person's
    oldest kept uploads go first, so that they keep no more than PENDING_UPLOADS_PER_PERSON with
    this one. A full disk raises DiskFull, having left nothing."""
    if settings.PENDING_UPLOADS_PER_PERSON < 1:
        return ""  # kept for nobody: each round needs the file chosen again
    storage = originals_storage()
    remove_stale()  # as well as on clean_pending_uploads' schedule: a site without cron stays tidy
    mine = sorted(_kept(storage, prefix=_owner(user)), key=lambda kept: kept.modified)
    for old in mine[: max(0, len(mine) - settings.PENDING_UPLOADS_PER_PERSON + 1)]:
        storage.delete(old.name)
    extension = PurePath(upload.name).suffix.lower()
    upload.seek(0)
    return storage.save(f"{_owner(user)}{uuid.uuid4().hex}{extension}", upload)


@dataclass(frozen=True)
class Kept:
    name: str
    modified: datetime.datetime
    size: int


def _kept(storage, *, prefix=f"{PENDING_FOLDER}/"):
    try:
        _, names = storage.listdir(PENDING_FOLDER)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        path = f"{PENDING_FOLDER}/{name}"
        if not path.startswith(prefix):
            continue
        try:
            found.append(Kept(path, storage.get_modified_time(path), storage.size(path)))
        except FileNotFoundError:
            continue  # removed meanwhile: its form was saved
    return found


def stale_uploads(now=None) -> list[Kept]:
    """Kept uploads older than PENDING_UPLOAD_HOURS, oldest first."""
    cutoff = (now or timezone.now()) - kept_for()
    return sorted((kept for kept in _kept(originals_storage()) if kept.modified < cutoff), key=lambda k: k.modified)


def remove_stale(now=None) -> list[Kept]:
    """Remove the kept uploads older than PENDING_UPLOAD_HOURS; what was removed."""
    storage = originals_storage()
    stale = stale_uploads(now)
    for kept in stale:
        storage.delete(kept.name)
    return stale
