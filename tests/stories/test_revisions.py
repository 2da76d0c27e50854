"""A story's history in the admin: a revision per save, the list, the diff of two, and restoring one."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from newsroom.stories.models import Action, PhotoPlacement, Revision, Status, Story, Tag
from newsroom.stories.revisions import record_revision, revision_diff
from newsroom.stories.services import story_publish, story_update
from tests.stories.test_admin import story_form

pytestmark = pytest.mark.django_db


def save_version(story, user, **fields):
    """What every save does: change the story, bump its version, keep a revision."""
    for name, value in fields.items():
        setattr(story, name, value)
    story.version = F("version") + 1
    story.save()
    story.refresh_from_db()
    return record_revision(story=story, user=user)


def revisions_url(story):
    return f"/admin/stories/story/{story.pk}/revisions/"


def assert_no_inline_script_or_style(page):
    """The admin's CSP allows scripts and styles from our own files only."""
    assert " style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


@pytest.fixture
def tags(db):
    return {
        name: Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        for name in ("Disaster Response", "Navy", "Health")
    }


@pytest.fixture
def story_with_history(make_story, make_photo, editor, tags):
    """Revision 1 a draft with a photo after its first paragraph; 2 published; 3 edited by the editor,
    with another photo after the second paragraph."""
    first_photo, second_photo = make_photo(), make_photo()
    story = make_story(
        published=False,
        headline="Hospital Ship Arrives in Port",
        body="Sailors came ashore on Monday.\n\nThe ship treated 900 patients.",
        photos=[first_photo],
    )
    story.tags.set([tags["Disaster Response"]])
    record_revision(story=story, user=editor)
    story_publish(story=story, user=editor)
    story.tags.set([tags["Disaster Response"], tags["Navy"]])
    story.placements.all().delete()
    PhotoPlacement.objects.create(story=story, photo=second_photo, order=0)
    save_version(
        story,
        editor,
        headline="Hospital Ship Leaves Port",
        body="<p>Sailors came ashore on Monday.</p><p>The ship treated 1,200 patients.</p>"
        f'<figure data-photo="{second_photo.pk}"></figure><p>It sails for Guam next.</p>',
    )
    story.first_photo, story.second_photo = first_photo, second_photo
    return story


def test_each_save_in_the_admin_keeps_a_revision_with_the_editor_and_what_changed(editor_client, editor):
    assert editor_client.post("/admin/stories/story/add/", story_form()).status_code == 302
    story = Story.objects.get()
    response = editor_client.post(
        f"/admin/stories/story/{story.pk}/change/",
        story_form(headline="Navy Hospital Ship Ends Five-Month Mission", started_from_version=str(story.version)),
    )
    assert response.status_code == 302, response.content.decode()

    first, second = Revision.objects.filter(story=story).order_by("number")
    assert (first.number, second.number) == (1, 2) == (1, Story.objects.get().version)
    assert first.user == second.user == editor
    assert first.action == second.action == Action.SAVED
    assert "headline" in first.changed_fields and "body" in first.changed_fields
    assert second.changed_fields == ["headline"]
    assert second.snapshot["headline"] == "Navy Hospital Ship Ends Five-Month Mission"


def test_a_revision_after_changing_tags_and_photos_lists_them(make_story, make_photo, editor, tags):
    story = make_story()
    record_revision(story=story, user=editor)
    story.tags.add(tags["Navy"])
    photo = make_photo()
    PhotoPlacement.objects.create(story=story, photo=photo, order=0)

    revision = save_version(story, editor, body=story.body + f'<figure data-photo="{photo.pk}"></figure>')

    assert revision.changed_fields == ["body", "tags", "placements"]


