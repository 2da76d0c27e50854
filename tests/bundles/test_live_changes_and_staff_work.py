"""Moving a site keeps a live story's unpublished changes, always; and, when the operator moves the
newsroom with its staff (--with-staff-accounts on both commands), the staff's notes, working copies,
notifications and notification settings. Without it those stay out of the bundle file."""

import datetime
import json
import zipfile

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsroom.accounts.models import SecurityEvent
from newsroom.bundles.restore import NOT_SENT_HERE
from newsroom.desk.models import Notification, TurnedOff
from newsroom.desk.services import mark_read, set_turned_off
from newsroom.editing.models import WorkingCopy
from newsroom.editing.services import working_copy_save
from newsroom.notes.models import Note
from newsroom.notes.services import note_add, note_resolve
from newsroom.stories.models import PendingChanges, Story
from newsroom.stories.services import (
    story_publish_changes,
    story_return_to_draft,
    story_save_changes,
    story_schedule_changes,
    story_submit,
)
from tests.bundles.conftest import export, run, wipe_site
from tests.conftest import command_output, make_account, page_text
from tests.desk.test_notifications import SmtpServer, free_port, person
from tests.stories.test_workflow import change_url, edit

pytestmark = pytest.mark.django_db

LIVE = "Levee Holds Through Second Night of Flooding"
CHANGED = "Engineers Declare Levee Repairs Finished Early"
SHIP_LIVE = "Hospital Ship Arrives in Port"
SHIP_CHANGED = "Hospital Ship Opens Its Doors to Visitors"
BODY = "<p>Crews stacked sandbags along the levee all night.</p><p>The river crested at dawn.</p>"
NOTE = "Is “two feet” confirmed by the Corps? Zanzibarine."  # a word only the notes have
OPEN_NOTE = "Photo credit still missing."
TYPED = {
    "headline": "Levee Repairs Nearly Done",
    "slug": "levee-repairs-nearly-done",
    "summary": "Typed, never saved: Quetzalcoatl.",  # a word only the working copy has
    "byline": "Jordan Lee, DOD News",
    "body": "<p>Crews are closing the last breach.</p>",
}
REASON = "Add the Corps' figures and a photo credit."
STAFF_MEMBERS = {
    "records/notes.ndjson",
    "records/working_copies.ndjson",
    "records/notifications.ndjson",
    "records/notifications_turned_off.ndjson",
}


def changes_to_levee():
    return {"headline": CHANGED, "slug": "levee-repairs-finished", "body": "<p>The cofferdam came out early.</p>"}


def mail_by_smtp(settings, port) -> int:
    """Mail goes by SMTP to this port on 127.0.0.1, where a test's server listens, or nothing does."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    return port


@pytest.fixture
def desk_site(settings, make_story, committed, run_tasks):
    """A newsroom at work: a live story whose changes wait for review, another whose changes are
    scheduled, a returned draft, notes, working copies, notifications (one the mail server was down
    for) and a kind of notification turned off."""
    jordan, alex = person("jordan", "writer", "Jordan Lee"), person("alex", "editor", "Alex Kim")
    levee = make_story(headline=LIVE, slug="levee-holds", body=BODY, created_by=jordan)
    committed(
        story_save_changes,
        story=levee,
        changes=changes_to_levee(),
        user=jordan,
        expected_version=levee.version,
        submit=True,
    )
    ship = make_story(headline=SHIP_LIVE, slug="hospital-ship", created_by=jordan)
    committed(story_save_changes, story=ship, changes={"headline": SHIP_CHANGED}, user=alex, expected_version=1)
    ship.refresh_from_db()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    committed(story_schedule_changes, story=ship, user=alex, at=tomorrow, expected_version=ship.version)

    draft = make_story(published=False, headline="Clinic Opens on Base", created_by=jordan)
    committed(story_submit, story=draft, user=jordan)  # Alex is told, and mailed
    run_tasks()
    mark_read(alex)
    # The mail server goes down: Jordan is told in the inbox, the mail waits unsent.
    mail_by_smtp(settings, free_port())
    committed(story_return_to_draft, story=Story.objects.get(pk=draft.pk), user=alex, reason=REASON)
    run_tasks()
    set_turned_off(jordan, {"published"})

    levee.refresh_from_db()
    thread = note_add(story=levee, user=jordan, text=NOTE, block=1)
    note_add(story=levee, user=alex, text="Yes: Corps of Engineers, 6 a.m.", reply_to=thread)
    note_resolve(note=thread, user=alex)
    note_add(story=levee, user=alex, text=OPEN_NOTE)
    working_copy_save(user=jordan, story=levee, fields=TYPED, based_on_version=levee.version)
    working_copy_save(
        user=alex, story=None, fields={**TYPED, "headline": "A Story Not Added Yet"}, based_on_version=None
    )
    return {"levee": levee, "ship": ship, "draft": draft, "tomorrow": tomorrow}


def staff_rows() -> dict:
    """The staff's own work as stored, naming people by username (keys may differ after an import)."""

    def by_name(pk):
        return get_user_model().objects.get(pk=pk).username if pk else None

    notes = [
        {**row, "author_id": by_name(row["author_id"]), "resolved_by_id": by_name(row["resolved_by_id"])}
        for row in Note.objects.order_by("pk").values()
    ]
    copies = [
        {**row, "id": None, "user_id": by_name(row["user_id"])}
        for row in WorkingCopy.objects.order_by("saved_at").values()
    ]
    notifications = [
        {**row, "recipient_id": by_name(row["recipient_id"]), "actor_id": by_name(row["actor_id"])}
        for row in Notification.objects.order_by("pk").values()
    ]
    turned_off = sorted((by_name(user), kind) for user, kind in TurnedOff.objects.values_list("user", "kind"))
    return {"notes": notes, "working copies": copies, "notifications": notifications, "turned off": turned_off}


