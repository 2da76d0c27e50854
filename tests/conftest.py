"""Builders shared by the tests: real image files, photos, stories and a logged-in editor."""

import datetime
import errno
import io
import itertools
import os
import re
import signal
import subprocess
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from django.utils import timezone
from PIL import Image

from newsroom.archive.models import Collection
from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_move_copies, photo_save
from newsroom.stories.body import legacy_body
from newsroom.stories.body.clean import canonical_blocks, to_html
from newsroom.stories.embargo import sync_photos
from newsroom.stories.models import PhotoPlacement, Status, Story
from newsroom.stories.services import story_create

_sequence = itertools.count(1)


class OneRequestAtATime(WSGIServer):
    """The browser tests' live server, answering one request at a time. Its thread shares the test's
    database connection (in-memory SQLite); the story form's requests that overlap (the checks
    before publishing, the heartbeat, autosave) would otherwise use that one connection at once."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes public files and private originals into its own temporary folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages (the cache may be a shared Redis in CI), in the
    shared cache or in this process's own memory of it."""
    from django.core.cache import cache

    from newsroom.website.caching import local_pages

    cache.clear()
    local_pages.forget()


@pytest.fixture
def within_seconds():
    """Fails a test that waits (on a FIFO nobody writes to, say) instead of hanging the run."""

    def waited(signum, frame):
        raise AssertionError("the import waited instead of refusing at once")

    previous = signal.signal(signal.SIGALRM, waited)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def private_root(settings, media_root):
    return settings.PRIVATE_MEDIA_ROOT


class SmallDisk:
    """A real file system of its own (a tmpfs of a few hundred KB), to be filled."""

    def __init__(self, path):
        self.path = path
        self.filler = path / "filler"

    def fill(self, *, leave: int = 0):
        """Take all its space but `leave` bytes (give or take a 4 KB block), as other files would."""
        free = os.statvfs(self.path).f_bavail * os.statvfs(self.path).f_frsize
        with self.filler.open("ab") as filler:
            try:
                filler.write(b"\0" * max(0, free - leave))
            except OSError as error:  # the blocks the file's own bookkeeping takes
                assert error.errno == errno.ENOSPC

    def free_up(self):
        self.filler.unlink()

    def files(self) -> list[str]:
        """Every file on it but the filler: what a failed write must not leave."""
        return sorted(
            str(path.relative_to(self.path)) for path in self.path.rglob("*") if path.is_file() and path != self.filler
        )


@pytest.fixture
def small_disk(tmp_path):
    """`small_disk("media")`: a folder that is a small disk of its own (tmpfs), for tests of a full
    disk that write real files; unmounted when the test ends. Mounting needs root (CI runs as root)."""
    mounted = []

    def mount(name: str, *, size_kb: int = 512) -> SmallDisk:
        folder = tmp_path / f"disk-{name}"
        folder.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"a full disk is tested on a small tmpfs, which needs permission to mount one: {done.stderr}")
        mounted.append(folder)
        return SmallDisk(folder)

    yield mount
    for folder in reversed(mounted):
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "--lazy", str(folder)], check=True)  # a file still open: detach it


def copies_root(photo):
    """The folder a photo's copies are in: MEDIA_ROOT once readers may see it, private storage while
    it is embargoed (no published story uses it; newsroom/stories/embargo.py)."""
    from pathlib import Path

    from django.conf import settings

    return Path(settings.MEDIA_ROOT if photo.copies_public else settings.PRIVATE_MEDIA_ROOT)


