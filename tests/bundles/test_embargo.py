"""The photo embargo across a move: an embargoed photo's copies travel in the bundle and land in private
storage, never for a moment in MEDIA_ROOT; public ones land in MEDIA_ROOT; a bundle made before the
embargo (format 4) comes in with this site's rule applied."""

import pytest

from newsroom.photos.models import PhotoAsset
from newsroom.stories.embargo import photo_release
from tests.bundles.conftest import as_format, export, files_under, run, wipe_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_with_an_embargo(small_site, make_photo, editor, django_capture_on_commit_callbacks):
    unused = make_photo(title="Not Yet Published")
    released = make_photo(title="Released Early")
    with django_capture_on_commit_callbacks(execute=True):
        photo_release(photo=released, user=editor)
    return {**small_site, "unused": unused, "released": released}


def where(settings):
    """Which VIRINs' copies are in MEDIA_ROOT and which in private storage."""
    public, private = files_under(settings.MEDIA_ROOT), files_under(settings.PRIVATE_MEDIA_ROOT)
    found = {}
    for photo in PhotoAsset.objects.all():
        names = [entry["name"] for entry in photo.renditions.values()]
        in_public = all(name in public for name in names)
        in_private = all(name in private for name in names)
        found[photo.title] = {(True, False): "public", (False, True): "private"}.get((in_public, in_private), "both")
    return found


def test_embargoed_copies_stay_private_through_a_restore(settings, tmp_path, site_with_an_embargo):
    before = where(settings)
    assert before == {
        "Honor Cordon": "public",
        "Community Clinic": "public",
        "Not Yet Published": "private",
        "Released Early": "public",
    }
    flags = sorted(PhotoAsset.objects.values_list("virin", "copies_public", "released_at"))
    bundle = export(tmp_path / "newsroom.zip")
    wipe_site(settings, tmp_path)

    assert run("import_newsroom", bundle).status == 0

    assert where(settings) == before
    assert sorted(PhotoAsset.objects.values_list("virin", "copies_public", "released_at")) == flags


def test_a_bundle_made_before_the_embargo_comes_in_with_the_rule_applied(
    settings, tmp_path, site_with_an_embargo, django_capture_on_commit_callbacks
):
    bundle = export(tmp_path / "newsroom.zip")

    old = as_format(bundle, tmp_path / "format-4.zip", version=4)
    wipe_site(settings, tmp_path)

    with django_capture_on_commit_callbacks(execute=True):  # the copies moved from go once it commits
        result = run("import_newsroom", old)

    assert result.status == 0, result.err
    # Format 4 knew no release: that photo is embargoed like any other no published story uses.
    assert where(settings) == {
        "Honor Cordon": "public",
        "Community Clinic": "public",
        "Not Yet Published": "private",
        "Released Early": "private",
    }
