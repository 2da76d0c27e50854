"""Checking uploaded photos and making the public copies readers get.

Pure functions over image bytes: no models, no storage, no settings. The caller passes the
limits (``inspect_upload``) and the record to write into every copy (``make_public_files``).

What a public copy carries, and why (see the domain notes, section 3): the original stays
private; every public file is rebuilt without GPS positions, camera or lens serial numbers,
maker notes, embedded thumbnails or any of the original EXIF/XMP/IPTC, its pixels turned the
way the photo is meant to be seen, and it carries only the record written here: an XMP packet
(VIRIN, caption, photographer, credit, title, "Public domain") and a minimal EXIF.

Colour: an RGB ICC profile is kept as it is (every modern browser is colour managed, and the
full-size JPEG copy is made without re-encoding, so it could not be converted anyway). CMYK and
greyscale pictures are converted to sRGB (through their own profile when they carry one), and
then carry no profile, which means sRGB.

Speed: a JPEG shown as stored (EXIF orientation 1) gets its full-size copy by rewriting the
file's marker segments (no decode, no re-encode: lossless and a few milliseconds), and its
renditions from a JPEG "draft" decode at 1/2, 1/4 or 1/8 scale, only as large as the largest
rendition needs. Each rendition is resized (Lanczos) from the previous, larger one; the large
resizes are split in two halves and the encoders run in a small thread pool (Pillow releases
the GIL while it resizes and encodes). Anything else (a turned photo, CMYK, PNG, WebP, TIFF)
is decoded in full, turned, converted and re-encoded. ``bench/renditions.py`` measures it.
"""

from __future__ import annotations

import io
import math
import os
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from struct import error as StructError
from xml.sax.saxutils import escape

from defusedxml import ElementTree as SafeElementTree
from PIL import ExifTags, Image, ImageCms, ImageFile, PngImagePlugin

ACCEPTED_FORMATS: dict[str, str] = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "TIFF": "TIFF"}

# Pillow calls a JPEG that carries a second picture (a camera's preview) "MPO"; it is a JPEG.
_FORMAT_ALIASES = {"MPO": "JPEG"}

_NOT_AN_IMAGE = "This file is not a photo Newsroom can use: upload a JPEG, PNG, WebP or TIFF image."
_ACCEPTED_LIST = "JPEG, PNG, WebP or TIFF"

