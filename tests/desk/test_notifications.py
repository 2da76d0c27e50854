"""Notifications of workflow steps: who is told, in the inbox and by e-mail over a real SMTP server on
127.0.0.1 (aiosmtpd), with the reason; each kind can be turned off; a mail server that is down never
fails the step, and the message goes out when `send_notifications` runs again."""

import datetime
import email
import email.policy
import socket

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from newsroom.desk.models import Notification
from newsroom.desk.services import MAX_ATTEMPTS
from newsroom.stories.models import Status
from tests.conftest import command_output, make_account, page_text
from tests.stories.test_workflow import change_url, edit

pytestmark = pytest.mark.django_db


class Received:
    """What the SMTP server was given, each message parsed as a mail client would."""

    def __init__(self, answer="250 Message accepted for delivery"):
        self.answer = answer
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        if self.answer.startswith("250"):
            self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return self.answer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, port, answer="250 Message accepted for delivery"):
        self.received = Received(answer)
        self.controller = Controller(self.received, hostname="127.0.0.1", port=port)

    @property
    def messages(self):
        return self.received.messages

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@pytest.fixture
def smtp_port(settings):
    """Mail goes by SMTP to a port on 127.0.0.1 that the test starts a server on, or leaves dark."""
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    settings.SITE_URL = "https://www.example.gov"
    return port


def person(username, role, name):
    user = make_account(username, role)
    user.first_name, user.last_name = name.split()
    user.email = f"{username}@example.gov"
    user.save()
    return user


@pytest.fixture
def jordan(db):
    return person("jordan", "writer", "Jordan Lee")


@pytest.fixture
def alex(db):
    return person("alex", "editor", "Alex Kim")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")  # as sent: CR LF


def draft_by(user, make_story, **fields):
    return make_story(published=False, created_by=user, **fields)


def test_a_submitted_story_is_mailed_to_the_editors_over_smtp(
    smtp_port, as_user, jordan, alex, make_story, committed, run_tasks
):
    other_editor = person("sam", "editor", "Sam Ortiz")
    story = draft_by(jordan, make_story, headline="Levee Holds After Storm")

    with SmtpServer(smtp_port) as server:
        response = committed(as_user(jordan).post, change_url(story), {**edit(story), "_submit": "1"})
        assert server.messages == [], "the request only queues the mail: the task worker sends it"
        assert Notification.objects.get(recipient=alex).sent_at is None
        assert run_tasks() == 1

    assert response.status_code == 302
    assert sorted(message["To"] for message in server.messages) == [alex.email, other_editor.email]
    message = next(message for message in server.messages if message["To"] == alex.email)
    assert message["Subject"] == "For review: Levee Holds After Storm"
    text = body_of(message)
    assert text.startswith("Hello Alex Kim,\n\nJordan Lee submitted “Levee Holds After Storm” for review.")
    assert f"Open the story: https://www.example.gov/admin/stories/story/{story.pk}/change/" in text
    assert "https://www.example.gov/admin/desk/notification/settings/" in text
    assert Notification.objects.get(recipient=alex).sent_at is not None
    assert not Notification.objects.filter(recipient=jordan).exists(), "the writer took the step: nobody tells them"

    home = page_text(as_user(alex).get("/admin/"), after='id="content"')
    assert "Your inbox (1 new)" in home and "New: Jordan Lee submitted “Levee Holds After Storm” for review." in home


