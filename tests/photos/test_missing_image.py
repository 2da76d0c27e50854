"""A photo whose image file is missing (legacy imports, generated content): readers get its alt
text in words, and editors can find it and upload the picture."""

import datetime
import re

import pytest

from newsroom.photos.models import PhotoAsset
from tests.conftest import assert_in_order, copies_root, jpeg_upload, page_text
from tests.photos.conftest import photo_without_file
from tests.stories.test_public_pages import story_page_queries

pytestmark = pytest.mark.django_db

ALT = "Two men wearing facemasks stand at the top of the Pentagon steps."


@pytest.fixture
def without_file(db):
    """A row as generate_content and old imports leave it: a record, no original, no public copies."""
    return photo_without_file(
        virin="200415-D-FN350-1001",
        title="Pentagon Steps",
        caption="The defense secretary and the chairman stand at the Pentagon, April 15, 2020.",
        alt_text=ALT,
        photographer="Lisa Ferdinando",
        credit="DOD",
        date_taken=datetime.date(2020, 4, 15),
    )


def figure_of(html, virin):
    return next(figure for figure in re.findall(r"<figure\b.*?</figure>", html, flags=re.S) if virin in figure)


def test_the_story_figure_shows_the_alt_text_in_place_of_the_picture(client, make_story, make_photo, without_file):
    story = make_story(photos=[without_file, make_photo()])
    response = client.get(story.get_absolute_url())
    figure = figure_of(response.content.decode(), without_file.virin)

    assert f'<p class="newsroom-image-missing">Image not available: {ALT}</p>' in figure
    assert "<img" not in figure and "<picture" not in figure
    assert "Full Size" not in figure and "download=" not in figure
    assert_in_order(
        page_text(response),
        [
            f"Image not available: {ALT}",
            "Pentagon Steps",
            "The defense secretary and the chairman",
            "Photo By: Lisa Ferdinando, DOD",
            "VIRIN: 200415-D-FN350-1001",
        ],
    )


def test_the_story_page_costs_the_same_queries_with_a_photo_without_its_file(
    client, make_story, make_photo, without_file, django_assert_num_queries
):
    story = make_story(photos=[without_file, make_photo()])
    with django_assert_num_queries(story_page_queries()):
        assert client.get(story.get_absolute_url()).status_code == 200


def test_the_photo_page_shows_the_alt_text_and_offers_no_download(client, make_story, without_file):
    make_story(photos=[without_file])
    response = client.get(f"/photos/{without_file.virin}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Image not available: {ALT}" in html
    assert "<img" not in figure_of(html, "Image not available")
    assert "Download full size" not in html and "Full size" not in page_text(response)
    assert_in_order(
        page_text(response), ["Pentagon Steps", f"Image not available: {ALT}", "Photo By: Lisa Ferdinando, DOD"]
    )


def test_the_home_page_strip_of_pictures_leaves_it_out(client, make_story, make_photo, without_file):
    pictured = make_photo(title="Community Clinic")
    make_story(photos=[without_file, pictured])
    html = client.get("/").content.decode()
    strip = re.search(r'<ul class="newsroom-photo-strip.*?</ul>', html, flags=re.S).group()
    assert pictured.get_absolute_url() in strip and without_file.get_absolute_url() not in strip


def test_its_edit_page_opens_says_the_image_is_missing_and_takes_a_file(
    editor_client, without_file, private_root, media_root, django_capture_on_commit_callbacks, run_tasks
):
    change = f"/admin/photos/photoasset/{without_file.pk}/change/"
    response = editor_client.get(change)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This photo has no image file: readers see “Image not available” and its alt text in its place." in page
    assert "No image file: readers see its alt text in place of the picture." in page
    assert "This photo has no image file yet: choose it and save." in page

    values = {
        "virin": without_file.virin,
        "title": without_file.title,
        "caption": without_file.caption,
        "alt_text": ALT,
        "photographer": without_file.photographer,
        "credit": without_file.credit,
        "date_taken": "2020-04-15",
        "place": "",
        "keywords": "",
        "pending_upload": "",
    }
    # Its record can be fixed before anyone finds the file.
    assert editor_client.post(change, values | {"place": "Arlington, Virginia"}).status_code == 302
    assert PhotoAsset.objects.get().place == "Arlington, Virginia"

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change, values | {"original": jpeg_upload("found.jpg", size=(900, 600))})
    assert response.status_code == 302
    assert "Copies being made" in editor_client.get(change).content.decode()
    run_tasks()
    photo = PhotoAsset.objects.get()
    assert photo.has_image and (private_root / photo.original.name).exists()
    assert (copies_root(photo) / photo.renditions["w480.jpg"]["name"]).exists()
    assert f'<img src="{photo.public_url("w480.jpg")}"' in editor_client.get(change).content.decode()