# Pixel modes a photo can arrive in that we know how to turn into RGB(A).
_USABLE_MODES = frozenset(
    {"1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "I", "F"}
    | {"I;16", "I;16L", "I;16B", "I;16N"}
)

JPEG_QUALITY = 85  # renditions
JPEG_FULL_QUALITY = 90  # a full-size copy that has to be re-encoded (orientation, CMYK, TIFF ...)
WEBP_QUALITY = 80
WEBP_FULL_QUALITY = 90
# libwebp's "method" trades encoder time for size. Measured for the whole set of a 24 MP
# photo on 2 cores (bench/RESULTS.md): method 2 takes 0.33 s and makes 228 kB of WebP;
# methods 3 and 4 take 0.40 s for 217 kB (5 % smaller), 6 takes 0.51 s for 210 kB; 0 and 1
# are no faster than 2 but 30 % larger.
WEBP_METHOD = 2
WEBP_FULL_METHOD = 4
RESAMPLE = Image.Resampling.LANCZOS
REDUCING_GAP = 3.0  # box-reduce first when shrinking more than 3x: fast, and not visibly different
MAX_WORKERS = max(1, min(4, (getattr(os, "process_cpu_count", None) or os.cpu_count)() or 1))

PUBLIC_DOMAIN = "Public domain"
EXIF_COPYRIGHT = "Public domain (U.S. government work)"

_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class UploadRefused(ValueError):
    """An upload Newsroom will not take; ``str()`` tells the editor what is wrong and what to do."""


@dataclass(frozen=True)
class ImageFacts:
    format: str  # Pillow format name, one of ACCEPTED_FORMATS
    width: int  # as displayed, i.e. after the EXIF orientation is applied
    height: int
    orientation: int  # EXIF orientation 1-8 as stored


@dataclass(frozen=True)
class PublicMetadata:
    """What every public copy carries in its metadata."""

    virin: str
    title: str
    caption: str
    photographer: str
    credit: str


@dataclass(frozen=True)
class RenditionSpec:
    name: str
    width: int
    height: int | None  # None keeps the aspect ratio; with a height the image is cropped to fill (centred)
    formats: tuple[str, ...]


RENDITION_SPECS: tuple[RenditionSpec, ...] = (
    RenditionSpec("thumb", 400, 267, ("webp", "jpeg")),  # listing thumbnail
    RenditionSpec("share", 1200, 630, ("jpeg",)),  # OpenGraph/Twitter share image
    RenditionSpec("w480", 480, None, ("webp", "jpeg")),  # responsive srcset widths; figure uses these
    RenditionSpec("w800", 800, None, ("webp", "jpeg")),
    RenditionSpec("w1200", 1200, None, ("webp", "jpeg")),
    RenditionSpec("w1600", 1600, None, ("webp", "jpeg")),
)


@dataclass(frozen=True)
class PublicFile:
    name: str  # "full.jpg" (or full.png / full.webp), "thumb.webp", "share.jpg", "w800.webp", ...
    spec: str  # "full" or the RenditionSpec name
    format: str  # "jpeg" | "webp" | "png"
    width: int
    height: int
    content: bytes

    def __repr__(self):  # the bytes would fill a screen
        return f"PublicFile({self.name!r}, {self.width}x{self.height}, {len(self.content)} bytes)"


_EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "png": "png"}


# --- Checking an upload -------------------------------------------------------------------------


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
            f"This image uses a colour mode ({im.mode}) Newsroom cannot publish. "
            "Save it as RGB and upload it again."
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


# --- JPEG marker segments -----------------------------------------------------------------------


class _JpegMalformed(ValueError):
    pass


class _JpegTruncated(_JpegMalformed):
    pass