def test_return_to_draft_needs_a_reason_and_the_writer_reads_it(
    as_user, jordan, alex, make_story, committed, run_tasks
):
    story = draft_by(jordan, make_story, headline="Clinic Opens", status=Status.IN_REVIEW)
    editor = as_user(alex)

    refused = committed(editor.post, change_url(story), {**edit(story), "_return": "1", "return_reason": "  "})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Give a reason for returning the story to draft: the writer reads it." in page
    assert 'id="id_return_reason_error"' in page and 'aria-invalid="true"' in page
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW and mail.outbox == []

    reason = "Needs a second source for the patient numbers."
    done = committed(editor.post, change_url(story), {**edit(story), "_return": "1", "return_reason": reason})
    assert done.status_code == 302
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    run_tasks()
    [message] = mail.outbox
    assert message.to == [jordan.email] and message.subject == "Returned to draft: Clinic Opens"
    assert f"Alex Kim returned “Clinic Opens” to draft.\n\nWhat to do: {reason}" in message.body

    inbox = page_text(as_user(jordan).get("/admin/"), after='id="content"')
    assert f"Alex Kim returned “Clinic Opens” to draft. What to do: {reason}" in inbox
    revisions = page_text(editor.get(f"/admin/stories/story/{story.pk}/revisions/"))
    assert f"Returned to draft: {reason}" in revisions
    history = page_text(editor.get(f"/admin/stories/story/{story.pk}/history/"))
    assert f"Returned to draft: {reason}" in history


def test_withdraw_from_the_story_form_asks_why_on_a_confirmation_page(
    as_user, jordan, alex, make_story, committed, run_tasks
):
    story = make_story(headline="Parade Route Announced", created_by=jordan)
    editor = as_user(alex)
    withdraw_url = f"/admin/stories/story/{story.pk}/withdraw/"
    assert f'href="{withdraw_url}" class="button">Withdraw</a>' in editor.get(change_url(story)).content.decode()

    confirm = editor.get(withdraw_url)
    assert confirm.status_code == 200
    assert "Withdraw this story?" in page_text(confirm) and '<label for="id_reason"' in confirm.content.decode()

    refused = committed(editor.post, withdraw_url, {"post": "yes", "reason": ""})
    assert refused.status_code == 200
    assert "Give a reason for withdrawing the story" in page_text(refused)
    assert 'aria-describedby="id_reason_error id_reason_helptext" aria-invalid="true"' in refused.content.decode()
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED

    done = committed(editor.post, withdraw_url, {"post": "yes", "reason": "The parade was postponed."})
    assert done.status_code == 302 and done["Location"] == change_url(story)
    story.refresh_from_db()
    assert story.status == Status.WITHDRAWN
    run_tasks()
    [message] = mail.outbox
    assert message.subject == "Withdrawn: Parade Route Announced"
    assert (
        "Alex Kim withdrew “Parade Route Announced” from public view.\n\nWhy: The parade was postponed." in message.body
    )
    assert "Withdrawn: The parade was postponed." in page_text(editor.get(f"/admin/stories/story/{story.pk}/history/"))
    # Writers may not withdraw, and are not offered the button.
    writer = as_user(jordan)
    assert writer.get(withdraw_url).status_code == 403
    assert withdraw_url not in writer.get(change_url(story)).content.decode()


def test_the_withdraw_list_action_confirms_with_a_reason_first(editor_client, make_story, committed):
    story = make_story(headline="Bridge Reopens")
    action = {"action": "withdraw_selected", "_selected_action": [story.pk]}

    confirm = editor_client.post("/admin/stories/story/", action)
    assert confirm.status_code == 200
    assert "Withdraw this story?" in page_text(confirm) and "Bridge Reopens" in page_text(confirm)
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED, "nothing is withdrawn before the confirmation"

    refused = editor_client.post("/admin/stories/story/", {**action, "post": "yes", "reason": ""})
    assert "Give a reason for withdrawing the story" in page_text(refused)
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED

    done = committed(
        editor_client.post, "/admin/stories/story/", {**action, "post": "yes", "reason": "Wrong date."}, follow=True
    )
    assert "1 story withdrawn." in page_text(done)
    story.refresh_from_db()
    assert story.status == Status.WITHDRAWN
    assert story.revisions.order_by("-number").first().reason == "Wrong date."


