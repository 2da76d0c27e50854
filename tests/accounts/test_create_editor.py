import pytest
from django.contrib.auth import get_user_model

from tests.conftest import command_output

pytestmark = pytest.mark.django_db


def test_creates_a_staff_editor_who_can_log_in_and_edit_stories(client, tmp_path):
    password_file = tmp_path / ".demo-login"
    output = command_output("create_editor", "editor", "--password-file", str(password_file))

    password = password_file.read_text().strip()
    assert f"password “{password}”" in output
    assert oct(password_file.stat().st_mode & 0o777) == "0o600"
    user = get_user_model().objects.get(username="editor")
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("stories.add_story") and user.has_perm("photos.change_photoasset")
    # Through the login page, as the editor signs in (the lockout's check needs the request).
    signed_in = client.post("/admin/login/", {"username": "editor", "password": password, "next": "/admin/"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert client.get("/admin/stories/story/add/").status_code == 200


def test_running_again_changes_nothing_and_prints_the_same_login(tmp_path):
    password_file = tmp_path / ".demo-login"
    first = command_output("create_editor", "editor", "--password-file", str(password_file))
    second = command_output("create_editor", "editor", "--password-file", str(password_file))
    assert first == second
    assert get_user_model().objects.count() == 1


def test_an_existing_account_is_left_alone():
    get_user_model().objects.create_user("jdoe", password="their-own-password")
    output = command_output("create_editor", "jdoe")
    assert "already exists; left unchanged" in output
    assert get_user_model().objects.get(username="jdoe").check_password("their-own-password")
