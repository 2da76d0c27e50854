"""The task worker as production runs it: `manage.py db_worker` in a process of its own, reading the
queue a step wrote in the shared database, sending the step's mail to a real SMTP server."""

from tests.desk.test_notifications import SmtpServer, free_port
from tests.website.servers import manage
from tests.website.test_servers import shared  # noqa: F401

STEP = """
from django.contrib.auth.models import User
from newsroom.accounts.roles import role_group
from newsroom.stories.models import Status, Story
from newsroom.stories.services import story_create, story_publish
from tests.conftest import story_fields
writer = User.objects.create_user("jordan", "jordan@example.gov", first_name="Jordan", last_name="Lee", is_staff=True)
editor = User.objects.create_user("alex", "alex@example.gov", first_name="Alex", last_name="Kim", is_staff=True)
writer.groups.add(role_group("writer")); editor.groups.add(role_group("editor"))
story = story_create(story=Story(**story_fields(published=False, headline="Seawall Finished")), user=writer)
story_publish(story=story, user=editor)
"""


def test_a_worker_process_sends_the_mail_a_step_queued(shared):  # noqa: F811
    port = free_port()
    mail = {"EMAIL_URL": f"smtp://127.0.0.1:{port}", "SITE_URL": "https://www.example.gov"}
    with SmtpServer(port) as server:
        manage("shell", "--no-imports", "-c", STEP, **shared, **mail)
        assert server.messages == [], "the step queued its mail and sent nothing itself"
        done = manage(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", **shared, **mail
        )
    [message] = server.messages
    assert message["To"] == "jordan@example.gov" and message["Subject"] == "Published: Seawall Finished", done.stderr