def test_revision_list_shows_who_when_what_happened_and_what_changed(editor_client, story_with_history):
    response = editor_client.get(revisions_url(story_with_history))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<caption>" in page and '<th scope="row">3</th>' in page
    table = page.split('<div id="content-main">', 1)[1]
    rows = re.findall(r"<tr>.*?</tr>", table, re.S)[1:]
    assert [re.search(r'<th scope="row">(\d+)</th>', row).group(1) for row in rows] == ["3", "2", "1"]
    newest, published, first = rows
    assert "editor" in newest and "Saved" in newest and "Headline, Body, Tags, Placed photos" in newest
    assert "Published" in published and "Status, Publication time" in published
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT", first)
    assert "First revision" in first and "Slug" not in first
    # The current revision has nothing to restore; the others have a button each.
    assert "/revisions/3/restore/" not in page
    assert "/revisions/2/restore/" in page and "/revisions/1/restore/" in page
    assert 'name="from" value="2" checked' in page and 'name="to" value="3" checked' in page
    assert "css/admin-revisions.css" in page
    assert_no_inline_script_or_style(page)


def test_change_form_links_to_the_revisions(editor_client, story_with_history):
    page = editor_client.get(f"/admin/stories/story/{story_with_history.pk}/change/").content.decode()
    assert f'<a href="{revisions_url(story_with_history)}">Revisions</a>' in page


def test_compare_shows_removed_and_added_words_tag_names_and_photos(editor_client, story_with_history):
    story = story_with_history
    response = editor_client.get(f"{revisions_url(story)}compare/?from=1&to=3")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<del>Arrives in</del> Port" in page
    assert "Hospital Ship <ins>Leaves</ins> Port" in page
    # Body paragraphs stay paragraphs; only the changed words are marked.
    assert "<p>The ship treated <del>900</del> patients.</p>" in page
    assert "<p>The ship treated <ins>1,200</ins> patients.</p>" in page
    assert "<p><ins>It sails for Guam next.</ins></p>" in page
    assert "<li>Disaster Response</li>" in page and "<li><ins>Navy</ins></li>" in page
    assert f"<li><del>{story.first_photo.virin}, photo 1 in the story</del></li>" in page
    assert f"<li><ins>{story.second_photo.virin}, photo 1 in the story</ins></li>" in page
    # The body names what happened to its photos, and where.
    assert f"<li><del>photo {story.first_photo.virin} removed (after “Sailors came ashore on…”)</del></li>" in page
    assert f"<li><ins>photo {story.second_photo.virin} added after “The ship treated 1,200…”</ins></li>" in page
    # Who and when of each side, and only the fields that differ.
    assert "Saved by editor" in page
    assert '<th scope="row">Headline</th>' in page and '<th scope="row">Byline</th>' not in page
    assert_no_inline_script_or_style(page)


def test_diff_reads_as_editors_write_with_one_query_per_kind_of_name(
    make_story, make_photo, editor, tags, django_assert_num_queries
):
    import datetime

    story = make_story(body="One.\n\nTwo.", published_at=datetime.datetime(2026, 3, 3, 15, 0, tzinfo=datetime.UTC))
    older = record_revision(story=story, user=editor)
    story.tags.add(tags["Navy"])
    story.related_stories.add(make_story(headline="Ship Departs"))
    photo = make_photo(virin="260303-N-TV418-9001")
    PhotoPlacement.objects.create(story=story, photo=photo, order=0)
    newer = save_version(
        story,
        editor,
        body=f'<p>One. Two.</p><figure data-photo="{photo.pk}"></figure>',
        published_at=datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC),
    )

    with django_assert_num_queries(3):  # tag names, headlines, VIRINs (of the body's photos too)
        changes = {change.label: change for change in revision_diff(older, newer)}

    assert list(changes) == ["Body", "Publication time", "Tags", "Related stories", "Placed photos"]
    # Two paragraphs joined: the lost break is shown, the words are not marked.
    assert changes["Body"].before_html == "<p>One. <del>¶</del></p><p>Two.</p>"
    assert changes["Body"].after_html == (
        '<p>One. Two.</p><ul class="revision-diff__blocks">'
        "<li><ins>photo 260303-N-TV418-9001 added after “One. Two.”</ins></li></ul>"
    )
    assert changes["Publication time"].before_html == "<del>March 3, 2026, 10 a.m. EST</del>"
    assert changes["Publication time"].after_html == "<ins>March 4, 2026, 4:30 a.m. EST</ins>"
    assert "<li><ins>Ship Departs</ins></li>" in changes["Related stories"].after_html
    assert "<li><ins>260303-N-TV418-9001, photo 1 in the story</ins></li>" in changes["Placed photos"].after_html


