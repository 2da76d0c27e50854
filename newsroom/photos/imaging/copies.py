"""Making the public copies: encoding, and ``make_public_files``.

What a public copy carries, and why (see the domain notes, section 3): the original stays
private; every public file is rebuilt without GPS positions, camera or lens serial numbers,
maker notes, embedded thumbnails or any of the original EXIF/XMP/IPTC, its pixels turned the
way the photo is meant to be seen, and it carries only the record written by ``record``: an
XMP packet (VIRIN, caption, photographer, credit, title, "Public domain") and a minimal EXIF.

Speed: a JPEG shown as stored (EXIF orientation 1) gets its full-size copy by rewriting the
file's marker segments (no decode, no re-encode: lossless and a few milliseconds), and its
renditions from a JPEG "draft" decode at 1/2, 1/4 or 1/8 scale, only as large as the largest
rendition needs. Each rendition is resized (Lanczos) from the previous, larger one; the large
resizes are split in two halves and the encoders run in a small thread pool (Pillow releases
the GIL while it resizes and encodes). Anything else (a turned photo, CMYK, PNG, WebP, TIFF)
is decoded in full, turned, converted and re-encoded. ``bench/renditions.py`` measures it.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, PngImagePlugin

from newsroom.photos.imaging.audit import public_file_problems
from newsroom.photos.imaging.credentials import CopyHistory, Signing, sign_public_file, signing_context
from newsroom.photos.imaging.jpeg import _lossless_full_jpeg
from newsroom.photos.imaging.pixels import _centre_box, _flatten, _needed_scale, _plan, _Target, _to_rgb
from newsroom.photos.imaging.record import exif_block, xmp_packet
from newsroom.photos.imaging.specs import (
    _FORMAT_ALIASES,
    _NOT_AN_IMAGE,
    ACCEPTED_FORMATS,
    JPEG_FULL_QUALITY,
    JPEG_QUALITY,
    MAX_WORKERS,
    REDUCING_GAP,
    RENDITION_SPECS,
    RESAMPLE,
    WEBP_FULL_METHOD,
    WEBP_FULL_QUALITY,
    WEBP_METHOD,
    WEBP_QUALITY,
    PublicFile,
    PublicMetadata,
    UploadRefused,
)
from newsroom.photos.imaging.uploads import _orientation

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "png": "png"}


# --- Encoding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    exif: bytes
    xmp: bytes
    icc: bytes | None


def _encode(
    im: Image.Image, image_format: str, record: _Record, *, full: bool = False, lossless: bool = False
) -> bytes:
    buffer = io.BytesIO()
    if image_format == "jpeg":
        _flatten(im).save(
            buffer,
            "JPEG",
            quality=JPEG_FULL_QUALITY if full else JPEG_QUALITY,
            # Baseline, not progressive: readers' browsers are sent the WebP copies, and for a
            # rendition progressive takes twice the time to encode for a file 2 % smaller
            # (a full-size copy would also hold every coefficient in memory, ~70 MB at 24 MP).
            # Huffman tables fitted to the picture: for a full-size copy (24 MP) that costs three
            # times the encode itself (0.24 s against 0.08 s) for a file 5 % smaller; renditions
            # are small enough for it to cost little.
            optimize=not full,
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


def _encode_all(im: Image.Image, image_formats: tuple[str, ...], record: _Record) -> list[bytes]:
    """One rendition in each of its formats, one after the other: save() sets attributes on the
    Image object, so two encoders must not share one, and this way none needs a copy of the pixels."""
    return [_encode(im, image_format, record) for image_format in image_formats]


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


def make_public_files(source, *, metadata: PublicMetadata, signing: Signing | None = None) -> list[PublicFile]:
    """The full-size public copy and every rendition of an inspected original.

    `source` is a path or a binary file-like (read from its start; left at position 0).
    Returned in order: "full", then RENDITION_SPECS in their order and formats. Each file is
    checked with public_file_problems before it is returned; a file that fails is a bug and
    raises RuntimeError rather than reach the public. With `signing`, every file carries
    Content Credentials (credentials.py) naming the original by its SHA-256.
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

        futures = {}
        with ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="renditions") as pool:
            full_bytes = None
            if image_format == "JPEG" and orientation == 1 and im.mode in ("RGB", "L"):
                # The full-size copy is rewritten while the picture decodes (the decoder lets go
                # of the GIL), and the picture decodes only as large as the largest rendition needs.
                lossless_full = pool.submit(_lossless_full_jpeg, data, exif, xmp)
                scale = _needed_scale(width, height, targets)
                im.draft(im.mode, (max(1, math.ceil(stored_w * scale)), max(1, math.ceil(stored_h * scale))))
                im.load()
                full_bytes = lossless_full.result()
                if full_bytes is None:  # a JPEG it cannot keep as it is: decoded again, in full
                    im = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
            if full_bytes is not None:
                base, icc = _to_rgb(im, icc)
                record = _Record(exif, xmp, icc)
            else:
                im.load()
                base, icc = _to_rgb(im, icc)
                if base is not im:
                    im.close()  # frees the decoded pixels: only `base` is needed now
                record = _Record(exif, xmp, icc)
                lossless = image_format == "WEBP" and _webp_is_lossless(data)
                # Renditions start from a box-filtered 1/2, 1/4 or 1/8 of the picture, as
                # large as they need: what a JPEG draft decode gives the path above.
                scale = _needed_scale(width, height, targets)
                if orientation in _TRANSPOSE:
                    # Turned in a worker while the renditions' smaller picture is reduced and
                    # turned here; the picture as stored is let go before the full-size encode.
                    turning = pool.submit(base.transpose, _TRANSPOSE[orientation])
                    reduced = _reduced(base, scale).transpose(_TRANSPOSE[orientation])
                    base = turning.result()
                    im.close()
                else:
                    reduced = _reduced(base, scale)
                futures["full"] = pool.submit(_encode, base, full_format, record, full=True, lossless=lossless)
                base = reduced
            # The full-size encode may be saving `base` (possibly `im` itself) in a worker, so a
            # rendition the size of the picture gets a copy; the others are new images, which
            # the resizes here go on reading while their encoder saves them.
            for target, image in _renditions(base, targets, pool):
                image = image.copy() if image is base else image
                futures[target.spec.name] = pool.submit(_encode_all, image, target.spec.formats, record)
            done = {key: future.result() for key, future in futures.items()}

    files = []
    if full_bytes is not None:
        files.append(PublicFile("full.jpg", "full", "jpeg", width, height, full_bytes))
    else:
        files.append(PublicFile(f"full.{_EXTENSIONS[full_format]}", "full", full_format, width, height, done["full"]))
    for target in targets:
        for image_format_out, content in zip(target.spec.formats, done[target.spec.name], strict=True):
            files.append(
                PublicFile(
                    f"{target.spec.name}.{_EXTENSIONS[image_format_out]}",
                    target.spec.name,
                    image_format_out,
                    target.size[0],
                    target.size[1],
                    content,
                )
            )
    if signing is not None:
        files = _signed(files, data, image_format, orientation, metadata, signing)
    for made in files:
        problems = public_file_problems(made.content)
        if problems:  # pragma: no cover - would be a bug in this module
            raise RuntimeError(f"Public copy {made.name} failed its own check: {', '.join(problems)}")
    return files


def _signed(files, data, image_format, orientation, metadata, signing) -> list[PublicFile]:
    original_format = image_format.lower()
    original_sha256 = hashlib.sha256(data).hexdigest()
    cropped = {spec.name for spec in RENDITION_SPECS if spec.height is not None}
    signer, context = signing.signer(), signing_context()
    signed = []
    with signer, context:
        for made in files:
            rendition = made.spec != "full"
            history = CopyHistory(
                original_format=original_format,
                original_sha256=original_sha256,
                resized=rendition,
                cropped=made.spec in cropped,
                # The lossless full-size JPEG keeps the picture as stored, which is already upright.
                turned=orientation in _TRANSPOSE,
                converted=made.format != original_format,
            )
            content = sign_public_file(
                made.content,
                made.format,
                name=made.name,
                metadata=metadata,
                history=history,
                signer=signer,
                context=context,
            )
            signed.append(PublicFile(made.name, made.spec, made.format, made.width, made.height, content))
    return signed


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
