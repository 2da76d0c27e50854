"""newsroom.photos.imaging: checking uploads, making public copies, auditing them.

Plain functions over bytes: no database. The samples are described in samples/README.md.
"""

import functools
import hashlib
import io
import resource
import struct
import time
import zlib

import pytest
from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, ImageFile, ImageOps, ImageStat

from newsroom.photos import imaging
from newsroom.photos.imaging import (
    ACCEPTED_FORMATS,
    RENDITION_SPECS,
    ImageFacts,
    PublicMetadata,
    UploadRefused,
    inspect_upload,
    make_public_files,
    public_file_problems,
)
from tests.photos.conftest import SAMPLES

MAX_BYTES = 60 * 1024 * 1024
MAX_PIXELS = 120_000_000
NOT_AN_IMAGE = "This file is not a photo Newsroom can use: upload a JPEG, PNG, WebP or TIFF image."

METADATA = {
    "210614-A-KX193-1002.jpg": PublicMetadata(
        virin="210614-A-KX193-1002",
        title="Levee Repair",
        caption="Army Spc. Luis Ortega signals an excavator operator as crews close the final breach "
        "in the river levee, June 14, 2021.",
        photographer="Staff Sgt. Maria Delgado",
        credit="Army",
    ),
    "210615-N-QR552-1045.jpg": PublicMetadata(
        virin="210615-N-QR552-1045",
        title="Final Inspection",
        caption="Navy Lt. Priya Natarajan, left, and Army Capt. Owen Marsh review levee cross-sections, June 15, 2021.",
        photographer="Petty Officer 2nd Class Jonah Reyes",
        credit="Navy",
    ),
    "260303-N-TV418-1107.jpg": PublicMetadata(
        virin="260303-N-TV418-1107",
        title="Community Clinic",
        caption="Navy Lt. j.g. Aisha Bello checks a patient’s blood pressure at a community clinic, "
        "March 3, 2026. <Clinic> & “friends”",
        photographer="MC1 Tomás Varga",
        credit="Navy",
    ),
}
SAMPLE_FACTS = {
    "210614-A-KX193-1002.jpg": ImageFacts("JPEG", 2400, 1600, 1),
    "210615-N-QR552-1045.jpg": ImageFacts("JPEG", 2400, 1600, 1),
    "260303-N-TV418-1107.jpg": ImageFacts("JPEG", 1600, 2400, 6),
}
META = PublicMetadata("260303-N-TV418-1107", "Community Clinic", "A caption.", "MC1 Tomas Varga", "Navy")


def inspect(file, **limits):
    limits.setdefault("max_bytes", MAX_BYTES)
    limits.setdefault("max_pixels", MAX_PIXELS)
    return inspect_upload(file, **limits)


def refusal(file, **limits) -> str:
    with pytest.raises(UploadRefused) as refused:
        inspect(file, **limits)
    return str(refused.value)


def encoded(image: Image.Image, image_format: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **params)
    return buffer.getvalue()


def gradient(size=(640, 427), mode="RGB") -> Image.Image:
    """Not flat: a picture whose orientation and colours can be checked."""
    width, height = size
    red = Image.linear_gradient("L").resize(size)
    green = Image.linear_gradient("L").rotate(90).resize(size)
    blue = Image.new("L", size, 90)
    picture = Image.merge("RGB", (red, green, blue))
    return picture.convert(mode) if mode != "RGB" else picture


class NamedBytes(io.BytesIO):
    """An upload-like object: a name we choose (never trusted) and a .size."""

    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name = name
        self.size = len(content)


def xmp_record(content: bytes) -> dict:
    with Image.open(io.BytesIO(content)) as im:
        xmp = im.info.get("xmp")
    assert xmp, "no XMP packet"
    root = ElementTree.fromstring(xmp.encode() if isinstance(xmp, str) else xmp)
    dc, ps = "{http://purl.org/dc/elements/1.1/}", "{http://ns.adobe.com/photoshop/1.0/}"

    def text(tag):
        element = root.find(f".//{tag}")
        return "".join(element.itertext()).strip() if element is not None else None

    return {
        "virin": text(f"{dc}title"),
        "caption": text(f"{dc}description"),
        "photographer": text(f"{dc}creator"),
        "rights": text(f"{dc}rights"),
        "credit": text(f"{ps}Credit"),
        "title": text(f"{ps}Headline"),
    }


def by_name(files) -> dict:
    return {made.name: made for made in files}


