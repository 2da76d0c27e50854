"""A story body over STORY_BODY_MAX_KB is refused by every path that writes one, with its size and
the limit: the admin form, the write path's services, a live story's changes, the text import.
(Bundles: tests/bundles/test_hostile_bundles.py.)"""

import pytest
from django.core.exceptions import ValidationError

from newsroom.stories.models import PendingChanges, Story
from newsroom.stories.services import story_save_changes, story_update
from tests.importers.test_import_text_stories import BYLINE, CURRENT, run_failing
from tests.stories.test_admin import story_form

pytestmark = pytest.mark.django_db

# 2,277 bytes of HTML, over a limit of 2 KB (2,048 bytes); nine paragraphs are within it.
PARAGRAPH = "<p>" + "Crews stacked sandbags along the levee all night. " * 4 + "</p>"
LONG_BODY = PARAGRAPH * 11
REFUSED = "The body is 2.2 KB of HTML; the limit is 2 KB (STORY_BODY_MAX_KB). Shorten it, or split it into two stories."


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.STORY_BODY_MAX_KB = 2
    assert len(LONG_BODY.encode()) == 2277 and len((PARAGRAPH * 9).encode()) < 2048


def test_the_admin_form_refuses_a_long_body_and_keeps_what_was_typed(editor_client):
    response = editor_client.post("/admin/stories/story/add/", story_form(body=LONG_BODY))

    assert response.status_code == 200
    page = response.content.decode()
    assert REFUSED in page
    assert not Story.objects.exists()
    assert "Crews stacked sandbags" in page.split('name="body"', 1)[1].split("</textarea>", 1)[0]


def test_the_admin_form_takes_a_body_within_the_limit(editor_client):
    response = editor_client.post("/admin/stories/story/add/", {**story_form(body=PARAGRAPH * 9), "_save": "Save"})

    assert response.status_code == 302
    assert Story.objects.get().body.count("<p>") == 9


def test_the_write_path_refuses_a_long_body_and_the_story_stays_as_it_was(create_story, editor):
    story = create_story(published=False, body="<p>A short body.</p>")

    with pytest.raises(ValidationError) as refused:
        story_update(story=story, changes={"body": LONG_BODY}, user=editor, expected_version=story.version)

    assert refused.value.message_dict["body"] == [REFUSED]
    stored = Story.objects.get(pk=story.pk)
    assert stored.body == "<p>A short body.</p>" and stored.version == story.version


def test_a_new_story_with_a_long_body_is_refused(create_story):
    with pytest.raises(ValidationError) as refused:
        create_story(body=LONG_BODY)

    assert REFUSED in refused.value.messages
    assert not Story.objects.exists()


def test_changes_to_a_live_story_with_a_long_body_are_refused(create_story, editor):
    live = create_story(body="<p>Crews stacked sandbags.</p>")

    with pytest.raises(ValidationError) as refused:
        story_save_changes(story=live, changes={"body": LONG_BODY}, user=editor, expected_version=live.version)

    assert REFUSED in refused.value.messages
    assert not PendingChanges.objects.exists()


def test_the_text_import_refuses_a_long_body_naming_the_file(tmp_path):
    saved = tmp_path / "story.txt"
    long_paragraph = "Crews stacked sandbags along the levee all night. " * 50
    saved.write_text(CURRENT.read_text().replace("\n\nRelated Stories", f"\n\n{long_paragraph}\n\nRelated Stories"))

    error, output = run_failing(saved, "--byline", BYLINE)

    assert error.returncode == 1
    assert f"{saved}: not imported. The body is " in output and "the limit is 2 KB (STORY_BODY_MAX_KB)" in output
    assert not Story.objects.exists()