# After the first SOS, a marker is 0xFF followed by anything but 0x00 (a stuffed 0xFF byte),
# RST0-7 (restart markers inside the entropy-coded data) or 0xFF (fill).
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_SOS, _EOI, _COM = 0xDA, 0xD9, 0xFE
_APP0, _APP1, _APP2, _APP14 = 0xE0, 0xE1, 0xE2, 0xEE
_SOF_HUFFMAN_8BIT_OK = frozenset({0xC0, 0xC1, 0xC2})  # baseline, extended and progressive Huffman
_SOF_ALL = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _walk_jpeg(data: bytes) -> tuple[list[tuple[int, int, int]], int]:
    """Every marker segment as (marker, start, end), up to and including EOI, and EOI's end.

    Length fields are followed exactly; after the first SOS the entropy-coded data is skipped
    by looking for the next real marker. Anything after EOI (a camera's second picture, a
    phone's video, padding) is not part of the picture.
    """
    if data[:2] != b"\xff\xd8":
        raise _JpegMalformed("no SOI")
    segments: list[tuple[int, int, int]] = [(0xD8, 0, 2)]
    pos, size, scanning = 2, len(data), False
    while True:
        if scanning:
            found = _NEXT_MARKER.search(data, pos)
            if found is None:
                raise _JpegTruncated("no EOI")
            pos = found.start()
        if pos + 1 >= size:
            raise _JpegTruncated("ends inside a marker")
        if data[pos] != 0xFF:
            raise _JpegMalformed(f"expected a marker at {pos}")
        while data[pos + 1] == 0xFF:  # fill bytes before a marker
            pos += 1
            if pos + 1 >= size:
                raise _JpegTruncated("ends inside a marker")
        marker = data[pos + 1]
        if marker == _EOI:
            segments.append((marker, pos, pos + 2))
            return segments, pos + 2
        if marker in _STANDALONE:
            segments.append((marker, pos, pos + 2))
            pos += 2
            continue
        if marker in (0x00, 0xD8):
            raise _JpegMalformed(f"unexpected marker {marker:#x}")
        if pos + 4 > size:
            raise _JpegTruncated("ends inside a segment length")
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            raise _JpegMalformed("segment length below 2")
        end = pos + 2 + length
        if end > size:
            raise _JpegTruncated("ends inside a segment")
        segments.append((marker, pos, end))
        pos = end
        if marker == _SOS:
            scanning = True


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise ValueError("The photo's caption or record is too long to write into the file.")
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def _lossless_full_jpeg(data: bytes, exif: bytes, xmp: bytes) -> bytes | None:
    """The original's compressed picture, untouched, with only our metadata; None if unsuitable.

    Keeps APP0 JFIF (without its thumbnail), APP2 ICC profile, APP14 Adobe and every
    non-APP segment (tables, frame, scans); drops every other APPn (EXIF, XMP, IPTC/Photoshop,
    MPF, maker data), every COM, and everything after EOI. Only baseline/progressive Huffman
    8-bit greyscale or YCbCr JPEGs qualify (what every browser shows).
    """
    try:
        segments, _ = _walk_jpeg(data)
    except _JpegMalformed:
        return None
    frames = [(marker, start) for marker, start, _ in segments if marker in _SOF_ALL]
    if len(frames) != 1:
        return None
    marker, start = frames[0]
    if marker not in _SOF_HUFFMAN_8BIT_OK or data[start + 4] != 8 or data[start + 9] not in (1, 3):
        return None
    first_scan = next(index for index, (marker, _, _) in enumerate(segments) if marker == _SOS)
    jfif, tables = b"", []
    for marker, start, end in segments[1:first_scan]:
        payload = data[start + 4 : end]
        if marker == _APP0:
            if payload.startswith(b"JFIF\x00") and len(payload) >= 14 and not jfif:
                jfif = _jpeg_segment(_APP0, payload[:12] + b"\x00\x00")  # without its thumbnail
        elif (marker == _APP2 and payload.startswith(b"ICC_PROFILE\x00")) or (
            marker == _APP14 and payload.startswith(b"Adobe")
        ):
            tables.append(data[start:end])
        elif not (_APP0 <= marker <= 0xEF or marker == _COM):
            tables.append(data[start:end])  # DQT, SOF, DHT, DRI ...
    # From the first SOS on: the segments (APPn and COM between scans dropped) and the
    # entropy-coded data between them, up to and including EOI.
    scans, previous_end = [], segments[first_scan][1]
    for marker, start, end in segments[first_scan:]:
        if start > previous_end:
            scans.append(data[previous_end:start])
        if not (_APP0 <= marker <= 0xEF or marker == _COM):
            scans.append(data[start:end])
        previous_end = end
    head = [
        b"\xff\xd8",
        jfif,
        _jpeg_segment(_APP1, exif),
        _jpeg_segment(_APP1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp),
    ]
    return b"".join(head + tables + scans)


# --- The record written into every public copy --------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(value: str) -> str:
    return escape(_XML_INVALID.sub("", value or ""))