@functools.cache
def sample_files(name: str) -> tuple:
    return tuple(make_public_files(SAMPLES / name, metadata=METADATA[name]))


def jpeg_segments(content: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) up to SOS, by following the length fields."""
    found, position = [], 2
    while True:
        marker = content[position + 1]
        length = int.from_bytes(content[position + 2 : position + 4], "big")
        found.append((marker, content[position + 4 : position + 2 + length]))
        if marker == 0xDA:
            return found
        position += 2 + length


def first_scan_start(content: bytes) -> int:
    position = 2
    while content[position + 1] != 0xDA:
        position += 2 + int.from_bytes(content[position + 2 : position + 4], "big")
    return position


def with_segments(jpeg: bytes, *segments: bytes) -> bytes:
    """Insert marker segments right after SOI."""
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def exif_with_thumbnail() -> bytes:
    """An EXIF block whose IFD1 holds a JPEG thumbnail (as cameras write it)."""
    thumbnail = encoded(Image.new("RGB", (16, 16), "red"), "JPEG")
    ifd0_offset = 8
    ifd1_offset = ifd0_offset + 2 + 12 + 4
    data_offset = ifd1_offset + 2 + 2 * 12 + 4
    tiff = b"MM\x00\x2a" + struct.pack(">I", ifd0_offset)
    tiff += struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, 1, 0) + struct.pack(">I", ifd1_offset)
    tiff += struct.pack(">H", 2)
    tiff += struct.pack(">HHII", 0x0201, 4, 1, data_offset) + struct.pack(">HHII", 0x0202, 4, 1, len(thumbnail))
    tiff += struct.pack(">I", 0) + thumbnail
    return b"Exif\x00\x00" + tiff


# --- inspect_upload ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLE_FACTS))
def test_inspect_upload_reads_each_sample(name):
    with open(SAMPLES / name, "rb") as file:
        assert inspect(file) == SAMPLE_FACTS[name]
        assert file.tell() == 0


def test_inspect_upload_gives_displayed_size_of_a_turned_photo():
    facts = inspect(io.BytesIO((SAMPLES / "260303-N-TV418-1107.jpg").read_bytes()))
    assert facts.orientation == 6
    assert facts.width < facts.height  # stored landscape, shown portrait


def test_inspect_upload_takes_a_django_upload():
    content = (SAMPLES / "210615-N-QR552-1045.jpg").read_bytes()
    upload = SimpleUploadedFile("210615-N-QR552-1045.jpg", content, content_type="image/jpeg")
    upload.read(100)  # a form may have read some of it already
    assert inspect(upload) == ImageFacts("JPEG", 2400, 1600, 1)
    assert upload.tell() == 0


@pytest.mark.parametrize(
    "image_format, name, mode",
    [("PNG", "PNG", "RGBA"), ("WEBP", "WEBP", "RGB"), ("TIFF", "TIFF", "CMYK"), ("JPEG", "JPEG", "L")],
)
def test_inspect_upload_accepts_each_accepted_format(image_format, name, mode):
    content = encoded(gradient((300, 200), mode), image_format)
    assert inspect(io.BytesIO(content)) == ImageFacts(name, 300, 200, 1)
    assert name in ACCEPTED_FORMATS


def test_truncated_jpeg_is_refused_as_incomplete():
    message = refusal(io.BytesIO((SAMPLES / "truncated.jpg").read_bytes()))
    assert message == "The file is damaged or incomplete (it ends early). Upload the original again."


def test_truncated_files_are_refused_even_if_pillow_is_told_to_load_them(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as some other library might
    assert "damaged or incomplete" in refusal(io.BytesIO((SAMPLES / "truncated.jpg").read_bytes()))
    png = encoded(gradient((400, 300)), "PNG")
    assert "damaged or incomplete" in refusal(io.BytesIO(png[: len(png) * 2 // 3]))


def test_truncated_png_and_webp_are_refused():
    png = encoded(gradient((400, 300)), "PNG")
    webp = encoded(gradient((400, 300)), "WEBP")
    assert "(it ends early)" in refusal(io.BytesIO(png[: len(png) // 2]))
    assert "damaged or incomplete" in refusal(io.BytesIO(webp[: len(webp) // 2]))


def test_pillow_is_never_told_to_load_truncated_images():
    inspect(io.BytesIO((SAMPLES / "210614-A-KX193-1002.jpg").read_bytes()))
    make_public_files(io.BytesIO(encoded(gradient(), "JPEG")), metadata=META)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_the_first_bytes_of_a_jpeg_are_refused_as_incomplete():
    assert "(it ends early)" in refusal(io.BytesIO(b"\xff\xd8\xff"))


def test_png_with_damaged_picture_data_is_refused():
    png = bytearray(encoded(gradient((400, 300)), "PNG"))
    start = png.index(b"IDAT") + 4
    png[start + 20 : start + 60] = bytes(40)  # the zlib stream no longer decodes
    assert "damaged or incomplete" in refusal(io.BytesIO(bytes(png)))


def test_jpeg_whose_picture_data_cannot_be_decoded_is_refused():
    jpeg = bytearray(encoded(gradient((300, 200)), "JPEG"))
    table = jpeg.index(b"\xff\xc4")  # a Huffman table: its structure intact, its counts impossible
    jpeg[table + 5 : table + 21] = b"\xff" * 16
    assert refusal(io.BytesIO(bytes(jpeg))) == (
        "The file is damaged or incomplete (its picture data cannot be read). Upload the original again."
    )


def test_not_an_image_is_refused():
    assert refusal(io.BytesIO((SAMPLES / "not-an-image.jpg").read_bytes())) == NOT_AN_IMAGE


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b"<script>alert(document.cookie)</script><rect width='100' height='100'/></svg>",
        b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        b"",
    ],
    ids=["svg-with-script", "html", "empty"],
)
def test_things_that_are_not_photos_are_refused(content):
    assert refusal(NamedBytes(content, "photo.jpg")) == NOT_AN_IMAGE


@pytest.mark.parametrize("image_format", ["GIF", "BMP"])
def test_other_image_formats_are_refused_by_name(image_format):
    message = refusal(NamedBytes(encoded(gradient((64, 64)), image_format), "photo.jpg"))
    assert message.startswith(f"This file is a {image_format} image.")
    assert "JPEG, PNG, WebP or TIFF" in message


def test_animated_webp_is_refused():
    frames = [gradient((64, 64)), gradient((64, 64)).rotate(90)]
    content = encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100)
    assert "animation" in refusal(io.BytesIO(content))


def png_claiming(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose header claims another size (a decompression bomb's header)."""
    png = bytearray(encoded(Image.new("RGB", (1, 1)), "PNG"))
    assert png[12:16] == b"IHDR"
    png[16:24] = struct.pack(">II", width, height)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    return bytes(png)


