"""The story form's body editor as the server sends it, and the story chooser its links search:
the editor's configuration, its scripts served by us under a strict policy, and JSON for staff."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.test import Client

from newsroom.stories.models import Status
from tests.conftest import make_account

pytestmark = pytest.mark.django_db

ADD = "/admin/stories/story/add/"
CHOOSER = "/admin/stories/story/chooser/"


def editor_config(page: str) -> dict:
    found = re.search(r'<textarea name="body"[^>]*data-django-prose-editor-configurable="([^"]*)"', page)
    assert found, "the body is the prose editor's textarea"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_the_body_editor_offers_the_blocks_the_body_allows_and_asks_our_own_endpoints(editor_client):
    config = editor_config(editor_client.get(ADD).content.decode())
    extensions = config["extensions"]

    assert extensions["Heading"] == {"levels": [2, 3, 4]}, "H1 is the headline"
    for name in ["BulletList", "NumberedList", "Blockquote", "PullQuote", "Abbreviation", "HardBreak", "StoryTable"]:
        assert extensions[name]
    assert {"Figure", "Image", "Strike", "Underline", "TextAlign", "HTML"}.isdisjoint(extensions)
    assert extensions["PhotoBlock"] == {
        "chooser": "/admin/photos/photoasset/chooser/",
        "details": "/admin/photos/photoasset/chooser/details/",
        "upload": "/admin/photos/photoasset/chooser/upload/",
    }
    assert extensions["StoryLink"] == {"chooser": CHOOSER}
    for module in config["js_modules"]:
        assert module.startswith("/static/js/story-editor/")
        assert finders.find(module.removeprefix("/static/")), f"{module} is one of our static files"


def test_the_editor_scripts_are_ours_and_the_import_map_runs_by_this_pages_nonce_only(editor_client, make_story):
    story = make_story(published=False)
    for address in (ADD, f"/admin/stories/story/{story.pk}/change/"):
        response = editor_client.get(address)
        page = response.content.decode()
        policy = response["Content-Security-Policy"]
        script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))

        nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
        assert "unsafe-inline" not in policy
        assert f'<script type="importmap" nonce="{nonce}">' in page
        imports = json.loads(re.search(r'<script type="importmap"[^>]*>(.*?)</script>', page, re.S).group(1))["imports"]
        assert imports["django-prose-editor/editor"] == "/static/django_prose_editor/editor.js"
        assert imports["story-editor/dialogs"] == "/static/js/story-editor/dialogs.js"
        for path in imports.values():
            assert finders.find(path.removeprefix("/static/")), f"{path} is served by us, no CDN"
        styles = re.findall(r'<link href="/static/([^"]+\.css)"', page)
        assert styles.index("css/story-editor.css") > styles.index("django_prose_editor/overrides.css"), (
            "ours adjust the library's"
        )

    assert (
        "nonce-"
        not in editor_client.get("/admin/stories/story/")
        .get("Content-Security-Policy", "")
        .split("script-src")[1]
        .split(";")[0]
    ), "only the story form's policy admits its import map"


def test_the_body_help_says_how_to_write_it_from_the_keyboard(editor_client):
    page = editor_client.get(ADD).content.decode()
    help_text = re.search(r'<div class="help" id="id_body_helptext">(.*?)</div>', page, re.S).group(1)
    for said in ["“## ” for a subheading", "“- ” or “1. ” for a list", "“&gt; ” for a quote", "Alt+F10", "Ctrl+S"]:
        assert said in help_text


def test_the_story_chooser_finds_drafts_and_published_stories_by_every_word_of_their_headline(
    editor_client, make_story
):
    published = make_story(headline="Engineers Close Final Levee Breach", slug="engineers-close-levee-breach")
    draft = make_story(headline="Levee Inspections Begin Along the River", published=False)
    make_story(headline="Hospital Ship Wraps Up Mission")

    response = editor_client.get(CHOOSER, {"q": "levee"})

    assert response.status_code == 200
    stories = {story["id"]: story for story in response.json()["stories"]}
    assert set(stories) == {published.pk, draft.pk}
    assert stories[published.pk] == {
        "id": published.pk,
        "headline": "Engineers Close Final Levee Breach",
        "status": "Published",
        "address": "/news/engineers-close-levee-breach/",
    }
    assert stories[draft.pk]["status"] == Status.DRAFT.label
    assert [s["id"] for s in editor_client.get(CHOOSER, {"q": "levee river"}).json()["stories"]] == [draft.pk]
    assert [s["id"] for s in editor_client.get(CHOOSER, {"q": "levee", "exclude": draft.pk}).json()["stories"]] == [
        published.pk
    ], "not the story being written"
    assert editor_client.get(CHOOSER, {"q": "  "}).json() == {"stories": []}


def test_the_story_chooser_answers_staff_who_may_view_stories_and_is_never_cached(editor_client):
    response = editor_client.get(CHOOSER, {"q": "levee"})
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]

    stranger = Client()
    assert stranger.get(CHOOSER, {"q": "levee"}).status_code == 302
    stranger.force_login(get_user_model().objects.create_user("clerk", password="a-long-test-password", is_staff=True))
    assert stranger.get(CHOOSER, {"q": "levee"}).status_code == 403
    stranger.force_login(make_account("writer", "writer"))
    assert stranger.get(CHOOSER, {"q": "levee"}).status_code == 200