def test_a_mail_server_that_is_down_never_fails_the_publish_and_the_mail_goes_on_retry(
    smtp_port, as_user, jordan, alex, make_story, committed, caplog, run_tasks
):
    story = draft_by(jordan, make_story, headline="Hospital Ship Returns", status=Status.IN_REVIEW)

    # Nothing listens on the port: the connection is refused.
    response = committed(as_user(alex).post, change_url(story), {**edit(story), "_publish": "1"})
    assert run_tasks() == 1

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED, "the story is published whatever the mail server says"
    notification = Notification.objects.get(recipient=jordan)
    assert (notification.sent_at, notification.attempts) == (None, 1) and notification.last_error
    assert "Could not reach the mail server to send 1 notification(s)" in caplog.text
    # The writer's inbox has it all the same.
    assert "Alex Kim published “Hospital Ship Returns”." in page_text(as_user(jordan).get("/admin/"))

    # The worker tries again a minute later, then after 2, 4 ... minutes.
    assert run_tasks() == 0, "not yet: the next try waits a minute"
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61), tick=False):
        assert run_tasks() == 1
    notification.refresh_from_db()
    assert notification.attempts == 2 and notification.sent_at is None
    with (
        SmtpServer(smtp_port) as server,
        time_machine.travel(timezone.now() + datetime.timedelta(minutes=4), tick=False),
    ):
        assert run_tasks() == 1
    message = server.messages[-1]
    assert message["To"] == jordan.email and message["Subject"] == "Published: Hospital Ship Returns"
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.last_error == "" and notification.attempts == 3
    with SmtpServer(smtp_port) as server, time_machine.travel(timezone.now() + datetime.timedelta(hours=2), tick=False):
        assert run_tasks() == 0 and "0 notification e-mails sent." in command_output("send_notifications")
    assert server.messages == [], "a message is sent once"


def test_the_worker_stops_trying_after_the_last_attempt(
    smtp_port, as_user, jordan, alex, make_story, committed, run_tasks
):
    story = draft_by(jordan, make_story, headline="Pier Closed", status=Status.IN_REVIEW)
    committed(as_user(alex).post, change_url(story), {**edit(story), "_publish": "1"})
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        later += datetime.timedelta(hours=1, seconds=1)
        with time_machine.travel(later, tick=False):
            assert run_tasks() == 1
    with time_machine.travel(later + datetime.timedelta(days=1), tick=False):
        assert run_tasks() == 0, "ten tries, then the inbox alone has it"
    notification = Notification.objects.get(recipient=jordan)
    assert notification.attempts == MAX_ATTEMPTS and notification.sent_at is None
    assert "0 notification e-mails waiting" in command_output("send_notifications", "--dry-run")


def test_the_administrators_see_each_task_and_why_one_failed(
    smtp_port, as_user, jordan, alex, make_story, committed, run_tasks, admin_client
):
    story = draft_by(jordan, make_story, headline="Gate Hours Change", status=Status.IN_REVIEW)
    committed(as_user(alex).post, change_url(story), {**edit(story), "_publish": "1"})
    listing = page_text(admin_client.get("/admin/django_tasks_database/dbtaskresult/"))
    assert "Send step mail" in listing and "Ready" in listing
    run_tasks()
    listing = page_text(admin_client.get("/admin/django_tasks_database/dbtaskresult/"))
    assert "Successful" in listing and "Ready" in listing, "the first try ran; the next waits its minute"


def test_a_mail_server_that_refuses_the_message_leaves_it_for_the_next_run(
    smtp_port, as_user, jordan, alex, make_story, committed, run_tasks
):
    story = make_story(headline="Range Closed For Exercise", created_by=jordan)
    with SmtpServer(smtp_port, answer="451 Try again later") as refusing:
        response = committed(
            as_user(alex).post, f"/admin/stories/story/{story.pk}/withdraw/", {"post": "yes", "reason": "Called off."}
        )
        assert response.status_code == 302 and run_tasks() == 1 and refusing.messages == []
        output = command_output("send_notifications")
    assert "1 notification e-mail could not be sent and will be tried again at the next run" in output
    story.refresh_from_db()
    assert story.status == Status.WITHDRAWN
    notification = Notification.objects.get(recipient=jordan)
    assert notification.sent_at is None and notification.attempts == 2 and "451" in notification.last_error

    with SmtpServer(smtp_port) as server:
        assert "1 notification e-mail sent." in command_output("send_notifications")
    assert "Why: Called off." in body_of(server.messages[0])


