"""Builders for the bundle tests: a small real site, running the two commands, the site's state."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.core.management.base import CommandError

from newsroom.archive.models import Collection
from newsroom.bundles.format import TABLES, fields_added_after
from newsroom.photos.models import PhotoAsset
from newsroom.stories.body import as_legacy
from newsroom.stories.models import Correction, RelatedHeadline, Story, Tag
from newsroom.stories.revisions import record_revision


class Run:
    """What a command printed and its exit status, as an operator would see them."""

    def __init__(self, status, out, err):
        self.status, self.out, self.err = status, out, err


def run(command, *args) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *[str(arg) for arg in args], stdout=out, stderr=err)
    except CommandError as error:
        return Run(error.returncode, out.getvalue(), err.getvalue() + str(error))
    return Run(0, out.getvalue(), err.getvalue())


def export(path) -> Path:
    result = run("export_newsroom", path)
    assert result.status == 0, result.err
    return Path(path)


def files_under(root) -> dict:
    """Every file below a folder, by its path there, with its SHA-256."""
    root = Path(root)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def rows() -> dict:
    """Every row a bundle carries, as stored (accounts without their password)."""
    state = {}
    for table in TABLES:
        fields = [name for name in table.fields if name != "groups"]
        state[table.name] = list(table.model._base_manager.order_by("pk").values(*fields))
    state["account groups"] = sorted(
        get_user_model().groups.through.objects.values_list("user__username", "group__name")
    )
    return state


def wipe_site(settings, tmp_path, name="after"):
    """An empty database and empty media folders: where a bundle is restored."""
    Story.objects.all().delete()  # with its revisions, notes, placements, links and search document
    for model in (PhotoAsset, Tag, Collection, Redirect, FlatPage, get_user_model()):
        model.objects.all().delete()
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    Site.objects.clear_cache()
    settings.MEDIA_ROOT = tmp_path / name / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / name / "private"


def rewrite_bundle(source, target, *, replace=None, drop=(), cut_at=None) -> Path:
    """A copy of a bundle with members replaced or left out, or its bytes cut short."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            data = old.read(info)
            if info.filename in replace:
                change = replace[info.filename]
                data = change(data) if callable(change) else change
            new.writestr(info.filename, data)
    if cut_at is not None:
        data = Path(target).read_bytes()
        Path(target).write_bytes(data[: int(len(data) * cut_at)])
    return Path(target)


def as_format(source, target, *, version: int, change=None) -> Path:
    """A bundle as a Newsroom of format `version` (3 or later: bodies in today's form) wrote it: the
    records without the fields added since and without the tables carried since; `change` maps
    more members to a function of their bytes."""
    replace = {}
    for table in TABLES:
        added = fields_added_after(version, table.name)
        if added and table.since <= version:

            def without_later_fields(data, added=added):
                rows = [json.loads(line) for line in data.splitlines()]
                for row in rows:
                    for name in added:
                        del row[name]
                return b"".join(json.dumps(row).encode() + b"\n" for row in rows)

            replace[table.member] = without_later_fields

    def manifest(data):
        manifest = json.loads(data)
        manifest["format_version"] = version
        manifest.pop("staff_work", None)
        for table in TABLES:
            if table.since > version:
                manifest["records"].pop(table.name, None)
        return json.dumps(manifest).encode()

    later = {table.member for table in TABLES if table.since > version}
    return rewrite_bundle(source, target, drop=later, replace={**replace, "manifest.json": manifest, **(change or {})})


