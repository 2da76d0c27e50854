"""Reading a photo's record from the metadata inside the file (XMP, then IPTC-IIM, then EXIF)."""

import datetime
import io
import random
import struct
import time

import pytest
from PIL import Image, ImageFile

from newsroom.photos.metadata import PhotoMetadata, read_photo_metadata
from tests.photos.conftest import SAMPLES

ARMY = SAMPLES / "210614-A-KX193-1002.jpg"
NAVY_XMP = SAMPLES / "210615-N-QR552-1045.jpg"
NAVY_IPTC = SAMPLES / "260303-N-TV418-1107.jpg"


# --- builders -------------------------------------------------------------------------------


def jpeg(size=(16, 16), *, exif=None, xmp=None, iim=None) -> io.BytesIO:
    """A small JPEG made with Pillow; `iim` is a list of (record, dataset, bytes) for an APP13."""
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    if xmp is not None:
        options["xmp"] = xmp.encode() if isinstance(xmp, str) else xmp
    Image.new("RGB", size, (40, 90, 140)).save(buffer, "JPEG", **options)
    data = buffer.getvalue()
    if iim is not None:
        data = data[:2] + app13(iim) + data[2:]  # right after SOI
    return io.BytesIO(data)


def app13(datasets) -> bytes:
    """Photoshop APP13 holding one IPTC-NAA resource (8BIM 0x0404), as cameras and Photoshop write it."""
    iim = b"".join(b"\x1c" + bytes([rec, ds]) + struct.pack(">H", len(v)) + v for rec, ds, v in datasets)
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    if len(iim) % 2:
        resource += b"\x00"
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def xmp_packet(body: str, attributes: str = "") -> str:
    return (
        "<?xpacket begin='\ufeff' id='W5M0MpCehiHzreSzNTczkc9d'?>"
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/'"
        " xmlns:photoshop='http://ns.adobe.com/photoshop/1.0/' xmlns:exif='http://ns.adobe.com/exif/1.0/'"
        f" {attributes}>{body}</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
    )


UTF8 = (1, 90, b"\x1b%G")


# --- the sample photos ------------------------------------------------------------------------


def test_army_sample_has_the_full_record_with_xmp_winning_over_iptc():
    meta = read_photo_metadata(ARMY)
    assert meta.virin == "210614-A-KX193-1002"
    assert meta.title == "Levee Repair"
    assert meta.caption == (
        "Army Spc. Luis Ortega signals an excavator operator as crews close the final breach in the "
        "river levee, June 14, 2021. Crews finished the repairs three weeks ahead of schedule. "
        "(U.S. Army photo by Staff Sgt. Maria Delgado)"
    )
    assert meta.photographer == "Staff Sgt. Maria Delgado"
    assert meta.credit == "Army"
    assert meta.date_taken == datetime.date(2021, 6, 14)
    assert (meta.city, meta.state, meta.country) == ("Baton Rouge", "Louisiana", "United States")
    assert meta.place == "Baton Rouge, Louisiana, United States"
    assert meta.keywords == ("levee", "engineers", "flood")
    assert meta.has_gps is True
    assert meta.orientation == 1
    # The file holds VIRIN, caption, by-line, credit and date in both XMP and IIM: XMP wins.
    # Headline, place and keywords are only in its IIM.
    assert meta.sources == {
        "virin": "XMP",
        "caption": "XMP",
        "photographer": "XMP",
        "credit": "XMP",
        "date_taken": "XMP",
        "title": "IPTC",
        "city": "IPTC",
        "state": "IPTC",
        "country": "IPTC",
        "keywords": "IPTC",
    }


def test_navy_sample_with_only_xmp():
    meta = read_photo_metadata(NAVY_XMP)
    assert meta == PhotoMetadata(
        virin="210615-N-QR552-1045",
        caption=(
            "Navy Lt. Priya Natarajan, left, and Army Capt. Owen Marsh review levee cross-sections "
            "before the final inspection, June 15, 2021."
        ),
        photographer="Petty Officer 2nd Class Jonah Reyes",
        credit="Navy",
        date_taken=datetime.date(2021, 6, 15),
        city="Baton Rouge",
        state="Louisiana",
        sources=dict.fromkeys(("virin", "caption", "photographer", "credit", "date_taken", "city", "state"), "XMP"),
    )
    assert meta.place == "Baton Rouge, Louisiana"
    assert meta.has_gps is False