def xmp_packet(metadata: PublicMetadata) -> bytes:
    """The XMP packet every public copy carries (IIM-to-XMP mapping of the Metadata Working Group)."""

    def alt(value):
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{_xml_text(value)}</rdf:li></rdf:Alt>'

    fields = [f"<dc:title>{alt(metadata.virin)}</dc:title>"]
    if metadata.caption:
        fields.append(f"<dc:description>{alt(metadata.caption)}</dc:description>")
    if metadata.photographer:
        fields.append(f"<dc:creator><rdf:Seq><rdf:li>{_xml_text(metadata.photographer)}</rdf:li></rdf:Seq></dc:creator>")
    fields.append(f"<dc:rights>{alt(PUBLIC_DOMAIN)}</dc:rights>")
    if metadata.title:
        fields.append(f"<photoshop:Headline>{_xml_text(metadata.title)}</photoshop:Headline>")
    if metadata.credit:
        fields.append(f"<photoshop:Credit>{_xml_text(metadata.credit)}</photoshop:Credit>")
    fields.append("<xmpRights:Marked>False</xmpRights:Marked>")  # False = public domain (XMP spec)
    body = "\n    ".join(fields)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"\n'
        '    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">\n'
        f"    {body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode("utf-8")


def exif_block(metadata: PublicMetadata) -> bytes:
    """A minimal EXIF block ("Exif\\0\\0" + TIFF): description, artist, copyright, nothing else.

    EXIF strings are nominally ASCII; they are written as UTF-8 (what ExifTool and most
    readers expect), so "’" or "ñ" survive instead of turning into "?".
    """
    exif = Image.Exif()
    for tag, value in (
        (0x010E, metadata.caption),  # ImageDescription
        (0x013B, metadata.photographer),  # Artist
        (0x8298, EXIF_COPYRIGHT),  # Copyright
    ):
        if value:
            exif[tag] = value.replace("\x00", "").encode("utf-8")
    return exif.tobytes()


# --- Pixels -------------------------------------------------------------------------------------

_SRGB = None


def _srgb_profile():
    global _SRGB
    if _SRGB is None:
        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _SRGB


def _profile_space(icc: bytes | None) -> bytes | None:
    return icc[16:20] if icc and len(icc) >= 128 else None


def _to_rgb(im: Image.Image, icc: bytes | None) -> tuple[Image.Image, bytes | None]:
    """RGB or RGBA pixels, and the ICC profile that describes them (None: sRGB)."""
    mode = im.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        im = _eight_bit_grey(im)
    elif mode == "1":
        im = im.convert("L")
    elif mode in ("P", "PA"):
        transparent = mode == "PA" or "transparency" in im.info
        im = im.convert("RGBA" if transparent else "RGB")
    elif mode in ("LA", "La", "RGBa"):
        im = im.convert("RGBA")
    elif mode in ("RGBX", "YCbCr"):
        im = im.convert("RGB")
    space = _profile_space(icc)
    if im.mode in ("L", "CMYK"):
        expected = b"GRAY" if im.mode == "L" else b"CMYK"
        converted = None
        if space == expected:
            try:
                source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                converted = ImageCms.profileToProfile(
                    im, source, _srgb_profile(), outputMode="RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
                )
            except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
                converted = None
        im, icc = converted or im.convert("RGB"), None
    elif im.mode not in ("RGB", "RGBA"):
        raise UploadRefused(
            f"This image uses a colour mode ({im.mode}) Newsroom cannot publish. Save it as RGB and upload it again."
        )
    if _profile_space(icc) != b"RGB ":
        icc = None
    if im.mode == "RGBA" and im.getchannel("A").getextrema() == (255, 255):
        im = im.convert("RGB")  # an alpha channel with nothing transparent in it
    im.info = {}  # nothing of the original's metadata may ride along into a save
    return im, icc


def _eight_bit_grey(im: Image.Image) -> Image.Image:
    """16-bit (or 32-bit integer / float) greyscale scaled to 8 bits; Pillow's own convert
    would clip everything above 255 to white."""
    if im.mode.startswith("I;16"):
        im, high = im.convert("I"), 65535
    else:
        high = im.getextrema()[1]
    if im.mode == "F" and high <= 1.0:
        scale = 255.0
    else:
        scale = 1.0 if high <= 255 else 1 / 257 if high <= 65535 else 255 / high
    return im.point(lambda value: value * scale).convert("L")