def test_the_inbox_says_when_a_message_is_no_longer_tried(
    smtp_port, as_user, jordan, alex, make_story, committed, run_tasks
):
    story = make_story(headline="Pier Closed for Repairs", created_by=jordan)
    committed(as_user(alex).post, f"/admin/stories/story/{story.pk}/withdraw/", {"post": "yes", "reason": "Early."})
    writer = as_user(jordan)
    assert "Queued: the task worker sends it" in page_text(writer.get("/admin/desk/notification/"))
    run_tasks()  # nothing listens on the port
    assert "Not sent yet: the mail server did not take it; it will be tried again" in page_text(
        writer.get("/admin/desk/notification/")
    )

    Notification.objects.filter(recipient=jordan).update(attempts=MAX_ATTEMPTS)

    listing = page_text(writer.get("/admin/desk/notification/"))
    assert "Not sent: it is in this inbox only" in listing and "will be tried again" not in listing
    with SmtpServer(smtp_port) as server:
        assert "0 notification e-mails sent." in command_output("send_notifications")
    assert server.messages == []


def test_a_scheduled_story_tells_the_writer_when(as_user, jordan, alex, make_story, committed, run_tasks):
    story = draft_by(jordan, make_story, headline="Change Of Command", status=Status.IN_REVIEW)
    later = timezone.localtime() + datetime.timedelta(days=2)
    data = {**edit(story), "published_at_0": f"{later:%Y-%m-%d}", "published_at_1": "09:00:00", "_schedule": "1"}
    assert committed(as_user(alex).post, change_url(story), data).status_code == 302
    run_tasks()
    [message] = mail.outbox
    assert message.subject == "Scheduled: Change Of Command"
    assert "Alex Kim scheduled “Change Of Command” for " in message.body and "9 a.m." in message.body


def test_each_person_can_turn_each_kind_off(as_user, jordan, alex, make_story, committed, run_tasks):
    writer = as_user(jordan)
    settings_page = writer.get("/admin/desk/notification/settings/")
    assert settings_page.status_code == 200
    html = settings_page.content.decode()
    assert "Your story is published" in html and html.count('type="checkbox"') == 6 and html.count("checked") == 6
    assert "Your story is retracted, with the reason" in html
    kept = ["submitted", "returned", "scheduled", "withdrawn", "retracted"]
    assert writer.post("/admin/desk/notification/settings/", {"kinds": kept}).status_code == 302
    assert writer.get("/admin/desk/notification/settings/").content.decode().count("checked") == 5

    published = draft_by(jordan, make_story, headline="Quiet Story", status=Status.IN_REVIEW)
    committed(as_user(alex).post, change_url(published), {**edit(published), "_publish": "1"})
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert run_tasks() == 0 and mail.outbox == [] and not Notification.objects.filter(recipient=jordan).exists()

    committed(
        as_user(alex).post, f"/admin/stories/story/{published.pk}/withdraw/", {"post": "yes", "reason": "Duplicate."}
    )
    run_tasks()
    assert [message.subject for message in mail.outbox] == ["Withdrawn: Quiet Story"], "other kinds still come"