def test_navy_sample_with_only_iptc_is_utf8_rotated_and_geotagged():
    meta = read_photo_metadata(NAVY_IPTC)
    assert meta == PhotoMetadata(
        virin="260303-N-TV418-1107",
        caption=(
            "Navy Lt. j.g. Aisha Bello checks a patient\u2019s blood pressure at a community clinic, "
            "March 3, 2026. The clinic saw more than 900 patients in two days."
        ),
        photographer="MC1 Tomas Varga",
        credit="Navy",
        date_taken=datetime.date(2026, 3, 3),
        sources=dict.fromkeys(("virin", "caption", "photographer", "credit", "date_taken"), "IPTC"),
        has_gps=True,
        orientation=6,
    )
    assert meta.place == ""


def test_truncated_file_gives_what_its_header_holds():
    meta = read_photo_metadata(SAMPLES / "truncated.jpg")
    assert meta.virin == "210615-N-QR552-1045"
    assert meta.photographer == "Petty Officer 2nd Class Jonah Reyes"
    assert meta.date_taken == datetime.date(2021, 6, 15)


def test_a_file_that_is_not_an_image_gives_an_empty_record():
    assert read_photo_metadata(SAMPLES / "not-an-image.jpg") == PhotoMetadata()
    assert read_photo_metadata(io.BytesIO(b"")) == PhotoMetadata()


def test_a_missing_path_is_the_callers_error():
    with pytest.raises(FileNotFoundError):
        read_photo_metadata(SAMPLES / "no-such-photo.jpg")


# Pillow warns about the broken EXIF it skips; that is expected here.
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_file_cut_anywhere_in_its_headers_never_raises():
    data = ARMY.read_bytes()
    for end in range(0, 9000, 61):
        assert isinstance(read_photo_metadata(io.BytesIO(data[:end])), PhotoMetadata)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_garbled_header_bytes_never_raise():
    data, rng = ARMY.read_bytes(), random.Random(5040)
    for _ in range(300):
        garbled = bytearray(data[:9000])
        for _ in range(8):
            garbled[rng.randrange(2, len(garbled))] = rng.randrange(256)
        assert isinstance(read_photo_metadata(io.BytesIO(bytes(garbled) + data[9000:])), PhotoMetadata)


# --- built files -----------------------------------------------------------------------------


def test_jpeg_without_metadata_gives_an_empty_record():
    meta = read_photo_metadata(jpeg())
    assert meta == PhotoMetadata()
    assert (meta.sources, meta.place, meta.has_gps, meta.orientation) == ({}, "", False, 1)


def test_exif_alone_gives_caption_photographer_and_date():
    exif = Image.Exif()
    exif[0x010E] = "  Sailors  load\r\nsupplies.  "  # ImageDescription
    exif[0x013B] = "Seaman  Ana Cruz"  # Artist
    exif[0x0112] = 3
    exif.get_ifd(0x8769)[0x9003] = "2024:05:06 07:08:09"  # DateTimeOriginal
    meta = read_photo_metadata(jpeg(exif=exif))
    assert meta.caption == "Sailors load\nsupplies."
    assert meta.photographer == "Seaman Ana Cruz"
    assert meta.date_taken == datetime.date(2024, 5, 6)
    assert meta.orientation == 3
    assert meta.sources == {"caption": "EXIF", "photographer": "EXIF", "date_taken": "EXIF"}
    assert meta.virin == meta.credit == "" and meta.has_gps is False


def test_exif_camera_placeholder_is_not_a_caption_and_bad_values_are_ignored():
    exif = Image.Exif()
    exif[0x010E] = "OLYMPUS DIGITAL CAMERA"
    exif[0x0112] = 9  # not an orientation
    exif.get_ifd(0x8769)[0x9003] = "0000:00:00 00:00:00"
    meta = read_photo_metadata(jpeg(exif=exif))
    assert (meta.caption, meta.date_taken, meta.orientation, meta.sources) == ("", None, 1, {})


