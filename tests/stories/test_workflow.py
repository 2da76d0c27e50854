"""Roles, transitions, scheduling to the second, previews, redirects and corrections."""

import datetime
import re
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from newsroom.stories import preview
from newsroom.stories.models import Action, Correction, Status
from newsroom.stories.services import story_publish, story_submit, story_withdraw
from tests.stories.test_admin import story_form

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")


def change_url(story):
    return f"/admin/stories/story/{story.pk}/change/"


def edit(story, **overrides):
    """The change form as an editor would post it, from the story's current version."""
    data = story_form(
        headline=story.headline,
        slug=story.slug,
        summary=story.summary,
        byline=story.byline,
        body=story.body,
        started_from_version=str(story.version),
    )
    if story.published_at:
        local = story.published_at.astimezone(EASTERN)
        data.update({"published_at_0": f"{local:%Y-%m-%d}", "published_at_1": f"{local:%H:%M:%S}"})
    data.update(overrides)
    return data


# Roles


def test_roles_exist_with_the_right_powers():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Writers", "Editors", "Site administrators"} <= names
    writers = set(Group.objects.get(name="Writers").permissions.values_list("codename", flat=True))
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"add_story", "change_story"} <= writers and "publish_story" not in writers
    assert {"publish_story", "archive_story", "add_collection"} <= editors and "add_user" not in editors
    assert "add_user" in Group.objects.get(name="Site administrators").permissions.values_list("codename", flat=True)


def test_create_editor_puts_an_account_into_a_role():
    call_command("create_editor", "asmith", "--role", "writer", stdout=StringIO())
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="asmith")
    assert user.has_perm("stories.add_story") and not user.has_perm("stories.publish_story")


def test_a_writer_who_crafts_a_publish_request_gets_403_and_nothing_changes(writer_client, make_story):
    story = make_story(published=False, headline="Writer's Draft")
    response = writer_client.post(change_url(story), {**edit(story, headline="Changed"), "_publish": "1"})
    assert response.status_code == 403
    story.refresh_from_db()
    assert (story.status, story.headline, story.revisions.count()) == (Status.DRAFT, "Writer's Draft", 0)