def members(path) -> set:
    with zipfile.ZipFile(path) as bundle:
        return set(bundle.namelist())


def every_byte(path) -> bytes:
    with zipfile.ZipFile(path) as bundle:
        return b"".join(bundle.read(name) for name in bundle.namelist())


def signed_in(username) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_staffs_work_comes_back_when_the_newsroom_moves_with_its_staff(settings, tmp_path, desk_site, committed):
    before = staff_rows()
    assert len(before["notes"]) == 3 and len(before["working copies"]) == 2 and len(before["turned off"]) == 1
    unsent = Notification.objects.get(recipient__username="jordan")
    assert (unsent.sent_at, unsent.attempts) == (None, 1), "the mail server was down for it"
    result = run("export_newsroom", tmp_path / "move.zip", "--with-staff-accounts")
    assert result.status == 0, result.err
    assert members(tmp_path / "move.zip") >= STAFF_MEMBERS
    wipe_site(settings, tmp_path)
    assert not Note.objects.exists() and not WorkingCopy.objects.exists() and not TurnedOff.objects.exists()
    mail.outbox.clear()

    result = committed(run, "import_newsroom", tmp_path / "move.zip", "--with-staff-accounts")

    assert result.status == 0, result.err
    assert (
        "With the staff accounts: 3 notes, 2 working copies, 3 notifications and 1 kind of notification turned off. "
        "1 notification not e-mailed there is in the inbox here but will not be e-mailed."
    ) in result.out
    after = staff_rows()
    assert after["notes"] == before["notes"], "threads, anchors, authors, times and resolved state"
    assert after["working copies"] == before["working copies"]
    assert after["turned off"] == before["turned off"]
    for row in before["notifications"]:  # the unsent one is marked as no longer tried; the rest as it was
        if row["sent_at"] is None:
            row.update(attempts=10, last_error=f"Not sent: {NOT_SENT_HERE.removeprefix('Not sent: ')}")
    assert after["notifications"] == before["notifications"]

    levee = desk_site["levee"]
    alex, jordan = signed_in("alex"), signed_in("jordan")
    notes = page_text(alex.get(reverse("admin:notes_note_story", args=[levee.pk])), after='id="content"')
    assert "2 threads, 1 open" in notes
    assert "On the paragraph starting “Crews stacked sandbags along the levee all night.”" in notes
    assert NOTE in notes and "Yes: Corps of Engineers, 6 a.m." in notes and OPEN_NOTE in notes
    assert "(resolved)" in notes and "Resolved by Alex Kim" in notes

    mine = jordan.get(reverse("editing:working_copy", args=[levee.pk])).json()["workingCopy"]
    assert mine["fields"] == TYPED and mine["basedOnVersion"] == levee.version
    assert alex.get(reverse("editing:working_copy", args=[levee.pk])).json()["workingCopy"] is None
    assert alex.get(reverse("editing:new_working_copy")).json()["workingCopy"]["fields"]["headline"] == (
        "A Story Not Added Yet"
    )

    home = page_text(jordan.get("/admin/"), after='id="content"')
    assert "Your inbox (1 new)" in home
    assert f"Alex Kim returned “Clinic Opens on Base” to draft. What to do: {REASON}" in home
    assert "Not sent: it is in this inbox only" in page_text(jordan.get("/admin/desk/notification/"))
    editor_home = page_text(alex.get("/admin/"), after='id="content"')
    assert "Your inbox (" not in editor_home, "read stays read"
    assert "Jordan Lee submitted “Clinic Opens on Base” for review." in editor_home
    settings_page = jordan.get("/admin/desk/notification/settings/").content.decode()
    assert settings_page.count('type="checkbox"') == 6 and settings_page.count("checked") == 5

    # The mail server here is up: still no old mail goes out, whoever sends.
    port = mail_by_smtp(settings, free_port())
    with SmtpServer(port) as server:
        assert "0 notification e-mails sent." in command_output("send_notifications")
    assert server.messages == [] and mail.outbox == []
    assert SecurityEvent.objects.filter(action="bundle-import").last().details["staff_work"] is True


