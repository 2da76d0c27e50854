"""Read a photo's record (VIRIN, caption, by-line, ...) from the metadata inside the file.

DoD photos carry the record in XMP and IPTC-IIM, sometimes only in one of them, and the
camera adds EXIF. Per field, XMP wins, then IPTC-IIM, then EXIF (see docs/DOMAIN.md section 3).
Files in the wild have odd, partial or broken metadata; reading never raises for that, it
returns what it could read. Only headers are parsed, never the pixels.
"""

import datetime
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET  # XMP is untrusted XML: no entities, no DTD tricks
from PIL import Image, IptcImagePlugin


@dataclass(frozen=True)
class PhotoMetadata:
    virin: str = ""  # as found (stripped); not validated here
    title: str = ""  # headline, e.g. "Levee Repair"
    caption: str = ""
    photographer: str = ""
    credit: str = ""
    date_taken: datetime.date | None = None
    city: str = ""
    state: str = ""
    country: str = ""
    keywords: tuple[str, ...] = ()
    # field name -> "XMP" | "IPTC" | "EXIF" for fields found; hash=False: a dict is unhashable
    sources: Mapping[str, str] = field(default_factory=dict, hash=False)
    has_gps: bool = False
    orientation: int = 1  # EXIF orientation 1-8

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, self.state, self.country) if part)


def read_photo_metadata(file) -> PhotoMetadata:
    """The record in `file` (a path, or a binary file object left at position 0 afterwards).

    Empty if the file is not an image Pillow knows.
    """
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as fp:  # a missing path is the caller's error and raises
            return read_photo_metadata(fp)
    try:
        return _read(file)
    finally:
        _rewind(file)


def _rewind(file) -> None:
    try:
        if file.seekable():
            file.seek(0)
    except Exception:  # closed or odd stream: nothing more to do
        pass


def _read(fp) -> PhotoMetadata:
    _rewind(fp)  # an upload may already have been read, e.g. to hash it
    try:
        im = Image.open(fp)  # parses headers only; pixels are decoded by load(), never called
    except Exception:  # not an image, or headers too broken to parse: validated elsewhere
        return PhotoMetadata()
    with im:
        xmp, iptc, exif = (_guard(reader, im) for reader in (_from_xmp, _from_iptc, _from_exif))
    has_gps = xmp.pop("has_gps", False) | exif.pop("has_gps", False)
    orientation = exif.pop("orientation", 1)
    values: dict = {}
    sources: dict[str, str] = {}
    for source, fields in (("XMP", xmp), ("IPTC", iptc), ("EXIF", exif)):
        for name, value in fields.items():
            if value and name not in values:
                values[name], sources[name] = value, source
    return PhotoMetadata(**values, sources=sources, has_gps=has_gps, orientation=orientation)


def _guard(reader, im) -> dict:
    # One broken block (bad XMP, garbled IIM, odd EXIF offsets) must not cost the others.
    try:
        return reader(im)
    except Exception:
        return {}


# --- XMP ------------------------------------------------------------------------------

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
PS = "{http://ns.adobe.com/photoshop/1.0/}"
EXIF_NS = "{http://ns.adobe.com/exif/1.0/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTAINERS = (RDF + "Alt", RDF + "Seq", RDF + "Bag")


def _xmp_properties(packet) -> dict[str, list[str]]:
    """{"{namespace}name": [values]} from every rdf:Description, in either RDF form."""
    if isinstance(packet, bytes):
        packet = packet.rstrip(b"\x00 \r\n\t")
    root = SafeET.fromstring(packet)
    props: dict[str, list[str]] = {}
    for rdf in root.iter(RDF + "RDF"):
        for desc in rdf.findall(RDF + "Description"):
            for name, value in desc.attrib.items():  # shorthand: <rdf:Description ps:City="...">
                if not name.startswith(RDF) and name != XML_LANG:
                    props.setdefault(name, [value])
            for prop in desc:
                container = next((c for c in prop if c.tag in CONTAINERS), None)
                if container is None:
                    props.setdefault(prop.tag, [prop.text or ""])
                    continue
                items = container.findall(RDF + "li")
                if container.tag == RDF + "Alt":  # language alternatives: x-default first
                    items.sort(key=lambda li: li.get(XML_LANG) != "x-default")
                props.setdefault(prop.tag, [li.text or "" for li in items])
    return props


def _from_xmp(im) -> dict:
    # JPEG and WebP keep the packet in info["xmp"], PNG in an iTXt chunk, TIFF in tag 700.
    packet = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp")
    if not packet and hasattr(im, "tag_v2"):
        packet = im.tag_v2.get(700)
    if not packet:
        return {}
    props = _xmp_properties(packet)

    def first(name):
        return next((v for v in props.get(name, ()) if v.strip()), "")

    return {
        "virin": _line(first(DC + "title")),
        "title": _line(first(PS + "Headline")),
        "caption": _text(first(DC + "description")),
        "photographer": ", ".join(filter(None, map(_line, props.get(DC + "creator", ())))),
        "credit": _line(first(PS + "Credit")),
        "date_taken": _date(first(PS + "DateCreated")),
        "city": _line(first(PS + "City")),
        "state": _line(first(PS + "State")),
        "country": _line(first(PS + "Country")),
        "keywords": _keywords(props.get(DC + "subject", ())),
        # Lightroom and others copy the position into XMP as well.
        "has_gps": bool(first(EXIF_NS + "GPSLatitude") or first(EXIF_NS + "GPSLongitude")),
    }


