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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_listings_keep_one_plan_rather_than_planning_each_request(client, make_story):
    """core/planning.py: a listing's words (and a tag page's tag) are in its SQL and its moment is
    hidden from the planner, so after its first runs PostgreSQL serves it from one generic plan
    instead of planning anew."""
    from newsroom.stories.models import Tag

    tag = Tag.objects.create(name="Harbor Patrol", slug="harbor-patrol")
    for number in range(12):
        story = make_story(headline=f"Harbor Patrol Report {number}", label="speech" if number % 2 else "news")
        story.tags.add(tag)
    pages = ("/news/", "/news/label/speech/", "/news/tag/harbor-patrol/")
    # psycopg prepares a statement at its sixth run; PostgreSQL plans its first five runs as
    # prepared afresh, then weighs keeping a generic plan.
    for visit in range(14):
        for address in pages:
            page = client.get(f"{address}?visit={visit}")
            assert "Harbor Patrol Report" in page.content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
            'WHERE statement LIKE \'%%FROM "stories_story"%%ORDER BY "stories_story"."published_at" DESC%%\''
        )
        listings = [row for row in cursor.fetchall() if row[1] + row[2] > 5]  # the pages' own, run 14 times
    assert len(listings) >= len(pages), prepared_statements()
    for statement, generic_plans, custom_plans in listings:
        assert "\"status\" = 'published'" in statement and "(SELECT $" in statement, statement
        assert '"tag_id" = $' not in statement, "a tag page's statement is its tag's own"
        assert generic_plans > 0 and custom_plans <= 5, (statement, generic_plans, custom_plans)


def test_a_planned_word_is_only_ever_a_word():
    from newsroom.core.planning import Word

    assert Word("published").value == "published"
    for unsafe in ("published'; DROP TABLE stories_story; --", "Published", "", "two words"):
        with pytest.raises(ValueError, match="lower-case letters"):
            Word(unsafe)
