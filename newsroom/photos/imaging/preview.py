"""A small preview of an upload for the editor writing its alt text, before any public copy exists."""

from __future__ import annotations

import io

from PIL import Image

from newsroom.photos.imaging.copies import _TRANSPOSE
from newsroom.photos.imaging.pixels import _flatten, _to_rgb
from newsroom.photos.imaging.specs import _NOT_AN_IMAGE, ACCEPTED_FORMATS, JPEG_QUALITY, RESAMPLE, UploadRefused
from newsroom.photos.imaging.uploads import _orientation


def preview_jpeg(source, *, size: int, max_pixels: int) -> bytes:
    """A JPEG at most `size` pixels on its longer side, turned as the photo is meant to be seen,
    carrying no metadata at all (no GPS position, no serial numbers) though only staff see it.

    `source` is a binary file of an upload already inspected; `max_pixels` is checked again from
    the header, so a file that was not inspected costs nothing either. A JPEG is decoded at the
    smallest scale (1/2 to 1/8) that is still large enough.
    """
    try:
        im = Image.open(source, formats=list(ACCEPTED_FORMATS))
    except (Image.UnidentifiedImageError, OSError) as error:
        raise UploadRefused(_NOT_AN_IMAGE) from error
    with im:
        if im.width * im.height > max_pixels:
            raise UploadRefused(f"The photo has more than {max_pixels:,} pixels.")
        orientation = _orientation(im)
        im.draft(im.mode, (size, size))
        im.load()
        picture, _ = _to_rgb(im, im.info.get("icc_profile"))
        picture.thumbnail((size, size), RESAMPLE)
        if orientation in _TRANSPOSE:
            picture = picture.transpose(_TRANSPOSE[orientation])
        buffer = io.BytesIO()
        _flatten(picture).save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
