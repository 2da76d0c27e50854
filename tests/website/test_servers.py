"""Two app servers sharing one database and one cache, as a site grows past one machine.

Two real gunicorn processes on different ports: an editor publishes through one and edits
through the other, and readers of either see each change within one second (the issue's
bound), although both servers had the old pages cached. On a PostgreSQL run the servers share the test database
and the run's Redis; on SQLite, a database file and a file cache in the test's folder.
"""

import json
import re
import time
import urllib.parse

import pytest
from django.db import connection

from tests.accounts.authenticator import SoftAuthenticator
from tests.stories.test_admin import story_form
from tests.website.servers import fetch, gunicorn, manage

HEADLINE = "Navy Hospital Ship Wraps Up Five-Month Mission"
STORY_PAGE = "/news/navy-hospital-ship-wraps-up-mission/"


@pytest.fixture
def shared_site(request, tmp_path, settings):
    """The environment both servers get: one database, one cache, one secret key."""
    cache = settings.CACHES["default"]
    if "redis" in cache["BACKEND"].lower():
        cache_url = cache["LOCATION"]
    else:
        cache_url = f"filecache://{tmp_path / 'cache'}"
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")  # committed rows, so the servers see them
        database_url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    else:
        database_url = f"sqlite:///{tmp_path / 'newsroom.sqlite3'}"
    env = {
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "PAGE_CACHE_SECONDS": "300",
    }
    if connection.vendor != "postgresql":
        manage("migrate", "--no-input", "--verbosity", "0", **env)
    return env


@pytest.fixture
def shared(shared_site, tmp_path):
    """The same, with an editor account to sign in with (its password in EDITOR_PASSWORD)."""
    env = dict(shared_site)
    password_file = tmp_path / "editor-password"
    manage("create_editor", "web-editor", "--role", "editor", "--password-file", str(password_file), **env)
    env["EDITOR_PASSWORD"] = password_file.read_text().strip()
    return env


class Editor:
    """An editor's browser, reduced to cookies and forms; the session works on either server."""

    def __init__(self):
        self.cookies = {}

    def request(self, url, data=None, *, as_json=False):
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if as_json:  # the security key's ceremonies, as the page's script sends them
            headers.update({"Content-Type": "application/json", "X-CSRFToken": self.cookies["csrftoken"]})
            data = json.dumps(data).encode()
        elif data is not None:
            data = urllib.parse.urlencode(data).encode()
        page = fetch(url, data=data, headers=headers)
        for cookie in page.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return page

    def submit(self, url, fields):
        form = self.request(url)
        shown = dict(re.findall(r'<input type="(?:hidden|text)" name="([^"]+)" value="([^"]*)"', form.text))
        return self.request(url, {**shown, **fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]})

    def log_in(self, site, password):
        page = self.submit(f"{site}/admin/login/?next=/admin/", {"username": "web-editor", "password": password})
        assert page.status == 302, page.text
        # Production settings: then a security key, which this first sign-in adds.
        key = SoftAuthenticator(rp_id="127.0.0.1", origin=site)
        ceremony = f"{site}/admin/security/key/registration/"
        options = json.loads(self.request(f"{ceremony}begin/", {}, as_json=True).text)
        added = self.request(f"{ceremony}complete/", key.register(options), as_json=True)
        assert added.status == 200, added.text


def shown_within_a_second(url, text):
    """The page at `url`, once it shows `text`; fails if that takes a reader more than a second.

    A server's workers trust the generation they last read from the shared cache for half a
    second (newsroom/website/caching.py), so a change can take that long to reach them."""
    deadline = time.monotonic() + 1.0
    while True:
        page = fetch(url)
        if text in page.text or time.monotonic() > deadline:
            assert text in page.text, f"{url} still lacks {text!r} after a second"
            return page
        time.sleep(0.05)


def test_a_change_made_through_one_server_is_served_by_both_within_a_second(shared):
    password = shared.pop("EDITOR_PASSWORD")
    with gunicorn(**shared) as first, gunicorn(**shared) as second:
        for site in (first, second):  # both servers now hold the listing without the story
            assert HEADLINE not in fetch(f"{site}/news/").text
            assert "public" in fetch(f"{site}/news/").headers["Cache-Control"]

        editor = Editor()
        editor.log_in(first, password)
        published = editor.submit(f"{first}/admin/stories/story/add/", {**story_form(), "_publish": "Save and publish"})
        assert published.status == 302, published.text

        for site in (second, first):
            shown_within_a_second(f"{site}/news/", HEADLINE)
            story = shown_within_a_second(site + STORY_PAGE, HEADLINE)
            assert story.status == 200, site

        # The same session works on the other server: sessions live in the database.
        change = editor.request(f"{second}/admin/stories/story/?q=hospital")
        story_url = re.search(r'href="(/admin/stories/story/\d+/change/)', change.text).group(1)
        fields = {
            key: value
            for key, value in story_form(headline="Hospital Ship Mission Ends").items()
            if not key.startswith(("published_at", "expires_at"))
        }  # as the form shows them
        # A live story: its edit goes out with "Save and publish changes".
        edited = editor.submit(second + story_url, {**fields, "_publish_changes": "Save and publish changes"})
        assert edited.status == 302, edited.text

        for site in (first, second):
            page = shown_within_a_second(site + STORY_PAGE, "Hospital Ship Mission Ends").text
            assert HEADLINE not in page, site
            shown_within_a_second(f"{site}/news/", "Hospital Ship Mission Ends")