def test_the_inbox_marks_all_as_read(as_user, jordan, alex, make_story, committed, run_tasks):
    story = make_story(headline="Dock Repairs Finished", created_by=jordan)
    committed(as_user(alex).post, f"/admin/stories/story/{story.pk}/withdraw/", {"post": "yes", "reason": "Wrong."})
    writer = as_user(jordan)
    assert "Your inbox (1 new)" in page_text(writer.get("/admin/"))
    assert writer.post("/admin/desk/notification/read/").status_code == 302
    home = page_text(writer.get("/admin/"))
    assert "Your inbox (" not in home and "Alex Kim withdrew “Dock Repairs Finished” from public view." in home
    assert "Queued: the task worker sends it" in page_text(writer.get("/admin/desk/notification/"))
    run_tasks()
    listing = page_text(writer.get("/admin/desk/notification/"))
    assert "Alex Kim withdrew “Dock Repairs Finished”" in listing and "Sent " in listing
    assert "Dock Repairs Finished" not in page_text(as_user(alex).get("/admin/desk/notification/")), "one's own only"


def test_a_mail_server_that_hangs_never_delays_the_step(
    smtp_port, settings, as_user, jordan, alex, make_story, committed, run_tasks
):
    settings.MAILERS["default"]["OPTIONS"]["timeout"] = 1
    story = make_story(headline="Air Show Cancelled", created_by=jordan)
    with socket.socket() as silent:  # takes the connection and never says a word
        silent.bind(("127.0.0.1", smtp_port))
        silent.listen()
        response = committed(
            as_user(alex).post, f"/admin/stories/story/{story.pk}/withdraw/", {"post": "yes", "reason": "Weather."}
        )
        assert response.status_code == 302
        silent.setblocking(False)
        with pytest.raises(BlockingIOError):
            silent.accept()  # the request never called the mail server: the editor never waits for it
        silent.setblocking(True)
        assert run_tasks() == 1, "the worker called it, and gave up after EMAIL_TIMEOUT"
    story.refresh_from_db()
    assert story.status == Status.WITHDRAWN
    notification = Notification.objects.get(recipient=jordan)
    assert notification.sent_at is None and notification.attempts == 1


def test_the_publish_list_action_tells_the_writer(as_user, jordan, alex, make_story, committed, run_tasks):
    story = draft_by(jordan, make_story, headline="Flags At Half-Staff", status=Status.IN_REVIEW)
    action = {"action": "publish_selected", "_selected_action": [story.pk]}
    committed(as_user(alex).post, "/admin/stories/story/", action)
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    run_tasks()
    [message] = mail.outbox
    assert message.to == [jordan.email] and message.subject == "Published: Flags At Half-Staff"


def test_the_services_refuse_to_withdraw_or_return_without_a_reason(make_story, editor):
    from django.core.exceptions import ValidationError

    from newsroom.stories.services import story_return_to_draft, story_withdraw

    story = make_story(headline="Still Live")
    with pytest.raises(ValidationError, match="Give a reason for withdrawing the story"):
        story_withdraw(story=story, user=editor, reason=" \n ")
    with pytest.raises(ValidationError, match="Give a reason for returning the story to draft: the writer reads it."):
        story_return_to_draft(story=story, user=editor, reason="")
    story.refresh_from_db()
    assert (story.status, story.revisions.count()) == (Status.PUBLISHED, 0)


def test_changes_to_a_live_story_are_told_to_the_editors_then_the_writer(
    as_user, jordan, alex, make_story, committed, run_tasks
):
    story = make_story(headline="Ship Returns Home", created_by=jordan)
    changed = {**edit(story), "summary": "The ship returned two days early.", "_submit_changes": "1"}
    committed(as_user(jordan).post, change_url(story), changed)
    run_tasks()
    [for_review] = mail.outbox
    assert for_review.to == [alex.email] and for_review.subject == "For review: Ship Returns Home"

    story.refresh_from_db()  # the form opened again, at the new version, on the changes
    publish = {**edit(story), "summary": "The ship returned two days early.", "_publish_changes": "1"}
    committed(as_user(alex).post, change_url(story), publish)
    story.refresh_from_db()
    assert story.summary == "The ship returned two days early."
    run_tasks()
    published = mail.outbox[-1]
    assert published.to == [jordan.email] and published.subject == "Published: Ship Returns Home"
