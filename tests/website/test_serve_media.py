"""SERVE_MEDIA=true serves MEDIA_ROOT at MEDIA_URL with DEBUG off too (the test settings' DEBUG is off),
as the README says; only public copies are ever there, so an embargoed photo stays unreachable."""

import importlib

import pytest
from django.test import Client
from django.urls import clear_url_caches

import config.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls_with(settings):
    """The site's URLs as a server started with these settings builds them."""

    def build(**values):
        for name, value in values.items():
            setattr(settings, name, value)
        importlib.reload(config.urls)
        clear_url_caches()

    yield build
    settings.SERVE_MEDIA = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_serve_media_serves_a_public_copy_with_debug_off(urls_with, settings, make_photo):
    assert settings.DEBUG is False
    photo = make_photo(public=True)
    urls_with(SERVE_MEDIA=True)

    response = Client().get(photo.public_url("w480.jpg"))

    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content)
        == (settings.MEDIA_ROOT / photo.renditions["w480.jpg"]["name"]).read_bytes()
    )
    assert response["Content-Type"] == "image/jpeg"
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]


def test_an_embargoed_photo_is_not_in_what_it_serves(urls_with, settings, make_photo):
    photo = make_photo()
    urls_with(SERVE_MEDIA=True)

    assert Client().get(settings.MEDIA_URL + photo.renditions["w480.jpg"]["name"]).status_code == 404
    climbing = Client().get(settings.MEDIA_URL + "../private/" + photo.original.name)
    assert climbing.status_code in (400, 404), "nothing outside MEDIA_ROOT"


def test_without_serve_media_django_serves_no_media(urls_with, settings, make_photo):
    photo = make_photo(public=True)
    urls_with(SERVE_MEDIA=False)

    assert Client().get(photo.public_url("w480.jpg")).status_code == 404
