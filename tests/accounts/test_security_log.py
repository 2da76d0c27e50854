"""The security log (issue 17, point 3): one JSON line per event where SECURITY_LOG points, and the
recent events in the admin for Site administrators."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsroom.accounts.models import SecurityEvent
from newsroom.accounts.roles import role_group
from newsroom.stories.models import Story
from newsroom.stories.services import empty_trash, story_publish_now, story_trash, story_withdraw
from tests.bundles.conftest import export, run, wipe_site
from tests.conftest import make_account

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).parents[2]
LOGIN = "/admin/login/"


def events(action=None):
    rows = SecurityEvent.objects.order_by("pk")
    return list(rows.filter(action=action) if action else rows)


def test_sign_ins_that_fail_and_succeed_are_logged_with_address_and_name(client):
    make_account("pat", "editor")
    client.post(LOGIN, {"username": "pat", "password": "not-it"}, REMOTE_ADDR="203.0.113.9")
    client.post(LOGIN, {"username": "pat", "password": "a-long-test-password"}, REMOTE_ADDR="203.0.113.9")
    failed, succeeded = events("login")
    assert (failed.user, failed.outcome, failed.address) == ("pat", "failure", "203.0.113.9")
    assert (succeeded.user, succeeded.outcome, succeeded.address) == ("pat", "success", "203.0.113.9")


def test_behind_our_proxies_the_address_is_the_one_the_outermost_saw(client, settings):
    settings.PROXY_COUNT = 1
    client.post(
        LOGIN,
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.44",  # the first was written by the client
    )
    assert events("login")[0].address == "192.0.2.44"


def test_accounts_made_given_roles_promoted_and_deactivated_are_logged_with_who_did_it(client):
    admin = make_account("lee", "administrator")
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "sam",
            "password1": "Another-long-pass-1",
            "password2": "Another-long-pass-1",
            "usable_password": "true",
        },
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302, response.content[:2000]
    created = events("account-create")[-1]
    assert (created.user, created.address) == ("lee", "192.0.2.10")
    assert created.object.startswith("auth.user:") and created.object.endswith(" sam")

    sam = get_user_model().objects.get(username="sam")
    sam.groups.add(role_group("editor"))
    sam.is_superuser = True
    sam.save()
    sam.is_superuser = False
    sam.is_active = False
    sam.save()
    role = events("role-change")[-1]
    assert role.details == {"change": "add roles", "items": ["Editors"]}
    promoted, demoted = events("account-change")
    assert promoted.details == {"changed": {"is_superuser": [False, True]}} and promoted.object.endswith(" sam")
    assert demoted.details == {"changed": {"is_superuser": [True, False], "is_active": [True, False]}}
    assert events("deactivate") == [], "two changes at once are an account change, not a plain deactivation"
    sam.is_superuser = False
    sam.is_active = True
    sam.save()
    sam.is_active = False
    sam.save(update_fields=["is_active"])
    assert events("deactivate")[-1].object.endswith(" sam")


def test_publishing_withdrawing_and_deleting_are_logged_once_committed(make_story, editor):
    story = make_story(published=False, headline="Levee Repairs Begin")
    story_publish_now(story=story, user=editor)
    story_withdraw(story=story, user=editor, reason="Published by mistake.")
    draft = make_story(published=False, headline="Never Ran")
    story_trash(story=draft, user=editor)
    assert [(e.action, e.user) for e in events()[-3:]] == [
        ("publish", "editor"),
        ("withdraw", "editor"),
        ("delete", "editor"),
    ]
    assert events("publish")[0].object == f"stories.story:{story.pk} Levee Repairs Begin"
    Story.objects.filter(pk=draft.pk).update(trashed_at="2000-01-01T00:00Z")
    assert empty_trash() == ["Never Ran"]
    assert events("delete")[-1].details == {"step": "Deleted for good from the trash"}


def test_a_bundle_import_is_logged(settings, tmp_path, make_story):
    make_story(headline="Carried Over")
    path = export(tmp_path / "newsroom.zip")
    wipe_site(settings, tmp_path)
    assert run("import_newsroom", path).status == 0
    imported = events("bundle-import")[-1]
    assert imported.object == str(path) and imported.outcome == "success"
    assert imported.details["stories_added"] == 1


def test_the_lines_go_where_security_log_points_one_json_object_each(tmp_path):
    log = tmp_path / "security.log"
    database = tmp_path / "db.sqlite3"
    env = {**os.environ, "SECURITY_LOG": str(log), "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "true"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "shell", "-c", "from django.contrib.auth.models import User; User.objects.create_user('kim')"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    lines = log.read_text().splitlines()
    event = json.loads(lines[-1])
    assert set(event) == {"time", "address", "user", "action", "object", "outcome", "details"}
    assert event["action"] == "account-create" and event["object"].endswith(" kim")
    assert event["time"].endswith("Z"), "UTC"


def test_site_administrators_read_recent_events_and_nobody_changes_them(client, editor):
    client.post(LOGIN, {"username": "editor", "password": "wrong"})
    client.force_login(make_account("lee", "administrator"))
    page = client.get(reverse("admin:accounts_securityevent_changelist"))
    assert page.status_code == 200
    assert "failure" in page.content.decode()
    event = events("login")[0]
    detail = client.get(reverse("admin:accounts_securityevent_change", args=[event.pk]))
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert client.post(reverse("admin:accounts_securityevent_delete", args=[event.pk])).status_code == 403
    client.force_login(editor)
    assert client.get(reverse("admin:accounts_securityevent_changelist")).status_code == 403
