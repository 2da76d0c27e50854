"""The story admin's archive tools, as an editor uses them: moving stories into a collection (and
the second page when its date rule does not cover them), bringing them back, and Never archive
from the story list and the story form."""

import re
from html import unescape

import pytest

from newsroom.archive.services import OutsideRule, stories_archive, story_archive
from newsroom.core.apstyle import ap_date
from newsroom.stories.models import Action, ArchiveStatus, Story
from tests.archive.conftest import CHANGELIST, IN_RULE, archive_fields, archived_headlines
from tests.conftest import command_output, page_text
from tests.stories.test_workflow import change_url, edit

pytestmark = pytest.mark.django_db

RULE = "“2019-2021 Historical Collection” holds stories published on or after Jan. 20, 2019 and before Jan. 20, 2021"


def admin_text(response) -> str:
    """The words an editor reads in the page's content, without the admin's header."""
    return page_text(response, after='id="content"')


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def move(client, stories, collection, **extra):
    data = {"action": "move_to_collection", "_selected_action": [story.pk for story in stories], **extra}
    if collection is not None:
        data["collection"] = collection.pk
    return client.post(CHANGELIST, data, follow=True)


def run_action(client, action, stories):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [s.pk for s in stories]}, follow=True)


# Moving stories into a collection


def test_move_to_collection_first_asks_which_collection(archivist_client, collection, other_collection, make_story):
    stories = [
        make_story(headline="Levee Repairs Finish Early"),
        make_story(headline="Standing Guidance", archive_status=ArchiveStatus.NEVER),
    ]

    response = move(archivist_client, stories, None)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "admin/archive/move_to_collection.html"
    text = admin_text(response)
    assert text.startswith(
        "Move stories to a historical collection The 2 selected stories keep their addresses, leave the news "
        "listings and show the collection's notice."
    )
    html = response.content.decode()
    assert "2019-2021 Historical Collection" in html and "Older News" in html
    assert "Levee Repairs Finish Early" in html
    assert "Standing Guidance (" in html and "marked never to archive; will be skipped" in html
    assert archived_headlines() == set()


def test_the_move_page_counts_one_story_in_the_singular(archivist_client, collection, make_story):
    response = move(archivist_client, [make_story()], None)

    assert "The 1 selected story keeps its address, leaves the news listings and shows the collection's notice." in (
        admin_text(response)
    )


def test_move_to_collection_moves_the_stories_through_the_service(archivist_client, editor, collection, make_story):
    current = make_story(headline="Levee Repairs Finish Early")
    never = make_story(headline="Standing Guidance", archive_status=ArchiveStatus.NEVER)
    draft = make_story(headline="Unfinished Draft", published=False)

    response = move(archivist_client, [current, never, draft], collection, apply="1")

    assert response.redirect_chain[-1][0] == CHANGELIST
    assert archived_headlines() == {"Levee Repairs Finish Early"}
    assert Story.objects.get(pk=current.pk).revisions.latest().user == editor
    assert messages_of(response) == [
        "Moved 1 story into “2019-2021 Historical Collection”.",
        "Left where they were: 1 story marked never to archive, 1 story not published.",
    ]
    # Django's History page says what the list action did, to the story it did it to.
    assert "Moved to a historical collection: “2019-2021 Historical Collection” (list action)." in history_of(
        archivist_client, current
    )
    assert "list action" not in history_of(archivist_client, never)


def test_one_story_left_alone_is_counted_in_the_singular(archivist_client, collection, make_story):
    response = move(archivist_client, [make_story(archive_status=ArchiveStatus.NEVER)], collection, apply="1")

    assert messages_of(response) == ["Left where it was: 1 story marked never to archive."]


def test_stories_within_the_rule_move_at_once(archivist_client, ruled_collection, newsroom_stories):
    within = [newsroom_stories[name] for name in ("first_day", "middle", "last_evening")]

    response = move(archivist_client, within, ruled_collection, apply="1")

    assert response.redirect_chain[-1][0] == CHANGELIST
    assert archived_headlines() == IN_RULE
    assert messages_of(response) == ["Moved 3 stories into “2019-2021 Historical Collection”."]


