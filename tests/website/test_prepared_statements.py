"""On PostgreSQL a query a connection runs again and again is prepared, unless an operator says not to."""

import pytest
from django.db import connection

from tests.website.test_production_settings import manage

pytestmark = pytest.mark.django_db

SHOW_OPTIONS = "from django.db import connection; print(sorted(connection.settings_dict.get('OPTIONS', {}).items()))"


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_story_page_query_is_prepared_once_it_has_run_five_times(client, make_story):
    story = make_story(headline="Hospital Ship Returns Home")
    for number in range(6):  # a new address each time, so the page cache does not answer
        page = client.get(f"{story.get_absolute_url()}?visit={number}")
        assert "Hospital Ship Returns Home" in page.content.decode()
    story_queries = [sql for sql in prepared_statements() if 'FROM "stories_story"' in sql and '"slug" =' in sql]
    assert story_queries, prepared_statements()


def test_an_operator_can_turn_prepared_statements_off():
    postgres = "postgres://postgres@127.0.0.1:5432/newsroom"
    on = manage("shell", "-c", SHOW_OPTIONS, DATABASE_URL=postgres, DATABASE_PREPARED_STATEMENTS=None)
    off = manage("shell", "-c", SHOW_OPTIONS, DATABASE_URL=postgres, DATABASE_PREPARED_STATEMENTS="false")
    assert on.returncode == 0 and off.returncode == 0, on.stderr + off.stderr
    assert "('prepare_threshold', 5)" in on.stdout
    assert "prepare_threshold" not in off.stdout
