"""Browser fixtures shared by the Playwright tests: one headless Chromium for the session."""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.test import override_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def site_url(request):
    # The live server serves static files through whitenoise, straight from the finders
    # (node_modules and static/), so no collectstatic run is needed.
    with override_settings(WHITENOISE_USE_FINDERS=True):
        yield request.getfixturevalue("live_server").url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the Django calls the tests make are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def close_quietly(context):
    """Close a browser context and wait until the requests its pages still had going (the story
    form's heartbeat and autosave, their beacons on leaving) are answered: the live server shares
    the test's database connection, which the test is about to flush. A beacon sent on leaving
    gets 0.1 s to arrive; then the live server's request threads (one per open connection) are
    waited for, up to 2 s. A fixed 0.5 s here cost each suite about a minute."""
    context.close()
    time.sleep(0.1)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.02)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    close_quietly(context)
