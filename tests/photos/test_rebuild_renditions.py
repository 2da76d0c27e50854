"""The audit of stored public copies: it finds unsafe, missing and stray files, and repairs them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newsroom.photos.imaging import public_file_problems
from tests.photos.conftest import SAMPLES

pytestmark = pytest.mark.django_db


def run(*args):
    """The exit status and what the operator reads (the summary of a failed run is the error)."""
    out = StringIO()
    try:
        call_command("rebuild_renditions", *args, stdout=out, stderr=out)
        status = 0
    except CommandError as error:
        status = error.returncode
        out.write(f"{error}\n")
    return status, out.getvalue()


@pytest.fixture
def damaged(make_photo, media_root):
    """A photo whose full-size copy was replaced by the GPS-laden original, and one missing a rendition."""
    leaky = make_photo(virin="210614-A-KX193-1002", public=True)
    (media_root / leaky.full_size["name"]).write_bytes((SAMPLES / "210614-A-KX193-1002.jpg").read_bytes())
    incomplete = make_photo(virin="210615-N-QR552-1045", public=True)
    (media_root / incomplete.renditions["w480.webp"]["name"]).unlink()
    stray = media_root / "photos" / "21" / "stray.jpg"
    stray.write_bytes(b"left behind")
    return leaky, incomplete, stray


def test_dry_run_reports_every_problem_changes_nothing_and_fails(damaged, media_root):
    leaky, incomplete, stray = damaged
    before = sorted(p.read_bytes() for p in media_root.rglob("*") if p.is_file())

    status, output = run("--dry-run")

    assert status == 1
    assert "210614-A-KX193-1002: full: GPS position; full: camera serial number" in output
    assert "210615-N-QR552-1045: w480.webp: file missing" in output
    assert "photos/21/stray.jpg: no photo uses this public file" in output
    assert "2 photos with problems, 1 unused public files. Nothing changed (dry run)." in output
    assert sorted(p.read_bytes() for p in media_root.rglob("*") if p.is_file()) == before


def test_without_dry_run_it_repairs_and_a_second_audit_is_clean(damaged, media_root):
    leaky, incomplete, stray = damaged
    status, output = run()
    assert status == 0 and "2 photos with problems; remade 2; deleted 1 unused public files." in output
    leaky.refresh_from_db()
    assert public_file_problems((media_root / leaky.full_size["name"]).read_bytes()) == []
    assert not stray.exists()
    assert run("--dry-run") == (0, "0 photos with problems, 0 unused public files. Nothing changed (dry run).\n")


def test_an_unknown_virin_is_a_clear_error(make_photo):
    with pytest.raises(CommandError, match="No photo has VIRIN 999999-A-AA111-1111") as raised:
        call_command("rebuild_renditions", "999999-A-AA111-1111", stdout=StringIO())
    assert raised.value.returncode == 2


def test_a_photo_whose_original_is_gone_fails_alone_and_says_what_to_do(make_photo, media_root, private_root):
    lost = make_photo(virin="210614-A-KX193-1002", public=True)
    (private_root / lost.original.name).unlink()
    (media_root / lost.full_size["name"]).unlink()
    fine = make_photo(virin="210615-N-QR552-1045", public=True)
    (media_root / fine.renditions["w480.webp"]["name"]).unlink()

    status, output = run()

    assert status == 1
    assert "210614-A-KX193-1002: copies not remade: its original is missing. Restore the original" in output
    assert "2 photos with problems; remade 1; deleted 0 unused public files. 1 could not be remade" in output
    assert (media_root / fine.renditions["w480.webp"]["name"]).exists()


def test_a_photo_whose_copies_task_was_lost_is_made_here_with_no_worker(make_photo, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from newsroom.photos.models import Copies
    from newsroom.photos.services import photo_save

    photo = make_photo()
    photo.credit = "Marine Corps"
    with django_capture_on_commit_callbacks(execute=True):
        photo_save(photo=photo, user=None)
    DBTaskResult.objects.all().delete()  # the queue lost (cleared, or the server died before queueing)

    assert run("--dry-run")[1].startswith(f"{photo.virin}: copies not made yet (queued for the task worker)")
    status, output = run()
    assert status == 0 and "1 photos with problems; remade 1" in output
    photo.refresh_from_db()
    assert photo.copies == Copies.MADE and photo.has_image
    assert run("--dry-run")[0] == 0