def _flatten(im: Image.Image) -> Image.Image:
    """JPEG has no transparency: put the picture on white."""
    if im.mode != "RGBA":
        return im
    flat = Image.new("RGB", im.size, (255, 255, 255))
    flat.paste(im, mask=im.getchannel("A"))
    return flat


def _centre_box(size: tuple[int, int], target: tuple[int, int]) -> tuple[float, float, float, float]:
    """The largest centred box of the target's aspect ratio inside an image of `size`."""
    width, height = size
    aspect = target[0] / target[1]
    if width / height > aspect:
        box_width = height * aspect
        left = (width - box_width) / 2
        return (left, 0.0, left + box_width, float(height))
    box_height = width / aspect
    top = (height - box_height) / 2
    return (0.0, top, float(width), top + box_height)


@dataclass(frozen=True)
class _Target:
    spec: RenditionSpec
    size: tuple[int, int]
    crop: bool


def _plan(width: int, height: int) -> list[_Target]:
    """The renditions an image of this displayed size gets, in RENDITION_SPECS order."""
    width_only = [spec for spec in RENDITION_SPECS if spec.height is None]
    smallest = min(width_only, key=lambda spec: spec.width) if width_only else None
    targets = []
    for spec in RENDITION_SPECS:
        if spec.height is not None:
            targets.append(_Target(spec, (spec.width, spec.height), True))
        elif spec.width <= width:
            targets.append(_Target(spec, (spec.width, max(1, round(height * spec.width / width))), False))
        elif spec is smallest:
            # Narrower than every srcset width: one copy at its own width, so a figure has one.
            targets.append(_Target(spec, (width, height), False))
    return targets


def _needed_scale(width: int, height: int, targets: list[_Target]) -> float:
    scale = 0.0
    for target in targets:
        if target.crop:
            scale = max(scale, target.size[0] / width, target.size[1] / height)
        else:
            scale = max(scale, target.size[0] / width)
    return min(1.0, scale)


# --- Encoding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    exif: bytes
    xmp: bytes
    icc: bytes | None


def _encode(im: Image.Image, image_format: str, record: _Record, *, full: bool = False, lossless: bool = False) -> bytes:
    buffer = io.BytesIO()
    if image_format == "jpeg":
        _flatten(im).save(
            buffer,
            "JPEG",
            quality=JPEG_FULL_QUALITY if full else JPEG_QUALITY,
            # A full-size copy is a download, not shown in a page: baseline, which needs a
            # fraction of the time and memory to encode and decode (progressive keeps every
            # coefficient of a 24 MP picture in memory, ~70 MB, at both ends).
            progressive=not full,
            optimize=True,
            exif=record.exif,
            xmp=record.xmp,
            icc_profile=record.icc,
        )
    elif image_format == "webp":
        im.save(
            buffer,
            "WEBP",
            quality=WEBP_FULL_QUALITY if full else WEBP_QUALITY,
            method=WEBP_FULL_METHOD if full else WEBP_METHOD,
            lossless=lossless,
            exif=record.exif,
            xmp=record.xmp,
            icc_profile=record.icc or "",
        )
    elif image_format == "png":
        text = PngImagePlugin.PngInfo()
        text.add_itxt("XML:com.adobe.xmp", record.xmp.decode("utf-8"), zip=False)
        im.save(buffer, "PNG", pnginfo=text, exif=record.exif, icc_profile=record.icc)
    else:  # pragma: no cover - programming error
        raise ValueError(image_format)
    return buffer.getvalue()


def _read_source(source) -> bytes:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).read_bytes()
    try:
        source.seek(0)
    except (AttributeError, OSError):
        pass
    data = source.read()
    try:
        source.seek(0)
    except (AttributeError, OSError):
        pass
    return bytes(data)


def _webp_is_lossless(data: bytes) -> bool:
    position = 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        if kind == b"VP8L":
            return True
        if kind == b"VP8 ":
            return False
        length = int.from_bytes(data[position + 4 : position + 8], "little")
        position += 8 + length + (length & 1)
    return False