def test_a_live_storys_unpublished_changes_always_travel_and_can_be_published_after(
    settings, tmp_path, desk_site, committed
):
    levee = desk_site["levee"]
    pending_before = list(
        PendingChanges.objects.order_by("story").values("story", "snapshot", "submitted_at", "publish_at")
    )
    bundle = export(tmp_path / "handed-on.zip")
    wipe_site(settings, tmp_path)

    result = run("import_newsroom", bundle)

    assert result.status == 0, result.err
    pending_after = list(
        PendingChanges.objects.order_by("story").values("story", "snapshot", "submitted_at", "publish_at")
    )
    assert pending_after == pending_before, "the changes, when they were submitted, when they are scheduled for"
    reader = Client()
    page = page_text(reader.get("/news/levee-holds/"))
    assert LIVE in page and CHANGED not in page, "readers see the live version"
    assert reader.get("/news/levee-repairs-finished/").status_code == 404
    assert SHIP_LIVE in page_text(reader.get("/news/hospital-ship/"))

    # The accounts came without their access: an editor of this site opens the story.
    editor = Client()
    editor.force_login(make_account("chief", "editor"))
    listing = page_text(editor.get("/admin/stories/story/?status=all"))
    assert "Live, with unpublished changes" in listing
    form = editor.get(change_url(levee)).content.decode()
    assert f'value="{CHANGED}"' in form and "This form shows unpublished changes" in page_text(
        editor.get(change_url(levee))
    )

    story = Story.objects.get(pk=levee.pk)
    published = committed(editor.post, change_url(story), edit(story, **changes_to_levee(), _publish_changes="1"))
    assert published.status_code == 302
    assert CHANGED in page_text(reader.get("/news/levee-repairs-finished/"))
    assert reader.get("/news/levee-holds/")["Location"] == "/news/levee-repairs-finished/"

    # The scheduled changes go out at their time, here as they would have there.
    with time_machine.travel(desk_site["tomorrow"] + datetime.timedelta(minutes=1)):
        assert f"Published the scheduled changes to “{SHIP_CHANGED}”" in command_output("publish_scheduled_changes")
    assert SHIP_CHANGED in page_text(reader.get("/news/hospital-ship/"))
    assert not PendingChanges.objects.exists()


def test_without_the_option_the_staffs_work_is_not_in_the_bundle_file(settings, tmp_path, desk_site):
    result = run("export_newsroom", tmp_path / "handed-on.zip")

    assert result.status == 0, result.err
    assert "Notes, working copies and notifications stayed behind (--with-staff-accounts carries them)." in result.out
    path = tmp_path / "handed-on.zip"
    assert "records/pending_changes.ndjson" in members(path)
    assert not STAFF_MEMBERS & members(path)
    contents = every_byte(path)
    assert CHANGED.encode() in contents, "the unpublished changes travel"
    # The notes' and the working copy's words are nowhere (a return's reason is the story's history, and goes).
    assert b"Zanzibarine" not in contents and b"Quetzalcoatl" not in contents
    with zipfile.ZipFile(path) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["staff_work"] is False and "notes" not in manifest["records"]
    assert manifest["records"]["pending_changes"] == 2

    # Imported as a site's own backup all the same, it says what it lacks.
    wipe_site(settings, tmp_path)
    result = run("import_newsroom", path, "--with-staff-accounts")
    assert result.status == 0, result.err
    assert "The bundle carries no notes, working copies or notifications: it was exported without" in result.err
    assert not Note.objects.exists() and not WorkingCopy.objects.exists() and not Notification.objects.exists()
    assert PendingChanges.objects.count() == 2


def test_a_bundle_with_the_staffs_work_brings_none_of_it_without_their_access(settings, tmp_path, desk_site):
    bundle = tmp_path / "move.zip"
    assert run("export_newsroom", bundle, "--with-staff-accounts").status == 0
    wipe_site(settings, tmp_path)

    result = run("import_newsroom", bundle)

    assert result.status == 0, result.err
    assert "carries the staff's notes, working copies and notifications; they were left out" in result.err
    assert "Import it with --with-staff-accounts to bring them." in result.err
    assert not Note.objects.exists() and not WorkingCopy.objects.exists()
    assert not Notification.objects.exists() and not TurnedOff.objects.exists()
    assert PendingChanges.objects.count() == 2


