"""One write path per story: every change locks, checks the version and the user, bumps the
version once, records one revision, keeps old addresses, links waiting headlines and announces
what changed once the transaction commits; nothing outside the services does any of that."""

import ast
import re
import threading
from contextlib import suppress
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from newsroom.archive.services import story_archive
from newsroom.stories.models import Action, RelatedHeadline, Status, Story
from newsroom.stories.services import (
    story_create,
    story_publish,
    story_return_to_draft,
    story_step,
    story_update,
)
from newsroom.stories.signals import story_changed
from tests.conftest import story_fields
from tests.stories.test_admin import with_placements
from tests.stories.test_workflow import change_url, edit

pytestmark = pytest.mark.django_db
on_postgresql = connection.vendor == "postgresql"
NEWSROOM = Path(__file__).resolve().parents[2] / "newsroom"


@pytest.fixture
def announced():
    """Every story_changed sent during the test, as (story id, set of changed parts)."""
    heard = []

    def listen(sender, story_id, changed, **kwargs):
        heard.append((story_id, set(changed)))

    story_changed.connect(listen, dispatch_uid="test-write-path")
    yield heard
    story_changed.disconnect(dispatch_uid="test-write-path")


def versions(story):
    story.refresh_from_db()
    return story.version, list(story.revisions.order_by("number").values_list("number", "action"))


# The version check and the lock


def test_an_edit_from_an_older_version_is_refused_and_changes_nothing(create_story):
    story = create_story(headline="Levee Holds")
    story_update(story=story, changes={"headline": "Levee Holds Overnight"}, user=None, expected_version=1)

    with pytest.raises(ValidationError) as refused:
        story_update(story=Story.objects.get(), changes={"headline": "Levee Fails"}, user=None, expected_version=1)

    assert refused.value.code == "edit_conflict"
    assert refused.value.params == {"started_from": 1, "current": 2, "seen": 1, "latest": 2}
    assert "you started from version 1; it is now version 2" in refused.value.messages[0]
    story.refresh_from_db()
    assert story.headline == "Levee Holds Overnight"
    assert versions(story) == (2, [(1, Action.SAVED), (2, Action.SAVED)])


@pytest.mark.skipif(not on_postgresql, reason="row locks are PostgreSQL's; SQLite lets one writer in at a time")
@pytest.mark.django_db(transaction=True)
def test_a_second_save_waits_for_the_first_and_is_then_refused():
    story = story_create(story=Story(**story_fields(published=False, headline="Levee Holds")), user=None)
    first_saved, first_may_commit = threading.Event(), threading.Event()
    outcome = {}

    def editor(headline, *, hold=False):
        try:
            with transaction.atomic():
                story_update(
                    story=Story.objects.get(pk=story.pk), changes={"headline": headline}, user=None, expected_version=1
                )
                if hold:
                    first_saved.set()
                    first_may_commit.wait(10)
            outcome[headline] = "saved"
        except ValidationError as error:
            outcome[headline] = error.code
        finally:
            connection.close()

    first = threading.Thread(target=editor, args=["First Editor's Headline"], kwargs={"hold": True})
    first.start()
    assert first_saved.wait(10)
    second = threading.Thread(target=editor, args=["Second Editor's Headline"])
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second save waits for the first one's lock"
    first_may_commit.set()
    first.join(10)
    second.join(10)

    assert outcome == {"First Editor's Headline": "saved", "Second Editor's Headline": "edit_conflict"}
    story.refresh_from_db()
    assert (story.headline, story.version) == ("First Editor's Headline", 2)


# Who may change what


@pytest.fixture
def writer_draft(create_story):
    return create_story(published=False, headline="Writer's Draft")


def test_a_writer_may_edit_and_submit_a_draft_but_not_publish_it(writer, writer_draft):
    story_update(story=writer_draft, changes={"summary": "A better summary."}, user=writer, expected_version=1)
    with pytest.raises(PermissionDenied, match="only editors can publish"):
        story_publish(story=writer_draft, user=writer)

    writer_draft.refresh_from_db()
    assert (writer_draft.status, writer_draft.summary, writer_draft.version) == (Status.DRAFT, "A better summary.", 2)


def test_a_writer_may_not_change_or_return_a_story_readers_have_seen(writer, create_story):
    live = create_story(headline="Live Story")

    with pytest.raises(PermissionDenied, match="readers have seen it"):
        story_update(story=live, changes={"headline": "Sneaky"}, user=writer, expected_version=1)
    with pytest.raises(PermissionDenied, match="only editors can"):
        story_return_to_draft(story=live, user=writer, reason="Needs a second source.")

    live.refresh_from_db()
    assert (live.headline, live.status, live.version, live.revisions.count()) == ("Live Story", Status.PUBLISHED, 1, 1)