def test_exif_gps_block_with_only_a_version_is_no_position():
    exif = Image.Exif()
    exif.get_ifd(0x8825)[0] = b"\x02\x03\x00\x00"
    assert read_photo_metadata(jpeg(exif=exif)).has_gps is False
    exif.get_ifd(0x8825)[1] = "N"
    assert read_photo_metadata(jpeg(exif=exif)).has_gps is True


def test_xmp_beats_iptc_which_beats_exif():
    exif = Image.Exif()
    exif[0x010E], exif[0x013B] = "EXIF caption", "EXIF artist"
    exif.get_ifd(0x8769)[0x9003] = "2020:01:01 00:00:00"
    xmp = xmp_packet(
        "<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>XMP caption</rdf:li></rdf:Alt></dc:description>"
    )
    iim = [UTF8, (2, 120, b"IPTC caption"), (2, 80, b"IPTC by-line")]
    meta = read_photo_metadata(jpeg(exif=exif, xmp=xmp, iim=iim))
    assert (meta.caption, meta.photographer, meta.date_taken) == (
        "XMP caption",
        "IPTC by-line",
        datetime.date(2020, 1, 1),
    )
    assert meta.sources == {"caption": "XMP", "photographer": "IPTC", "date_taken": "EXIF"}


def test_xmp_containers_shorthand_attributes_and_whitespace():
    xmp = xmp_packet(
        "<dc:title><rdf:Alt><rdf:li xml:lang='en-US'>wrong</rdf:li>"
        "<rdf:li xml:lang='x-default'> 240101-F-AB123-1001 </rdf:li></rdf:Alt></dc:title>"
        "<dc:description><rdf:Alt><rdf:li xml:lang='en'>First line.\nSecond   line.</rdf:li></rdf:Alt></dc:description>"
        "<dc:creator><rdf:Seq><rdf:li>Airman  Jo Park</rdf:li><rdf:li>Tech. Sgt. Lee Wu</rdf:li></rdf:Seq></dc:creator>"
        "<dc:subject><rdf:Bag><rdf:li> airlift </rdf:li><rdf:li>C-17</rdf:li><rdf:li>Airlift</rdf:li>"
        "<rdf:li> </rdf:li></rdf:Bag></dc:subject>"
        "<photoshop:Headline>Night\n  Airlift</photoshop:Headline>",
        attributes="photoshop:City='Ramstein' photoshop:Country='Germany' photoshop:Credit='Air Force'"
        " exif:GPSLatitude='49,26.2N'",
    )
    meta = read_photo_metadata(jpeg(xmp=xmp))
    assert meta.virin == "240101-F-AB123-1001"
    assert meta.caption == "First line.\nSecond line."
    assert meta.photographer == "Airman Jo Park, Tech. Sgt. Lee Wu"
    assert meta.keywords == ("airlift", "C-17")
    assert meta.title == "Night Airlift"
    assert (meta.place, meta.credit) == ("Ramstein, Germany", "Air Force")
    assert meta.has_gps is True  # a position copied into XMP counts too
    assert set(meta.sources.values()) == {"XMP"}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2021-06-15", datetime.date(2021, 6, 15)),
        ("2021-06-15T10:42:17", datetime.date(2021, 6, 15)),
        ("2021-06-15T23:30:00-05:00", datetime.date(2021, 6, 15)),  # the local day, as written
        ("2021-06-15T10:42Z", datetime.date(2021, 6, 15)),
        ("2021", None),  # partial dates are allowed in XMP but name no day
        ("2021-02-30", None),
        ("yesterday", None),
    ],
)
def test_xmp_date_created(written, expected):
    meta = read_photo_metadata(jpeg(xmp=xmp_packet(f"<photoshop:DateCreated>{written}</photoshop:DateCreated>")))
    assert meta.date_taken == expected


def test_xmp_partial_date_falls_back_to_the_iim_date():
    xmp = xmp_packet("<photoshop:DateCreated>2021-06</photoshop:DateCreated>")
    meta = read_photo_metadata(jpeg(xmp=xmp, iim=[(2, 55, b"20210614")]))
    assert (meta.date_taken, meta.sources["date_taken"]) == (datetime.date(2021, 6, 14), "IPTC")


