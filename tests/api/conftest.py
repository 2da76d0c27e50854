"""What the API tests share: a reading client's requests, and the search index filled as commits fill it."""

import pytest

from newsroom.search.indexing import refresh_all


def get_json(client, url, params=None, status=200, **headers):
    """The answer to a GET, asserted to have `status` and to be JSON; its body, decoded."""
    response = client.get(url, params or {}, headers=headers)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


def every_item(client, url, params=None) -> list[dict]:
    """Every item of a paged list, following `next` to the end."""
    items, page = [], get_json(client, url, params)
    items += page["items"]
    while page["next"]:
        page = get_json(client, page["next"])
        items += page["items"]
    return items


@pytest.fixture
def indexed(db):
    """Fills the search index for the stories made so far (PostgreSQL searches through it; SQLite
    matches the stories' own words)."""

    def fill():
        refresh_all()  # nothing to do on SQLite

    return fill


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_MAX_AGE = 60