def jpeg_upload(name="photo.jpg", size=(640, 427), color=(40, 90, 140)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def next_virin(day=datetime.date(2026, 3, 3), service="N") -> str:
    """A valid VIRIN not used before in this run: scene 1-9, item 001-999 (8,991 of them)."""
    number = next(_sequence) % 8991
    return f"{day:%y%m%d}-{service}-TV418-{1 + number // 999}{1 + number % 999:03}"


def photo_record(**fields) -> dict:
    """A complete photo record, as an editor fills it in, with a VIRIN not used before unless given."""
    fields.setdefault("virin", next_virin())
    fields.setdefault("title", "Community Clinic")
    fields.setdefault("caption", "A nurse checks a patient's blood pressure, March 3, 2026.")
    fields.setdefault("alt_text", "A nurse in blue scrubs checks a child's blood pressure.")
    fields.setdefault("photographer", "Petty Officer 1st Class Tomas Varga")
    fields.setdefault("credit", "Navy")
    fields.setdefault("date_taken", datetime.date(2026, 3, 3))
    return fields


@pytest.fixture
def make_photo(db, django_capture_on_commit_callbacks):
    """A photo with a real file. Embargoed, as a new photo is, unless `public=True`: then its copies
    are in MEDIA_ROOT as if a published story used it (moved, and the private ones removed)."""

    def make(*, public=False, **fields):
        fields = photo_record(**fields)
        original = fields.pop("original", None) or jpeg_upload(f"{fields['virin']}.jpg")
        # Copies made at once, as a photo is once the worker has run (tests/photos/test_copies_task.py).
        photo = photo_save(photo=PhotoAsset(original=original, **fields), user=None, copies_now=True)
        if public:
            with django_capture_on_commit_callbacks(execute=True):
                photo_move_copies(photo, public=True)
        return photo

    return make


def story_fields(*, published=True, **fields) -> dict:
    """A complete story's fields, published an hour or more ago unless `published=False`."""
    number = next(_sequence)
    fields.setdefault("headline", f"Hospital Ship Wraps Up Partnership Mission {number}")
    fields.setdefault("slug", f"hospital-ship-mission-{number}")
    fields.setdefault("summary", "Sailors treated more than 21,000 patients during a five-month mission.")
    fields.setdefault("byline", "Jane Doe, DOD News")
    fields.setdefault("body", "<p>First paragraph.</p><p>Second paragraph.</p><p>Third paragraph.</p>")
    if published:
        fields.setdefault("status", Status.PUBLISHED)
        fields.setdefault("published_at", timezone.now() - datetime.timedelta(hours=number))
    return fields


def body_with_photos(body: str, photos) -> str:
    """A body in its canonical form with a photo block after each of its first blocks: the first
    photo after block 1, the next after block 2 … A body written as the old paragraphs separated
    by blank lines is read as the old form was (tests written before the canonical form)."""
    if not body.lstrip().startswith("<"):
        return legacy_body(body, [(position, photo.pk, "") for position, photo in enumerate(photos, start=1)])
    blocks = [to_html(block) for block in canonical_blocks(body)]
    for position, photo in reversed(list(enumerate(photos, start=1))):
        blocks.insert(min(position, len(blocks)), f'<figure data-photo="{photo.pk}"></figure>')
    return "".join(blocks)


@pytest.fixture
def make_story(db, django_capture_on_commit_callbacks):
    """Rows as a bulk load leaves them (generate_content, a bundle): no history, nothing announced;
    the photos are blocks in the body and rows in step with them, as the write path keeps them."""

    def make(*, photos=(), published=True, **fields):
        fields = story_fields(published=published, **fields)
        story = Story.objects.create(**{**fields, "body": body_with_photos(fields["body"], photos)})
        PhotoPlacement.objects.bulk_create(
            PhotoPlacement(story=story, photo=photo, order=order) for order, photo in enumerate(photos)
        )
        if photos:  # a bulk load puts its photos' copies where the embargo says, as bundles do
            with django_capture_on_commit_callbacks(execute=True):  # and the copies moved from go
                sync_photos([photo.pk for photo in photos])
            for photo in photos:
                photo.refresh_from_db(fields=["copies_public"])
        return story

    return make


@pytest.fixture
def create_story(db):
    """A story made through the write path, as an import or a command makes one (revision 1, announced)."""

    def create(*, photos=(), published=True, **fields):
        fields = story_fields(published=published, **fields)
        return story_create(story=Story(**{**fields, "body": body_with_photos(fields["body"], photos)}), user=None)

    return create


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a change, then what its commit would run (refreshing search documents, announcing the
    change to stories): the test's own transaction never commits."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def run_worker():
    """The task worker command as bin/dev runs it, until the queue is empty (--batch): for
    transactional tests, whose requests commit and so queue their tasks for real."""
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0)


@pytest.fixture
def run_tasks(db, django_capture_on_commit_callbacks):
    """Runs the queued tasks that are due, each as `manage.py db_worker` runs it (django_tasks_db's
    own Worker.run_task), in the test's transaction; returns how many ran. What a task's own
    transactions run once they commit (removing the files a photo's new copies replace) runs too,
    as in the worker, whose tasks commit. The worker command itself, which reconnects between
    tasks, runs in tests/desk/test_task_worker.py and tests/photos/test_copies_task.py."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )

    def run() -> int:
        ran = 0
        while (due := DBTaskResult.objects.ready().get_locked()) is not None:
            due.claim(worker.worker_id)
            with django_capture_on_commit_callbacks(execute=True):
                worker.run_task(due)
            ran += 1
        return ran

    return run


@pytest.fixture
def collection(db):
    return Collection.objects.create(
        name="2019-2021 Historical Collection",
        slug="2019-2021",
        notice="You have accessed part of a historical collection on this website. "
        "Some of the information contained within may be outdated and links may not function.",
    )


def make_account(username, role):
    from django.contrib.auth import get_user_model

    from newsroom.accounts.roles import role_group

    user = get_user_model().objects.create_user(username, password="a-long-test-password", is_staff=True)
    user.groups.add(role_group(role))
    return user


@pytest.fixture
def editor(db):
    return make_account("editor", "editor")


@pytest.fixture
def writer(db):
    return make_account("writer", "writer")


# Signed in as the test starts. A test that then moves the clock forward more than
# SESSION_IDLE_MINUTES finds the session ended, as a person would: it signs in again
# (client.force_login) at the moment it travelled to.
@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def page_text(response, *, after: str = "<body") -> str:
    """The words a person reads on a page, from the tag that contains `after` on: the body, or the
    admin's content without its header (`after='id="content"'`). No tags, scripts or styles; inline
    tags joined without a gap, as the eye reads them; entities decoded; white space collapsed."""
    html = response.content.decode()
    if after in html:
        html = html.split(after, 1)[1].split(">", 1)[1]
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(a|em|strong|b|i|span|time|mark|abbr|sup|sub)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def assert_in_order(text: str, pieces: list[str]):
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        assert found >= 0, f"{piece!r} is missing, or out of order, after position {position}"
        position = found + len(piece)


def command_output(command: str, *args) -> str:
    """What a management command prints, its errors after its output, as an operator reads them."""
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def local(year, month, day, hour=12, minute=0):
    """A moment on the site's clock, as editors and readers see publication times."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))