def test_decompression_bomb_is_refused_from_its_header_quickly():
    bomb = png_claiming(30000, 30000)  # 900 megapixels: 3.6 GB once decoded
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    message = refusal(io.BytesIO(bomb))
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 200 * 1024  # kB
    assert "900 megapixels" in message
    assert "the limit is 120 megapixels" in message


def test_too_many_pixels_is_refused_before_decoding_by_our_own_limit():
    # 64 megapixels: under Pillow's own guard, over the limit given here.
    start = time.perf_counter()
    message = refusal(io.BytesIO(png_claiming(8000, 8000)), max_pixels=50_000_000)
    assert time.perf_counter() - start < 0.5
    assert message.startswith("The photo is 8,000 × 8,000 pixels (64 megapixels); the limit is 50 megapixels.")


def test_file_over_the_size_limit_is_refused_without_being_read():
    class HugeUpload(io.BytesIO):
        size = 75_916_493  # 72.4 MB

        def read(self, *args):
            raise AssertionError("the file was read")

    message = refusal(HugeUpload(b""), max_bytes=60 * 1024 * 1024)
    assert message.startswith("The file is 72.4 MB; the limit is 60 MB.")


def test_size_limit_applies_to_files_without_a_size_attribute():
    content = (SAMPLES / "210614-A-KX193-1002.jpg").read_bytes()
    assert refusal(io.BytesIO(content), max_bytes=len(content) - 1).startswith("The file is 0.1 MB")
    assert inspect(io.BytesIO(content), max_bytes=len(content)).width == 2400


def test_file_name_plays_no_part():
    photo = (SAMPLES / "210614-A-KX193-1002.jpg").read_bytes()
    assert inspect(NamedBytes(photo, "../../etc/passwd.jpg")) == SAMPLE_FACTS["210614-A-KX193-1002.jpg"]
    assert inspect(NamedBytes(encoded(gradient((50, 40)), "PNG"), "photo.jpg")).format == "PNG"
    assert refusal(NamedBytes(b"root:x:0:0:root:/root:/bin/bash\n", "photo.jpg")) == NOT_AN_IMAGE


