"""Uploading in the admin: metadata fills the form, bad files are refused, public copies are clean."""

import datetime
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom.photos.imaging import public_file_problems
from newsroom.photos.models import PhotoAsset
from tests.conftest import copies_root, jpeg_upload
from tests.photos.conftest import FIELDS, SAMPLES, blank_form, sample

pytestmark = pytest.mark.django_db

ADD = "/admin/photos/photoasset/add/"


def files_under(*roots):
    return sorted(str(path) for root in roots for path in Path(root).rglob("*") if path.is_file())


def form_values(response):
    form = response.context["adminform"].form
    return {field: form[field].value() for field in FIELDS} | {"pending_upload": form["pending_upload"].value()}


@pytest.mark.parametrize(
    ("name", "expected", "sources"),
    [
        (
            "210614-A-KX193-1002.jpg",
            {
                "virin": "210614-A-KX193-1002",
                "title": "Levee Repair",
                "photographer": "Staff Sgt. Maria Delgado",
                "credit": "Army",
                "date_taken": "2021-06-14",
                "place": "Baton Rouge, Louisiana, United States",
                "keywords": "levee, engineers, flood",
            },
            {
                "virin": "XMP",
                "caption": "XMP",
                "credit": "XMP",
                "date_taken": "XMP",
                "place": "IPTC",
                "keywords": "IPTC",
            },
        ),
        (
            "210615-N-QR552-1045.jpg",
            {"virin": "210615-N-QR552-1045", "photographer": "Petty Officer 2nd Class Jonah Reyes", "credit": "Navy"},
            {"virin": "XMP", "caption": "XMP", "photographer": "XMP"},
        ),
        (
            "260303-N-TV418-1107.jpg",
            {"virin": "260303-N-TV418-1107", "credit": "Navy", "date_taken": "2026-03-03"},
            {"virin": "IPTC", "caption": "IPTC", "credit": "IPTC"},
        ),
    ],
)
def test_each_sample_fills_the_form_and_says_where_values_came_from(editor_client, name, expected, sources):
    response = editor_client.post(ADD, blank_form(original=sample(name)))

    assert response.status_code == 200
    assert not PhotoAsset.objects.exists(), "nothing is saved before the editor has checked the values"
    values = form_values(response)
    for field, value in expected.items():
        assert str(values[field]) == value, field
    assert values["caption"]
    page = response.content.decode()
    assert "from the photo’s own record" in page and "Check them, add alt text, and save again" in page
    for field, source in sources.items():
        assert re.search(rf"Filled in from the file’s {source} record.*?id_{field}\b", page, flags=re.S), field


def test_the_second_round_saves_without_choosing_the_file_again(
    editor_client, private_root, media_root, django_capture_on_commit_callbacks
):
    first = editor_client.post(ADD, blank_form(original=sample("210614-A-KX193-1002.jpg")))
    assert "Your file is kept: no need to choose it again." in first.content.decode()
    values = form_values(first) | {"alt_text": "A soldier in a hard hat signals to an excavator on a levee."}

    with django_capture_on_commit_callbacks(execute=True):
        second = editor_client.post(ADD, values)

    assert second.status_code == 302, second.content.decode()[:2000]
    photo = PhotoAsset.objects.get()
    assert (
        photo.virin == "210614-A-KX193-1002"
        and photo.credit == "Army"
        and photo.date_taken == datetime.date(2021, 6, 14)
    )
    assert photo.metadata_sources["virin"] == "XMP" and photo.metadata_sources["place"] == "IPTC"
    assert "alt_text" not in photo.metadata_sources
    assert (private_root / photo.original.name).read_bytes() == (SAMPLES / "210614-A-KX193-1002.jpg").read_bytes()
    assert not list((private_root / "pending").glob("*")), "the kept upload is removed once saved"
    for entry in photo.renditions.values():  # embargoed: no published story uses it yet
        assert public_file_problems((private_root / entry["name"]).read_bytes()) == []
        assert not (media_root / entry["name"]).exists()


def test_typed_values_are_never_overwritten_by_the_file(editor_client):
    response = editor_client.post(
        ADD, blank_form(original=sample("210614-A-KX193-1002.jpg"), credit="1st Cavalry Division")
    )
    assert form_values(response)["credit"] == "1st Cavalry Division"