def test_xmp_entity_expansion_is_refused_and_the_rest_still_read():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
        + "]>"
        + xmp_packet("<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>&lol9;</rdf:li></rdf:Alt></dc:description>")
    )
    exif = Image.Exif()
    exif[0x013B] = "Sgt. Kim Lo"
    started = time.perf_counter()
    meta = read_photo_metadata(jpeg(xmp=laughs, exif=exif))
    assert time.perf_counter() - started < 1
    assert meta.caption == ""
    assert meta.photographer == "Sgt. Kim Lo"  # a refused XMP packet does not cost the EXIF


def test_malformed_xmp_is_ignored():
    meta = read_photo_metadata(jpeg(xmp="<x:xmpmeta><rdf:RDF>not closed", iim=[(2, 5, b"240101-F-AB123-1001")]))
    assert meta.virin == "240101-F-AB123-1001"


def test_iim_repeated_datasets_whitespace_and_declared_utf8():
    iim = [
        UTF8,
        (2, 25, b" levee "),
        (2, 25, b"engineers"),
        (2, 25, b"levee"),
        (2, 25, b""),
        (2, 80, b"Staff Sgt.  Maria Delgado"),
        (2, 80, b"Spc. Luis Ortega"),
        (2, 90, "Saint-\u00c9tienne\r\n".encode()),
        (2, 120, b"Line one.\rLine  two."),
    ]
    meta = read_photo_metadata(jpeg(iim=iim))
    assert meta.keywords == ("levee", "engineers")
    assert meta.photographer == "Staff Sgt. Maria Delgado, Spc. Luis Ortega"
    assert meta.city == "Saint-\u00c9tienne"
    assert meta.caption == "Line one.\nLine two."


def test_iim_without_a_charset_reads_utf8_and_falls_back_to_latin1():
    iim = [(2, 80, "Sgt. Jos\u00e9 Ruiz".encode()), (2, 90, "Jos\u00e9 Mar\u00eda".encode("latin-1"))]
    meta = read_photo_metadata(jpeg(iim=iim))
    assert (meta.photographer, meta.city) == ("Sgt. Jos\u00e9 Ruiz", "Jos\u00e9 Mar\u00eda")


def test_iim_declared_utf8_with_bad_bytes_does_not_raise():
    meta = read_photo_metadata(jpeg(iim=[UTF8, (2, 80, b"Sgt. Jos\xe9 Ruiz"), (2, 55, b"20219999")]))
    assert meta.photographer == "Sgt. Jos\ufffd Ruiz"
    assert meta.date_taken is None


# --- file handling ---------------------------------------------------------------------------


def test_an_upload_is_rewound_after_reading_even_if_already_read():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("photo.jpg", ARMY.read_bytes(), content_type="image/jpeg")
    upload.read(100)
    assert read_photo_metadata(upload).virin == "210614-A-KX193-1002"
    assert upload.tell() == 0

    buffer = io.BytesIO(NAVY_XMP.read_bytes())
    buffer.seek(500)
    assert read_photo_metadata(buffer).virin == "210615-N-QR552-1045"
    assert buffer.tell() == 0
    assert not buffer.closed


def test_paths_as_str_or_pathlib():
    assert read_photo_metadata(str(ARMY)) == read_photo_metadata(ARMY)


def test_reading_parses_headers_only_not_pixels(monkeypatch):
    big = jpeg((6000, 4000), iim=[UTF8, (2, 5, b"210614-A-KX193-1002")])
    calls = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: calls.append(self))
    monkeypatch.setattr(Image.Image, "load", lambda self: calls.append(self))
    started = time.perf_counter()
    meta = read_photo_metadata(big)
    elapsed = time.perf_counter() - started
    assert meta.virin == "210614-A-KX193-1002"
    assert calls == []
    assert elapsed < 0.05  # decoding 24 megapixels would take several times this


def test_record_is_frozen_and_hashable():
    meta = read_photo_metadata(ARMY)
    with pytest.raises(AttributeError):
        meta.virin = "x"  # type: ignore[misc]
    assert hash(meta) == hash(read_photo_metadata(ARMY))