def test_file_is_read_from_its_start_and_left_there_after_a_refusal():
    webp = encoded(gradient((400, 300)), "WEBP")
    file = io.BytesIO(webp[: len(webp) // 2])
    file.seek(20)  # a form may have read some of it already
    assert refusal(file) == "The file is damaged or incomplete (it ends early). Upload the original again."
    assert file.tell() == 0


# --- make_public_files ---------------------------------------------------------------------------


def expected_sizes(width: int, height: int) -> dict:
    sizes = {"full": (width, height), "thumb": (400, 267), "share": (1200, 630)}
    for spec in RENDITION_SPECS:
        if spec.height is None and spec.width <= width:
            sizes[spec.name] = (spec.width, round(height * spec.width / width))
    return sizes


@pytest.mark.parametrize("name", sorted(METADATA))
def test_public_files_of_each_sample_are_clean_and_sized_as_specified(name):
    facts = SAMPLE_FACTS[name]
    files = sample_files(name)
    sizes = expected_sizes(facts.width, facts.height)
    assert {made.spec for made in files} == set(sizes)
    assert sorted(made.name for made in files) == sorted(
        ["full.jpg", "share.jpg"]
        + [f"{spec}.{ext}" for spec in sizes if spec not in ("full", "share") for ext in ("jpg", "webp")]
    )
    for made in files:
        assert public_file_problems(made.content) == [], made.name
        with Image.open(io.BytesIO(made.content)) as im:
            im.load()  # decodes completely
            assert im.format == {"jpeg": "JPEG", "webp": "WEBP", "png": "PNG"}[made.format]
            assert im.size == (made.width, made.height) == sizes[made.spec], made.name
            exif = im.getexif()
            assert not exif.get_ifd(0x8825) and 0x8825 not in exif, f"{made.name}: GPS"
            assert 0xA431 not in exif.get_ifd(0x8769), f"{made.name}: serial number"
            assert 0x927C not in exif.get_ifd(0x8769), f"{made.name}: maker notes"
            assert exif.get(0x0112, 1) == 1
            assert exif[0x8298] == "Public domain (U.S. government work)"


@pytest.mark.parametrize("name", sorted(METADATA))
def test_public_files_carry_the_record(name):
    metadata = METADATA[name]
    for made in sample_files(name):
        assert xmp_record(made.content) == {
            "virin": metadata.virin,
            "caption": metadata.caption,
            "photographer": metadata.photographer,
            "credit": metadata.credit,
            "title": metadata.title,
            "rights": "Public domain",
        }, made.name
        with Image.open(io.BytesIO(made.content)) as im:
            exif = im.getexif()
        assert exif[0x010E].encode("latin-1").decode("utf-8") == metadata.caption  # UTF-8, not "?"
        assert exif[0x013B].encode("latin-1").decode("utf-8") == metadata.photographer


def test_nothing_of_the_original_record_survives():
    files = sample_files("210614-A-KX193-1002.jpg")
    for made in files:
        for secret in (b"3018842", b"NIKON", b"Nikon", b"Baton Rouge", b"levee, engineers", b"Public Affairs NCO"):
            assert secret not in made.content, (made.name, secret)


def test_turned_photo_is_turned_in_its_pixels():
    files = by_name(sample_files("260303-N-TV418-1107.jpg"))
    with Image.open(SAMPLES / "260303-N-TV418-1107.jpg") as original:
        upright = ImageOps.exif_transpose(original).resize((40, 60))
        wrong_way = original.transpose(Image.Transpose.ROTATE_90).resize((40, 60))
    with Image.open(io.BytesIO(files["full.jpg"].content)) as full:
        assert full.size == (1600, 2400)  # portrait
        small = full.convert("RGB").resize((40, 60))

    def distance(a, b):
        from PIL import ImageChops

        return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3

    assert distance(small, upright) < 3
    assert distance(small, wrong_way) > 4 * distance(small, upright) + 5
    # The renditions come from a draft decode of their own, turned the same way.
    for name in ("w480.jpg", "w800.webp", "thumb.jpg"):
        with Image.open(io.BytesIO(files[name].content)) as rendition:
            assert rendition.width < rendition.height or name.startswith("thumb"), name
            if not name.startswith("thumb"):
                turned = rendition.convert("RGB").resize((40, 60))
                assert distance(turned, upright) < 3, name
                assert distance(turned, wrong_way) > 4 * distance(turned, upright) + 5, name


def test_full_size_jpeg_is_the_original_picture_without_re_encoding():
    original = (SAMPLES / "210614-A-KX193-1002.jpg").read_bytes()
    full = by_name(sample_files("210614-A-KX193-1002.jpg"))["full.jpg"].content
    scan = original.index(b"\xff\xda")
    assert full.endswith(original[scan : original.rindex(b"\xff\xd9") + 2])  # the same compressed data
    with Image.open(io.BytesIO(full)) as copy, Image.open(io.BytesIO(original)) as source:
        assert copy.tobytes() == source.tobytes()


def test_original_sample_files_are_unchanged():
    digests = {name: hashlib.sha256((SAMPLES / name).read_bytes()).hexdigest() for name in METADATA}
    for name in METADATA:
        make_public_files(SAMPLES / name, metadata=METADATA[name])
        with open(SAMPLES / name, "rb") as file:
            file.seek(1234)
            make_public_files(file, metadata=METADATA[name])
            assert file.tell() == 0
    assert digests == {name: hashlib.sha256((SAMPLES / name).read_bytes()).hexdigest() for name in METADATA}


def test_public_file_problems_flags_the_raw_samples():
    assert public_file_problems((SAMPLES / "210614-A-KX193-1002.jpg").read_bytes()) == [
        "GPS position",
        "camera serial number",
    ]
    assert public_file_problems((SAMPLES / "260303-N-TV418-1107.jpg").read_bytes()) == [
        "GPS position",
        "orientation not applied",
        "VIRIN missing from metadata",  # it has IPTC only, no XMP
    ]
    assert public_file_problems((SAMPLES / "210615-N-QR552-1045.jpg").read_bytes()) == []


def test_public_file_problems_finds_maker_notes_thumbnails_and_xmp_gps():
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x927C] = b"Nikon\x00\x02\x10\x00\x00MM\x00\x2a"
    plain = encoded(gradient((64, 64)), "JPEG", exif=exif, xmp=imaging.xmp_packet(META))
    assert public_file_problems(plain) == ["maker notes"]

    clean = encoded(gradient((64, 64)), "JPEG", xmp=imaging.xmp_packet(META))
    assert public_file_problems(clean) == []
    assert public_file_problems(with_segments(clean, segment(0xE1, exif_with_thumbnail()))) == ["embedded thumbnail"]
    jfxx = segment(0xE0, b"JFXX\x00\x10" + encoded(Image.new("RGB", (8, 8)), "JPEG"))
    assert public_file_problems(with_segments(clean, jfxx)) == ["embedded thumbnail"]

    gps_xmp = imaging.xmp_packet(META).replace(
        b"<xmpRights:Marked>",
        b'<exif:GPSLatitude xmlns:exif="http://ns.adobe.com/exif/1.0/">30,27.09N</exif:GPSLatitude><xmpRights:Marked>',
    )
    assert public_file_problems(encoded(gradient((64, 64)), "WEBP", xmp=gps_xmp)) == ["GPS position"]
    assert public_file_problems(encoded(gradient((64, 64)), "PNG")) == ["VIRIN missing from metadata"]
    assert public_file_problems(b"not an image at all") == ["not an image Newsroom can read"]


def messy_camera_jpeg(*, progressive=False, restart=False) -> tuple[bytes, bytes]:
    """A JPEG as cameras and editors leave them: EXIF with GPS, serial and maker notes (holding
    bytes that look like markers), XMP with GPS, IPTC, a comment, a JFXX thumbnail, an ICC
    profile, and a second picture after EOI. Returns (file, icc profile)."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif.get_ifd(0x8769)[0xA431] = "SERIAL-0042"
    exif.get_ifd(0x8769)[0x927C] = b"MAKERNOTE\xff\xd9\xff\xda\x00\x08 looks like EOI and SOS"
    exif.get_ifd(0x8825)[1] = "N"
    exif.get_ifd(0x8825)[2] = (30.0, 27.0, 5.4)
    params = {"quality": 92, "exif": exif, "icc_profile": icc, "comment": b"COMMENT-SECRET"}
    if progressive:
        params["progressive"] = True
    if restart:
        params["restart_marker_blocks"] = 1
    jpeg = encoded(gradient((900, 600)), "JPEG", **params)
    # A JFIF header that carries a 4x4 thumbnail of its own (48 bytes of RGB).
    assert jpeg[2:4] == b"\xff\xe0" and jpeg[6:11] == b"JFIF\x00"
    jfif_length = int.from_bytes(jpeg[4:6], "big")
    jpeg = (
        jpeg[:2]
        + segment(0xE0, jpeg[6:18] + b"\x04\x04" + b"JFIF-THUMBNAIL-PIXELS-SECRET" + bytes(20))
        + jpeg[4 + jfif_length :]
    )
    if progressive:  # APPn and COM segments between two scans
        second_scan = jpeg.index(b"\xff\xda", first_scan_start(jpeg) + 2)  # no 0xFF 0xDA inside scan data
        between = segment(0xFE, b"BETWEEN-SCANS-SECRET") + segment(0xE1, b"Exif\x00\x00BETWEEN-SCANS-EXIF")
        jpeg = jpeg[:second_scan] + between + jpeg[second_scan:]
    gps_xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>XMP-GPS-SECRET</exif:GPSLatitude></x:xmpmeta>'
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x5a\x00\x08IPTC-CITY"
    jfxx = b"JFXX\x00\x10" + encoded(Image.new("RGB", (8, 8)), "JPEG")
    jpeg = with_segments(
        jpeg,
        segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + gps_xmp),
        segment(0xED, iptc),
        segment(0xE0, jfxx),
    )
    trailer = encoded(Image.new("RGB", (32, 32)), "JPEG", exif=exif, comment=b"TRAILER-SECRET")
    return jpeg + trailer, icc


@pytest.mark.parametrize("kind", ["baseline", "progressive", "restart-markers"])
def test_full_size_jpeg_rewrite_keeps_the_picture_and_drops_everything_else(kind):
    original, icc = messy_camera_jpeg(progressive=kind == "progressive", restart=kind == "restart-markers")
    assert public_file_problems(original)  # it is messy
    files = make_public_files(io.BytesIO(original), metadata=META)
    full = by_name(files)["full.jpg"].content
    assert public_file_problems(full) == []
    secrets = [b"SERIAL-0042", b"MAKERNOTE", b"XMP-GPS-SECRET", b"IPTC-CITY", b"COMMENT-SECRET", b"TRAILER-SECRET"]
    secrets += [b"JFXX", b"JFIF-THUMBNAIL-PIXELS-SECRET", b"BETWEEN-SCANS"]
    for made in files:
        for secret in secrets:
            assert secret not in made.content, (made.name, secret)
    if kind == "progressive":
        assert original.index(b"BETWEEN-SCANS-SECRET") > first_scan_start(original)
    assert full.endswith(b"\xff\xd9") and full.count(b"\xff\xd8") == 1
    with Image.open(io.BytesIO(full)) as copy, Image.open(io.BytesIO(original)) as source:
        assert copy.info["icc_profile"] == icc  # the colour profile is kept
        assert copy.tobytes() == source.tobytes()  # lossless
        assert copy.info.get("progression", 0) == (1 if kind == "progressive" else 0)
    markers = [marker for marker, _ in jpeg_segments(full)]
    assert markers[:3] == [0xE0, 0xE1, 0xE1]  # JFIF, then our EXIF and XMP
    assert [m for m in markers if 0xE0 <= m <= 0xEF or m == 0xFE].count(0xE1) == 2


def test_camera_jpeg_with_a_second_picture_is_a_jpeg_and_loses_the_second_picture():
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif.get_ifd(0x8825)[1] = "N"  # every picture in the file carries the GPS position
    first, preview = gradient((800, 600)), Image.new("RGB", (160, 120), "blue")
    mpo = encoded(first, "MPO", save_all=True, append_images=[preview], exif=exif)
    assert public_file_problems(mpo)[:2] == ["GPS position", "embedded thumbnail"]  # MPF: the preview
    assert inspect(io.BytesIO(mpo)) == ImageFacts("JPEG", 800, 600, 1)
    files = by_name(make_public_files(io.BytesIO(mpo), metadata=META))
    full = files["full.jpg"].content
    assert public_file_problems(full) == []
    assert full.count(b"\xff\xd8") == 1 and len(full) < len(mpo)
    with Image.open(io.BytesIO(full)) as copy:
        assert copy.format == "JPEG" and copy.size == (800, 600)


def test_full_size_jpeg_of_a_turned_photo_is_re_encoded_upright():
    original = encoded(gradient((900, 600)), "JPEG", exif=_orientation_exif(8))
    files = by_name(make_public_files(io.BytesIO(original), metadata=META))
    full = files["full.jpg"]
    assert (full.width, full.height) == (600, 900)
    with Image.open(io.BytesIO(full.content)) as copy, Image.open(io.BytesIO(original)) as source:
        assert copy.size == (600, 900)
        expected = ImageOps.exif_transpose(source).convert("RGB")
        from PIL import ImageChops

        assert (
            max(high for _, high in ImageStat.Stat(ImageChops.difference(copy.convert("RGB"), expected)).extrema) < 40
        )
    assert public_file_problems(full.content) == []


def _orientation_exif(value: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif


def test_width_only_renditions_never_upscale_and_crops_always_exist():
    files = by_name(make_public_files(io.BytesIO(encoded(gradient((1000, 667)), "JPEG")), metadata=META))
    assert sorted(files) == sorted(
        ["full.jpg", "thumb.webp", "thumb.jpg", "share.jpg", "w480.webp", "w480.jpg", "w800.webp", "w800.jpg"]
    )
    assert (files["w800.jpg"].width, files["w800.jpg"].height) == (800, 534)
    assert (files["share.jpg"].width, files["share.jpg"].height) == (1200, 630)  # upscaled: allowed


def test_a_narrow_photo_still_gets_one_figure_size_at_its_own_width():
    files = by_name(make_public_files(io.BytesIO(encoded(gradient((300, 200)), "PNG")), metadata=META))
    assert sorted(files) == sorted(["full.png", "thumb.webp", "thumb.jpg", "share.jpg", "w480.webp", "w480.jpg"])
    assert (files["w480.webp"].width, files["w480.webp"].height) == (300, 200)
    for made in files.values():
        with Image.open(io.BytesIO(made.content)) as im:
            assert im.size == (made.width, made.height)


def test_an_alpha_channel_with_nothing_transparent_is_dropped():
    files = by_name(make_public_files(io.BytesIO(encoded(gradient((700, 500), "RGBA"), "PNG")), metadata=META))
    for name in ("full.png", "w480.webp"):
        with Image.open(io.BytesIO(files[name].content)) as im:
            assert im.mode == "RGB", name


def test_png_with_alpha_keeps_it_where_the_format_can():
    picture = gradient((800, 600), "RGBA")
    picture.putalpha(Image.linear_gradient("L").resize((800, 600)))  # transparent at the top
    files = by_name(make_public_files(io.BytesIO(encoded(picture, "PNG")), metadata=META))
    for made in files.values():
        assert public_file_problems(made.content) == [], made.name
        assert xmp_record(made.content)["virin"] == META.virin
    with Image.open(io.BytesIO(files["full.png"].content)) as full:
        assert full.mode == "RGBA" and full.getpixel((400, 0))[3] == 0
        assert full.getexif()[0x8298] == "Public domain (U.S. government work)"
    with Image.open(io.BytesIO(files["w800.webp"].content)) as webp:
        assert webp.mode == "RGBA" and webp.getpixel((400, 0))[3] < 10
    with Image.open(io.BytesIO(files["w800.jpg"].content)) as jpeg:
        assert jpeg.mode == "RGB" and min(jpeg.getpixel((400, 0))) > 245  # flattened on white


def tiff_rgb48(width=64, height=32) -> bytes:
    """A 16-bit-per-channel RGB TIFF (what scanners and raw converters write)."""
    pixels = b"".join(
        struct.pack("<HHH", 65535 * x // (width - 1), 32768, 0) for _ in range(height) for x in range(width)
    )
    entries = [
        (256, 3, 1, width),
        (257, 3, 1, height),
        (258, 3, 3, None),
        (259, 3, 1, 1),
        (262, 3, 1, 2),
        (273, 4, 1, None),
        (277, 3, 1, 3),
        (278, 3, 1, height),
        (279, 4, 1, len(pixels)),
        (284, 3, 1, 1),
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    bits_offset, pixels_offset = 8 + ifd_size, 8 + ifd_size + 6
    out = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        if tag == 258:
            out += struct.pack("<HHII", tag, kind, count, bits_offset)
        elif tag == 273:
            out += struct.pack("<HHII", tag, kind, count, pixels_offset)
        elif kind == 3:
            out += struct.pack("<HHIHH", tag, kind, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, kind, count, value)
    return out + struct.pack("<I", 0) + struct.pack("<HHH", 16, 16, 16) + pixels


def tiff_grey16() -> bytes:
    row = struct.pack("<32H", *[65535] * 32) + struct.pack("<32H", *[32768] * 32)  # white | mid-grey
    grey = Image.frombytes("I;16", (64, 32), row * 32)
    assert grey.getpixel((60, 5)) == 32768
    return encoded(grey, "TIFF")


def test_sixteen_bit_and_cmyk_tiffs_make_valid_rgb_files():
    cases = {
        "rgb48": (tiff_rgb48(), {(63, 5): (255, 128, 0), (0, 5): (0, 128, 0)}),
        "grey16": (tiff_grey16(), {(5, 5): (255, 255, 255), (60, 5): (128, 128, 128)}),  # scaled, not clipped
        "cmyk": (encoded(Image.new("CMYK", (64, 32), (0, 255, 255, 0)), "TIFF"), {(5, 5): (255, 0, 0)}),
    }
    for label, (content, colours) in cases.items():
        assert inspect(io.BytesIO(content)).format == "TIFF"
        files = by_name(make_public_files(io.BytesIO(content), metadata=META))
        assert "full.jpg" in files, label
        for made in files.values():
            assert public_file_problems(made.content) == [], (label, made.name)
            with Image.open(io.BytesIO(made.content)) as im:
                assert im.mode in ("RGB", "RGBA"), (label, made.name)
        with Image.open(io.BytesIO(files["full.jpg"].content)) as full:
            for (x, y), colour in colours.items():
                assert all(abs(a - b) <= 12 for a, b in zip(full.getpixel((x, y)), colour)), (
                    label,
                    full.getpixel((x, y)),
                )


def test_cmyk_jpeg_with_its_profile_is_converted_to_srgb():
    cmyk = encoded(Image.new("CMYK", (600, 400), (0, 255, 255, 0)), "JPEG", quality=95)
    files = by_name(make_public_files(io.BytesIO(cmyk), metadata=META))
    with Image.open(io.BytesIO(files["full.jpg"].content)) as full:
        assert full.mode == "RGB" and "icc_profile" not in full.info
        red, green, blue = full.getpixel((300, 200))
        assert red > 200 and green < 60 and blue < 60


def test_a_profile_that_does_not_describe_rgb_pixels_is_not_passed_on():
    lab_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    content = encoded(gradient((700, 500)), "PNG", icc_profile=lab_profile)
    for made in make_public_files(io.BytesIO(content), metadata=META):
        with Image.open(io.BytesIO(made.content)) as im:
            assert "icc_profile" not in im.info, made.name


def test_rgb_colour_profile_is_kept_in_every_copy():
    rgb_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for orientation in (1, 6):
        content = encoded(gradient((900, 600)), "JPEG", icc_profile=rgb_profile, exif=_orientation_exif(orientation))
        for made in make_public_files(io.BytesIO(content), metadata=META):
            with Image.open(io.BytesIO(made.content)) as im:
                assert im.info.get("icc_profile") == rgb_profile, (orientation, made.name)


@pytest.mark.parametrize("image_format, full_name", [("WEBP", "full.webp"), ("PNG", "full.png"), ("TIFF", "full.jpg")])
def test_full_copy_format_follows_the_original(image_format, full_name):
    files = by_name(make_public_files(io.BytesIO(encoded(gradient((700, 500)), image_format)), metadata=META))
    assert files[full_name].spec == "full"
    assert (files[full_name].width, files[full_name].height) == (700, 500)
    assert public_file_problems(files[full_name].content) == []


def test_greyscale_jpeg_keeps_its_full_copy_and_gets_rgb_renditions():
    grey = encoded(gradient((900, 600), "L"), "JPEG", quality=90)
    files = by_name(make_public_files(io.BytesIO(grey), metadata=META))
    with Image.open(io.BytesIO(files["full.jpg"].content)) as full, Image.open(io.BytesIO(grey)) as source:
        assert full.mode == "L" and full.tobytes() == source.tobytes()  # rewritten, not re-encoded
    for name in ("w800.webp", "w800.jpg", "thumb.jpg"):
        with Image.open(io.BytesIO(files[name].content)) as im:
            im.load()
            assert im.mode == "RGB", name


def test_public_files_need_a_virin():
    with pytest.raises(ValueError):
        make_public_files(io.BytesIO(encoded(gradient(), "JPEG")), metadata=PublicMetadata("", "t", "c", "p", "Navy"))


def test_record_text_that_is_not_valid_xml_is_cleaned_not_fatal():
    metadata = PublicMetadata("260303-N-TV418-1107", "Title\x0b", "Line\x00 one & <two>", "Name\x1f", "Navy")
    made = make_public_files(io.BytesIO(encoded(gradient((500, 300)), "JPEG")), metadata=metadata)[0]
    assert xmp_record(made.content)["caption"] == "Line one & <two>"
    assert public_file_problems(made.content) == []
