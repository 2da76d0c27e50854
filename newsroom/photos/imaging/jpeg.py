"""JPEG marker segments: walking them (how a cut-off upload is found without decoding it) and
the lossless full-size copy, which rewrites them and keeps the compressed picture as it is."""

from __future__ import annotations

import re


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
