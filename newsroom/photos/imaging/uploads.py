"""Checking an upload: ``inspect_upload`` and its helpers."""

from __future__ import annotations

import os
import re
import zlib
from struct import error as StructError

from PIL import Image, ImageFile

from newsroom.photos.imaging.jpeg import _JpegMalformed, _JpegTruncated, _walk_jpeg
from newsroom.photos.imaging.specs import (
    _FORMAT_ALIASES,
    _NOT_AN_IMAGE,
    _ORIENTATION_TAG,
    ACCEPTED_FORMATS,
    ImageFacts,
    UploadRefused,
)

_ACCEPTED_LIST = "JPEG, PNG, WebP or TIFF"

# Pixel modes a photo can arrive in that we know how to turn into RGB(A).
_USABLE_MODES = frozenset(
    {"1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "I", "F"}
    | {"I;16", "I;16L", "I;16B", "I;16N"}
)


def inspect_upload(file, *, max_bytes: int, max_pixels: int) -> ImageFacts:
    """Check an uploaded photo by its content (never its name) and say what it is.

    In order: its size in bytes (without reading it), that it is an image at all, that it is a
    JPEG, PNG, WebP or TIFF, its pixel count from the header alone (before anything is decoded:
    a decompression bomb is refused in milliseconds), then a full decode, which finds damaged
    and incomplete files. Raises UploadRefused with a message for the editor. The file is left
    at position 0.
    """
    try:
        size = _file_size(file)
        if size > max_bytes:
            raise UploadRefused(
                f"The file is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}. "
                "Upload a smaller export of the photo (a JPEG at quality 90 is plenty)."
            )
        if size == 0:
            raise UploadRefused(_NOT_AN_IMAGE)
        file.seek(0)
        head = file.read(64)
        file.seek(0)
        try:
            im = Image.open(file, formats=list(ACCEPTED_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
            # Pillow's own, lower guard (only a warning unless warnings are errors) fired first.
            raise UploadRefused(_too_many_pixels(None, _pixels_in(bomb), max_pixels)) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, StructError):
            # UnidentifiedImageError included. A file that starts like one of ours but cannot
            # be opened is a damaged one; anything else is named if Pillow knows it.
            accepted_start = _accepted_signature(head)
            if accepted_start:
                file.seek(0)
                raise UploadRefused(_container_problem(accepted_start, file) or _DAMAGED) from None
            file.seek(0)
            found = _name_other_format(file, head)
            if found:
                raise UploadRefused(
                    f"This file is a {found} image. Newsroom accepts {_ACCEPTED_LIST} photos: "
                    "save it in one of those formats and upload it again."
                ) from None
            raise UploadRefused(_NOT_AN_IMAGE) from None
        with im:
            return _check_opened(im, file, max_pixels)
    finally:
        file.seek(0)


def _check_opened(im: ImageFile.ImageFile, file, max_pixels: int) -> ImageFacts:
    image_format = _FORMAT_ALIASES.get(im.format, im.format)
    if image_format not in ACCEPTED_FORMATS:  # cannot happen with formats=..., kept as a guard
        raise UploadRefused(_NOT_AN_IMAGE)
    width, height = im.size
    if width < 1 or height < 1:
        raise UploadRefused(_NOT_AN_IMAGE)
    if width * height > max_pixels:  # from the header: nothing is decoded yet
        raise UploadRefused(_too_many_pixels((width, height), width * height, max_pixels))
    if image_format in ("PNG", "WEBP") and getattr(im, "is_animated", False):
        raise UploadRefused(f"This file is an animation; upload a single still photo ({_ACCEPTED_LIST}).")
    if im.mode not in _USABLE_MODES:
        raise UploadRefused(
            f"This image uses a colour mode ({im.mode}) Newsroom cannot publish. Save it as RGB and upload it again."
        )
    orientation = _orientation(im)

    # The container's own end: found without decoding, and whatever
    # ImageFile.LOAD_TRUNCATED_IMAGES is set to elsewhere (it stays False here).
    file.seek(0)
    problem = _container_problem(image_format, file)
    if problem:
        raise UploadRefused(problem)
    try:
        if image_format == "JPEG":
            # Every byte of the compressed data is still decoded at 1/8 scale, so a damaged or
            # cut-off file fails the same way, in a fraction of the time and memory.
            im.draft(im.mode, (max(1, width // 8), max(1, height // 8)))
        im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise UploadRefused(_too_many_pixels((width, height), _pixels_in(bomb), max_pixels)) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, StructError, MemoryError) as error:
        ends_early = "truncated" in str(error) or "premature" in str(error).lower() or isinstance(error, EOFError)
        raise UploadRefused(_DAMAGED_ENDS_EARLY if ends_early else _DAMAGED) from None
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return ImageFacts(format=image_format, width=width, height=height, orientation=orientation)


_DAMAGED_ENDS_EARLY = "The file is damaged or incomplete (it ends early). Upload the original again."
_DAMAGED = "The file is damaged or incomplete (its picture data cannot be read). Upload the original again."


def _file_size(file) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _megabytes(count: int) -> str:
    value = f"{count / (1024 * 1024):.1f}".removesuffix(".0")
    return f"{value} MB"


def _megapixels(count: int) -> str:
    value = f"{count / 1_000_000:.1f}".removesuffix(".0")
    return f"{value} megapixels"


def _pixels_in(error: Exception) -> int | None:
    found = re.search(r"\((\d+) pixels\)", str(error))
    return int(found.group(1)) if found else None


def _too_many_pixels(size: tuple[int, int] | None, pixels: int | None, max_pixels: int) -> str:
    if size:
        found = f"The photo is {size[0]:,} × {size[1]:,} pixels ({_megapixels(pixels or size[0] * size[1])})"
    elif pixels:
        found = f"The photo is {_megapixels(pixels)}"
    else:
        found = "The photo has too many pixels"
    return f"{found}; the limit is {_megapixels(max_pixels)}. Upload a smaller version of it."


def _accepted_signature(head: bytes) -> str | None:
    """Which accepted format a file's first bytes announce, if any."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    return None


def _name_other_format(file, head: bytes) -> str | None:
    """The name of an image format we do not take, to tell the editor; None if not an image."""
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
        return "HEIC"
    try:
        with Image.open(file) as other:  # the header only: never decoded
            return other.format or None
    except Exception:  # anything Pillow cannot identify is simply "not an image"
        return None


def _container_problem(image_format: str, file) -> str | None:
    """What the file's own structure says, without decoding: None, or the refusal message.

    JPEG: marker segments up to EOI; PNG: every chunk's length and CRC up to IEND; WebP: the
    RIFF length. Independent of ImageFile.LOAD_TRUNCATED_IMAGES (left False here).
    """
    if image_format == "JPEG":
        try:
            _walk_jpeg(file.read())
        except _JpegTruncated:
            return _DAMAGED_ENDS_EARLY
        except _JpegMalformed:
            return None  # odd but perhaps readable (stray bytes between segments): the decoder decides
        return None
    if image_format == "PNG":
        return _png_problem(file)
    if image_format == "WEBP":
        head = file.read(12)
        file.seek(0, os.SEEK_END)
        if len(head) < 12 or int.from_bytes(head[4:8], "little") + 8 > file.tell():
            return _DAMAGED_ENDS_EARLY
    return None


def _png_problem(file) -> str | None:
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(8)
    while True:
        header = file.read(8)
        if len(header) < 8:
            return _DAMAGED_ENDS_EARLY
        length, kind = int.from_bytes(header[:4], "big"), header[4:]
        if file.tell() + length + 4 > size:
            return _DAMAGED_ENDS_EARLY
        crc = zlib.crc32(kind)
        remaining = length
        while remaining:
            block = file.read(min(remaining, 1 << 20))
            crc = zlib.crc32(block, crc)
            remaining -= len(block)
        if int.from_bytes(file.read(4), "big") != crc:
            return _DAMAGED
        if kind == b"IEND":
            return None


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # an unreadable EXIF block is no orientation at all
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1
