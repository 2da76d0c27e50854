"""/healthz for load balancers, and what readers get while the database is down."""

import json

import pytest
from django.db import connection

from tests.website.servers import fetch, gunicorn

BANNER = "An official website of the United States government"
# Nothing listens on port 1: connections are refused at once, as when PostgreSQL is stopped.
UNREACHABLE_DATABASE = "postgres://newsroom@127.0.0.1:1/newsroom"


@pytest.mark.django_db
def test_healthz_reports_database_and_cache_with_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"], "a proxy must never answer for the server"
    assert not response.cookies


@pytest.mark.django_db
def test_healthz_with_the_cache_down_reports_it_and_stays_in_rotation(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200, "readers still get (uncached) pages"
    assert response.json() == {"database": "ok", "cache": "ConnectionError"}


def test_with_the_database_down_readers_get_a_503_page_and_healthz_fails():
    with gunicorn(DATABASE_URL=UNREACHABLE_DATABASE) as site:
        health = fetch(f"{site}/healthz")
        pages = {path: fetch(site + path) for path in ("/", "/news/", "/news/some-story/", "/no-such-page/")}

    assert health.status == 503
    assert json.loads(health.text) == {"database": "OperationalError", "cache": "ok"}
    for path, page in pages.items():
        assert page.status == 503, path
        assert BANNER in page.text and "Please try again shortly." in page.text, path
        assert "Traceback" not in page.text and "OperationalError" not in page.text, path
        assert page.headers["Retry-After"] == "30", path
        assert "no-store" in page.headers["Cache-Control"], path


@pytest.mark.django_db
def test_pages_come_back_by_themselves_when_database_connections_are_cut():
    if connection.vendor != "postgresql":
        pytest.skip("terminating server connections needs PostgreSQL")
    name = f"newsroom-test-{connection.settings_dict['NAME']}"
    database = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    with gunicorn(DATABASE_URL=f"{database}?application_name={name}", CONN_MAX_AGE="600") as site:
        assert fetch(f"{site}/healthz").status == 200
        with connection.cursor() as cursor:
            # What a PostgreSQL restart or a failover does to the server's kept connection.
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [name])
            assert cursor.fetchall() == [(True,)], "the server keeps its connection between requests"

        after = fetch(f"{site}/healthz")
        assert after.status == 200 and json.loads(after.text)["database"] == "ok"
        assert fetch(f"{site}/news/").status == 200