def test_moving_a_story_into_a_collection_needs_the_archive_permission(create_story, collection):
    story = create_story()
    user = get_user_model().objects.create_user("no-archive")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="stories").exclude(codename="archive_story")
    )

    with pytest.raises(PermissionDenied, match="needs the archive permission"):
        story_archive(story=story, collection=collection, user=get_user_model().objects.get(pk=user.pk))

    story.refresh_from_db()
    assert (story.collection, story.version) == (None, 1)


def test_a_system_job_may_do_anything(create_story):
    story = create_story(headline="Imported Story")
    story_update(story=story, changes={"headline": "Imported Again"}, user=None, expected_version=None)
    story_return_to_draft(story=story, user=None, reason="Needs a second source.")
    assert versions(story) == (3, [(1, Action.SAVED), (2, Action.SAVED), (3, Action.RETURNED)])


def test_workflow_fields_change_only_through_workflow_steps(create_story):
    story = create_story(published=False)
    with pytest.raises(ValueError, match="not status: status and historical collections change through"):
        story_update(story=story, changes={"status": Status.PUBLISHED}, user=None, expected_version=None)
    with pytest.raises(ValueError, match="not a workflow step"):
        story_step(story=story, user=None, action=Action.SAVED, changes={"status": Status.PUBLISHED})
    assert Story.objects.get().status == Status.DRAFT


# One version and one revision per change, none for no change


def test_a_save_with_photos_and_notes_is_one_version_and_one_revision(editor_client, make_story, make_photo):
    story = make_story(headline="Levee Holds", published=False)  # loaded in bulk: no history yet
    data = with_placements(edit(story, headline="Levee Holds Overnight"), (make_photo(), 1))
    data.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-noted_on": "2026-11-04",
            "corrections-0-kind": "update",
            "corrections-0-text": "Adds the river's crest.",
        }
    )

    assert editor_client.post(change_url(story), data).status_code == 302

    # Revision 1 keeps the state it was loaded in; revision 2 is the whole save.
    assert versions(story) == (2, [(1, Action.SAVED), (2, Action.SAVED)])
    assert story.revisions.get(number=2).changed_fields == ["headline", "body", "placements", "corrections"]


def test_save_and_publish_is_the_save_then_the_step(editor_client, make_story):
    story = make_story(published=False, headline="Levee Holds")
    data = edit(story, headline="Levee Holds Overnight", _publish="Save and publish")

    assert editor_client.post(change_url(story), data).status_code == 302

    assert versions(story) == (3, [(1, Action.SAVED), (2, Action.SAVED), (3, Action.PUBLISHED)])
    assert story.revisions.get(number=3).changed_fields == ["status", "published_at"]


def test_a_change_that_changes_nothing_is_no_version_no_revision_and_no_news(create_story, announced, committed):
    story = committed(create_story, headline="Levee Holds", byline="Jane Doe, DOD News")
    announced.clear()

    committed(
        story_update,
        story=story,
        changes={"headline": "Levee Holds", "byline": "Jane Doe, DOD News"},
        user=None,
        expected_version=1,
    )

    assert versions(story) == (1, [(1, Action.SAVED)])
    assert announced == []


# What a change brings with it


def test_a_new_slug_keeps_the_old_address_answering(create_story, client):
    story = create_story(slug="levee-holds")

    story_update(story=story, changes={"slug": "levee-holds-overnight"}, user=None, expected_version=1)

    response = client.get("/news/levee-holds/")
    assert (response.status_code, response["Location"]) == (301, "/news/levee-holds-overnight/")
    assert client.get("/news/levee-holds-overnight/").status_code == 200


def test_a_headline_someone_was_waiting_for_links_their_story(create_story):
    waiting = create_story(headline="Levee Repairs Finish Early")
    RelatedHeadline.objects.create(story=waiting, headline="Corps Opens Spillway", key="corps opens spillway")
    other = create_story(headline="Corps Weighs Spillway")

    story_update(story=other, changes={"headline": "Corps opens  spillway"}, user=None, expected_version=1)

    assert list(waiting.related_stories.all()) == [other]
    assert not waiting.waiting_related.exists()
    # The link is a change to the waiting story, made by Newsroom, so an editor's open form of it
    # from before is refused rather than dropping the link.
    latest = waiting.revisions.latest()
    assert (latest.number, latest.user, latest.changed_fields) == (2, None, ["related_stories"])
    assert Story.objects.get(pk=waiting.pk).version == 2


# What apps above stories hear


def test_changes_are_announced_once_per_story_after_the_commit(create_story, announced, committed, editor):
    story = committed(create_story, published=False, headline="Levee Holds")
    other = committed(create_story, published=False)
    assert sorted(story_id for story_id, _ in announced) == [story.pk, other.pk]
    assert "headline" in announced[0][1] and "byline" in announced[0][1], "a new story names every part"
    announced.clear()

    def several_changes():
        story_update(story=story, changes={"headline": "Levee Holds Overnight"}, user=editor, expected_version=1)
        story_update(story=story, changes={"byline": "John Doe, DOD News"}, user=editor, expected_version=2)
        story_publish(story=story, user=editor)
        story_update(story=other, changes={"summary": "Another summary."}, user=editor, expected_version=1)
        assert announced == [], "nothing is announced before the commit"

    committed(several_changes)

    assert sorted(announced) == sorted(
        [(story.pk, {"headline", "byline", "status", "published_at"}), (other.pk, {"summary"})]
    )


