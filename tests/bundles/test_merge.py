"""import_newsroom --merge: add what is new, bring older copies up to date, never overwrite a newer edit."""

import pytest
from django.contrib.redirects.models import Redirect
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.photos.models import PhotoAsset
from newsroom.stories.models import Correction, Revision, Story, Tag
from newsroom.stories.revisions import record_revision
from tests.bundles.conftest import export, files_under, rows, run, wipe_site

pytestmark = pytest.mark.django_db


def edit(story, **fields):
    """An editor's save: the version goes up and updated_at moves on, with a revision."""
    for name, value in fields.items():
        setattr(story, name, value)
    story.version += 1
    story.save()
    record_revision(story=story, user=None)
    return story


def test_a_newer_local_edit_is_kept_and_reported_and_new_records_are_added(tmp_path, small_site, make_story):
    bundle = export(tmp_path / "newsroom.zip")
    edit(Story.objects.get(slug="hospital-ship"), headline="Hospital Ship Home After Five Months")
    Story.objects.get(slug="navy-clinics").delete()
    Tag.objects.all().delete()
    make_story(headline="Only Here", slug="only-here")

    result = run("import_newsroom", bundle, "--merge")

    assert result.status == 1
    assert "Conflict: story “hospital-ship”: changed here after the bundle's copy (here: version 2" in result.err
    assert "bundle: version 1" in result.err and "kept the one here" in result.err
    assert Story.objects.get(slug="hospital-ship").headline == "Hospital Ship Home After Five Months"
    clinics = Story.objects.get(slug="navy-clinics")  # deleted here, so the bundle's copy comes back
    assert [placement.photo.virin for placement in clinics.placements.all()] == [small_site["photos"][1].virin]
    assert [headline.headline for headline in clinics.waiting_related.all()] == ["Sailors Train Partners"]
    assert Tag.objects.get().slug == "global-health"
    assert Story.objects.filter(slug="only-here").exists()
    assert PhotoAsset.objects.count() == 2 and Redirect.objects.count() == 1


def test_an_older_local_copy_is_brought_up_to_date_and_a_second_merge_changes_nothing(settings, tmp_path, small_site):
    first = export(tmp_path / "first.zip")
    ship = edit(Story.objects.get(slug="hospital-ship"), headline="Hospital Ship Home After Five Months")
    Correction.objects.create(story=ship, kind="update", text="Adds the final count of patients.")
    second = export(tmp_path / "second.zip")
    wipe_site(settings, tmp_path)
    run("import_newsroom", first)

    result = run("import_newsroom", second, "--merge")

    assert result.status == 0, result.err
    ship = Story.objects.get(slug="hospital-ship")
    assert ship.headline == "Hospital Ship Home After Five Months" and ship.version == 2
    assert [note.text for note in ship.corrections.all()][-1] == "Adds the final count of patients."
    assert list(Revision.objects.filter(story=ship).values_list("number", flat=True)) == [2, 1]
    assert [tag.slug for tag in ship.tags.all()] == ["global-health"]
    assert ship.placements.count() == 2

    state, files = rows(), files_under(tmp_path / "after")
    again = run("import_newsroom", second, "--merge")

    assert again.status == 0, again.err
    assert "0 records added, 0 updated" in again.out
    assert rows() == state and files_under(tmp_path / "after") == files


def test_a_tag_whose_name_is_taken_here_by_another_slug_is_a_conflict(tmp_path, small_site):
    bundle = export(tmp_path / "newsroom.zip")
    Tag.objects.filter(slug="global-health").update(slug="health")

    result = run("import_newsroom", bundle, "--merge")

    assert result.status == 1
    assert "Conflict: tag “global-health”: its name “Global Health” belongs here to “health”; not added" in result.err
    assert list(Tag.objects.values_list("slug", flat=True)) == ["health"]


def test_merge_dry_run_changes_nothing(tmp_path, small_site):
    bundle = export(tmp_path / "newsroom.zip")
    Story.objects.get(slug="navy-clinics").delete()
    state = rows()

    result = run("import_newsroom", bundle, "--merge", "--dry-run")

    assert result.status == 0, result.err
    assert "Would import" in result.out and "records added" in result.out
    assert rows() == state


def test_import_writes_in_batches_whatever_the_number_of_stories(settings, tmp_path, make_story):
    """The same queries for 4 stories as for 8: nothing is written one row at a time."""

    def queries_to_restore(count):
        for number in range(count):
            make_story(headline=f"Story {count}-{number}", slug=f"story-{count}-{number}")
        bundle = export(tmp_path / f"{count}.zip")
        wipe_site(settings, tmp_path, name=str(count))
        with CaptureQueriesContext(connection) as queries:
            assert run("import_newsroom", bundle).status == 0
        Story.objects.all().delete()
        return len(queries)

    assert queries_to_restore(4) == queries_to_restore(8)