def test_a_writer_submits_for_review_and_the_revision_says_who(writer_client, writer, make_story):
    story = make_story(published=False)
    page = writer_client.get(change_url(story)).content.decode()
    assert 'name="_submit"' in page and 'name="_publish"' not in page
    response = writer_client.post(change_url(story), {**edit(story), "_submit": "1"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    latest = story.revisions.order_by("-number").first()
    assert (latest.action, latest.user) == (Action.SUBMITTED, writer)


def test_a_writer_cannot_change_a_withdrawn_story(writer_client, make_story):
    story = make_story(headline="Live Story", status=Status.WITHDRAWN)
    assert writer_client.post(change_url(story), edit(story, headline="Sneaky")).status_code == 403
    story.refresh_from_db()
    assert story.headline == "Live Story"


def test_a_writer_reads_a_withdrawn_story_as_written_not_as_stored_html(writer_client, make_story, make_photo):
    photo = make_photo(title="Closing the Breach")
    story = make_story(
        headline="Live Story",
        status=Status.WITHDRAWN,
        body=f'<h2>Work on the levee</h2><p>Crews <strong>worked</strong> all night.</p><figure data-photo="{photo.pk}"></figure>'
        '<figure data-video="https://www.youtube.com/watch?v=dQw4w9WgXcQ" data-title="The levee at dawn"></figure>',
        photos=[photo],
    )
    page = writer_client.get(change_url(story)).content.decode()
    assert "<h2>Work on the levee</h2>" in page and "<strong>worked</strong>" in page
    assert "&lt;h2&gt;" not in page, "the stored HTML is not printed"
    assert f"Photo: Closing the Breach, VIRIN {photo.virin}" in page
    assert 'Video: <a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in page


def test_writers_cannot_run_the_publish_action(writer_client, make_story):
    story = make_story(published=False)
    response = writer_client.post(
        "/admin/stories/story/", {"action": "publish_selected", "_selected_action": [story.pk]}
    )
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == Status.DRAFT


# Transitions


def test_each_transition_records_who_and_when(editor, make_story):
    story = make_story(published=False)
    story_submit(story=story, user=editor)
    story_publish(story=story, user=editor)
    story_withdraw(story=story, user=editor, reason="The event was postponed.")
    actions = list(story.revisions.order_by("number").values_list("action", "user__username"))
    assert actions == [
        (Action.SAVED, None),  # the state it was made in, kept before the first change
        (Action.SUBMITTED, "editor"),
        (Action.PUBLISHED, "editor"),
        (Action.WITHDRAWN, "editor"),
    ]


def test_a_transition_from_the_wrong_state_is_refused(make_story):
    story = make_story(published=False)
    with pytest.raises(ValidationError, match="only a story that is published can be withdrawn"):
        story_withdraw(story=story, user=None, reason="The event was postponed.")


# Scheduling without a scheduler


def test_a_story_scheduled_for_nine_appears_at_nine_not_a_second_before(client, make_story):
    nine = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    story = make_story(published=False, headline="Nine OClock Story")
    with time_machine.travel(nine - datetime.timedelta(hours=1), tick=False):
        story_publish(story=story, user=None, at=nine)
    with time_machine.travel(nine - datetime.timedelta(seconds=1), tick=False):
        assert client.get(story.get_absolute_url()).status_code == 404
        assert "Nine OClock Story" not in client.get("/").content.decode()
    with time_machine.travel(nine, tick=False):
        assert client.get(story.get_absolute_url()).status_code == 200
        assert "Nine OClock Story" in client.get("/").content.decode()
        assert "Nine OClock Story" in client.get("/news/").content.decode()


def test_an_expired_story_leaves_public_view_at_its_expiry_time(client, make_story):
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    story = make_story(published_at=start, expires_at=start + datetime.timedelta(days=1))
    with time_machine.travel(start + datetime.timedelta(days=1, seconds=-1), tick=False):
        assert client.get(story.get_absolute_url()).status_code == 200
    with time_machine.travel(start + datetime.timedelta(days=1), tick=False):
        assert client.get(story.get_absolute_url()).status_code == 404
        assert story.headline not in client.get("/news/").content.decode()


# Preview


def test_staff_preview_shows_a_draft_as_readers_will_see_it_never_cached(editor_client, client, make_story):
    story = make_story(published=False, headline="Draft Under Review")
    response = editor_client.get(preview.staff_preview_url(story))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Preview.</strong> A draft: readers cannot see it yet." in html and "Draft Under Review" in html
    # No publication time yet: the label stands alone, with no empty date after a bar.
    assert re.search(r">NEWS</a></p>", html) and "NEWS</a> |" not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-store" in response["Cache-Control"]
    from django.test import Client

    assert Client().get(preview.staff_preview_url(story)).status_code == 302  # to the login page


def test_a_reviewer_link_works_without_an_account_until_it_expires(client, make_story, settings):
    published = make_story(slug="levee-holds", published_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=EASTERN))
    draft = make_story(slug="embargoed", published=False)
    story = make_story(
        published=False,
        headline="For The General Counsel",
        body=f'<h2>Background</h2><p><a href="/x/" data-story="{published.pk}">Levee</a> and '
        f'<a href="/x/" data-story="{draft.pk}">the other draft</a>.</p>',
    )
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN), tick=False):
        link = preview.reviewer_link(story)
        response = client.get(link)
        assert response.status_code == 200 and "For The General Counsel" in response.content.decode()
        # The body as readers will see it: its blocks, and links only to stories they can open.
        page = " ".join(response.content.decode().split())
        assert '<h2>Background</h2> <p><a href="/news/levee-holds/">Levee</a> and the other draft.</p>' in page
        assert "no-store" in response["Cache-Control"]
    with time_machine.travel(datetime.datetime(2026, 12, 8, 9, 1, tzinfo=EASTERN), tick=False):
        expired = client.get(link)
        assert expired.status_code == 410 and "This preview link has expired" in expired.content.decode()
    assert client.get(link[:-3] + "xyz/").status_code == 404


