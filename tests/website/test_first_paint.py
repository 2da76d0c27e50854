"""Readers' first paint (issue 18 point 6; bench/lighthouse.py measures it): the largest image
fetched first and every other one lazily, every image sized, HTML compressed for browsers that
ask, and never a page with a secret in it (BREACH, newsroom/website/compression.py)."""

import gzip
import re

import pytest
from django.core.management import call_command

from newsroom.stories.models import Tag

pytestmark = pytest.mark.django_db

IMG = re.compile(r"<img\b[^>]*>")


def images(response) -> list[str]:
    return IMG.findall(response.content.decode())


def is_eager(img: str) -> bool:
    return 'fetchpriority="high"' in img and "loading=" not in img


def is_lazy(img: str) -> bool:
    return 'loading="lazy"' in img and "fetchpriority" not in img


@pytest.fixture
def stories_with_photos(make_story, make_photo):
    tag = Tag.objects.create(name="Readiness", slug="readiness")
    made = []
    for number in range(3):
        story = make_story(headline=f"Story {number}", photos=[make_photo(title=f"Photo {number}a"), make_photo()])
        story.tags.add(tag)
        made.append(story)
    # The search documents, which the worker makes after a commit this test's transaction never has.
    call_command("rebuild_search_index", verbosity=0)
    return made


def test_a_story_fetches_its_first_photo_at_once_and_the_rest_lazily(client, stories_with_photos):
    figures = [img for img in images(client.get(stories_with_photos[0].get_absolute_url())) if "srcset" in img]
    assert len(figures) == 2
    assert is_eager(figures[0]) and is_lazy(figures[1])


@pytest.mark.parametrize("address", ["/", "/news/", "/news/tag/readiness/", "/search/?q=story"])
def test_a_listing_fetches_its_first_thumbnail_at_once_and_the_rest_lazily(client, stories_with_photos, address):
    thumbnails = [img for img in images(client.get(address)) if "newsroom-listing__photo" in img]
    assert len(thumbnails) == 3, address
    assert is_eager(thumbnails[0]) and all(is_lazy(img) for img in thumbnails[1:]), address


def test_the_archive_fetches_its_first_thumbnail_at_once(client, make_story, make_photo, collection):
    from newsroom.archive.services import story_archive

    for number in range(2):
        story_archive(
            story=make_story(headline=f"Old {number}", photos=[make_photo()]), collection=collection, user=None
        )
    thumbnails = [img for img in images(client.get("/archive/")) if "newsroom-listing__photo" in img]
    assert len(thumbnails) == 2
    assert is_eager(thumbnails[0]) and is_lazy(thumbnails[1])


def test_a_photo_page_fetches_its_photo_at_once(client, stories_with_photos):
    photo = stories_with_photos[0].placements.first().photo
    figures = [img for img in images(client.get(photo.get_absolute_url())) if "srcset" in img]
    assert len(figures) == 1 and is_eager(figures[0])


@pytest.mark.parametrize("page", ["home", "story", "photo", "listing", "archive", "search"])
def test_every_image_on_a_readers_page_has_its_width_and_height(client, stories_with_photos, page):
    story = stories_with_photos[0]
    address = {
        "home": "/",
        "story": story.get_absolute_url(),
        "photo": story.placements.first().photo.get_absolute_url(),
        "listing": "/news/",
        "archive": "/archive/",
        "search": "/search/?q=story",
    }[page]
    found = images(client.get(address))
    assert found
    for img in found:
        assert re.search(r'\bwidth="\d+"', img) and re.search(r'\bheight="\d+"', img), img
    flag = next(img for img in found if "us_flag_small" in img)
    assert 'width="16" height="11"' in flag  # the size USWDS's CSS shows the 64x44 flag at


# --- Compression ---------------------------------------------------------------------------------


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.mark.parametrize("cached", [False, True])
def test_a_readers_page_is_gzipped_when_the_browser_asks(client, make_story, settings, cached):
    if cached:
        settings.PAGE_CACHE_SECONDS = 300
    address = make_story(headline="Compressed Story").get_absolute_url()
    for _ in range(2):  # the second from the page cache, when it is on
        response = client.get(address, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        html = gzip.decompress(response.content).decode()
        assert "Compressed Story" in html and int(response["Content-Length"]) == len(response.content)
        assert len(response.content) < len(html) / 2
    # A browser that does not ask gets the page as it is, never the stored gzip.
    plain = client.get(address)
    assert not plain.has_header("Content-Encoding") and b"Compressed Story" in plain.content


def test_a_compressed_cached_page_answers_304_to_its_weak_etag(client, make_story, page_cache_on):
    address = make_story().get_absolute_url()
    first = client.get(address, HTTP_ACCEPT_ENCODING="gzip")
    assert first["ETag"].startswith('W/"')
    again = client.get(address, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("address", ["/news/", "/archive/", "/search/?q=story", "/news/feed/", "/about/"])
def test_every_kind_of_readers_page_is_compressed(client, stories_with_photos, address):
    response = client.get(address, HTTP_ACCEPT_ENCODING="gzip")
    if response.status_code == 404:  # no information page in this test's data
        return
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip", address


def test_no_page_with_a_secret_is_compressed(client, editor, make_story):
    """BREACH: the admin's pages (CSRF tokens), and any page a signed-in person gets."""
    login = client.get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert login.status_code == 200 and b"csrfmiddlewaretoken" in login.content
    assert not login.has_header("Content-Encoding")
    client.force_login(editor)
    for address in ("/admin/", make_story().get_absolute_url(), "/"):
        response = client.get(address, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200 and not response.has_header("Content-Encoding"), address