# --- Making the public copies -------------------------------------------------------------------


def make_public_files(source, *, metadata: PublicMetadata) -> list[PublicFile]:
    """The full-size public copy and every rendition of an inspected original.

    `source` is a path or a binary file-like (read from its start; left at position 0).
    Returned in order: "full", then RENDITION_SPECS in their order and formats. Each file is
    checked with public_file_problems before it is returned; a file that fails is a bug and
    raises RuntimeError rather than reach the public.
    """
    if not (metadata.virin or "").strip():
        raise ValueError("A public copy must carry the photo's VIRIN.")
    data = _read_source(source)
    exif, xmp = exif_block(metadata), xmp_packet(metadata)
    try:
        im = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except (Image.UnidentifiedImageError, OSError) as error:
        raise UploadRefused(_NOT_AN_IMAGE) from error
    with im:
        image_format = _FORMAT_ALIASES.get(im.format, im.format)
        orientation = _orientation(im)
        icc = im.info.get("icc_profile")
        stored_w, stored_h = im.size
        width, height = (stored_h, stored_w) if orientation in (5, 6, 7, 8) else (stored_w, stored_h)
        targets = _plan(width, height)
        full_format = {"JPEG": "jpeg", "TIFF": "jpeg", "PNG": "png", "WEBP": "webp"}[image_format]

        full_bytes = None
        if image_format == "JPEG" and orientation == 1 and im.mode in ("RGB", "L"):
            full_bytes = _lossless_full_jpeg(data, exif, xmp)

        futures = {}
        with ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="renditions") as pool:
            if full_bytes is not None:
                # The full-size copy is done; decode only as large as the largest rendition.
                scale = _needed_scale(width, height, targets)
                im.draft(im.mode, (max(1, math.ceil(stored_w * scale)), max(1, math.ceil(stored_h * scale))))
                im.load()
                base, icc = _to_rgb(im, icc)
                record = _Record(exif, xmp, icc)
            else:
                im.load()
                base, icc = _to_rgb(im, icc)
                if orientation in _TRANSPOSE:
                    base = base.transpose(_TRANSPOSE[orientation])
                    base.info = {}
                if base is not im:
                    im.close()  # frees the decoded pixels: only `base` is needed now
                record = _Record(exif, xmp, icc)
                lossless = image_format == "WEBP" and _webp_is_lossless(data)
                futures["full"] = pool.submit(_encode, base, full_format, record, full=True, lossless=lossless)
                # Renditions start from a box-filtered 1/2, 1/4 or 1/8 of the picture, as
                # large as they need: what a JPEG draft decode gives the path above.
                base = _reduced(base, _needed_scale(width, height, targets))
            # The full-size encode may be reading `base` (possibly `im` itself) in a worker:
            # renditions only ever read it (resize), and get copies of their own to encode.
            for target, image in _renditions(base, targets, pool):
                for image_format_out in target.spec.formats:
                    # Each encoder gets its own Image object: Pillow's save() sets attributes on it.
                    futures[(target.spec.name, image_format_out)] = pool.submit(
                        _encode, image.copy(), image_format_out, record
                    )
            done = {key: future.result() for key, future in futures.items()}

    files = []
    if full_bytes is not None:
        files.append(PublicFile("full.jpg", "full", "jpeg", width, height, full_bytes))
    else:
        files.append(PublicFile(f"full.{_EXTENSIONS[full_format]}", "full", full_format, width, height, done["full"]))
    for target in targets:
        for image_format_out in target.spec.formats:
            files.append(
                PublicFile(
                    f"{target.spec.name}.{_EXTENSIONS[image_format_out]}",
                    target.spec.name,
                    image_format_out,
                    target.size[0],
                    target.size[1],
                    done[(target.spec.name, image_format_out)],
                )
            )
    for made in files:
        problems = public_file_problems(made.content)
        if problems:  # pragma: no cover - would be a bug in this module
            raise RuntimeError(f"Public copy {made.name} failed its own check: {', '.join(problems)}")
    return files