# --- IPTC-IIM ---------------------------------------------------------------------------


def _from_iptc(im) -> dict:
    iim = IptcImagePlugin.getiptcinfo(im) or {}
    charset = b"".join(_as_list(iim.get((1, 90))))
    utf8 = b"\x1b%G" in charset or b"\x1b%/G" in charset  # ISO 2022 escape for UTF-8

    def values(dataset) -> list[str]:
        return [_iim_decode(raw, utf8) for raw in _as_list(iim.get((2, dataset)))]

    def first(dataset) -> str:
        return next((v for v in values(dataset) if v.strip()), "")

    return {
        "virin": _line(first(5)),
        "title": _line(first(105)),
        "caption": _text(first(120)),
        "photographer": ", ".join(filter(None, map(_line, values(80)))),  # By-line repeats
        "credit": _line(first(110)),
        "date_taken": _date(first(55)),
        "city": _line(first(90)),
        "state": _line(first(95)),
        "country": _line(first(101)),
        "keywords": _keywords(values(25)),
    }


def _as_list(value) -> list[bytes]:
    # getiptcinfo gives bytes for a dataset seen once and a list for a repeated one.
    if isinstance(value, bytes):
        return [value]
    return [v for v in value if isinstance(v, bytes)] if isinstance(value, list) else []


def _iim_decode(raw: bytes, utf8: bool) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Without the 1:90 marker old tools wrote Latin-1; with it, keep UTF-8 and mark the damage.
        return raw.decode("utf-8", "replace") if utf8 else raw.decode("latin-1")


# --- EXIF -------------------------------------------------------------------------------

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
IMAGE_DESCRIPTION, ARTIST, ORIENTATION, DATE_TIME_ORIGINAL = 0x010E, 0x013B, 0x0112, 0x9003
# Cameras fill ImageDescription with their own name; that is not a caption.
CAMERA_PLACEHOLDERS = {"OLYMPUS DIGITAL CAMERA", "SONY DSC", "DIGITAL CAMERA", "EXIF_JPEG_PICTURE"}


def _from_exif(im) -> dict:
    exif = im.getexif()
    orientation = exif.get(ORIENTATION)
    caption = _text(_exif_str(exif.get(IMAGE_DESCRIPTION)))
    try:  # tag 0 is only the GPS version; anything else is (part of) a position
        has_gps = any(tag != 0 for tag in exif.get_ifd(GPS_IFD))
    except Exception:
        has_gps = GPS_IFD in exif
    try:
        date_taken = _date(_exif_str(exif.get_ifd(EXIF_IFD).get(DATE_TIME_ORIGINAL)))
    except Exception:
        date_taken = None
    return {
        "caption": "" if caption.upper() in CAMERA_PLACEHOLDERS else caption,
        "photographer": _line(_exif_str(exif.get(ARTIST))),
        "date_taken": date_taken,
        "orientation": orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else 1,
        "has_gps": has_gps,
    }


def _exif_str(value) -> str:
    # EXIF says ASCII and Pillow decodes as Latin-1, but cameras and tools often write UTF-8.
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return ""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


# --- values ---------------------------------------------------------------------------

DATE = re.compile(r"\s*(\d{4})[-:]?(\d{2})[-:]?(\d{2})")


def _date(value: str) -> datetime.date | None:
    """The day of YYYYMMDD (IIM), YYYY-MM-DD[Thh:mm:ss±zone] (XMP), YYYY:MM:DD hh:mm:ss (EXIF).

    Taken as written, zone not applied: the local day of the shoot is the one in the VIRIN
    and the caption. Partial or zeroed dates give None.
    """
    match = DATE.match(value or "")
    try:
        return datetime.date(*map(int, match.groups())) if match else None
    except ValueError:
        return None


def _line(value: str) -> str:
    """A single-line value: stripped, runs of whitespace (line breaks included) made one space."""
    return " ".join(value.replace("\x00", " ").split())


def _text(value: str) -> str:
    """A caption: line breaks kept (CR and CRLF from old IIM tools made LF), each line tidied."""
    lines = value.replace("\x00", " ").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_line(line) for line in lines).strip()


def _keywords(values) -> tuple[str, ...]:
    # In file order, without repeats (compared case-insensitively) or blanks.
    seen, result = set(), []
    for keyword in map(_line, values):
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            result.append(keyword)
    return tuple(result)
