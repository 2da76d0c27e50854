"""Only what readers may see ever leaves the API: one test for each kind of thing that must not,
through every way in (the stories list, archived or not, a story by slug and by id, the photos,
search). Each test also finds the public story that shares its words, so it fails if the API
stops answering rather than passing on an empty list."""

import datetime

import pytest
from django.utils import timezone

from newsroom.notes.services import note_add
from newsroom.stories.models import Correction, Status
from newsroom.stories.services import story_save_changes
from tests.api.conftest import every_item, get_json

pytestmark = pytest.mark.django_db

WORD = "Quillfeather"  # in every story here, public or not, so search has something to tell apart


def headlines(items) -> list[str]:
    return [item["headline"] for item in items]


def everything_said(client, story=None, photo=None) -> str:
    """Every answer a reader could get that might name the story or the photo, as text."""
    answers = [
        client.get("/api/v1/stories").content,
        client.get("/api/v1/stories", {"archived": "true"}).content,
        client.get("/api/v1/stories", {"archived": "false"}).content,
        client.get("/api/v1/search", {"q": WORD}).content,
        client.get("/api/v1/photos").content,
    ]
    if story is not None:
        answers += [
            client.get(f"/api/v1/stories/{story.slug}").content,
            client.get(f"/api/v1/stories/id/{story.pk}").content,
        ]
    if photo is not None:
        answers.append(client.get(f"/api/v1/photos/{photo.virin}").content)
    return b"\n".join(answers).decode()


@pytest.fixture
def public(make_story, make_photo):
    """A published story using the same word, with its own photo: what the API must show."""
    return make_story(headline=f"{WORD} Public Story", photos=[make_photo(public=True)])


def assert_hidden(client, public, hidden, photo, indexed):
    indexed()
    listed = headlines(every_item(client, "/api/v1/stories"))
    assert public.headline in listed
    assert hidden.headline not in listed
    found = get_json(client, "/api/v1/search", {"q": WORD})["items"]
    assert public.headline in headlines(found) and hidden.headline not in headlines(found)
    assert get_json(client, f"/api/v1/stories/{hidden.slug}", status=404) == {
        "detail": "No published story has that address."
    }
    get_json(client, f"/api/v1/stories/id/{hidden.pk}", status=404)
    get_json(client, f"/api/v1/photos/{photo.virin}", status=404)
    said = everything_said(client, hidden, photo)
    assert hidden.headline not in said and photo.virin not in said
    assert public.headline in said


def test_a_draft_never_appears(client, make_story, make_photo, public, indexed):
    photo = make_photo()
    draft = make_story(headline=f"{WORD} Draft Story", published=False, photos=[photo])
    assert draft.status == Status.DRAFT
    assert_hidden(client, public, draft, photo, indexed)


def test_a_story_in_review_never_appears(client, make_story, make_photo, public, indexed):
    photo = make_photo()
    in_review = make_story(headline=f"{WORD} Story In Review", published=False, status=Status.IN_REVIEW, photos=[photo])
    assert_hidden(client, public, in_review, photo, indexed)


def test_a_scheduled_story_does_not_appear_before_its_time(client, make_story, make_photo, public, indexed):
    photo = make_photo()
    scheduled = make_story(
        headline=f"{WORD} Scheduled Story", published_at=timezone.now() + datetime.timedelta(hours=2), photos=[photo]
    )
    assert scheduled.status == Status.PUBLISHED
    assert_hidden(client, public, scheduled, photo, indexed)


def test_a_withdrawn_story_never_appears(client, make_story, make_photo, public, indexed):
    photo = make_photo()
    withdrawn = make_story(headline=f"{WORD} Withdrawn Story", status=Status.WITHDRAWN, photos=[photo])
    assert_hidden(client, public, withdrawn, photo, indexed)


def test_an_expired_story_no_longer_appears(client, make_story, make_photo, public, indexed):
    photo = make_photo()
    expired = make_story(
        headline=f"{WORD} Expired Story",
        published_at=timezone.now() - datetime.timedelta(days=2),
        expires_at=timezone.now() - datetime.timedelta(days=1),
        photos=[photo],
    )
    assert_hidden(client, public, expired, photo, indexed)


def test_a_live_storys_unpublished_changes_and_their_corrections_never_appear(
    client, create_story, committed, editor, indexed
):
    live = committed(create_story, headline=f"{WORD} Live Story", summary="The summary readers see.")
    Correction.objects.create(story=live, text="A correction readers see.")

    def waiting_note(story):
        Correction.objects.create(story=story, text="A correction waiting with the changes.", pending=True)

    committed(
        story_save_changes,
        story=live,
        changes={"headline": "Changed Headline Not Yet Public", "summary": "A summary not yet public."},
        user=editor,
        expected_version=None,
        write_notes=waiting_note,
    )
    indexed()
    detail = get_json(client, f"/api/v1/stories/{live.slug}")
    assert detail["headline"] == f"{WORD} Live Story" and detail["summary"] == "The summary readers see."
    assert [note["text"] for note in detail["corrections"]] == ["A correction readers see."]
    said = everything_said(client, live)
    assert "Not Yet Public" not in said and "not yet public" not in said and "waiting with the changes" not in said
    assert f"{WORD} Live Story" in headlines(get_json(client, "/api/v1/search", {"q": WORD})["items"])


def test_notes_between_writer_and_editor_never_appear(client, create_story, committed, editor, indexed):
    live = committed(create_story, headline=f"{WORD} Story With Notes")
    note_add(story=live, user=editor, text="Check the number of patients with the hospital.")
    indexed()
    said = everything_said(client, live)
    assert f"{WORD} Story With Notes" in said
    assert "number of patients with the hospital" not in said


def test_originals_are_never_named_only_public_copies(client, make_story, make_photo, indexed):
    photo = make_photo(public=True)
    make_story(headline=f"{WORD} Story With A Photo", photos=[photo])
    indexed()
    said = everything_said(client, None, photo)
    assert photo.virin in said and "/media/photos/" in said
    assert photo.original.name not in said
    assert "originals/" not in said and photo.original.name.rsplit("/", 1)[-1] not in said
    detail = get_json(client, f"/api/v1/photos/{photo.virin}")
    assert {copy["name"] for copy in detail["copies"]} == set(photo.renditions)
    assert all(copy["url"].startswith("http://testserver/media/") for copy in detail["copies"])


def test_a_photo_no_published_story_uses_is_neither_listed_nor_found(client, make_story, make_photo):
    shown_photo, embargoed = make_photo(public=True), make_photo()
    make_story(photos=[shown_photo])
    virins = [item["virin"] for item in every_item(client, "/api/v1/photos")]
    assert virins == [shown_photo.virin]
    get_json(client, f"/api/v1/photos/{embargoed.virin}", status=404)
    assert get_json(client, "/api/v1/search", {"q": embargoed.virin})["photo"] is None
    assert get_json(client, "/api/v1/search", {"q": shown_photo.virin})["photo"]["virin"] == shown_photo.virin