def _reduced(image: Image.Image, scale: float) -> Image.Image:
    if image.mode != "RGB":  # reduce() does not premultiply alpha; resize() does
        return image
    needed_w, needed_h = math.ceil(image.width * scale), math.ceil(image.height * scale)
    for factor in (8, 4, 2):
        if image.width // factor >= needed_w and image.height // factor >= needed_h:
            return image.reduce(factor)
    return image


def _renditions(base: Image.Image, targets: list[_Target], pool: ThreadPoolExecutor):
    """(target, image) for every target: the widths largest first, each resized from the
    previous (smaller, already filtered) copy, then the crops from the smallest copy that is
    still at least as large as they need (or from the base, upscaling: they are small)."""
    made = [base]
    for target in sorted((t for t in targets if not t.crop), key=lambda t: -t.size[0]):
        source = next((im for im in reversed(made) if im.width >= target.size[0] and im.height >= target.size[1]), base)
        image = source if source.size == target.size else _resize(source, target.size, None, pool)
        made.append(image)
        yield target, image
    for target in (t for t in targets if t.crop):
        source = base
        for candidate in reversed(made):  # smallest first
            box = _centre_box(candidate.size, target.size)
            if box[2] - box[0] >= target.size[0] - 1e-6 and box[3] - box[1] >= target.size[1] - 1e-6:
                source = candidate
                break
        yield target, _resize(source, target.size, _centre_box(source.size, target.size), pool)


SPLIT_PIXELS = 1_000_000  # resizes to at least this many pixels are done in two halves at once


def _resize(source: Image.Image, size: tuple[int, int], box, pool: ThreadPoolExecutor) -> Image.Image:
    """source.resize(size, box=box) with the lower half computed in the pool meanwhile.

    Pillow's resampling reads source pixels beyond a box's edge (up to the image's own edges),
    so two halves made with boxes that meet are the same as one resize of the whole.
    """
    box = box or (0.0, 0.0, float(source.width), float(source.height))
    width, height = size
    if MAX_WORKERS < 2 or width * height < SPLIT_PIXELS or height < 2:
        return source.resize(size, RESAMPLE, box=box, reducing_gap=REDUCING_GAP)
    left, top, right, bottom = box
    rows = height // 2
    middle = top + (bottom - top) * rows / height
    lower = pool.submit(source.resize, (width, height - rows), RESAMPLE, (left, middle, right, bottom), REDUCING_GAP)
    upper = source.resize((width, rows), RESAMPLE, box=(left, top, right, middle), reducing_gap=REDUCING_GAP)
    whole = Image.new(upper.mode, size)
    whole.paste(upper, (0, 0))
    whole.paste(lower.result(), (0, rows))
    return whole


# --- Auditing a public copy ---------------------------------------------------------------------

_GPS_IN_XMP = re.compile(rb"GPS(?:Latitude|Longitude|Altitude|DestLatitude|DestLongitude)\b")
_SERIAL_IN_XMP = re.compile(rb"(?:Body|Lens|Camera|Internal)?SerialNumber\b")
_XMP_ORIENTATION = re.compile(rb"tiff:Orientation(?:>|=\")\s*([0-9]+)")
_DC = "{http://purl.org/dc/elements/1.1/}"
_SERIAL_TAGS_EXIF_IFD = (0xA431, 0xA435)  # BodySerialNumber, LensSerialNumber
_SERIAL_TAGS_IFD0 = (0xC62F,)  # CameraSerialNumber (DNG)


