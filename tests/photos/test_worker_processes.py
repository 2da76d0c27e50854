"""Two real task workers (`manage.py db_worker`, as production runs them under systemd) share one
queue: the copies of every photo an editor uploads are made once, by one of them.

Each worker is its own process, with the database and folders the test gives it: on a PostgreSQL
run the test database (committed rows, emptied when the test ends), on SQLite a file copied from the
test's in-memory database, which no other process can open. The editor's uploads and the reading of
the results run in a `manage.py shell` of their own (tests/photos/desk_process.py) for the same reason.
"""

import contextlib
import json
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from newsroom.photos.tasks import make_photo_copies
from tests.website.servers import ROOT, manage, server_env

# Transactional: on PostgreSQL so the workers see committed rows; on SQLite so no transaction is
# open on the test database while it is copied.
pytestmark = pytest.mark.django_db(transaction=True)

PHOTOS = 8
WORKERS = ("worker-1", "worker-2")


@pytest.fixture
def shared(tmp_path, settings):
    """The environment the workers and the editor's shell get: one database, the test's folders."""
    if connection.vendor == "postgresql":
        database_url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    else:
        # The test database, already migrated, copied to a file (as Django clones an in-memory test
        # database for parallel runs): a second's work where `migrate` takes eight.
        database = tmp_path / "newsroom.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(database)) as copy:
            connection.connection.backup(copy)
        database_url = f"sqlite:///{database}"
    return {
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "LOG_LEVEL": "INFO",  # the workers' logs, shown when the test fails
    }


@contextlib.contextmanager
def db_workers(names, *, tasks_each, env, logs: Path):
    """Running workers, one per name. Each stops by itself after `tasks_each` tasks, and in any case
    when the block ends: none may outlive the test and write to a database emptied for the next one."""
    started = []
    try:
        for name in names:
            with (logs / f"{name}.log").open("w") as log:  # a pipe nobody reads would fill and stop it
                started.append(
                    subprocess.Popen(
                        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"]
                        + ["--no-startup-delay", "--interval", "0.1", "--worker-id", name]
                        + ["--max-tasks", str(tasks_each)],
                        cwd=ROOT,
                        env=server_env(**env),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        yield started
    finally:
        for worker in started:
            worker.terminate()  # between tasks it exits at once; in one, once that task is done
        for worker in started:
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def wait_until_done(workers, *, timeout=60) -> list[int | None]:
    """Each worker's exit status once all have stopped by themselves, None for one still running at the deadline."""
    deadline = time.monotonic() + timeout
    for worker in workers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=max(0, deadline - time.monotonic()))
    return [worker.poll() for worker in workers]


def in_desk_shell(function: str, *args, env) -> str:
    """What one of tests/photos/desk_process.py's functions prints, run in a process of its own."""
    call = f"from tests.photos.desk_process import {function}; {function}(*{args!r})"
    return manage("shell", "--verbosity", "0", "--command", call, **env).stdout


def test_two_workers_make_every_photos_copies_once_between_them(shared, tmp_path):
    """Eight photos uploaded while two workers wait: each photo's copies are made by exactly one
    worker, both take their share, every task is Successful and every photo shows its picture."""
    with db_workers(WORKERS, tasks_each=PHOTOS // len(WORKERS), env=shared, logs=tmp_path) as workers:
        in_desk_shell("upload", PHOTOS, env=shared)
        # Each worker stops after its share, so both finished means both took part.
        exits = wait_until_done(workers)
    logs = "\n".join((tmp_path / f"{name}.log").read_text() for name in WORKERS)
    now = json.loads(in_desk_shell("report", env=shared))

    photos, tasks = now["photos"], now["tasks"]
    assert len(photos) == PHOTOS
    for photo in photos:
        assert photo["has_image"] and photo["copies_status"] == "", (photo, logs)
        # New photos are embargoed: their copies wait beside the originals until a story is published.
        folder = Path(shared["MEDIA_ROOT"] if photo["public"] else shared["PRIVATE_MEDIA_ROOT"])
        assert photo["copies"] and all((folder / name).is_file() for name in photo["copies"]), photo
    assert sorted(task["args"] for task in tasks) == [[photo["id"]] for photo in photos], logs
    assert {task["task"] for task in tasks} == {make_photo_copies.module_path}
    assert [task["status"] for task in tasks] == ["SUCCESSFUL"] * PHOTOS, logs
    assert all(len(task["workers"]) == 1 for task in tasks), tasks  # claimed once, never run twice
    assert Counter(task["workers"][0] for task in tasks) == dict.fromkeys(WORKERS, PHOTOS // len(WORKERS))
    assert exits == [0, 0], logs