def test_a_virin_whose_date_disagrees_with_the_date_taken_is_a_warning_not_a_block(editor_client):
    values = blank_form(
        original=jpeg_upload("any.jpg"),
        virin="210614-A-KX193-1002",
        caption="A caption, June 15, 2021.",
        date_taken="2021-06-15",
    )
    response = editor_client.post(ADD, values, follow=True)
    assert PhotoAsset.objects.count() == 1
    assert "says the photo was shot on June 14, 2021, but its date taken is June 15, 2021" in response.content.decode()


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (20, 20)).save(buffer, "GIF")
    return buffer.getvalue()


def bomb_png(width=30000, height=30000) -> bytes:
    """A valid PNG header claiming a huge image, with a tiny body: a decompression bomb's shape."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr : ihdr + 17])))
    return bytes(data)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: sample("truncated.jpg"), "damaged or incomplete"),
        (lambda: sample("not-an-image.jpg"), "not a photo Newsroom can use"),
        (
            lambda: SimpleUploadedFile(
                "evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
            ),
            "not a photo Newsroom can use",
        ),
        (lambda: SimpleUploadedFile("bomb.png", bomb_png()), "pixels"),
        (lambda: SimpleUploadedFile("anim.gif", gif_bytes()), "GIF"),
    ],
    ids=["truncated", "not-an-image", "svg-with-script", "decompression-bomb", "gif"],
)
def test_hostile_or_broken_files_are_refused_and_leave_nothing(
    editor_client, media_root, private_root, upload, message
):
    response = editor_client.post(ADD, blank_form(original=upload(), virin="200922-D-BN624-1166", caption="C"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PhotoAsset.objects.exists()
    assert files_under(media_root, private_root) == []


def test_a_file_over_the_size_limit_is_refused(editor_client, settings, media_root, private_root):
    settings.PHOTO_MAX_UPLOAD_BYTES = 50_000
    response = editor_client.post(ADD, blank_form(original=sample("210614-A-KX193-1002.jpg")))
    assert "the limit is" in response.content.decode()
    assert files_under(media_root, private_root) == []


def test_a_file_name_cannot_choose_where_the_file_goes(editor_client, private_root, media_root):
    upload = jpeg_upload("../../etc/passwd.jpg")
    response = editor_client.post(ADD, blank_form(original=upload, virin="200922-D-BN624-1166", caption="C"))
    assert response.status_code == 302
    photo = PhotoAsset.objects.get()
    assert photo.original.name == "originals/20/200922-d-bn624-1166.jpg"
    assert all(
        Path(name).resolve().is_relative_to(Path(private_root).resolve())
        or Path(name).resolve().is_relative_to(Path(media_root).resolve())
        for name in files_under(media_root, private_root)
    )


def test_the_same_file_twice_is_refused_with_a_link_to_the_photo_that_has_it(editor_client, make_photo):
    content = (SAMPLES / "210615-N-QR552-1045.jpg").read_bytes()
    holder = make_photo(original=SimpleUploadedFile("a.jpg", content), virin="210615-N-QR552-1045")
    response = editor_client.post(
        ADD, blank_form(original=SimpleUploadedFile("b.jpg", content), virin="210615-N-QR552-1046", caption="C")
    )
    page = response.content.decode()
    assert "This file is already in the library" in page
    assert f'href="/admin/photos/photoasset/{holder.pk}/change/"' in page
    assert PhotoAsset.objects.count() == 1


def test_public_copies_are_clean_rotated_and_carry_the_record(make_photo, media_root):
    photo = make_photo(
        original=sample("260303-N-TV418-1107.jpg"),
        virin="260303-N-TV418-1107",
        caption="Navy Lt. j.g. Aisha Bello checks a patient's blood pressure, March 3, 2026.",
        credit="Navy",
    )
    assert photo.height > photo.width, "EXIF orientation 6 shows the photo as portrait"
    assert photo.full_size["height"] > photo.full_size["width"]
    assert {"full", "thumb.webp", "thumb.jpg", "share.jpg", "w480.webp", "w480.jpg", "w800.webp", "w800.jpg"} <= set(
        photo.renditions
    )
    for key, entry in photo.renditions.items():
        path = copies_root(photo) / entry["name"]
        assert public_file_problems(path.read_bytes()) == [], key
        with Image.open(path) as image:
            assert image.size == (entry["width"], entry["height"])
            assert not image.getexif().get_ifd(0x8825), f"{key} has GPS"
            assert b"260303-N-TV418-1107" in image.info.get("xmp", b"")
