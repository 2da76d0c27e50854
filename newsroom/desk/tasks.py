"""The desk's mail, sent by the task worker (`manage.py db_worker`), never in the request that took
the step: a slow or dead mail server keeps nobody waiting, and a failed send is tried again later."""

from django.tasks import task

from newsroom.core.tasks import next_try_at
from newsroom.desk.services import send_unsent, unsent

# The wait before trying a failed send again doubles, from a minute to an hour at most: the ten
# tries (MAX_ATTEMPTS) span about four hours, long enough for a mail server's restart or outage.


@task()
def send_step_mail(story_id: int, revision_numbers: list[int]) -> dict:
    """Send the e-mail of these workflow steps of the story; what failed is tried again later, as a
    new task, until it goes or has been tried MAX_ATTEMPTS times (then the inbox alone has it)."""
    sent, failed = send_unsent(story_id=story_id, revision_numbers=revision_numbers)
    # unsent() leaves out what was tried MAX_ATTEMPTS times: then nothing is queued again.
    waiting = unsent().filter(story_id=story_id, revision_number__in=revision_numbers)
    attempts = max(waiting.values_list("attempts", flat=True), default=None)
    if failed and attempts is not None:
        send_step_mail.using(run_after=next_try_at(attempts)).enqueue(story_id, revision_numbers)
    return {"sent": sent, "failed": failed}
