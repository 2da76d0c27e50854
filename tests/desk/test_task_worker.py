"""The worker itself (`manage.py db_worker`, django-tasks-db's command), as bin/dev and production
run it: a step queues its mail in the database, the worker takes it from there and sends it over
SMTP. Transactional, so the step commits for real and the worker reconnects as it does in service."""

import pytest

from newsroom.desk.models import Notification
from newsroom.stories.models import Status
from tests.conftest import run_worker
from tests.desk.test_notifications import SmtpServer, draft_by, person, smtp_port  # noqa: F401
from tests.stories.test_workflow import change_url, edit

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_command_sends_the_mail_the_request_queued(smtp_port, client, make_story):  # noqa: F811
    jordan = person("jordan", "writer", "Jordan Lee")
    alex = person("alex", "editor", "Alex Kim")
    story = draft_by(jordan, make_story, headline="Seawall Finished", status=Status.IN_REVIEW)
    client.force_login(alex)

    with SmtpServer(smtp_port) as server:
        assert client.post(change_url(story), {**edit(story), "_publish": "1"}).status_code == 302
        assert server.messages == [] and Notification.objects.get(recipient=jordan).sent_at is None
        run_worker()

    [message] = server.messages
    assert message["To"] == jordan.email and message["Subject"] == "Published: Seawall Finished"
    assert Notification.objects.get(recipient=jordan).sent_at is not None