def test_a_collection_without_a_rule_takes_any_date(archivist_client, other_collection, newsroom_stories):
    stories = [newsroom_stories["day_before"], newsroom_stories["recent"]]

    response = move(archivist_client, stories, other_collection, apply="1")

    assert archived_headlines() == {"Day Before", "Recent News"}
    assert messages_of(response) == ["Moved 2 stories into “Older News”."]


def test_stories_outside_the_rule_are_not_moved_but_listed_on_a_second_page(
    archivist_client, ruled_collection, newsroom_stories
):
    before = archive_fields()
    recent = newsroom_stories["recent"]

    response = move(archivist_client, newsroom_stories.values(), ruled_collection, apply="1")

    assert response.status_code == 200 and not response.redirect_chain
    assert archive_fields() == before  # nothing moved, not even the stories within the rule
    text = admin_text(response)
    assert text.startswith(
        "Published outside the collection's rule Nothing has been moved yet. 3 selected stories were published "
        "outside the rule of “2019-2021 Historical Collection”:"
    )
    # The rule's edges: on or after its first day, before its last; the site's clock decides the day.
    assert f"{RULE}; “Day Before” was published Jan. 19, 2019." in text
    assert f"{RULE}; “Cut-off Day” was published Jan. 20, 2021." in text
    assert f"{RULE}; “Recent News” was published {ap_date(recent.published_at)}." in text
    assert text.count(" was published ") == 3
    assert "The 3 other selected stories, which are within the rule, move with them." in text
    html = response.content.decode()
    assert '<input type="submit" name="move_anyway" value="Move them anyway" class="default">' in html
    assert '<input type="submit" name="back" value="Go back">' in html


def test_moving_them_anyway_moves_every_story_and_says_so(archivist_client, editor, ruled_collection, newsroom_stories):
    response = move(archivist_client, newsroom_stories.values(), ruled_collection, move_anyway="Move them anyway")

    assert response.redirect_chain[-1][0] == CHANGELIST
    assert archived_headlines() == IN_RULE | {"Day Before", "Cut-off Day", "Recent News"}
    assert messages_of(response) == [
        "Moved 6 stories into “2019-2021 Historical Collection”, including 3 stories published outside its rule.",
        "Left where they were: 1 story marked never to archive, 3 stories not published.",
    ]
    revision = Story.objects.get(pk=newsroom_stories["recent"].pk).revisions.latest()
    assert (revision.action, revision.user) == (Action.ARCHIVED, editor)


def test_going_back_returns_to_the_choice_of_collection_with_nothing_moved(
    archivist_client, ruled_collection, other_collection, newsroom_stories
):
    before = archive_fields()

    response = move(archivist_client, [newsroom_stories["recent"]], ruled_collection, back="Go back")

    assert archive_fields() == before
    assert admin_text(response).startswith("Move stories to a historical collection The 1 selected story keeps")
    assert f'<option value="{ruled_collection.pk}" selected>' in response.content.decode()


def test_the_service_refuses_stories_outside_the_rule_unless_confirmed(editor, ruled_collection, newsroom_stories):
    stories = [newsroom_stories["middle"], newsroom_stories["day_before"]]
    before = archive_fields()

    with pytest.raises(OutsideRule) as refused:
        stories_archive(stories=stories, collection=ruled_collection, user=editor)

    assert refused.value.messages == [f"{RULE}; “Day Before” was published Jan. 19, 2019."]
    assert archive_fields() == before
    result = stories_archive(stories=stories, collection=ruled_collection, user=editor, outside_rule_confirmed=True)
    assert result.outside_rule == [newsroom_stories["day_before"]]
    assert archived_headlines() == {"Middle Of The Term", "Day Before"}


def test_the_commands_own_dates_replace_the_rule(ruled_collection, newsroom_stories):
    # The operator's dates are the confirmation: the command keeps its documented behaviour.
    command_output("archive_stories", "--collection", "2019-2021", "--before", "2019-01-20")

    assert archived_headlines() == {"Day Before"}


# Bringing stories back