# No lost edits


def test_the_second_of_two_editors_is_refused_and_nothing_is_overwritten(editor_client, make_story):
    from newsroom.stories.revisions import record_revision

    story = make_story(headline="Original Headline", published=False)
    record_revision(story=story, user=None)  # as the admin does when a story is created
    first = edit(story, headline="First Editor's Headline")
    second = edit(story, headline="Second Editor's Headline")  # both opened version 1

    assert editor_client.post(change_url(story), first).status_code == 302
    response = editor_client.post(change_url(story), second)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this story after you opened it" in page
    assert "revisions/compare/?from=1&amp;to=2" in page
    story.refresh_from_db()
    assert story.headline == "First Editor's Headline" and story.version == 2


# Links never break


def test_a_published_storys_old_address_redirects_permanently(editor_client, client, make_story):
    story = make_story(slug="old-address")
    editor_client.post(change_url(story), edit(story, slug="newer-address", _publish_changes="1"))
    story.refresh_from_db()
    editor_client.post(change_url(story), edit(story, slug="newest-address", _publish_changes="1"))

    for old in ("/news/old-address/", "/news/newer-address/"):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == "/news/newest-address/"
    assert client.get("/news/newest-address/").status_code == 200


def test_a_draft_that_was_never_public_leaves_no_redirect(editor_client, client, make_story):
    story = make_story(slug="draft-address", published=False)
    editor_client.post(change_url(story), edit(story, slug="final-address"))
    assert client.get("/news/draft-address/").status_code == 404


def test_corrections_show_at_the_end_and_the_page_says_updated(client, make_story):
    story = make_story(published_at=datetime.datetime(2026, 11, 2, 10, 0, tzinfo=EASTERN))
    Correction.objects.create(
        story=story,
        noted_on=datetime.date(2026, 11, 4),
        kind="correction",
        text="An earlier version misstated the number of patients treated.",
    )
    text = " ".join(client.get(story.get_absolute_url()).content.decode().split())
    assert "NEWS</a> | <time" in text and "Nov. 2, 2026</time> | Updated <time" in text
    assert (
        text.index("Third paragraph.")
        < text.index("Corrections and Updates")
        < text.index("Correction, Nov. 4, 2026:</strong> An earlier version misstated")
    )


def test_clearing_a_published_storys_time_is_refused_with_a_message(editor_client, make_story):
    story = make_story()
    data = edit(story)
    data.update({"published_at_0": "", "published_at_1": ""})
    response = editor_client.post(change_url(story), data)
    assert response.status_code == 200
    assert (
        "A published story needs its publication time. To take it off the site, use Withdraw."
        in response.content.decode()
    )


# The editor's home


def test_the_admin_index_shows_what_needs_attention(editor_client, make_story, make_photo):
    import datetime as dt

    from django.utils import timezone

    make_story(headline="Waiting For Review", published=False, status=Status.IN_REVIEW)
    make_story(headline="Going Out Tomorrow", published_at=timezone.now() + dt.timedelta(days=1))
    make_story(headline="Going Out Next Month", published_at=timezone.now() + dt.timedelta(days=30))
    make_story(headline="Out This Morning", published_at=timezone.now() - dt.timedelta(hours=2))
    make_story(headline="Photo Without Alt Text", photos=[make_photo(alt_text="")])
    page = " ".join(editor_client.get("/admin/").content.decode().split())

    def panel(caption):
        start = page.index(f"<caption>{caption}")
        return page[start : page.index("</table>", start)]

    assert "Waiting For Review" in panel("Review queue")
    assert "Going Out Tomorrow" in panel("Scheduled this week")
    assert "Going Out Next Month" not in panel("Scheduled this week")
    assert page.count("Waiting For Review") == 1 and page.count("Going Out Tomorrow") == 1, "each list once"
    assert "Out This Morning" in panel("Recently published")
    assert "Photo Without Alt Text" in panel("Stories with problems")
    assert "Out This Morning" not in panel("Stories with problems")


