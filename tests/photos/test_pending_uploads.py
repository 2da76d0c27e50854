"""Uploads kept between rounds of the photo form: a few per person, and removed on a schedule."""

import datetime
import os
import re
from pathlib import Path

import pytest

from newsroom.photos.models import PhotoAsset
from tests.conftest import command_output, make_account
from tests.photos.conftest import blank_form, sample

pytestmark = pytest.mark.django_db

ADD = "/admin/photos/photoasset/add/"
ROOT = Path(__file__).resolve().parents[2]


def first_round(client, name="210614-A-KX193-1002.jpg") -> str:
    """Choose a file (the form reads it and keeps it for the next round); the kept file's preview address."""
    page = client.post(ADD, blank_form(original=sample(name))).content.decode()
    assert "Your file is kept: no need to choose it again." in page
    return re.search(r'src="(/admin/photos/photoasset/pending/[^"]+/preview\.jpg)"', page).group(1)


def kept_files(private_root) -> list[Path]:
    return sorted((Path(private_root) / "pending").glob("*"))


def test_each_person_keeps_only_their_latest_uploads(client, settings, editor, private_root):
    settings.PENDING_UPLOADS_PER_PERSON = 2
    colleague = make_account("colleague", "editor")
    client.force_login(colleague)
    theirs = first_round(client)
    client.force_login(editor)

    first, second, third = (first_round(client) for _ in range(3))

    assert len(kept_files(private_root)) == 3, "two of the editor's, one of the colleague's"
    assert client.get(first).status_code == 404, "the oldest went to make room"
    assert client.get(second).status_code == 200 and client.get(third).status_code == 200
    client.force_login(colleague)
    assert client.get(theirs).status_code == 200, "another person's limit is their own"


def test_a_kept_upload_is_its_uploaders_own(client, editor, private_root):
    client.force_login(editor)
    preview = first_round(client)

    client.force_login(make_account("colleague", "editor"))

    assert client.get(preview).status_code == 404
    token = preview.split("/")[-2]
    response = client.post(ADD, blank_form(pending_upload=token, alt_text="A levee."))
    assert response.status_code == 200 and not PhotoAsset.objects.exists()
    assert "This field is required." in response.context["adminform"].form.errors["original"]


def test_clean_pending_uploads_removes_those_older_than_the_setting(editor_client, settings, private_root):
    settings.PENDING_UPLOAD_HOURS = 6
    old_preview, new_preview = first_round(editor_client), first_round(editor_client)
    old, new = sorted(kept_files(private_root), key=lambda path: path.stat().st_mtime)
    seven_hours_ago = (datetime.datetime.now() - datetime.timedelta(hours=7)).timestamp()
    os.utime(old, (seven_hours_ago, seven_hours_ago))

    listed = command_output("clean_pending_uploads", "--dry-run", "-v", "2")

    assert f"pending/{old.name} (" in listed and new.name not in listed
    assert "Would remove 1 kept upload older than 6 hours (" in listed and "Dry run: nothing was removed." in listed
    assert kept_files(private_root) == sorted([old, new])

    assert command_output("clean_pending_uploads").startswith("Removed 1 kept upload older than 6 hours (")

    assert kept_files(private_root) == [new]
    assert editor_client.get(old_preview).status_code == 404
    assert editor_client.get(new_preview).status_code == 200
    assert command_output("clean_pending_uploads") == "Removed 0 kept uploads older than 6 hours (0 bytes).\n"


def test_clean_pending_uploads_with_nothing_ever_kept_says_so(private_root):
    out = command_output("clean_pending_uploads")
    assert out == "Removed 0 kept uploads older than 24 hours (0 bytes).\n"


def test_bin_dev_runs_it_with_its_once_a_minute_jobs():
    script = (ROOT / "bin" / "dev").read_text()
    loop = re.search(r"while sleep 60; do\n(.*?)\n  done", script, flags=re.S).group(1)
    assert "manage clean_pending_uploads -v0" in loop
