"""Photos an editor still has to fix: the library's filters and column, and the editor's home."""

import itertools
import re

import pytest
from django.db import connection

from newsroom.photos import selectors
from newsroom.photos.models import PhotoAsset
from tests.photos.conftest import photo_without_file

_numbers = itertools.count(5001)

pytestmark = pytest.mark.django_db

LIBRARY = "/admin/photos/photoasset/"


def rows(page):
    return re.findall(r'<tr>\s*<td class="action-checkbox">.*?</tr>', page, flags=re.S)


def listed(client, **query):
    page = client.get(LIBRARY, query).content.decode()
    return {photo.virin for photo in PhotoAsset.objects.all() if photo.virin in page}


@pytest.fixture
def library(make_photo):
    return {
        "complete": make_photo(),
        "no_alt_text": make_photo(alt_text=""),
        "no_file": photo_without_file(alt_text="Two men stand on the Pentagon steps."),
        "neither": photo_without_file(),
    }


def test_the_library_filters_by_alt_text_and_by_image_file(editor_client, library):
    virin = {name: photo.virin for name, photo in library.items()}
    assert listed(editor_client, alt_text="missing") == {virin["no_alt_text"], virin["neither"]}
    assert listed(editor_client, alt_text="written") == {virin["complete"], virin["no_file"]}
    assert listed(editor_client, image="missing") == {virin["no_file"], virin["neither"]}
    assert listed(editor_client, image="present") == {virin["complete"], virin["no_alt_text"]}
    page = editor_client.get(LIBRARY).content.decode()
    for title, choices in (("By alt text", ("Missing", "Written")), ("By image file", ("Missing", "Present"))):
        assert title in page and all(f">{choice}</a>" in page for choice in choices)


def test_the_alt_text_column_marks_a_missing_one_with_a_word_not_only_a_colour(editor_client, library):
    page = editor_client.get(LIBRARY).content.decode()
    by_virin = {photo.virin: row for row in rows(page) for photo in library.values() if photo.virin in row}
    missing = re.compile(
        r'<td class="field-alt_text_column"><strong class="photo-missing">'
        r'<img src="[^"]+icon-alert\.svg" alt=""> Missing</strong></td>'
    )
    assert missing.search(by_virin[library["no_alt_text"].virin])
    assert missing.search(by_virin[library["neither"].virin])
    written = by_virin[library["complete"].virin]
    assert re.search(
        r'<td class="field-alt_text_column"><span title="A nurse in blue scrubs[^"]*">Written</span></td>', written
    )
    assert "No image</strong>" in by_virin[library["no_file"].virin]
    assert re.search(r'<th scope="col" class="column-alt_text_column">.*?Alt text', page, flags=re.S)


def test_the_library_costs_the_same_queries_for_10_or_100_photos(
    editor_client, make_photo, make_story, django_assert_num_queries
):
    photo = make_photo()
    make_story(photos=[photo])

    def fill_to(count):
        # Rows like the real one (same public copies), so every thumbnail and count is drawn.
        PhotoAsset.objects.bulk_create(
            PhotoAsset(
                virin=f"260303-N-TV418-{next(_numbers)}",
                caption=photo.caption,
                alt_text="" if n % 2 else "A",
                original=photo.original.name,
                renditions=photo.renditions,
                photographer="P",
                credit="Navy",
            )
            for n in range(count - PhotoAsset.objects.count())
        )

    for count, query in ((10, {}), (100, {}), (10, {"alt_text": "missing"}), (100, {"alt_text": "missing"})):
        fill_to(count)
        # session, user, its own and its groups' permissions, the years and credits the filters
        # offer, the paginator's count, the page's rows (their "used in" counts inside it); on
        # PostgreSQL the unfiltered library first reads the table's row estimate
        with django_assert_num_queries(8 + (connection.vendor == "postgresql" and not query)):
            response = editor_client.get(LIBRARY, query)
        assert response.status_code == 200 and len(rows(response.content.decode())) >= 5


@pytest.mark.parametrize("role_client", ["writer_client", "editor_client"])
def test_the_editors_home_links_to_photos_without_alt_text_and_lists_those_without_a_file(
    request, role_client, library
):
    page = request.getfixturevalue(role_client).get("/admin/").content.decode()

    assert '<a href="/admin/photos/photoasset/?alt_text=missing">2 photos without alt text</a>' in page
    table = re.search(r"<caption>Photos without an image file \(2 photos\)</caption>.*?</table>", page, flags=re.S)
    assert table, "the table of photos without an image file"
    for photo in (library["no_file"], library["neither"]):
        assert f'<a href="/admin/photos/photoasset/{photo.pk}/change/">{photo}</a>' in table.group()
    assert library["complete"].virin not in table.group()


def test_the_editors_home_says_when_every_photo_is_fine(editor_client, make_photo):
    make_photo()
    page = editor_client.get("/admin/").content.decode()
    assert "Every photo has alt text." in page and "Every photo has its image file." in page
    assert "Photos without an image file (0 photos)" in page


def test_the_editors_home_counts_only_so_far_and_lists_only_a_few(editor_client, monkeypatch):
    monkeypatch.setattr(selectors, "COUNTED_UP_TO", 12)
    for _ in range(13):
        photo_without_file()
    page = editor_client.get("/admin/").content.decode()
    assert "More than 12 photos without alt text" in page
    table = re.search(
        r"<caption>Photos without an image file \(more than 12 photos\)</caption>.*?</table>", page, flags=re.S
    ).group()
    assert table.count("/change/") == 10
    assert (
        '<a href="/admin/photos/photoasset/?image=missing">Every photo without an image file, in the library</a>'
        in table
    )
