"""The public photo page, and what the photo library admin offers editors."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom.photos.models import PhotoAsset
from tests.conftest import assert_in_order, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def used_photo(make_story, make_photo):
    photo = make_photo(
        virin="200922-D-BN624-1166",
        title="Honor Cordon",
        photographer="Lisa Ferdinando",
        credit="DOD",
        caption="Service members form an honor cordon, Sept. 22, 2020.",
        place="Arlington, Virginia",
        date_taken=timezone.datetime(2020, 9, 22).date(),
    )
    make_story(headline="Leaders Meet At The Pentagon", photos=[photo])
    make_story(headline="Draft Using The Same Photo", photos=[photo], published=False)
    return photo


def test_photo_page_shows_everything_a_reader_needs(client, used_photo):
    response = client.get("/photos/200922-D-BN624-1166/")
    assert response.status_code == 200
    text = page_text(response)
    assert_in_order(
        text,
        [
            "Honor Cordon",
            "Service members form an honor cordon",
            "Photo By: Lisa Ferdinando, DOD",
            f"Download full size ({max(used_photo.full_size['bytes'], 10_000) / 1_000_000:.2f} MB)",
            "VIRIN 200922-D-BN624-1166",
            "Date taken Sept. 22, 2020",
            "Place Arlington, Virginia",
            "Service D — Department of Defense",
            "public domain",
            "Stories with this photo",
            "Leaders Meet At The Pentagon",
        ],
    )
    assert "Draft Using The Same Photo" not in text
    html = response.content.decode()
    assert f'srcset="{used_photo.public_url("w480.webp")} 480w' in html
    assert 'type="image/webp"' in html


def test_lower_case_virin_redirects_to_the_canonical_address(client, used_photo):
    response = client.get("/photos/200922-d-bn624-1166/")
    assert response.status_code == 301 and response["Location"] == "/photos/200922-D-BN624-1166/"


def test_a_photo_no_published_story_uses_is_not_public(client, make_photo, make_story):
    unused = make_photo(virin="210101-A-AB123-1001")
    make_story(photos=[make_photo(virin="210101-A-AB123-1002")], published=False)
    assert client.get(f"/photos/{unused.virin}/").status_code == 404
    assert client.get("/photos/210101-A-AB123-1002/").status_code == 404
    assert client.get("/photos/not-a-virin/", follow=True).status_code == 404


def test_story_figure_links_the_virin_to_the_photo_page(client, used_photo):
    story_page = client.get("/news/").content.decode()
    assert "thumb." in story_page
    story = used_photo.placements.first().story
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'VIRIN: <a class="usa-link" href="/photos/200922-D-BN624-1166/">200922-D-BN624-1166</a>' in html


def test_photo_library_search_filters_and_used_in(editor_client, used_photo, make_photo):
    make_photo(
        virin="210614-A-KX193-1002",
        photographer="Staff Sgt. Maria Delgado",
        credit="Army",
        date_taken=timezone.datetime(2021, 6, 14).date(),
        caption="Crews close the levee breach.",
    )
    library = "/admin/photos/photoasset/"

    def listed(query):
        page = editor_client.get(library, query).content.decode()
        return {virin for virin in ("200922-D-BN624-1166", "210614-A-KX193-1002") if virin in page}, page

    assert listed({"q": "210614-A-KX193"})[0] == {"210614-A-KX193-1002"}
    assert listed({"q": "Delgado"})[0] == {"210614-A-KX193-1002"}
    assert listed({"q": "honor cordon"})[0] == {"200922-D-BN624-1166"}
    assert listed({"service": "A"})[0] == {"210614-A-KX193-1002"}
    assert listed({"service": "D"})[0] == {"200922-D-BN624-1166"}
    assert listed({"year": "2020"})[0] == {"200922-D-BN624-1166"}
    assert listed({"credit": "Army"})[0] == {"210614-A-KX193-1002"}
    _, page = listed({})
    assert '<a href="/admin/stories/story/?q=200922-D-BN624-1166">2 stories</a>' in page
    assert "/thumb." in page


def test_bulk_edit_sets_credit_and_adds_keywords_and_remakes_copies(
    editor_client, make_photo, django_capture_on_commit_callbacks, run_tasks
):
    first = make_photo(keywords="levee")
    second = make_photo(keywords="")
    old_full = first.full_size["name"]
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/admin/photos/photoasset/",
            {
                "action": "edit_credit_and_keywords",
                "_selected_action": [first.pk, second.pk],
                "apply": "1",
                "photographer": "",
                "credit": "Louisiana National Guard",
                "add_keywords": "flood, levee",
            },
            follow=True,
        )
    page = response.content.decode()
    assert "Updated 2 photos. Their public copies are being remade in the background" in page
    # The request made no copy: the list says so for each, and the worker makes them, a task a photo.
    assert page.count("Copies being made") == 2
    first.refresh_from_db(), second.refresh_from_db()
    assert first.credit == second.credit == "Louisiana National Guard"
    assert first.keywords == "levee, flood" and second.keywords == "flood, levee"
    assert first.full_size["name"] == old_full
    # A task a photo (PostgreSQL queues their stories' search refreshes beside them).
    assert DBTaskResult.objects.filter(task_path="newsroom.photos.tasks.make_photo_copies").count() == 2
    run_tasks()
    first.refresh_from_db()
    assert first.full_size["name"] != old_full
    assert "Copies being made" not in editor_client.get("/admin/photos/photoasset/").content.decode()


def test_bulk_edit_asks_first(editor_client, make_photo):
    photo = make_photo()
    page = editor_client.post(
        "/admin/photos/photoasset/",
        {
            "action": "edit_credit_and_keywords",
            "_selected_action": [photo.pk],
        },
    ).content.decode()
    assert "Edit credit and keywords" in page and "Apply to 1 photos" in page
    assert PhotoAsset.objects.get().credit == "Navy"


def test_staff_see_an_unused_photo_as_a_preview_that_is_never_cached(editor_client, make_photo):
    photo = make_photo(virin="210614-A-KX193-1002")
    response = editor_client.get(f"/photos/{photo.virin}/")
    assert response.status_code == 200
    assert "Preview — not public." in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_photo_page_query_count_does_not_grow_with_the_stories_that_use_it(
    client, make_story, make_photo, django_assert_num_queries
):
    photo = make_photo(virin="210614-A-KX193-1002")
    make_story(photos=[photo])
    # the photo, whether a published story uses it, the stories listed
    with django_assert_num_queries(3):
        client.get(f"/photos/{photo.virin}/")
    for _ in range(5):
        make_story(photos=[photo])
    with django_assert_num_queries(3):
        assert client.get(f"/photos/{photo.virin}/").status_code == 200