def in_old_format(source, target, *, version: int) -> Path:
    """A bundle as Newsroom wrote it before bodies had their canonical form (format 1 or 2):
    bodies as paragraphs separated by blank lines, photos placed "after paragraph N", revisions
    recorded that way, and (format 1) no search documents. Made from `source` by the inverse of
    the conversion an import makes, so importing it must give `source`'s site back."""
    placed = {}  # story id -> {photo id: after_paragraph}

    def old_body(row):
        for name in fields_added_after(version, "stories"):
            del row[name]
        row["body"], photos = as_legacy(row["body"])
        placed[row["id"]] = {photo_id: after for after, photo_id, _ in photos}

    def old_snapshot(snapshot):
        snapshot["body"], photos = as_legacy(snapshot["body"])
        after = {photo_id: position for position, photo_id, _ in photos}
        for placement in snapshot["placements"]:
            placement["after_paragraph"] = after[placement["photo"]]
            placement["order"] = 0

    def records(change):
        def rewrite(data):
            rows = [json.loads(line) for line in data.splitlines()]
            for row in rows:
                change(row)
            return b"".join(json.dumps(row, ensure_ascii=False).encode() + b"\n" for row in rows)

        return rewrite

    def manifest(data):
        manifest = json.loads(data)
        manifest["format_version"] = version
        if version == 1:
            manifest.pop("search")
        elif manifest["search"]:
            manifest["search"]["rules_version"] = 1
        return json.dumps(manifest).encode()

    def old_photo(row):
        for name in fields_added_after(version, "photos"):
            del row[name]

    def old_correction(row):
        for name in fields_added_after(version, "corrections"):
            del row[name]

    # Stories first: their bodies say where each placement stood.
    with zipfile.ZipFile(source) as bundle:
        stories = records(old_body)(bundle.read("records/stories.ndjson"))
    return rewrite_bundle(
        source,
        target,
        drop={"search/documents.ndjson"} if version == 1 else (),
        replace={
            "manifest.json": manifest,
            "records/stories.ndjson": stories,
            "records/photos.ndjson": records(old_photo),
            "records/corrections.ndjson": records(old_correction),
            "records/placements.ndjson": records(
                lambda row: row.update(after_paragraph=placed[row["story_id"]][row["photo_id"]], order=0)
            ),
            "records/revisions.ndjson": records(
                lambda row: [
                    old_snapshot(row["snapshot"]),
                    *(row.pop(name) for name in fields_added_after(version, "revisions")),
                ]
            ),
        },
    )


@pytest.fixture
def small_site(make_story, make_photo, collection, editor):
    """Two published stories with photos, an archived one, history, notes, a redirect, a page."""
    from newsroom.archive.services import story_archive

    site = Site.objects.get_current()
    cordon, clinic = make_photo(title="Honor Cordon"), make_photo(title="Community Clinic")
    tag = Tag.objects.create(name="Global Health", slug="global-health")
    ship = make_story(
        headline="Hospital Ship Wraps Up Mission", slug="hospital-ship", photos=[cordon, clinic], created_by=editor
    )
    clinics = make_story(headline="Navy Clinics Open Doors", slug="navy-clinics", photos=[clinic])
    old = make_story(headline="Levee Repairs Finished", slug="levee-repairs")
    story_archive(story=old, collection=collection, user=editor)
    ship.tags.add(tag)
    ship.related_stories.add(clinics)
    record_revision(story=ship, user=editor)
    Correction.objects.create(story=ship, text="An earlier version misstated the number of patients.")
    RelatedHeadline.objects.create(story=clinics, headline="Sailors Train Partners", key="sailors train partners")
    Redirect.objects.create(site=site, old_path="/news/ship-mission/", new_path="/news/hospital-ship/")
    page = FlatPage.objects.create(url="/about/", title="About", content="<p>About this newsroom.</p>")
    page.sites.add(site)
    return {"ship": ship, "clinics": clinics, "old": old, "photos": [cordon, clinic]}


@pytest.fixture
def bundle(settings, tmp_path, small_site):
    """The small site's bundle, and an empty site with empty media folders to import it into."""
    path = export(tmp_path / "newsroom.zip")
    wipe_site(settings, tmp_path)
    return path


def assert_nothing_written(tmp_path):
    """A refused or failed import: no story, no photo, no file in the new site's media folders."""
    assert not Story.objects.exists() and not PhotoAsset.objects.exists()
    assert files_under(tmp_path / "after") == {}
