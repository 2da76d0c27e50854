"""The story page's compiled queries ask exactly what its querysets ask, and follow the clock."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from newsroom.archive.services import story_archive
from newsroom.core.compiled_queries import CompiledQuery
from newsroom.stories.models import Correction, Status, Story, Tag
from newsroom.stories.selectors import lead_photo, story_for_preview, story_for_reader

pytestmark = pytest.mark.django_db


def test_the_story_page_gets_what_prefetching_gets_and_asks_nothing_more(
    make_story, make_photo, collection, django_assert_num_queries
):
    story = make_story(photos=[make_photo(), make_photo()], headline="Levee Repairs Finish Early")
    story.tags.add(
        Tag.objects.create(name="Flood Control", slug="flood-control"),
        Tag.objects.create(name="Army Corps", slug="army-corps"),
    )
    never_shown = [make_story(published=False), make_story(expires_at=timezone.now() - datetime.timedelta(hours=1))]
    story.related_stories.add(make_story(), make_story(), *never_shown)
    Correction.objects.create(story=story, text="An earlier version misspelled the district's name.")
    story_archive(story=story, collection=collection, user=None)

    expected = story_for_preview(story.pk)  # the plain querysets, through prefetch_related
    with django_assert_num_queries(5):
        found = story_for_reader(story.slug)
    with django_assert_num_queries(0):
        assert found.headline == "Levee Repairs Finish Early" and found.collection == collection
        for relation in ("placements", "tags", "related_stories", "corrections"):
            assert list(getattr(found, relation).all()) == list(getattr(expected, relation).all()), relation
        assert [placement.photo.virin for placement in found.placements.all()] == [
            placement.photo.virin for placement in expected.placements.all()
        ]
        assert lead_photo(found) == lead_photo(expected) and found.last_updated == expected.last_updated
    assert len(found.related_stories.all()) == 2, "drafts and expired stories are never related on the page"


def test_the_story_page_appears_at_its_publication_second_and_leaves_at_its_expiry(client, make_story):
    nine = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    story = make_story(published=False)
    Story.objects.filter(pk=story.pk).update(
        status=Status.PUBLISHED, published_at=nine, expires_at=nine + datetime.timedelta(hours=1)
    )
    for moment, status in [
        (nine - datetime.timedelta(seconds=1), 404),
        (nine, 200),
        (nine + datetime.timedelta(minutes=59, seconds=59), 200),
        (nine + datetime.timedelta(hours=1), 404),
    ]:
        with time_machine.travel(moment, tick=False):
            assert client.get(story.get_absolute_url()).status_code == status, moment


def test_a_value_the_sql_does_not_carry_as_a_parameter_is_refused():
    headlines = CompiledQuery(lambda count: Story.objects.all()[:count], count=(Story._meta.pk, 1, 2))
    with pytest.raises(ValueError, match="cannot place the value 'count'"):
        headlines.objects(count=3)  # the slice is written into the SQL, not passed as a parameter


def test_the_stories_a_body_links_to_come_with_the_related_stories_in_the_same_query(
    make_story, django_assert_num_queries
):
    related, linked_and_related, only_linked = make_story(), make_story(), make_story()
    draft = make_story(published=False)
    links = "".join(f'<a href="/news/x/" data-story="{s.pk}">x</a> ' for s in (linked_and_related, only_linked, draft))
    story = make_story(body=f"<p>{links}</p>")
    story.related_stories.add(related, linked_and_related)

    with django_assert_num_queries(5):
        found = story_for_reader(story.slug)

    expected = story_for_preview(story.pk)
    assert list(found.related_stories.all()) == list(expected.related_stories.all())
    assert len(found.related_stories.all()) == 2, "a story linked to is not related for that"
    # Drafts are never linked: their address would give their headline away.
    assert found.linked_story_urls == {s.pk: s.get_absolute_url() for s in (linked_and_related, only_linked)}
