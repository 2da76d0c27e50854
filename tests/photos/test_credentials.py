"""Content Credentials (C2PA) on public copies (issue 20): signed with a certificate chain made here,
read back with c2pa-python's own Reader, as a reader's verifier would."""

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from newsroom.photos.imaging import public_file_problems, read_content_credentials
from newsroom.photos.imaging.jpeg import _walk_jpeg
from tests.conftest import assert_in_order, copies_root, jpeg_upload, page_text
from tests.photos.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[2]
GPS_SAMPLE = "210614-A-KX193-1002.jpg"  # a camera serial number and a GPS position (samples/README.md)


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Defense Media Activity"),
        ]
    )


def _usage(*, sign_certificates):
    return x509.KeyUsage(
        digital_signature=not sign_certificates,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certificates,
        crl_sign=sign_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def make_chain(folder: Path) -> tuple[Path, Path]:
    """A root CA and a signing certificate as C2PA asks for one (ES256 on P-256, not a CA, digital
    signature, the e-mail protection purpose), written as the site reads them: the chain, and the
    key readable by its owner only."""
    now = datetime.datetime.now(datetime.UTC)
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Newsroom Test Root"))
        .issuer_name(_name("Newsroom Test Root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(sign_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    signing = (
        x509.CertificateBuilder()
        .subject_name(_name("Newsroom Photo Desk"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=90))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign_certificates=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "signing-chain.pem", folder / "signing-key.pem"
    cert_path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (signing, root)))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return cert_path, key_path


@pytest.fixture
def signing(settings, tmp_path):
    """Signing configured, with the chain and key outside MEDIA_ROOT."""
    cert_path, key_path = make_chain(tmp_path / "secrets")
    settings.C2PA_SIGNING_CERT, settings.C2PA_SIGNING_KEY = str(cert_path), str(key_path)
    return cert_path, key_path


def public_files(photo, root):
    return {key: (root / entry["name"]).read_bytes() for key, entry in photo.renditions.items()}


def gps_photo(make_photo, virin="210614-A-KX193-1002"):
    upload = SimpleUploadedFile(GPS_SAMPLE, (SAMPLES / GPS_SAMPLE).read_bytes(), content_type="image/jpeg")
    return make_photo(public=True, virin=virin, original=upload, photographer="Spc. Dana Ruiz", credit="Army")


def test_every_public_copy_carries_credentials_naming_the_original_and_the_record(signing, make_photo, media_root):
    photo = gps_photo(make_photo)
    original_sha256 = hashlib.sha256((SAMPLES / GPS_SAMPLE).read_bytes()).hexdigest()
    files = public_files(photo, media_root)
    assert {"full", "thumb.jpg", "thumb.webp", "w1600.webp", "w480.jpg"} <= set(files)
    for key, content in files.items():
        found = read_content_credentials(content)
        assert found is not None, key
        # Signature and hashes check out; the test root is on no trust list, which is reported apart.
        assert found.state == "valid", (key, found.problems)
        assert found.signer == "Newsroom Photo Desk"
        assert found.original_sha256 == original_sha256 == photo.file_hash
        assert (found.virin, found.creator, found.credit) == ("210614-A-KX193-1002", "Spc. Dana Ruiz", "Army")
        assert found.rights == "Public domain (U.S. government work)"
        assert found.actions[0] == "c2pa.opened" and "c2pa.edited.metadata" in found.actions
        if key != "full":
            assert "c2pa.resized" in found.actions, key
        if key.endswith(".webp"):
            assert "c2pa.converted" in found.actions, key
        # Signing leaves the GPS/serial audit as it was: nothing of the camera's comes back.
        assert public_file_problems(content) == [], key
    assert "c2pa.cropped" in read_content_credentials(files["thumb.jpg"]).actions
    assert read_content_credentials(files["full"]).actions == ("c2pa.opened", "c2pa.edited.metadata")


def test_one_changed_byte_makes_a_copy_fail_validation(signing, make_photo, media_root):
    photo = make_photo(public=True)
    for key in ("full", "w480.webp", "thumb.jpg"):
        found = read_content_credentials(with_picture_byte_changed(public_files(photo, media_root)[key]))
        assert found.state == "invalid" and not found.validates
        assert "assertion.dataHash.mismatch" in found.problems


def test_without_a_certificate_copies_are_as_before_and_carry_no_credentials(settings, make_photo, media_root):
    assert not settings.C2PA_SIGNING_CERT
    photo = make_photo(public=True)
    for content in public_files(photo, media_root).values():
        assert read_content_credentials(content) is None
        assert b"c2pa" not in content  # no manifest store (its JUMBF boxes are labelled "c2pa")


def test_a_signing_callback_signs_as_a_key_in_an_hsm_would(settings, signing, monkeypatch, make_photo, media_root):
    cert_path, key_path = signing
    settings.C2PA_SIGNING_KEY = ""
    settings.C2PA_SIGNING_CALLBACK = "tests.photos.signing_callback.sign"
    monkeypatch.setenv("NEWSROOM_TEST_SIGNING_KEY", str(key_path))
    photo = make_photo(public=True)
    found = read_content_credentials(public_files(photo, media_root)["w480.jpg"])
    assert found.state == "valid" and found.signer == "Newsroom Photo Desk"


def with_picture_byte_changed(content: bytes) -> bytes:
    """One bit of the compressed picture changed (not of the manifest's padding, which its signature
    leaves out by design)."""
    if content[8:12] == b"WEBP":
        position = 12
        while content[position : position + 4] not in (b"VP8 ", b"VP8L"):
            position += 8 + int.from_bytes(content[position + 4 : position + 8], "little")
            position += position & 1
    else:
        segments, _ = _walk_jpeg(content)
        position = next(start for marker, start, _ in segments if marker == 0xDA)
    changed = bytearray(content)
    changed[position + 20] ^= 0x01
    return bytes(changed)


def audit(*args):
    out = io.StringIO()
    try:
        call_command("audit_photos", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_audit_passes_signed_copies_and_fails_a_changed_or_unsigned_one(signing, settings, make_photo, media_root):
    photo = make_photo(public=True)
    assert audit("--check", "credentials") == (0, audit("--check", "credentials")[1])
    assert "no problems" in audit("--check", "credentials")[1]
    assert audit("--check", "gps")[0] == 0

    changed = media_root / photo.renditions["w480.jpg"]["name"]
    changed.write_bytes(with_picture_byte_changed(changed.read_bytes()))
    settings.C2PA_SIGNING_CERT = settings.C2PA_SIGNING_KEY = ""
    unsigned = make_photo(public=True)  # made while signing was off
    settings.C2PA_SIGNING_CERT, settings.C2PA_SIGNING_KEY = map(str, signing)

    status, report = audit("--check", "credentials", "--format", "json")
    findings = json.loads(report)["findings"]
    assert status == 1
    by_file = {finding["file"]: finding for finding in findings}
    assert "do not validate" in by_file[photo.renditions["w480.jpg"]["name"]]["message"]
    assert len([f for f in findings if f["photo_id"] == photo.pk]) == 1
    assert {f["photo_id"] for f in findings if "carries no Content Credentials" in f["message"]} == {unsigned.pk}


def test_audit_says_copies_are_unsigned_when_signing_is_not_configured(make_photo):
    make_photo(public=True)
    status, report = audit("--check", "credentials")
    assert status == 0
    assert "the public copies are unsigned (C2PA_SIGNING_CERT is not set)" in report
    assert json.loads(audit("--format", "json")[1])["content_credentials"] == "unsigned"


# --- Settings, refused at start -------------------------------------------------------------------


def start(**env_changes):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(DEBUG="true", SECRET_KEY="x" * 50, DATABASE_URL="sqlite:////tmp/newsroom-c2pa-check.sqlite3")
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_settings_refuse_a_key_inside_media_root_a_key_others_can_read_or_half_a_setup(tmp_path):
    media = tmp_path / "media"
    inside_cert, inside_key = make_chain(media / "keys")
    assert (
        "inside"
        in start(MEDIA_ROOT=str(media), C2PA_SIGNING_CERT=str(inside_cert), C2PA_SIGNING_KEY=str(inside_key)).stderr
    )

    cert_path, key_path = make_chain(tmp_path / "secrets")
    key_path.chmod(0o644)
    refused = start(MEDIA_ROOT=str(media), C2PA_SIGNING_CERT=str(cert_path), C2PA_SIGNING_KEY=str(key_path))
    assert "can be read by other users: run chmod 600" in refused.stderr
    key_path.chmod(0o600)

    assert "C2PA_SIGNING_CERT is not" in start(C2PA_SIGNING_KEY=str(key_path)).stderr
    assert "one of the two" in start(C2PA_SIGNING_CERT=str(cert_path)).stderr
    assert (
        start(MEDIA_ROOT=str(media), C2PA_SIGNING_CERT=str(cert_path), C2PA_SIGNING_KEY=str(key_path)).returncode == 0
    )


def test_rebuild_renditions_signs_copies_made_before_signing_was_configured(settings, make_photo, media_root, tmp_path):
    photo = make_photo(public=True)
    cert_path, key_path = make_chain(tmp_path / "secrets")
    settings.C2PA_SIGNING_CERT, settings.C2PA_SIGNING_KEY = str(cert_path), str(key_path)
    assert audit("--check", "credentials")[0] == 1

    call_command("rebuild_renditions", stdout=io.StringIO(), stderr=io.StringIO())
    photo.refresh_from_db()
    for content in public_files(photo, media_root).values():
        assert read_content_credentials(content).original_sha256 == photo.file_hash
    assert audit("--check", "credentials")[0] == 0


# --- Readers can check ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_photo_page_names_the_signer_and_links_to_our_own_verification_page(signing, client, make_photo, make_story):
    photo = gps_photo(make_photo)
    make_story(photos=[photo])
    text = page_text(client.get(f"/photos/{photo.virin}/"))
    assert "Content Credentials: signed by Newsroom Photo Desk. See what they say" in text
    assert f'href="/photos/{photo.virin}/credentials/"' in client.get(f"/photos/{photo.virin}/").text

    response = client.get(f"/photos/{photo.virin}/credentials/")
    assert response.status_code == 200
    text = page_text(response)
    assert_in_order(
        text,
        [
            "Content Credentials of 210614-A-KX193-1002",
            "Status Valid: the signature and the file's hashes check out",
            "Signed by Newsroom Photo Desk",
            "VIRIN 210614-A-KX193-1002",
            "Photographer Spc. Dana Ruiz",
            "Credit Army",
            "Rights Public domain (U.S. government work)",
            f"Made from the original with SHA-256 {photo.file_hash}",
            "Opened the original",
            "Metadata removed or rewritten (no picture change)",
            "thumb.webp",
        ],
    )
    assert "Does not validate" not in text


@pytest.mark.django_db
def test_verification_page_says_when_a_copy_was_changed_and_is_404_for_an_embargoed_photo(
    signing, client, make_photo, make_story, media_root
):
    photo = make_photo(public=True)
    assert client.get(f"/photos/{photo.virin}/credentials/").status_code == 404  # no published story uses it
    make_story(photos=[photo])
    changed = media_root / photo.renditions["w480.webp"]["name"]
    changed.write_bytes(with_picture_byte_changed(changed.read_bytes()))
    text = page_text(client.get(f"/photos/{photo.virin}/credentials/"))
    assert "w480.webp Does not validate: the file was changed after it was signed" in text
    assert text.count("Does not validate") == 1


@pytest.mark.django_db
def test_without_signing_the_photo_page_says_nothing_of_credentials(client, make_photo, make_story):
    photo = make_photo(public=True)
    make_story(photos=[photo])
    assert "Content Credentials" not in page_text(client.get(f"/photos/{photo.virin}/"))


# --- Camera signatures read on upload --------------------------------------------------------------


def signed_original(folder, actions):
    """A JPEG as a camera (or an editing program) that signs would give it: its own manifest."""
    import c2pa

    cert_path, key_path = make_chain(folder)
    picture = jpeg_upload(size=(900, 600)).read()
    manifest = {
        "claim_generator_info": [{"name": "Test Camera"}],
        "title": "DSC_0001.JPG",
        "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": actions}}],
    }
    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, cert_path.read_bytes(), key_path.read_bytes(), None)
    signed = io.BytesIO()
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder.from_json(manifest) as builder:
        builder.sign(signer, "image/jpeg", io.BytesIO(picture), signed)
    return signed.getvalue()


