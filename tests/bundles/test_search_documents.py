"""The search documents a bundle carries: loaded as they are when our search rules made them,
made again here when they were not (another rules version, an older bundle, a SQLite site)."""

import json
import zipfile

import pytest
from django.db import connection

from newsroom.bundles.format import SEARCH_DOCUMENTS
from newsroom.search import indexing
from newsroom.search.models import StorySearchDocument
from newsroom.stories.models import Story
from tests.bundles.conftest import export, in_old_format, rewrite_bundle, run, wipe_site

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL has a search index")


def documents() -> list:
    return list(StorySearchDocument.objects.order_by("story").values_list("story", "vector", "text"))


def documents_refresh_all_makes() -> list:
    indexing.refresh_all()
    return documents()


def manifest_of(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def with_manifest(change):
    def rewrite(data):
        manifest = json.loads(data)
        change(manifest)
        return json.dumps(manifest).encode()

    return rewrite


def with_marked_ship(data):
    """The hospital ship's carried vector gains a word its story never had: found only if carried."""
    lines = []
    for line in data.splitlines():
        document = json.loads(line)
        if document["story_id"] == Story.objects.get(slug="hospital-ship").pk:
            document["vector"] += " 'zeppelin':99A"
        lines.append(json.dumps(document).encode() + b"\n")
    return b"".join(lines)


@pytest.fixture
def indexed_bundle(settings, tmp_path, small_site):
    """The small site's bundle, exported with its search index current, and an empty site."""
    indexing.refresh_all()
    path = export(tmp_path / "newsroom.zip")
    before = list(StorySearchDocument.objects.order_by("story").values_list("story", "vector", "text", "refreshed_at"))
    marked = rewrite_bundle(path, tmp_path / "marked.zip", replace={SEARCH_DOCUMENTS: with_marked_ship})
    wipe_site(settings, tmp_path)
    return path, marked, before


@on_postgresql
def test_a_bundle_carries_the_search_documents_and_the_rules_version_they_were_made_by(indexed_bundle):
    path, _, before = indexed_bundle

    search = manifest_of(path)["search"]

    assert search == {"rules_version": indexing.SEARCH_RULES_VERSION, "documents": len(before)}
    assert manifest_of(path)["format_version"] == 6


@on_postgresql
def test_carried_documents_are_loaded_as_they_are_and_search_finds_the_stories(client, indexed_bundle):
    path, marked, before = indexed_bundle

    result = run("import_newsroom", marked)

    assert result.status == 0, result.err
    assert f"{len(before)} search documents" in result.out
    assert "search rules version" not in result.err
    found = client.get("/search/", {"q": "hospital ship"}).content.decode()
    assert "Hospital Ship Wraps Up Mission" in found
    # The word added to the carried vector is found: it was loaded, not computed again.
    assert "Hospital Ship Wraps Up Mission" in client.get("/search/", {"q": "zeppelin"}).content.decode()
    ship = Story.objects.get(slug="hospital-ship").pk
    after = list(StorySearchDocument.objects.order_by("story").values_list("story", "vector", "text", "refreshed_at"))
    assert [row for row in after if row[0] != ship] == [row for row in before if row[0] != ship]


@on_postgresql
def test_documents_made_by_other_search_rules_are_made_again_as_refresh_all_makes_them(
    client, tmp_path, indexed_bundle
):
    _, marked, _ = indexed_bundle
    other_rules = rewrite_bundle(
        marked,
        tmp_path / "other-rules.zip",
        replace={
            "manifest.json": with_manifest(
                lambda m: m["search"].update(rules_version=indexing.SEARCH_RULES_VERSION + 1)
            ),
        },
    )

    result = run("import_newsroom", other_rules)

    assert result.status == 0, result.err
    assert (
        f"search rules version {indexing.SEARCH_RULES_VERSION + 1}; this site's are version "
        f"{indexing.SEARCH_RULES_VERSION}, so they were made again here"
    ) in result.err
    assert "zeppelin" not in str(documents())
    assert "Hospital Ship Wraps Up Mission" not in client.get("/search/", {"q": "zeppelin"}).content.decode()
    imported = documents()
    assert len(imported) == Story.objects.count()
    assert imported == documents_refresh_all_makes()


def test_a_bundle_of_format_version_1_without_search_documents_still_imports(tmp_path, indexed_bundle):
    path, _, _ = indexed_bundle
    old = in_old_format(path, tmp_path / "version-1.zip", version=1)

    result = run("import_newsroom", old)

    assert result.status == 0, result.err
    assert Story.objects.filter(slug="hospital-ship").exists()
    if indexing.index_in_use():
        imported = documents()
        assert len(imported) == Story.objects.count()
        assert imported == documents_refresh_all_makes()


def test_a_site_without_a_search_index_exports_no_documents(tmp_path, small_site):
    if indexing.index_in_use():
        pytest.skip("only a site without a search index (SQLite) exports none")

    path = export(tmp_path / "newsroom.zip")

    assert manifest_of(path)["search"] is None
    assert SEARCH_DOCUMENTS not in zipfile.ZipFile(path).namelist()


@on_postgresql
def test_a_bundle_missing_its_search_documents_is_refused(tmp_path, indexed_bundle):
    path, _, _ = indexed_bundle
    cut = rewrite_bundle(path, tmp_path / "cut.zip", drop={SEARCH_DOCUMENTS})

    result = run("import_newsroom", cut)

    assert result.status == 2
    assert f"has no {SEARCH_DOCUMENTS}; the bundle is incomplete" in result.err
    assert not Story.objects.exists()


@on_postgresql
def test_a_damaged_carried_vector_is_refused_by_the_database_and_nothing_is_written(tmp_path, indexed_bundle):
    path, _, _ = indexed_bundle

    def damage(data):
        first, rest = data.split(b"\n", 1)
        document = json.loads(first)
        document["vector"] = "'unclosed:1A"
        return json.dumps(document).encode() + b"\n" + rest

    damaged = rewrite_bundle(path, tmp_path / "damaged.zip", replace={SEARCH_DOCUMENTS: damage})

    result = run("import_newsroom", damaged)

    assert result.status == 1
    assert "nothing was written" in result.err and "tsvector" in result.err
    assert not Story.objects.exists() and not StorySearchDocument.objects.exists()
