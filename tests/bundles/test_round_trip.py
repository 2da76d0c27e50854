"""Export the demo newsroom, empty the database and the media folders, import: the same site."""

import datetime
import re
from collections import deque

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.management import call_command

from newsroom.archive.services import story_archive
from newsroom.demo.content import eastern
from newsroom.search import indexing
from newsroom.search.models import StorySearchDocument
from newsroom.stories.models import Correction, RelatedHeadline, Status, Story
from newsroom.stories.revisions import record_revision
from newsroom.stories.services import story_publish
from tests.bundles.conftest import export, files_under, rows, run, wipe_site
from tests.conftest import make_account

pytestmark = pytest.mark.django_db

# Pages are read at one fixed moment, so "now" (security.txt's expiry, the news sitemap's two
# days, the scheduled demo story) is the same on both sides of the move.
NOW = eastern(2026, 11, 24, 12, 0)
SEEDS = [
    "/",
    "/news/",
    "/news/feed/",
    "/news/feed/atom/",
    "/archive/",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/robots.txt",
    "/.well-known/security.txt",
    "/vulnerability-disclosure-policy",
    "/search/?q=hospital",
    "/search/?q=levee",
]
LINK = re.compile(r'(?:href|src)="([^"]+)"|<loc>([^<]+)</loc>')
NOT_PAGES = ("/static/", "/media/", "/admin/")
HIDDEN_VALUE = re.compile(rb'(<input type="hidden"[^>]*? value=")[^"]*')


def crawl(client) -> dict:
    """Every page a reader can reach from the home page, feeds and sitemaps, and every redirect
    and information page: status, type, where it redirects, bytes."""
    seeds = (
        SEEDS
        + list(Redirect.objects.values_list("old_path", flat=True))
        + list(FlatPage.objects.values_list("url", flat=True))
    )
    pages, queue = {}, deque(seeds)
    while queue:
        url = queue.popleft()
        if url in pages:
            continue
        response = client.get(url)
        # A form's hidden tokens (CSRF, the signed time it was shown) differ on every request.
        content = HIDDEN_VALUE.sub(rb"\1", response.content)
        pages[url] = (response.status_code, response.get("Content-Type"), response.get("Location"), content)
        if response.status_code != 200:
            continue
        for match in LINK.finditer(response.content.decode()):
            link = (match.group(1) or match.group(2)).replace("&amp;", "&")
            link = link.removeprefix("http://testserver")
            if link.startswith("/") and not link.startswith("//") and not link.startswith(NOT_PAGES):
                queue.append(link.split("#")[0])
    return pages


@pytest.fixture
def demo_site(settings, tmp_path, django_capture_on_commit_callbacks):
    """The demo newsroom, plus what it lacks: an archived story of its own, a revision, a
    correction, a redirect, a related headline still waiting for its story, and an account."""
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "before" / "media", tmp_path / "before" / "private"
    with django_capture_on_commit_callbacks(execute=True):  # as its commit would: published photos go public
        call_command("load_demo", verbosity=0)
    editor = make_account("editor", "editor")
    editor.first_name, editor.email = "Dana", "dana@example.gov"
    editor.save()
    Site.objects.filter(pk=settings.SITE_ID).update(domain="news.example.gov", name="Example News")
    collection = Story.objects.archived().first().collection
    story = Story.objects.create(
        headline="Engineers Reopen Lock and Dam",
        slug="engineers-reopen-lock",
        byline="Jane Doe, DOD News",
        summary="River traffic resumes after repairs.",
        body="First.\n\nSecond.",
        created_by=editor,
    )
    story_publish(story=story, user=editor, at=NOW - datetime.timedelta(days=800))
    story_archive(story=story, collection=collection, user=editor)
    ship = Story.objects.published(now=NOW).current().order_by("-published_at").first()
    ship.summary += " Updated with the final count."
    ship.version += 1
    ship.save()
    record_revision(story=ship, user=editor)
    Correction.objects.create(story=ship, text="An earlier version misstated the number of patients treated.")
    RelatedHeadline.objects.create(story=ship, headline="A Story Not Yet Imported", key="a story not yet imported")
    Redirect.objects.create(
        site=Site.objects.get_current(), old_path="/news/old-address/", new_path=ship.get_absolute_url()
    )
    Site.objects.clear_cache()
    if indexing.index_in_use():
        indexing.refresh_all()
    return ship


def kept_private(settings) -> dict:
    return {
        name: digest
        for name, digest in files_under(settings.PRIVATE_MEDIA_ROOT).items()
        if not name.startswith("records/")
    }