CAPTURED = {
    "action": "c2pa.created",
    "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
}


def change_page(client, photo):
    from django.urls import reverse

    return page_text(client.get(reverse("admin:photos_photoasset_change", args=[photo.pk])), after="<main")


@pytest.mark.django_db
def test_admin_shows_who_signed_the_original_and_what_it_records(editor_client, make_photo, tmp_path):
    original = signed_original(tmp_path / "camera", [CAPTURED, {"action": "c2pa.cropped"}])
    photo = make_photo(original=SimpleUploadedFile("DSC_0001.JPG", original, content_type="image/jpeg"))
    text = change_page(editor_client, photo)
    assert_in_order(
        text,
        [
            "Content Credentials of the original",
            "Signed by Newsroom Photo Desk (Defense Media Activity)",
            "Status Valid (the signature and the file's hashes check out",
            "Actions recorded Created; Cropped",
            "Source digitalCapture",
        ],
    )
    assert "DoDI 5040.02" not in text  # a camera capture, cropped: standard adjustments only
    # The camera's manifest stays with the private original: it may name where and with what serial.
    for content in public_files(photo, copies_root(photo)).values():
        assert read_content_credentials(content) is None


@pytest.mark.django_db
def test_an_original_recording_generative_or_editing_actions_is_flagged_for_the_caption(
    editor_client, make_photo, tmp_path
):
    generated = {
        "action": "c2pa.created",
        "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
    }
    original = signed_original(tmp_path / "camera", [generated, {"action": "c2pa.filtered"}])
    photo = make_photo(original=SimpleUploadedFile("generated.jpg", original, content_type="image/jpeg"))
    text = change_page(editor_client, photo)
    assert (
        "The original's Content Credentials record c2pa.filtered, trainedAlgorithmicMedia: more than the standard "
        "adjustments. DoDI 5040.02 requires the caption to say what was done" in text
    )


