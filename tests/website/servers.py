"""Real app servers for tests that need more than the test client: gunicorn in its own process group.

Production settings (DEBUG off) with whatever database and cache the test names, on a free
loopback port; always stopped, with every worker, when the test ends.
"""

import atexit
import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "tests-only-secret-key-for-real-servers-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "ERROR",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(**changes) -> dict:
    # The test process's own settings module and flags stay out: the server reads config.settings.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    env.update(SERVER_ENV)
    env.update(changes)
    return env


def manage(*args, **env_changes) -> subprocess.CompletedProcess:
    """manage.py in its own process, with the same environment the servers get."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=server_env(**env_changes),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@functools.cache
def collected_static() -> str:
    """Production settings serve hashed static names from a manifest: collect them once per run.

    A fresh clone has no STATIC_ROOT yet, and a page without its manifest is a server error.
    """
    folder = tempfile.mkdtemp(prefix="newsroom-static-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    manage("collectstatic", "--noinput", "-v", "0", STATIC_ROOT=folder)
    return folder


@contextlib.contextmanager
def gunicorn(*, workers=1, **env_changes):
    """A running `gunicorn config.wsgi`; yields its base URL, e.g. http://127.0.0.1:40123."""
    port = _free_port()
    env_changes.setdefault("STATIC_ROOT", collected_static())
    # The server's log goes to a file: a pipe nobody reads fills up and stops the server mid-request.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT,
        env=server_env(**env_changes),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_listening(server, port, log)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _wait_until_listening(server, port, log, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited with status {server.returncode}:\n{log.read().decode()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on port {port} within {timeout} s")


class Page:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.text = status, headers, body.decode()


def fetch(url, *, data=None, headers=None) -> Page:
    """One HTTP request, whatever the status; redirects are not followed."""

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, data=data, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=30) as response:
            return Page(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Page(error.code, error.headers, error.read())
