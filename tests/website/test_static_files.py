"""USWDS comes from the npm package, collected into hashed, compressed files whitenoise serves."""

import re
from pathlib import Path

import pytest
from django.test import Client

from newsroom.website.context_processors import site
from tests.website.servers import collected_static


@pytest.fixture(scope="session")
def collected():
    """STATIC_ROOT as `manage.py collectstatic` fills it with production settings: the same
    collection the suite's real app servers use, made once a run (about 25 s, mostly compressing)."""
    return Path(collected_static())


def test_uswds_assets_are_collected_hashed_and_compressed(collected):
    css = list((collected / "uswds" / "css").glob("newsroom-uswds.*.css"))
    assert css, "the USWDS stylesheet built from its Sass (npm run build:css) was not collected with a content hash"
    assert (css[0].with_name(css[0].name + ".gz")).exists()
    # Its fonts and images are the package's own, at the hashed addresses the manifest gave them.
    fonts = re.findall(r"url\(\"?\.\./fonts/([^\")]+)", css[0].read_text())
    assert fonts and all((collected / "uswds" / "fonts" / name).exists() for name in fonts)
    assert not list((collected / "uswds" / "css").glob("uswds.min.*")), "the full USWDS stylesheet is not served"
    for name in ("us_flag_small", "icon-dot-gov", "icon-https", "lock"):
        assert list((collected / "uswds" / "img").glob(f"{name}.*.*")), name
    assert list((collected / "uswds" / "js").glob("uswds.min.*.js"))
    assert not (collected / "uswds" / "scss").exists()


@pytest.mark.django_db
def test_pages_link_hashed_assets_that_whitenoise_serves(collected, settings):
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    client = Client()  # a new client builds the middleware, so whitenoise reads the new STATIC_ROOT
    html = client.get("/").content.decode()
    css_url = re.search(r'href="(/static/uswds/css/newsroom-uswds\.[0-9a-f]{12}\.css)"', html).group(1)
    response = client.get(css_url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]


def test_the_500_page_renders_without_a_database(client, monkeypatch):
    from newsroom.website.views import server_error

    response = server_error(None)
    html = response.content.decode()
    assert response.status_code == 500
    assert "An official website of the United States government" in html
    assert "Something went wrong" in html
    assert site()["site_name"] in html
