"""`manage.py audit_photos`: the library audit an operator runs before a deployment, on real files."""

import datetime
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from newsroom.photos.audit import CHECKS
from newsroom.photos.models import PhotoAsset

pytestmark = pytest.mark.django_db


def audit(*args):
    """(exit status, stdout, stderr) of one run, as the shell would see them."""
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_photos", *args, stdout=out, stderr=err)
        status = 0
    except CommandError as error:
        status = error.returncode
        err.write(str(error))
    return status, out.getvalue(), err.getvalue()


# Signing is not configured in the tests (tests/photos/test_credentials.py configures it): said, not a problem.
UNSIGNED = (
    "Content Credentials: the public copies are unsigned (C2PA_SIGNING_CERT is not set), so they were not checked.\n"
)


def audit_json(*args):
    status, output, _ = audit("--format", "json", *args)
    return status, json.loads(output)


def jpeg_with_gps() -> bytes:
    """A small JPEG whose EXIF says where it was taken: 30°27'N 91°11'W (Baton Rouge)."""
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (30.0, 27.0, 0.0), 3: "W", 4: (91.0, 11.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (400, 267), (90, 110, 60)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def legacy_photo(make_photo, virin, **fields):
    """A photo as an import keeps it: the VIRIN goes in as found, past the strict validator."""
    photo = make_photo(**fields)
    PhotoAsset.objects.filter(pk=photo.pk).update(virin=virin)
    photo.refresh_from_db()
    return photo


def test_a_clean_library_passes_with_exit_status_0(make_photo):
    make_photo(virin="260303-N-TV418-1107")
    make_photo(virin="260303-N-TV418-1108")

    status, output, errors = audit()

    assert (status, errors) == (0, "")
    assert output == UNSIGNED + "Audited 2 photos: no problems.\n"


def test_gps_left_in_a_public_copy_is_caught_and_named(make_photo, media_root):
    photo = make_photo(virin="260303-N-TV418-1107", public=True)
    leaky = photo.renditions["w480.jpg"]["name"]
    (media_root / leaky).write_bytes(jpeg_with_gps())

    status, output, errors = audit()

    assert status == 1
    assert "GPS positions in public files [gps]: 1" in output
    assert f"  260303-N-TV418-1107: The w480.jpg public copy {leaky} carries a GPS position" in output
    assert "manage.py rebuild_renditions 260303-N-TV418-1107" in output
    assert f"/admin/photos/photoasset/{photo.pk}/change/" in output
    assert "Audited 1 photo: 1 problem in 1 photo." in errors


def test_json_output_parses_and_names_each_check(make_photo, media_root):
    photo = make_photo(virin="260303-N-TV418-1107", alt_text="", credit="", public=True)
    (media_root / photo.renditions["full"]["name"]).write_bytes(jpeg_with_gps())

    status, report = audit_json()

    assert status == 1
    assert report["photos_checked"] == 1 and report["checks"] == list(CHECKS)
    assert report["problems"] == 3 == len(report["findings"])
    assert [finding["check"] for finding in report["findings"]] == ["alt-text", "credit", "gps"]
    for finding in report["findings"]:
        assert set(finding) == {"photo_id", "virin", "check", "message", "fix", "file", "admin_url"}
        assert finding["virin"] == "260303-N-TV418-1107" and finding["photo_id"] == photo.pk
        assert finding["admin_url"] == f"/admin/photos/photoasset/{photo.pk}/change/"
    assert report["findings"][0]["file"] is None
    assert report["findings"][1]["message"] == "No credit organization."
    assert report["findings"][2]["file"] == photo.renditions["full"]["name"]


def test_json_of_a_clean_library(make_photo):
    make_photo()
    assert audit_json() == (
        0,
        {
            "photos_checked": 1,
            "checks": list(CHECKS),
            "problems": 0,
            "content_credentials": "unsigned",
            "findings": [],
        },
    )


def test_invalid_and_legacy_virins(make_photo):
    legacy_photo(make_photo, "060515-M-AA987-001", date_taken=datetime.date(2006, 5, 15))
    legacy_photo(make_photo, "200230-D-BN624-1166", date_taken=None)

    status, report = audit_json("--check", "virin-invalid", "--check", "virin-legacy")

    assert status == 1
    by_virin = {finding["virin"]: finding for finding in report["findings"]}
    assert by_virin["060515-M-AA987-001"]["check"] == "virin-legacy"
    assert "Three-digit sequence" in by_virin["060515-M-AA987-001"]["message"]
    assert by_virin["200230-D-BN624-1166"]["check"] == "virin-invalid"
    assert "not a real date" in by_virin["200230-D-BN624-1166"]["message"]


def test_a_virin_date_that_differs_from_the_date_taken(make_photo):
    make_photo(virin="260303-N-TV418-1107", date_taken=datetime.date(2026, 3, 4))
    make_photo(virin="260303-N-TV418-1108", date_taken=None)  # nothing to compare

    status, output, _ = audit()

    assert status == 1
    assert "VIRIN dates that differ from the date taken [virin-date]: 1" in output
    assert (
        "260303-N-TV418-1107: The VIRIN says the photo was shot on March 3, 2026; its date taken is March 4, 2026."
    ) in output


def test_missing_alt_text_and_credit(make_photo):
    make_photo(virin="260303-N-TV418-1107")
    # As a row saved before alt text had to show something holds it.
    PhotoAsset.objects.filter(virin="260303-N-TV418-1107").update(alt_text=" \u200b")
    make_photo(virin="260303-N-TV418-1108", photographer="", credit="")

    status, output, _ = audit()

    assert status == 1
    assert "Missing alt text [alt-text]: 1\n  260303-N-TV418-1107: No alt text." in output
    assert "  260303-N-TV418-1108: No photographer and no credit organization." in output


def test_missing_files_and_a_changed_original(make_photo, media_root, private_root):
    gone = make_photo(virin="260303-N-TV418-1107", public=True)
    (private_root / gone.original.name).unlink()
    (media_root / gone.renditions["thumb.webp"]["name"]).unlink()
    changed = make_photo(virin="260303-N-TV418-1108")
    (private_root / changed.original.name).write_bytes(jpeg_with_gps())
    imported = make_photo(virin="260303-N-TV418-1109")
    PhotoAsset.objects.filter(pk=imported.pk).update(original="", renditions={})

    status, report = audit_json()

    assert status == 1
    found = {(f["virin"], f["check"], f["file"]) for f in report["findings"]}
    assert found == {
        ("260303-N-TV418-1107", "file-missing", gone.original.name),
        ("260303-N-TV418-1107", "file-missing", gone.renditions["thumb.webp"]["name"]),
        ("260303-N-TV418-1108", "hash-mismatch", changed.original.name),
        ("260303-N-TV418-1109", "no-image", None),
    }


def test_one_photo_by_virin_and_checks_left_out(make_photo, media_root):
    make_photo(virin="260303-N-TV418-1107", alt_text="")
    fine = make_photo(virin="260303-N-TV418-1108")

    assert audit("--virin", fine.virin.lower()) == (0, UNSIGNED + "Audited 1 photo: no problems.\n", "")
    assert audit("--skip", "alt-text")[0] == 0
    assert audit("--check", "credit", "--check", "gps")[0] == 0
    assert audit("--check", "alt-text")[0] == 1


def test_bad_usage_exits_2_and_says_what_to_fix(make_photo):
    make_photo()
    status, _, errors = audit("--virin", "999999-A-AA111-1111")
    assert status == 2 and "No photo has VIRIN 999999-A-AA111-1111. Check the spelling" in errors
    status, _, errors = audit("--check", "gps", "--skip", "gps")
    assert status == 2 and "leaves no check to run" in errors


def test_it_changes_nothing(make_photo, media_root, private_root):
    photo = make_photo(alt_text="", date_taken=datetime.date(2026, 3, 9), public=True)
    (media_root / photo.renditions["w480.jpg"]["name"]).write_bytes(jpeg_with_gps())
    files = {
        path: path.read_bytes() for root in (media_root, private_root) for path in root.rglob("*") if path.is_file()
    }
    row = PhotoAsset.objects.values().get()

    assert audit()[0] == 1

    assert {
        path: path.read_bytes() for root in (media_root, private_root) for path in root.rglob("*") if path.is_file()
    } == files
    assert PhotoAsset.objects.values().get() == row


def test_queries_do_not_grow_with_the_library(make_photo, django_assert_num_queries):
    make_photo()
    with django_assert_num_queries(2):  # the count for the progress bar, then one streamed read
        audit()
    for _ in range(4):
        make_photo()
    with django_assert_num_queries(2):
        audit()