def public_file_problems(content: bytes) -> list[str]:
    """What in a public file (JPEG, WebP or PNG) should not be there, or is missing; [] when clean.

    "GPS position", "camera serial number", "maker notes", "embedded thumbnail",
    "orientation not applied" (an Orientation tag other than 1), "VIRIN missing from
    metadata" (no XMP dc:title). Reads headers and metadata only; the picture is not decoded.
    """
    try:
        im = Image.open(io.BytesIO(content))
    except Exception:  # anything unreadable is a problem in itself
        return ["not an image Newsroom can read"]
    found: set[str] = set()
    with im:
        try:
            exif = im.getexif()
            ifd0 = dict(exif)
            exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
            gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
            ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
        except Exception:
            ifd0, exif_ifd, gps, ifd1 = {}, {}, {}, {}
            found.add("unreadable EXIF")
        if gps or ExifTags.IFD.GPSInfo in ifd0:
            found.add("GPS position")
        if any(tag in exif_ifd for tag in _SERIAL_TAGS_EXIF_IFD) or any(tag in ifd0 for tag in _SERIAL_TAGS_IFD0):
            found.add("camera serial number")
        if ExifTags.IFD.MakerNote in exif_ifd or ExifTags.IFD.MakerNote in ifd0:
            found.add("maker notes")
        if ifd1:
            found.add("embedded thumbnail")
        if ifd0.get(_ORIENTATION_TAG, 1) != 1:
            found.add("orientation not applied")

        xmp_blocks = []
        xmp = im.info.get("xmp")
        if isinstance(xmp, str):
            xmp = xmp.encode("utf-8")
        if xmp:
            xmp_blocks.append(xmp)
        for segment, payload in getattr(im, "applist", []):
            if segment == "APP1" and payload.startswith(b"http://ns.adobe.com/xmp/extension/"):
                xmp_blocks.append(payload)  # extended XMP: can hold anything
            elif segment == "APP0" and payload.startswith(b"JFXX"):
                found.add("embedded thumbnail")
            elif segment == "APP0" and payload.startswith(b"JFIF\x00") and len(payload) >= 14 and payload[12:14] != b"\x00\x00":
                found.add("embedded thumbnail")
            elif segment == "APP2" and payload.startswith(b"MPF\x00"):
                found.add("embedded thumbnail")  # a second, preview picture
            elif segment == "APP13" and (b"8BIM\x04\x0c" in payload or b"8BIM\x04\x09" in payload):
                found.add("embedded thumbnail")
        for block in xmp_blocks:
            if _GPS_IN_XMP.search(block):
                found.add("GPS position")
            if _SERIAL_IN_XMP.search(block):
                found.add("camera serial number")
            orientation = _XMP_ORIENTATION.search(block)
            if orientation and orientation.group(1) != b"1":
                found.add("orientation not applied")
        if not (xmp and _xmp_title(xmp)):
            found.add("VIRIN missing from metadata")
    order = [
        "not an image Newsroom can read",
        "unreadable EXIF",
        "GPS position",
        "camera serial number",
        "maker notes",
        "embedded thumbnail",
        "orientation not applied",
        "VIRIN missing from metadata",
    ]
    return [problem for problem in order if problem in found]


def _xmp_title(xmp: bytes) -> str:
    try:
        root = SafeElementTree.fromstring(xmp.strip(b"\x00 \t\r\n"))
    except Exception:  # unparsable XMP carries no title anyone can read
        return ""
    for element in root.iter(f"{_DC}title"):
        text = "".join(element.itertext()).strip()
        if text:
            return text
    for element in root.iter():
        value = element.attrib.get(f"{_DC}title", "").strip()
        if value:
            return value
    return ""


__all__ = [
    "ACCEPTED_FORMATS",
    "RENDITION_SPECS",
    "ImageFacts",
    "PublicFile",
    "PublicMetadata",
    "RenditionSpec",
    "UploadRefused",
    "exif_block",
    "inspect_upload",
    "make_public_files",
    "public_file_problems",
    "xmp_packet",
]