def test_compare_escapes_markup_in_the_text(editor_client, make_story, editor):
    story = make_story(body="<p>Plain words.</p>")
    record_revision(story=story, user=editor)
    save_version(story, editor, body='<p>Plain &lt;script&gt;alert("x")&lt;/script&gt; words.</p>')

    page = editor_client.get(f"{revisions_url(story)}compare/?from=1&to=2").content.decode()

    assert "<ins>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</ins>" in page
    assert "<script>alert" not in page


def test_compare_needs_two_different_revisions(editor_client, story_with_history):
    response = editor_client.get(f"{revisions_url(story_with_history)}compare/?from=3&to=3", follow=True)
    assert response.redirect_chain[-1][0] == revisions_url(story_with_history)
    assert "Choose two different revisions to compare." in response.content.decode()
    for missing in ("1&to=9", "1&to=99999999999999999999999"):
        assert editor_client.get(f"{revisions_url(story_with_history)}compare/?from={missing}").status_code == 404


def test_restore_asks_first_and_shows_what_would_change(editor_client, story_with_history):
    response = editor_client.get(f"{revisions_url(story_with_history)}1/restore/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Yes, restore revision 1" in page and 'method="post"' in page
    assert "Hospital Ship <del>Leaves</del> Port" in page and "<ins>Arrives in</ins> Port" in page
    # Workflow state is not restored, so it is not offered as a change.
    assert '<th scope="row">Status</th>' not in page
    assert Story.objects.get().headline == "Hospital Ship Leaves Port"
    assert_no_inline_script_or_style(page)


def test_restoring_puts_the_content_back_keeps_the_status_and_can_be_undone(
    editor_client, editor, story_with_history, tags
):
    story = story_with_history
    published_at = story.published_at

    response = editor_client.post(f"{revisions_url(story)}1/restore/", follow=True)

    assert response.redirect_chain[-1][0] == f"/admin/stories/story/{story.pk}/change/"
    assert "is back as it was in revision 1; this is now revision 4." in response.content.decode()
    story.refresh_from_db()
    assert story.headline == "Hospital Ship Arrives in Port"
    assert story.body == (
        f'<p>Sailors came ashore on Monday.</p><figure data-photo="{story.first_photo.pk}"></figure>'
        "<p>The ship treated 900 patients.</p>"
    )
    assert list(story.tags.all()) == [tags["Disaster Response"]]
    assert [(p.photo, p.order) for p in story.placements.all()] == [(story.first_photo, 0)]
    # Revision 1 was a draft without a publication time: the story stays published, as it was.
    assert story.status == Status.PUBLISHED and story.published_at == published_at
    restored = story.revisions.latest()
    assert (restored.number, restored.action, restored.user) == (4, Action.RESTORED, editor)
    assert story.version == 4

    editor_client.post(f"{revisions_url(story)}3/restore/")

    story.refresh_from_db()
    assert story.headline == "Hospital Ship Leaves Port"
    assert [(p.photo, p.order) for p in story.placements.all()] == [(story.second_photo, 0)]
    assert story.revisions.latest().number == 5


def test_restoring_a_revision_with_a_deleted_photo_skips_it_and_says_so(editor_client, editor, make_story, make_photo):
    kept, deleted = make_photo(), make_photo()
    story = make_story(headline="Two Photos", photos=[kept, deleted])
    record_revision(story=story, user=editor)
    story.placements.filter(photo=deleted).delete()
    save_version(
        story, editor, headline="One Photo", body=story.body.replace(f'<figure data-photo="{deleted.pk}"></figure>', "")
    )
    deleted_pk = deleted.pk
    deleted.delete()

    response = editor_client.post(f"{revisions_url(story)}1/restore/", follow=True)

    page = response.content.decode()
    assert (
        "Not restored, because they have been deleted since: "
        f"the photo after “Second paragraph.” (photo #{deleted_pk})." in page
    )
    story.refresh_from_db()
    assert story.headline == "Two Photos"
    assert [p.photo for p in story.placements.all()] == [kept]
    assert f'data-photo="{deleted_pk}"' not in story.body and f'data-photo="{kept.pk}"' in story.body
    assert story.revisions.latest().action == Action.RESTORED


def test_a_restore_the_story_no_longer_allows_changes_nothing_and_says_why(editor_client, editor, make_story):
    story = make_story(slug="ship-arrives")
    record_revision(story=story, user=editor)
    save_version(story, editor, slug="ship-arrives-in-port")
    make_story(slug="ship-arrives")

    response = editor_client.post(f"{revisions_url(story)}1/restore/", follow=True)

    assert (
        "Revision 1 was not restored: Another story now has the web address “ship-arrives”."
        in response.content.decode()
    )
    story.refresh_from_db()
    assert (story.slug, story.version, story.revisions.count()) == ("ship-arrives-in-port", 2, 2)


def test_restoring_an_old_slug_keeps_the_newer_address_answering(editor_client, editor, make_story, client):
    story = make_story(slug="ship-arrives")
    record_revision(story=story, user=editor)
    save_version(story, editor, slug="ship-arrives-in-port")

    editor_client.post(f"{revisions_url(story)}1/restore/")

    assert Story.objects.get().slug == "ship-arrives"
    response = client.get("/news/ship-arrives-in-port/")
    assert (response.status_code, response["Location"]) == (301, "/news/ship-arrives/")


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", ""),
        ("get", "compare/?from=1&to=3"),
        ("get", "1/restore/"),
        ("post", "1/restore/"),
    ],
)
def test_staff_without_permission_to_change_stories_are_refused(client, story_with_history, method, path):
    viewer = get_user_model().objects.create_user("viewer", password="a-long-test-password", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_story"))
    client.force_login(viewer)

    response = getattr(client, method)(revisions_url(story_with_history) + path)

    assert response.status_code == 403
    assert Story.objects.get().headline == "Hospital Ship Leaves Port"


def test_revision_list_costs_the_same_queries_for_two_revisions_or_twenty(editor_client, editor, make_story):
    story = make_story()
    record_revision(story=story, user=editor)
    save_version(story, editor, headline="Second Headline")
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get(revisions_url(story)).status_code == 200

    for number in range(18):
        author = get_user_model().objects.create_user(f"writer{number}")
        save_version(story, author, headline=f"Headline {number}")
    with CaptureQueriesContext(connection) as many:
        page = editor_client.get(revisions_url(story)).content.decode()

    assert "writer17" in page and '<th scope="row">20</th>' in page
    assert len(many) == len(few)


def test_a_revision_recorded_before_the_canonical_body_reads_as_today_and_a_save_of_nothing_records_nothing(
    editor_client, create_story, make_photo, editor
):
    photo = make_photo()
    story = create_story(body=f'<p>Sailors came ashore.</p><figure data-photo="{photo.pk}"></figure><p>They left.</p>')
    # Revision 1 as it was recorded before the migration: paragraphs, and the photo "after paragraph 1".
    first = story.revisions.get()
    first.snapshot = {
        **first.snapshot,
        "body": "Sailors came ashore.\n\nThey left.",
        "placements": [{"photo": photo.pk, "after_paragraph": 1, "order": 0, "caption": ""}],
    }
    first.save()

    story_update(story=story, changes={"body": story.body, "headline": story.headline}, user=editor, expected_version=1)
    assert story.revisions.count() == 1, "the same story in either form is no change"

    story_update(
        story=story, changes={"body": story.body.replace("They left.", "They sailed.")}, user=editor, expected_version=1
    )
    page = editor_client.get(f"{revisions_url(story)}compare/?from=1&to=2").content.decode()
    assert "<p>They <del>left.</del></p>" in page and "<p>They <ins>sailed.</ins></p>" in page
    assert "revision-diff__blocks" not in page and '<th scope="row">Placed photos</th>' not in page