def test_bring_back_from_collection(archivist_client, collection, make_story):
    archived = make_story(headline="Levee Repairs Finish Early")
    story_archive(story=archived, collection=collection, user=None)

    response = run_action(archivist_client, "bring_back_from_collection", [archived, make_story()])

    assert archived_headlines() == set()
    assert messages_of(response) == [
        "Brought 1 story back into current news.",
        "1 story not in a collection, left as it was.",
    ]
    assert "Brought back from a historical collection (list action)." in history_of(archivist_client, archived)


def test_bring_back_counts_several_left_alone_in_the_plural(archivist_client, make_story):
    response = run_action(archivist_client, "bring_back_from_collection", [make_story(), make_story()])

    assert messages_of(response) == ["2 stories not in a collection, left as they were."]


# Never archive, from the story list


def test_marking_stories_never_to_archive(archivist_client, editor, collection, make_story):
    current = make_story(headline="Standing Guidance")
    already = make_story(archive_status=ArchiveStatus.NEVER)
    archived = story_archive(story=make_story(), collection=collection, user=None)
    version = current.version

    response = run_action(archivist_client, "mark_never_archive", [current, already, archived])

    assert messages_of(response) == [
        "1 story marked never to archive.",
        "Left as they were: 1 story already in a collection, 1 story already marked never to archive. "
        "Bring a story back from its collection before marking it never to archive.",
    ]
    current.refresh_from_db()
    assert current.archive_status == ArchiveStatus.NEVER and current.version == version + 1
    revision = current.revisions.latest()
    assert (revision.number, revision.action, revision.user) == (current.version, Action.MARKED_NEVER_ARCHIVE, editor)
    assert revision.changed_fields == ["archive_status"]
    assert Story.objects.get(pk=archived.pk).archive_status == ArchiveStatus.ARCHIVED
    history = archivist_client.get(f"{change_url(current)[: -len('change/')]}revisions/").content.decode()
    assert "Marked never to archive" in history
    assert "Marked never to archive (list action)." in history_of(archivist_client, current)


def test_marking_counts_several_stories_in_the_plural(archivist_client, make_story):
    response = run_action(archivist_client, "mark_never_archive", [make_story(), make_story(), make_story()])

    assert messages_of(response) == ["3 stories marked never to archive."]
    assert set(Story.objects.values_list("archive_status", flat=True)) == {ArchiveStatus.NEVER}


def test_allowing_stories_to_be_archived_again(archivist_client, editor, collection, make_story):
    never = make_story(archive_status=ArchiveStatus.NEVER)
    current = make_story()
    version = never.version

    response = run_action(archivist_client, "allow_archive", [never, current])

    assert messages_of(response) == [
        "1 story may be archived again.",
        "Left as it was: 1 story not marked never to archive.",
    ]
    never.refresh_from_db()
    assert never.archive_status == ArchiveStatus.CURRENT and never.version == version + 1
    assert (never.revisions.latest().action, never.revisions.latest().user) == (Action.ALLOWED_ARCHIVE, editor)


def test_archive_stories_skips_a_story_an_editor_marked_until_it_is_allowed(
    archivist_client, ruled_collection, newsroom_stories
):
    middle = newsroom_stories["middle"]
    run_action(archivist_client, "mark_never_archive", [middle])

    output = command_output("archive_stories", "--collection", "2019-2021")

    assert archived_headlines() == IN_RULE - {"Middle Of The Term"}
    assert "2 marked never to archive were skipped" in output
    run_action(archivist_client, "allow_archive", [middle])
    command_output("archive_stories", "--collection", "2019-2021")
    assert archived_headlines() == IN_RULE


# Never archive, from the story form