def test_a_restored_site_serves_every_page_and_file_byte_for_byte(client, settings, tmp_path, demo_site):
    with time_machine.travel(NOW, tick=False):
        pages_before = crawl(client)
    rows_before = rows()
    public_before = files_under(settings.MEDIA_ROOT)
    # The pages kept before the archiving (records/) are the old site's past, not carried (README).
    originals_before = kept_private(settings)
    assert any(name.startswith("records/") for name in files_under(settings.PRIVATE_MEDIA_ROOT))
    bundle = export(tmp_path / "newsroom.zip")

    wipe_site(settings, tmp_path)
    assert not Story.objects.exists() and not files_under(tmp_path / "after")
    # Restoring the site's own backup: its accounts come back with their access.
    result = run("import_newsroom", bundle, "--with-staff-accounts")

    assert result.status == 0, result.err
    assert "accounts were added without a password" in result.out
    assert "1 account added with the access they had there" in result.out
    with time_machine.travel(NOW, tick=False):
        pages_after = crawl(client)
    assert sorted(pages_after) == sorted(pages_before)
    for url, page in pages_before.items():
        assert pages_after[url] == page, f"{url} differs after the import"
    assert files_under(settings.MEDIA_ROOT) == public_before
    assert kept_private(settings) == originals_before
    rows_after = rows()
    for table, before in rows_before.items():
        for row_before, row_after in zip(before, rows_after[table], strict=True):
            assert row_after == row_before, table
    assert rows_after == rows_before  # keys, timestamps, versions, workflow and archive state, JSON fields
    # What the crawl must have covered, so a broken link cannot shrink it to nothing.
    visited = set(pages_before)
    for story in Story.objects.published(now=NOW):
        assert story.get_absolute_url() in visited
    assert {"/about/", "/archive/", "/news/old-address/", "/sitemap-stories.xml"} <= visited
    assert any(url.startswith("/photos/") for url in visited)
    assert any(url.startswith("/news/tag/") and url.endswith("/feed/") for url in visited)
    assert pages_before["/news/old-address/"][0] == 301
    assert Site.objects.get_current().name == "Example News"


def test_imported_accounts_keep_their_roles_but_not_their_passwords_when_asked(settings, tmp_path, small_site):
    bundle = export(tmp_path / "newsroom.zip")
    wipe_site(settings, tmp_path)

    result = run("import_newsroom", bundle, "--with-staff-accounts")

    assert result.status == 0, result.err
    editor = get_user_model().objects.get(username="editor")
    assert editor.is_staff and editor.is_active and [group.name for group in editor.groups.all()] == ["Editors"]
    assert not editor.has_usable_password()
    assert Story.objects.get(slug="hospital-ship").created_by == editor
    assert "Accounts: 1 account added with the access they had there (active, staff, superuser, roles)" in result.out


def test_by_default_imported_accounts_name_the_history_but_give_no_access(settings, tmp_path, small_site, editor):
    admin = get_user_model().objects.create_superuser("root", password="a-long-test-password")
    revision = Story.objects.get(slug="hospital-ship").revisions.get()
    assert revision.user == editor
    bundle = export(tmp_path / "newsroom.zip")
    wipe_site(settings, tmp_path)

    result = run("import_newsroom", bundle)

    assert result.status == 0, result.err
    accounts = get_user_model().objects.order_by("username")
    assert [(a.username, a.is_active, a.is_staff, a.is_superuser) for a in accounts] == [
        ("editor", False, False, False),
        ("root", False, False, False),
    ]
    assert not any(account.groups.exists() or account.has_usable_password() for account in accounts)
    # Whose work is whose still reads as it did.
    story = Story.objects.get(slug="hospital-ship")
    assert story.created_by.username == "editor" and story.revisions.get().user.username == "editor"
    assert (
        "Accounts: 2 accounts added inactive, not staff and without roles, to name who wrote and published what "
        "(they had staff access or roles there; --with-staff-accounts gives them)."
    ) in result.out
    assert admin.pk  # the superuser was in the bundle; it is no superuser here


def test_accounts_already_here_are_matched_by_username_and_left_as_they_are(settings, tmp_path, small_site):
    bundle = export(tmp_path / "newsroom.zip")
    wipe_site(settings, tmp_path)
    here = make_account("editor", "writer")  # the same name here, a Writer

    result = run("import_newsroom", bundle)

    assert result.status == 0, result.err
    here.refresh_from_db()
    assert here.is_staff and here.is_active and [group.name for group in here.groups.all()] == ["Writers"]
    assert here.has_usable_password(), "kept as it is here, password included"
    assert Story.objects.get(slug="hospital-ship").created_by == here
    assert "Accounts: 1 account matched by username to accounts here, left as they are." in result.out


def test_the_search_index_and_key_sequences_are_ready_after_a_restore(settings, tmp_path, small_site, make_story):
    bundle = export(tmp_path / "newsroom.zip")
    highest = Story.objects.order_by("-pk").first().pk
    wipe_site(settings, tmp_path)

    run("import_newsroom", bundle)

    # A story written after the import gets a key of its own, not one the bundle used.
    assert make_story(status=Status.DRAFT, published=False).pk > highest
    if indexing.index_in_use():
        documents = list(StorySearchDocument.objects.order_by("story").values_list("story", "vector", "text"))
        assert len(documents) == Story.objects.count() - 1
        # The import's bulk rebuild makes exactly the documents search's own upkeep would.
        indexing.refresh_all()
        assert documents == list(
            StorySearchDocument.objects.exclude(story__status=Status.DRAFT, story__published_at=None)
            .order_by("story")
            .values_list("story", "vector", "text")
        )