@pytest.mark.django_db
def test_admin_says_an_original_without_credentials_carries_none(editor_client, make_photo):
    text = change_page(editor_client, make_photo())
    assert "None: the original carries no Content Credentials" in text


GENERATED = {
    "action": "c2pa.created",
    "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
}


@pytest.mark.django_db
def test_what_the_original_records_is_kept_for_the_library_filter_and_the_story_checks(
    editor_client, make_photo, make_story, tmp_path, run_tasks, committed
):
    from newsroom.photos.models import PhotoAsset
    from newsroom.photos.services import photo_save
    from newsroom.stories.checks import story_checks
    from tests.conftest import photo_record

    original = signed_original(tmp_path / "camera", [GENERATED, {"action": "c2pa.filtered"}])
    edited = make_photo(original=SimpleUploadedFile("generated.jpg", original, content_type="image/jpeg"))
    plain = make_photo()
    assert edited.original_edits == ["c2pa.filtered", "trainedAlgorithmicMedia"]
    assert plain.original_edits == []
    # Uploaded in the admin, its copies are made by the worker, which reads the credentials too.
    uploaded = committed(
        photo_save,
        photo=PhotoAsset(
            original=SimpleUploadedFile("generated-2.jpg", original, content_type="image/jpeg"), **photo_record()
        ),
        user=None,
    )
    assert uploaded.original_edits == []  # not read in the editor's request
    run_tasks()
    uploaded.refresh_from_db()
    assert uploaded.copies == "made"
    assert uploaded.original_edits == ["c2pa.filtered", "trainedAlgorithmicMedia"]
    # A photo uploaded before its credentials were kept gets them when its copies are remade.
    PhotoAsset.objects.filter(pk=uploaded.pk).update(original_edits=[])
    call_command("rebuild_renditions", "--all", verbosity=0)
    uploaded.refresh_from_db()
    assert uploaded.original_edits == ["c2pa.filtered", "trainedAlgorithmicMedia"]

    # The photo library lists those a caption must disclose.
    listed = page_text(editor_client.get("/admin/photos/photoasset/?original_edits=disclose"))
    assert edited.virin in listed and uploaded.virin in listed and plain.virin not in listed

    # A story placing it under a caption that says nothing of it is warned at Publish ...
    story = make_story(photos=[edited, plain])
    story.placements.filter(photo=edited).update(caption="Soldiers cross a river at dawn, March 3, 2026.")
    found = [finding for finding in story_checks(story).findings if finding.check == "photo-disclosure"]
    assert [(finding.level, finding.where) for finding in found] == [("warning", f"Photo {edited.virin}")]
    assert (
        "says in its Content Credentials that it was filtered (c2pa.filtered); made by a generative AI model "
        "(trainedAlgorithmicMedia), and its caption does not say so" in found[0].message
    )
    # ... and not once the caption says what was done.
    story.placements.filter(photo=edited).update(
        caption="Photo illustration: soldiers cross a river at dawn, made with a generative tool."
    )
    assert not [finding for finding in story_checks(story).findings if finding.check == "photo-disclosure"]


@pytest.mark.django_db
def test_auditing_copies_reads_their_headers_not_the_whole_file(make_photo, signing):
    """The audit (rebuild_renditions, audit_photos) opens each copy and reads only as far as its
    metadata goes, so a full-size copy of tens of megabytes is never held in memory whole."""
    import io
    import tracemalloc

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from newsroom.photos.audit import public_copies

    noise = io.BytesIO()
    Image.effect_noise((3000, 2000), 80).convert("RGB").save(noise, "JPEG", quality=95)
    photo = make_photo(original=SimpleUploadedFile("big.jpg", noise.getvalue(), content_type="image/jpeg"))
    full = photo.renditions["full"]["size"] if "size" in photo.renditions["full"] else len(noise.getvalue())
    assert full > 4_000_000

    tracemalloc.start()
    try:
        copies = list(public_copies(photo, credentials=True))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert {copy.key for copy in copies} == set(photo.renditions)
    assert all(copy.problems == [] and copy.credentials.validates for copy in copies)
    # What is read at a time (the C2PA library asks for a megabyte or so), never the whole copy.
    assert peak < full / 3, f"{peak:,} bytes traced while auditing a {full:,}-byte copy"
