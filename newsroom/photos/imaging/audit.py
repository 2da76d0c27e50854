"""Auditing a public copy: ``public_file_problems``, from its headers and metadata alone."""

from __future__ import annotations

import io
import re

from defusedxml import ElementTree as SafeElementTree
from PIL import ExifTags, Image

from newsroom.photos.imaging.specs import _ORIENTATION_TAG

_GPS_IN_XMP = re.compile(rb"GPS(?:Latitude|Longitude|Altitude|DestLatitude|DestLongitude)\b")
_SERIAL_IN_XMP = re.compile(rb"(?:Body|Lens|Camera|Internal)?SerialNumber\b")
_XMP_ORIENTATION = re.compile(rb"tiff:Orientation(?:>|=\")\s*([0-9]+)")
_DC = "{http://purl.org/dc/elements/1.1/}"
_SERIAL_TAGS_EXIF_IFD = (0xA431, 0xA435)  # BodySerialNumber, LensSerialNumber
_SERIAL_TAGS_IFD0 = (0xC62F,)  # CameraSerialNumber (DNG)


def public_file_problems(content) -> list[str]:
    """What in a public file (JPEG, WebP or PNG; its bytes, or the file open for reading) should
    not be there, or is missing; [] when clean.

    "GPS position", "camera serial number", "maker notes", "embedded thumbnail",
    "orientation not applied" (an Orientation tag other than 1), "VIRIN missing from
    metadata" (no XMP dc:title). Reads headers and metadata only (from a file, only as far as
    they go); the picture is not decoded.
    """
    try:
        im = Image.open(io.BytesIO(content) if isinstance(content, bytes | bytearray) else content)
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
            elif (
                segment == "APP0"
                and payload.startswith(b"JFXX")
                or segment == "APP0"
                and payload.startswith(b"JFIF\x00")
                and len(payload) >= 14
                and payload[12:14] != b"\x00\x00"
            ):
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