NEWER = "Engineers Finish Levee Repairs Two Weeks Early"


@pytest.fixture
def old_and_new(settings, tmp_path, desk_site, committed):
    """Two bundles of the desk site, both with its staff: one made before more work was done there
    (the levee's changes saved again, a reply to the open thread, the ship's changes published),
    one after. The site is then emptied, and the older bundle restored."""
    old = tmp_path / "old.zip"
    assert run("export_newsroom", old, "--with-staff-accounts").status == 0
    levee, ship = (Story.objects.get(pk=desk_site[name].pk) for name in ("levee", "ship"))
    alex = get_user_model().objects.get(username="alex")
    committed(
        story_save_changes,
        story=levee,
        changes={**changes_to_levee(), "headline": NEWER},
        user=alex,
        expected_version=levee.version,
    )
    note_add(story=levee, user=alex, text="Credit added: USACE photo.", reply_to=Note.objects.get(text=OPEN_NOTE))
    committed(story_publish_changes, story=ship, user=alex)
    new = tmp_path / "new.zip"
    assert run("export_newsroom", new, "--with-staff-accounts").status == 0
    counts = {model: model.objects.count() for model in (Note, WorkingCopy, Notification, TurnedOff)}
    wipe_site(settings, tmp_path)
    assert run("import_newsroom", old, "--with-staff-accounts").status == 0
    return new, counts


def test_merging_a_newer_copy_brings_its_changes_in_place_of_the_older_and_adds_to_the_notes(old_and_new, desk_site):
    new, counts = old_and_new
    levee = desk_site["levee"]
    assert PendingChanges.objects.get(story=levee.pk).snapshot["headline"] == CHANGED
    assert Note.objects.count() == 3

    result = run("import_newsroom", new, "--merge", "--with-staff-accounts")

    assert result.status == 0, result.err
    # The newer copy's changes, in place of the older copy's; and none where it has none (published there).
    assert PendingChanges.objects.get(story=levee.pk).snapshot["headline"] == NEWER
    editor = signed_in("alex")
    assert f'value="{NEWER}"' in editor.get(change_url(levee)).content.decode()
    assert not PendingChanges.objects.filter(story=desk_site["ship"].pk).exists()
    assert SHIP_CHANGED in page_text(Client().get("/news/hospital-ship/"))
    # Notes are history: added to, never doubled; the thread has its new reply.
    assert {model: model.objects.count() for model in counts} == counts
    notes = page_text(editor.get(reverse("admin:notes_note_story", args=[levee.pk])), after='id="content"')
    assert "2 threads, 1 open" in notes and "Credit added: USACE photo." in notes
    assert Note.objects.get(text="Credit added: USACE photo.").reply_to == Note.objects.get(text=OPEN_NOTE)

    again = run("import_newsroom", new, "--merge", "--with-staff-accounts")
    assert again.status == 0, again.err
    assert "0 records added, 0 updated" in again.out
    assert {model: model.objects.count() for model in counts} == counts


def test_a_story_changed_here_since_keeps_its_own_unpublished_changes(old_and_new, desk_site, committed):
    new, _ = old_and_new
    levee = Story.objects.get(pk=desk_site["levee"].pk)
    here = "Levee Repairs: What Changed Here"
    committed(
        story_save_changes,
        story=levee,
        changes={"headline": here},
        user=get_user_model().objects.get(username="alex"),
        expected_version=levee.version,
    )

    result = run("import_newsroom", new, "--merge", "--with-staff-accounts")

    assert result.status == 1
    assert "Conflict: story “levee-holds”: changed here after the bundle's copy" in result.err
    assert PendingChanges.objects.get(story=levee.pk).snapshot["headline"] == here
    assert not Note.objects.filter(text="Credit added: USACE photo.").exists(), "none of a story in conflict"


def test_a_bundle_made_before_notes_could_wait_brings_its_corrections_public(settings, tmp_path, make_story):
    from newsroom.stories.models import Correction
    from tests.bundles.conftest import as_format

    story = make_story(headline="Levee Holds", slug="levee-holds")
    Correction.objects.create(story=story, text="An earlier version gave the wrong river.")
    bundle = export(tmp_path / "newsroom.zip")

    old = as_format(bundle, tmp_path / "format-5.zip", version=5)
    wipe_site(settings, tmp_path)

    result = run("import_newsroom", old)

    assert result.status == 0, result.err
    assert list(Correction.objects.values_list("text", "pending")) == [
        ("An earlier version gave the wrong river.", False)
    ]
    assert "wrong river" in page_text(Client().get("/news/levee-holds/"))
