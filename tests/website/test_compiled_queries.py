"""The story page's compiled queries ask exactly what its querysets ask, and follow the clock."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import DecimalField, Value
from django.utils import timezone

from newsroom.archive.services import story_archive
from newsroom.core.compiled_queries import CompiledQuery, WithParts
from newsroom.photos.models import PhotoAsset
from newsroom.stories.models import Correction, Label, PhotoPlacement, Status, Story, Tag
from newsroom.stories.selectors import lead_photo, story_for_preview, story_for_reader
from tests.stories.test_public_pages import story_page_queries
from tests.website.test_cache import relied_on

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
    with django_assert_num_queries(story_page_queries()):
        found = story_for_reader(story.slug)
    with django_assert_num_queries(0):
        assert found.headline == "Levee Repairs Finish Early" and found.collection == collection
        for relation in ("placements", "tags", "related_stories", "corrections"):
            assert list(getattr(found, relation).all()) == list(getattr(expected, relation).all()), relation
            # Every field as the queryset reads it, types and time zones too (the JSON's are read back).
            for got, wanted in zip(getattr(found, relation).all(), getattr(expected, relation).all(), strict=True):
                assert got.__dict__.keys() >= {"id"}, relation
                for name, value in got.__dict__.items():
                    if not name.startswith("_") and name in wanted.__dict__:
                        assert (value, type(value)) == (wanted.__dict__[name], type(wanted.__dict__[name])), name
        for got, wanted in zip(found.placements.all(), expected.placements.all(), strict=True):
            assert {name: value for name, value in got.photo.__dict__.items() if not name.startswith("_")} == {
                name: value for name, value in wanted.photo.__dict__.items() if not name.startswith("_")
            }
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


def test_compiled_queries_still_fit_djangos_query_compiler(make_story, make_photo, django_assert_num_queries):
    """newsroom/core/compiled_queries.py reads what Django's SQL compiler leaves behind, and
    story_for_reader (newsroom/stories/selectors.py) fills the caches prefetch_related fills; a
    Django upgrade that changes any of it must fail here, by name, rather than on readers' pages."""
    device = "newsroom/core/compiled_queries.py"
    story = make_story(photos=[make_photo()])
    queryset = PhotoPlacement.objects.select_related("photo").filter(story=story.pk)
    compiler = queryset.query.get_compiler(connection=connection)
    compiled = compiler.as_sql()
    assert isinstance(compiled, tuple) and len(compiled) == 2 and isinstance(compiled[0], str), relied_on(
        device, "SQLCompiler.as_sql() returning (sql, params)", compiled
    )
    sql, params = compiled
    assert list(params) == [story.pk], relied_on(device, "SQLCompiler.as_sql() params, in order", params)
    info = getattr(compiler, "klass_info", None) or {}
    assert {"model", "select_fields", "related_klass_infos"} <= set(info) and info["model"] is PhotoPlacement, (
        relied_on(device, "SQLCompiler.klass_info (model, select_fields, related_klass_infos)", info)
    )
    related = info["related_klass_infos"]
    assert [(one.get("field"), one.get("model")) for one in related] == [
        (PhotoPlacement._meta.get_field("photo"), PhotoAsset)
    ], relied_on(device, "klass_info's related_klass_infos (field, model) for select_related", related)
    select = getattr(compiler, "select", None) or []
    columns = [getattr(getattr(select[index][0], "target", None), "attname", None) for index in info["select_fields"]]
    assert columns == [field.attname for field in PhotoPlacement._meta.concrete_fields], relied_on(
        device, "SQLCompiler.select as (column expression with .target, sql, alias) after as_sql()", select[:2]
    )
    assert callable(getattr(compiler, "get_converters", None)) and callable(
        getattr(compiler, "apply_converters", None)
    ), relied_on(device, "SQLCompiler.get_converters(expressions) and apply_converters(rows, converters)", compiler)
    converters = compiler.get_converters([column for column, _, _ in select])
    assert isinstance(converters, dict), relied_on(device, "SQLCompiler.get_converters returning a dict", converters)

    device = "story_for_reader in newsroom/stories/selectors.py"
    tags = Tag.objects.all()
    tags._result_cache, tags._prefetch_done = [Tag(name="Kept", slug="kept")], True
    story._prefetched_objects_cache = {"tags": tags}
    with django_assert_num_queries(0):
        shown = [tag.name for tag in story.tags.all()]
    assert shown == ["Kept"], relied_on(
        device,
        "related managers answering from instance._prefetched_objects_cache[name], a QuerySet with "
        "_result_cache and _prefetch_done set",
        shown,
    )


def test_the_stories_a_body_links_to_come_with_the_related_stories_in_the_same_query(
    make_story, django_assert_num_queries
):
    related, linked_and_related, only_linked = make_story(), make_story(), make_story()
    draft = make_story(published=False)
    links = "".join(f'<a href="/news/x/" data-story="{s.pk}">x</a> ' for s in (linked_and_related, only_linked, draft))
    story = make_story(body=f"<p>{links}</p>")
    story.related_stories.add(related, linked_and_related)

    with django_assert_num_queries(story_page_queries(links=True)):
        found = story_for_reader(story.slug)

    expected = story_for_preview(story.pk)
    assert list(found.related_stories.all()) == list(expected.related_stories.all())
    assert len(found.related_stories.all()) == 2, "a story linked to is not related for that"
    # Drafts are never linked: their address would give their headline away.
    assert found.linked_story_urls == {s.pk: s.get_absolute_url() for s in (linked_and_related, only_linked)}


def test_parts_come_with_each_of_many_objects_in_their_own_order(make_story, django_assert_num_queries):
    """WithParts in general: every object found gets its own parts, ordered as their queryset orders them."""
    stories = [make_story(headline=f"Story {number}", label=Label.FEATURE) for number in range(3)]
    make_story(headline="Not a feature")
    for number, story in enumerate(stories):
        story.tags.add(
            *[Tag.objects.get_or_create(name=f"Tag {letter}", slug=f"tag-{letter}")[0] for letter in "cab"[number:]]
        )
    features = WithParts(
        CompiledQuery(
            lambda label: Story.objects.filter(label=label).order_by("headline"),
            label=(Story._meta.get_field("label"), "a", "b"),
        ),
        tags=(CompiledQuery(lambda story: Tag.objects.filter(stories=story), story=(Story._meta.pk, 1, 2)), "story"),
    )
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 4):
        found = features.objects(label=Label.FEATURE)
    assert [(story.headline, [tag.name for tag in parts["tags"]]) for story, parts in found] == [
        ("Story 0", ["Tag a", "Tag b", "Tag c"]),
        ("Story 1", ["Tag a", "Tag b"]),
        ("Story 2", ["Tag b"]),
    ]
    assert [(story.headline, parts) for story, parts in features.objects(label=Label.NEWS)] == [
        ("Not a feature", {"tags": []})
    ]
    assert features.objects(label=Label.RELEASE) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL reads parts back from JSON")
def test_a_part_whose_values_json_cannot_carry_is_refused(make_story):
    make_story()
    shares = WithParts(
        CompiledQuery(
            lambda label: Story.objects.filter(label=label), label=(Story._meta.get_field("label"), "a", "b")
        ),
        tags=(
            CompiledQuery(
                lambda story: Tag.objects.filter(stories=story).annotate(
                    share=Value(Decimal("0.5"), output_field=DecimalField())
                ),
                story=(Story._meta.pk, 1, 2),
            ),
            "story",
        ),
    )
    with pytest.raises(ValueError, match="cannot read a DecimalField back from JSON"):
        shares.objects(label=Label.NEWS)