def test_an_editor_ticks_never_archive_on_the_story_form_and_clears_it(archivist_client, editor, make_story):
    story = make_story(headline="Standing Guidance")

    form = archivist_client.get(change_url(story)).content.decode()
    assert re.search(r'<input type="checkbox" name="never_archive" [^>]*id="id_never_archive"', form)
    assert '<label class="vCheckboxLabel" for="id_never_archive">Never archive</label>' in form

    response = archivist_client.post(change_url(story), edit(story, never_archive="on"), follow=True)
    story.refresh_from_db()
    assert story.archive_status == ArchiveStatus.NEVER
    assert "“Standing Guidance” is marked never to archive." in messages_of(response)
    assert story.revisions.latest().action == Action.MARKED_NEVER_ARCHIVE
    form = archivist_client.get(change_url(story)).content.decode()
    assert re.search(r'<input type="checkbox" name="never_archive" [^>]*checked', form)

    response = archivist_client.post(change_url(story), edit(story), follow=True)  # unticked
    story.refresh_from_db()
    assert story.archive_status == ArchiveStatus.CURRENT
    assert "“Standing Guidance” may be archived again." in messages_of(response)
    assert story.revisions.latest().action == Action.ALLOWED_ARCHIVE


def test_a_save_that_leaves_the_box_alone_records_no_archive_change(archivist_client, make_story):
    story = make_story(archive_status=ArchiveStatus.NEVER)

    archivist_client.post(
        change_url(story), edit(story, never_archive="on", headline="New Headline", _publish_changes="1")
    )

    story.refresh_from_db()
    assert story.archive_status == ArchiveStatus.NEVER
    # The headline went live with "Save and publish changes"; the box left alone adds no archive step.
    actions = list(story.revisions.values_list("action", flat=True))
    assert actions == [Action.CHANGES_PUBLISHED, Action.CHANGES_SAVED, Action.SAVED]


def test_a_story_in_a_collection_has_the_box_disabled_and_explained(archivist_client, collection, make_story):
    story = story_archive(story=make_story(), collection=collection, user=None)

    form = archivist_client.get(change_url(story)).content.decode()
    assert re.search(r'<input type="checkbox" name="never_archive" [^>]*disabled', form)
    assert (
        "This story is in “2019-2021 Historical Collection”. To keep it in current news for good, bring it back first"
    ) in form

    archivist_client.post(change_url(story), edit(story, never_archive="on"))  # crafted: ignored
    story.refresh_from_db()
    assert (story.archive_status, story.collection) == (ArchiveStatus.ARCHIVED, collection)


@pytest.mark.parametrize("refused", ["writer_client", "story_editor_client"])
def test_without_the_archive_permission_never_archive_is_shown_but_not_changed(request, refused, make_story):
    refused_client = request.getfixturevalue(refused)
    story = make_story(published=False, headline="Draft Guidance")

    form = refused_client.get(change_url(story)).content.decode()
    assert 'name="never_archive"' not in form
    assert re.search(r"Never archive:?</label>\s*<div class=\"readonly\">No</div>", form)

    response = refused_client.post(change_url(story), edit(story, never_archive="on"))
    assert response.status_code == 302  # the rest of the story saved
    story.refresh_from_db()
    assert story.archive_status == ArchiveStatus.CURRENT
    assert Action.MARKED_NEVER_ARCHIVE not in story.revisions.values_list("action", flat=True)


# Without the archive permission


@pytest.mark.parametrize("refused", ["story_editor_client", "writer_client"])
@pytest.mark.parametrize(
    "action", ["move_to_collection", "bring_back_from_collection", "mark_never_archive", "allow_archive"]
)
def test_the_actions_are_refused_without_the_archive_permission(request, refused, collection, make_story, action):
    refused_client = request.getfixturevalue(refused)
    make_story()
    make_story(archive_status=ArchiveStatus.NEVER)
    story_archive(story=make_story(), collection=collection, user=None)
    before = archive_fields()
    data = {"action": action, "_selected_action": list(Story.objects.values_list("pk", flat=True))}

    assert refused_client.post(CHANGELIST, data).status_code == 403
    assert refused_client.post(CHANGELIST, {**data, "apply": "1", "collection": collection.pk}).status_code == 403
    assert refused_client.post(CHANGELIST, {**data, "move_anyway": "1", "collection": collection.pk}).status_code == 403
    assert archive_fields() == before


def history_of(client, story) -> str:
    """Django's History page of a story, as text."""
    return unescape(re.sub(r"<[^>]+>", " ", client.get(f"/admin/stories/story/{story.pk}/history/").content.decode()))
