"""What the rest of the package shares: the dataclasses, RENDITION_SPECS and the settings of
the encoders and of the thread pool."""

from __future__ import annotations

import os
from dataclasses import dataclass

from PIL import Image

ACCEPTED_FORMATS: dict[str, str] = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "TIFF": "TIFF"}

# Pillow calls a JPEG that carries a second picture (a camera's preview) "MPO"; it is a JPEG.
_FORMAT_ALIASES = {"MPO": "JPEG"}

_NOT_AN_IMAGE = "This file is not a photo Newsroom can use: upload a JPEG, PNG, WebP or TIFF image."

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