def test_a_change_rolled_back_is_never_announced(create_story, announced, committed):
    story = committed(create_story, headline="Levee Holds")
    announced.clear()

    def undone_then_kept():
        with suppress(RuntimeError), transaction.atomic():
            story_update(story=story, changes={"headline": "Levee Fails"}, user=None, expected_version=1)
            raise RuntimeError("the editor's request failed")
        story_update(story=story, changes={"byline": "John Doe, DOD News"}, user=None, expected_version=1)

    committed(undone_then_kept)

    assert announced == [(story.pk, {"byline"})]
    assert Story.objects.get().headline == "Levee Holds"


# Nothing else writes a story's history


ALLOWED = {"stories/services.py", "stories/revisions.py"}


def history_writes(path: Path) -> list[str]:
    """Where a module bumps a story's version or records a revision, as "line: what", in line order."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("record_revision", "record_baseline"):
                found.append((node.lineno, f"{name}()"))
            elif name == "F" and [getattr(arg, "value", None) for arg in node.args] == ["version"]:
                found.append((node.lineno, 'F("version")'))
            elif any(keyword.arg == "version" for keyword in node.keywords) and name != "NinjaAPI":
                # (NinjaAPI(version="1") names the public API's version, not a story's.)
                found.append((node.lineno, "version="))
            elif name == "create" and ast.unparse(node.func).startswith("Revision."):
                found.append((node.lineno, "Revision.objects.create()"))
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [(node.lineno, ".version =") for target in targets if getattr(target, "attr", None) == "version"]
    return [f"{line}: {what}" for line, what in sorted(found)]


def offenders(found_in, *, allowed) -> list[str]:
    """What `found_in(path)` finds in every module but migrations and the `allowed` ones, by place."""
    return [
        f"newsroom/{path.relative_to(NEWSROOM)}:{where}"
        for path in sorted(NEWSROOM.rglob("*.py"))
        if "migrations" not in path.parts and str(path.relative_to(NEWSROOM)) not in allowed
        for where in found_in(path)
    ]


def test_only_the_story_services_bump_versions_or_record_revisions():
    found = offenders(history_writes, allowed=ALLOWED)
    assert not found, "change stories through newsroom.stories.services:\n" + "\n".join(found)


def test_the_check_sees_each_way_of_writing_history(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "story.version += 1\n"
        "story.version = F('version') + 1\n"
        "Story.objects.filter(pk=1).update(version=2)\n"
        "record_revision(story=story, user=None)\n"
        "record_baseline(story)\n"
        "Revision.objects.create(story=story, number=2)\n"
    )
    assert history_writes(module) == [
        "1: .version =",
        "2: .version =",
        '2: F("version")',
        "3: version=",
        "4: record_revision()",
        "5: record_baseline()",
        "6: Revision.objects.create()",
    ]


# Nothing else writes placed photos: they follow the body's photo blocks (docs/STORY_BODY.md)

PLACEMENT_WRITE = re.compile(
    r"^PhotoPlacement$"
    r"|^PhotoPlacement\.(objects|_base_manager)\b.*\.(create|bulk_create|bulk_update|update|delete|get_or_create|update_or_create)$"
    r"|\.placements\b.*\.(create|add|set|update|delete|bulk_create|get_or_create|update_or_create)$"
)


def placement_writes(path: Path) -> list[str]:
    """Where a module makes or changes PhotoPlacement rows by name, as "line: what"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and PLACEMENT_WRITE.search(ast.unparse(node.func)):
            found.append(f"{node.lineno}: {ast.unparse(node.func)}()")
    return sorted(found, key=lambda where: int(where.split(":")[0]))


def test_only_the_story_services_write_placed_photos():
    found = offenders(placement_writes, allowed={"stories/services.py"})
    assert not found, "place photos in the story's body; the write path keeps the rows:\n" + "\n".join(found)


def test_the_check_sees_each_way_of_writing_placements(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "PhotoPlacement.objects.create(story=story, photo=photo)\n"
        "PhotoPlacement(story=story, photo=photo).save()\n"
        "story.placements.create(photo=photo)\n"
        "PhotoPlacement.objects.filter(story=story).update(order=2)\n"
        "PhotoPlacement._base_manager.bulk_create(rows)\n"
        "story.placements.all()\n"
    )
    assert placement_writes(module) == [
        "1: PhotoPlacement.objects.create()",
        "2: PhotoPlacement()",
        "3: story.placements.create()",
        "4: PhotoPlacement.objects.filter(story=story).update()",
        "5: PhotoPlacement._base_manager.bulk_create()",
    ]
