"""Every admin page opens, for every role, on the demo content.

Signed in as a Writer, an Editor, a Site administrator and a superuser, the crawl requests each
registered model's changelist and add form, the change, history and delete pages of each of its
objects, then every /admin/ link found on those pages (filters, sort orders, revisions, "view on
site"), and posts every changelist action with one object selected, which is how an editor reaches
an action's confirmation page. No page may answer 5xx or raise. Links are followed only from pages
without a query string, so each filter and sort order is tried on its own rather than in every
combination.
"""

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import make_account

pytestmark = pytest.mark.django_db

NEVER_FOLLOWED = ("/admin/logout/",)
# The second factor's pages (newsroom/accounts/urls.py): the person's keys and codes are linked from
# every page's header; the key step and adding a key are where sign-in sends a session, not links.
SECOND_FACTOR_PAGES = ["/admin/security/", "/admin/security/key/", "/admin/security/add-key/"]


class AdminLinks(HTMLParser):
    """The /admin/ addresses a page leads to by GET: its links, and its GET forms (a changelist's
    search, the revisions' compare form) submitted with the values they start with."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.found: list[str] = []
        self.form = None  # [action, [(name, value)]] while inside a GET form

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and not attrs["href"].startswith("#"):
            address = urljoin(self.page_url, attrs["href"]).split("#")[0]  # filters and sorts are "?o=2"
            if address.startswith("/admin/"):
                self.found.append(address)
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self.form = [attrs.get("action") or urlsplit(self.page_url).path, []]
        elif tag == "input" and self.form is not None and attrs.get("name"):
            if attrs.get("type") not in ("radio", "checkbox", "submit") or "checked" in attrs:
                self.form[1].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None:
            action, fields = self.form
            if action.startswith("/admin/"):
                self.found.append(f"{action}?{urlencode(fields)}" if fields else action)
            self.form = None


class Crawl:
    def __init__(self, client: Client):
        self.client = client
        self.seen: dict[str, int] = {}  # url -> status
        self.failures: list[str] = []
        self.queue: deque[str] = deque()

    def visit(self, url: str, *, follow_links: bool = True):
        if url in self.seen or url.startswith(NEVER_FOLLOWED):
            return
        response = self.request("GET", url)
        if response is None or response.status_code != 200:
            return
        if follow_links and "text/html" in response.get("Content-Type", "") and not urlsplit(url).query:
            links = AdminLinks(url)
            links.feed(response.content.decode())
            self.queue.extend(links.found)

    def request(self, method, url, data=None):
        """One request in its own savepoint: a failure must not poison the ones after it (PostgreSQL),
        and an action's writes are undone so every role meets the same content."""
        try:
            with transaction.atomic():
                response = self.client.generic(method, url, data) if method == "GET" else self.client.post(url, data)
                transaction.set_rollback(method == "POST")
        except Exception as error:  # the test client re-raises what the view raised: that is a 500
            self.failures.append(f"{method} {url}: {type(error).__name__}: {error}")
            self.seen[url] = 500
            return None
        if method == "GET":
            self.seen[url] = response.status_code
        if response.status_code >= 500:
            self.failures.append(f"{method} {url}: {response.status_code}")
        return response

    def run(self):
        while self.queue:
            self.visit(self.queue.popleft())


def model_pages(model):
    """The pages Django's admin gives a registered model: its list, its add form, and per object
    its change, history and delete pages."""
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    yield reverse(f"{prefix}_changelist")
    yield reverse(f"{prefix}_add")
    for pk in model._default_manager.values_list("pk", flat=True):
        for view in ("change", "history", "delete"):
            yield reverse(f"{prefix}_{view}", args=[quote(pk)])


def post_every_action(crawl: Crawl, model, model_admin, user):
    """Each action the user is offered, run on the first object: a confirmation page or a done message."""
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    if first is None or crawl.seen.get(changelist) != 200:
        return
    request = RequestFactory().get(changelist)
    request.user = user
    for name in model_admin.get_actions(request):
        crawl.request("POST", changelist, {"action": name, "_selected_action": [str(first)], "index": "0"})


@pytest.fixture
def demo(settings):
    from newsroom.stories.models import Story
    from newsroom.stories.services import story_withdraw

    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    # A withdrawn story, whose page was kept before (records): its kept page and WARC file open too.
    withdrawn = Story.objects.published().current().order_by("-published_at").first()
    story_withdraw(story=withdrawn, user=None, reason="Withdrawn for the crawl.")


def role_users():
    superuser = get_user_model().objects.create_superuser("chief", password="a-long-test-password")
    return {
        "Writer": make_account("crawl-writer", "writer"),
        "Editor": make_account("crawl-editor", "editor"),
        "Site administrator": make_account("crawl-administrator", "administrator"),
        "superuser": superuser,
    }


def test_every_admin_page_opens_for_every_role(demo):
    users = role_users()
    every_failure, pages_seen = [], {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        crawl = Crawl(client)
        crawl.visit("/admin/")
        crawl.queue.extend(SECOND_FACTOR_PAGES)
        for model in admin.site._registry:
            crawl.queue.extend(model_pages(model))
        crawl.run()
        for model, model_admin in admin.site._registry.items():
            post_every_action(crawl, model, model_admin, user)
        every_failure += [f"{role}: {failure}" for failure in crawl.failures]
        pages_seen[role] = crawl.seen
    assert not every_failure, "\n".join(every_failure)

    # The crawl reached the pages it exists for, so a green run means something.
    editor_pages = pages_seen["Editor"]
    assert len(editor_pages) > 300, len(editor_pages)
    photo_changes = [
        url for url, status in editor_pages.items() if re.fullmatch(r"/admin/photos/photoasset/\d+/change/", url)
    ]
    assert len(photo_changes) >= 17 and all(editor_pages[url] == 200 for url in photo_changes)
    assert any("/revisions/compare/" in url for url in editor_pages)
    kept = [url for url in editor_pages if re.fullmatch(r"/admin/records/pagesnapshot/\d+/(page|warc)/", url)]
    assert len(kept) >= 2 and all(editor_pages[url] == 200 for url in kept), kept
    assert any("?status=" in url for url in editor_pages)
    # A Writer meets the same pages, and is refused (not failed) where the role stops.
    writer_pages = pages_seen["Writer"]
    assert all(writer_pages[url] == 200 for url in photo_changes)
    assert writer_pages["/admin/auth/user/"] == 403
    # Everyone reaches their own security keys; without a key, the key step leads to adding one.
    for role, seen in pages_seen.items():
        assert [seen[url] for url in SECOND_FACTOR_PAGES] == [200, 302, 200], role
