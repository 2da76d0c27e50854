"""Pixels: RGB(A) for every accepted mode, and the size of every rendition.

Colour: an RGB ICC profile is kept as it is (every modern browser is colour managed, and the
full-size JPEG copy is made without re-encoding, so it could not be converted anyway). CMYK and
greyscale pictures are converted to sRGB (through their own profile when they carry one), and
then carry no profile, which means sRGB.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageCms

from newsroom.photos.imaging.specs import RENDITION_SPECS, RenditionSpec, UploadRefused

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