def test_writers_are_not_offered_editors_actions(writer_client, make_story):
    make_story()
    writer_page = writer_client.get("/admin/stories/story/").content.decode()
    for action in ("publish_selected", "withdraw_selected", "move_to_collection", "bring_back_from_collection"):
        assert f'value="{action}"' not in writer_page


def test_a_story_made_outside_the_admin_keeps_its_first_state_so_the_first_edit_can_be_undone(
    editor_client, make_story
):
    story = make_story(headline="As Loaded By The Demo")
    assert not story.revisions.exists()
    editor_client.post(change_url(story), edit(story, headline="Edited In The Admin", _publish_changes="1"))
    revisions = list(story.revisions.order_by("number"))  # as loaded, the changes saved, and published
    first, second = revisions[0], revisions[-1]
    assert (
        first.snapshot["headline"] == "As Loaded By The Demo" and second.snapshot["headline"] == "Edited In The Admin"
    )
    editor_client.post(f"/admin/stories/story/{story.pk}/revisions/{first.number}/restore/")
    story.refresh_from_db()
    assert story.headline == "As Loaded By The Demo"


# Scheduling in the open: a Schedule button of its own beside Publish now


def test_schedule_needs_a_time_ahead_and_says_so(editor_client, make_story):
    story = make_story(published=False, headline="Drill Starts Soon")
    response = editor_client.post(change_url(story), {**edit(story), "_schedule": "Save and schedule"}, follow=True)
    assert "Saved, but not scheduled." in response.content.decode()
    assert "Set a publication time ahead (date and time, on the site&#x27;s clock) to schedule the story" in (
        response.content.decode()
    )
    story.refresh_from_db()
    assert story.status == Status.DRAFT


@time_machine.travel(datetime.datetime(2026, 12, 6, 18, 14, tzinfo=EASTERN), tick=False)
def test_the_schedule_button_names_the_moment_and_publish_now_means_now(editor, editor_client, make_story):
    # Signed in at the moment travelled to: a session left idle for hours has ended (SESSION_IDLE_MINUTES).
    editor_client.force_login(editor)
    story = make_story(published=False, headline="Drill Ends Friday")
    ahead = edit(story, published_at_0="2026-12-11", published_at_1="15:30:00")
    response = editor_client.post(change_url(story), {**ahead, "_schedule": "Save and schedule"}, follow=True)
    assert "“Drill Ends Friday” is scheduled for Dec. 11, 2026, 3:30 p.m. EST." in response.content.decode()
    form = editor_client.get(change_url(story)).content.decode()
    assert 'value="Save and schedule for Dec. 11, 2026, 3:30 p.m. EST" name="_schedule"' in form
    assert 'value="Save and publish now" name="_publish"' in form, "a scheduled story can still go now"

    story.refresh_from_db()
    response = editor_client.post(change_url(story), {**edit(story), "_publish": "Save and publish now"}, follow=True)
    assert "“Drill Ends Friday” is published." in response.content.decode()
    story.refresh_from_db()
    assert story.published_at == timezone.now(), "brought forward from Friday to now"


def test_publish_now_keeps_a_publication_time_already_past(editor_client, make_story):
    story = make_story(published=False, headline="Storm Story Dated Last Week")
    then = timezone.now() - datetime.timedelta(days=7)
    type(story).objects.filter(pk=story.pk).update(published_at=then)
    story.refresh_from_db()
    editor_client.post(change_url(story), {**edit(story), "_publish": "Save and publish now"})
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and abs(story.published_at - then) < datetime.timedelta(seconds=1)
