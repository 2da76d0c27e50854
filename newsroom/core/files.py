"""Files an operator names, and files Newsroom writes: read safely, and a full disk said plainly.

``read_limited`` reads a file a command was given (a story's text, a photo in --photos-dir):
only a regular file, and never more than a limit. It looks at what it opened before reading a
byte (``fstat`` on the open file, so nothing can be swapped in between), opens without blocking
(a FIFO would otherwise wait for a writer for ever), and reads at most the limit and one byte more,
so a file that grows after the look is still caught. /dev/zero, a FIFO or a folder is named for
what it is.

``WholeFiles`` is the file storages' part: a save that runs out of disk (ENOSPC, or EDQUOT for a
quota) removes the part it wrote and raises ``DiskFull``, which names the setting whose disk is
full, for the caller to say what was not saved.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import threading

from django.core.files.storage import FileSystemStorage

# "No space left on device" and "Disk quota exceeded": either way, nothing more fits.
DISK_FULL_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT})


def size_text(count: int) -> str:
    """Bytes as people say them: "812 bytes", "600 KB", "12.5 MB", "20 GB" (1 KB = 1,024 bytes)."""
    if count < 1024:
        return f"{count:,} bytes"
    for unit, size in (("KB", 1024), ("MB", 1024**2), ("GB", 1024**3)):
        if count < size * 1024 or unit == "GB":
            return f"{count / size:.1f}".removesuffix(".0") + f" {unit}"


def sizes_text(size: int, limit: int) -> tuple[str, str]:
    """A size over a limit and the limit, as people say them, in bytes when rounding would make them
    look the same ("1,048,577 bytes" over "1,048,576 bytes", never "1 MB" over "1 MB")."""
    if size_text(size) == size_text(limit):
        return f"{size:,} bytes", f"{limit:,} bytes"
    return size_text(size), size_text(limit)


class FileRefused(Exception):
    """A file that is not read: the message says what it is instead, in a sentence."""


def _not_a_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "It is a folder, not a file."
    if stat.S_ISFIFO(mode):
        return "It is a named pipe (FIFO), not a file: it has no end to read to."
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "It is a device, not a file."
    if stat.S_ISSOCK(mode):
        return "It is a socket, not a file."
    return "It is not a regular file."


def read_limited(path, *, max_bytes: int, limit_name: str) -> bytes:
    """The bytes of the regular file at `path`, if it holds at most `max_bytes`; else FileRefused.

    `limit_name` is the setting that sets the limit, named in the refusal so it can be raised.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileRefused("There is no such file.") from None
    except IsADirectoryError:
        raise FileRefused(_not_a_file(stat.S_IFDIR)) from None
    except PermissionError:
        raise FileRefused("Newsroom may not read it (permission denied).") from None
    except OSError as error:
        raise FileRefused(f"It cannot be opened: {error.strerror}.") from None
    try:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode):
            raise FileRefused(_not_a_file(found.st_mode))
        if found.st_size > max_bytes:
            size, limit = sizes_text(found.st_size, max_bytes)
            raise FileRefused(f"It is {size}; the limit is {limit} ({limit_name}).")
        with os.fdopen(descriptor, "rb", closefd=False) as opened:
            data = opened.read(max_bytes + 1)
    except OSError as error:
        raise FileRefused(f"It cannot be read: {error.strerror}.") from None
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:  # it grew since it was looked at
        raise FileRefused(f"It is more than {size_text(max_bytes)}, its limit ({limit_name}).")
    return data


# --- A full disk ------------------------------------------------------------------------------


def file_sha256(file) -> str:
    """The SHA-256 of an open file, read a megabyte at a time from its start; left at its start."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRORS


class DiskFull(OSError):
    """A file could not be written whole because its disk is full; the part written is gone.

    `setting` names where it was going (MEDIA_ROOT, PRIVATE_MEDIA_ROOT), for the message.
    """

    def __init__(self, setting: str, error: OSError):
        super().__init__(error.errno, error.strerror)
        self.setting = setting

    def __str__(self):
        return f"The disk holding {self.setting} is full"


class WholeFiles:
    """For a FileSystemStorage: a save that fills the disk leaves no partial file, and says so.

    Django's own save leaves what it had written when a write fails. The file was created by this
    save (exclusively: a name another writer holds makes it pick a new one), so what is under its
    name when the disk fills is this save's partial file, and is removed.
    """

    setting_name = "MEDIA_ROOT"
    _saving = threading.local()  # the name the save on this thread is writing now

    def get_available_name(self, name, max_length=None):
        name = super().get_available_name(name, max_length=max_length)
        self._saving.name = name  # Django's save asks again when another writer took the name
        return name

    def _save(self, name, content):
        self._saving.name = name
        try:
            return super()._save(name, content)
        except OSError as error:
            if not is_disk_full(error):
                raise
            try:
                os.remove(self.path(self._saving.name))
            except FileNotFoundError:
                pass  # the disk was full before anything was made
            raise DiskFull(self.setting_name, error) from error
        finally:
            self._saving.name = None


# A name of plain segments (letters, digits, "-", "_" and inner dots, none starting with a dot) is
# its own URL path: nothing to quote, no "." or ".." for urljoin to resolve.
_PLAIN_NAME = re.compile(r"(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\Z")


class MediaStorage(WholeFiles, FileSystemStorage):
    """MEDIA_ROOT: the public copies of photos."""

    def url(self, name):
        # Readers' pages ask for dozens (a listing's thumbnails, every figure's srcset): a copy's
        # name, which Newsroom makes plain, is joined to MEDIA_URL as Django's url() would join
        # it, without quoting and urljoin's parsing (about 10 µs a name).
        base = self.base_url
        if base is not None and _PLAIN_NAME.match(name):
            return base + name
        return super().url(name)
