"""Corrections machines can read: schema.org `correction` in the story's JSON-LD, the Atom
feed's <updated>, and /news/corrections/ with its feeds, newest first."""

import datetime
import json
import re
import xml.etree.ElementTree as ElementTree
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from newsroom.stories.models import Correction, Story
from newsroom.stories.services import story_create, story_withdraw
from tests.conftest import page_text, story_fields
from tests.stories.test_workflow import change_url, edit
from tests.website.test_page_cache_keys import served_from_the_cache

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")
ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def json_ld(response) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(found.group(1))


def note(story, text, day, kind="correction", **fields):
    return Correction.objects.create(story=story, kind=kind, noted_on=day, text=text, **fields)


def test_the_story_json_ld_carries_each_correction_and_no_update(client, make_story):
    story = make_story(headline="Levee Holds")
    assert "correction" not in json_ld(client.get(story.get_absolute_url()))
    note(story, "An earlier version gave the wrong river.", datetime.date(2026, 11, 4))
    note(story, "Adds the river's crest.", datetime.date(2026, 11, 5), kind="update")
    note(story, "An earlier version misspelled the mayor's name.", datetime.date(2026, 11, 6))

    article = json_ld(client.get(story.get_absolute_url()))

    assert article["correction"] == [
        {
            "@type": "CorrectionComment",
            "datePublished": "2026-11-04",
            "text": "An earlier version gave the wrong river.",
        },
        {
            "@type": "CorrectionComment",
            "datePublished": "2026-11-06",
            "text": "An earlier version misspelled the mayor's name.",
        },
    ]


def test_a_correction_published_with_a_live_storys_changes_moves_its_atom_updated(
    editor_client, editor, client, make_story
):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=EASTERN), tick=False):
        story = make_story(headline="Levee Holds", published_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=EASTERN))

    def updated():
        root = ElementTree.fromstring(client.get("/news/feed/atom/").content)
        entry = next(
            e for e in root.iterfind("atom:entry", ATOM) if e.findtext("atom:title", namespaces=ATOM) == "Levee Holds"
        )
        return datetime.datetime.fromisoformat(entry.findtext("atom:updated", namespaces=ATOM))

    before = updated()
    with time_machine.travel(datetime.datetime(2026, 11, 4, 15, 30, tzinfo=EASTERN), tick=False):
        editor_client.force_login(editor)  # a new sign-in: the clock moved past the idle limit
        data = edit(story, _publish_changes="Save and publish changes")
        data.update(
            {
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-noted_on": "2026-11-04",
                "corrections-0-kind": "correction",
                "corrections-0-text": "An earlier version gave the wrong river.",
            }
        )
        assert editor_client.post(change_url(story), data).status_code == 302
    assert Correction.objects.get().pending is False

    after = updated()
    assert before < after == datetime.datetime(2026, 11, 4, 15, 30, tzinfo=EASTERN)
    root = ElementTree.fromstring(client.get("/news/feed/atom/").content)
    assert datetime.datetime.fromisoformat(root.findtext("atom:updated", namespaces=ATOM)) == after


def test_the_corrections_page_lists_every_public_correction_newest_first(client, make_story):
    levee = make_story(headline="Levee Holds")
    ship = make_story(headline="Hospital Ship Sails")
    draft = make_story(headline="Not Out Yet", published=False)
    withdrawn = make_story(headline="Taken Down")
    first = note(levee, "An earlier version gave the wrong river.", datetime.date(2026, 11, 4))
    newest = note(ship, "An earlier version misstated the number of patients.", datetime.date(2026, 11, 6))
    note(levee, "Adds the river's crest.", datetime.date(2026, 11, 7), kind="update")
    note(draft, "A draft's note.", datetime.date(2026, 11, 8))
    note(levee, "Waits with unpublished changes.", datetime.date(2026, 11, 9), pending=True)
    note(withdrawn, "A withdrawn story's note.", datetime.date(2026, 11, 8))
    story_withdraw(story=withdrawn, user=None, reason="Superseded.")

    response = client.get("/news/corrections/")

    text = page_text(response)
    assert response.status_code == 200
    assert re.findall(r"Correction, \w+\. \d+, 2026:", text) == [
        "Correction, Nov. 6, 2026:",
        "Correction, Nov. 4, 2026:",
    ]
    assert text.index("Hospital Ship Sails") < text.index("Levee Holds")
    for hidden in ("river's crest", "A draft's note", "Waits with unpublished", "A withdrawn story's note"):
        assert hidden not in text
    html = response.content.decode()
    assert f'href="{ship.get_absolute_url()}#note-{newest.pk}"' in html
    assert f'href="{levee.get_absolute_url()}#note-{first.pk}"' in html
    assert f'id="note-{first.pk}"' in client.get(levee.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("path", "item", "title", "link"),
    [
        ("/news/corrections/feed/", "channel/item", "title", "link"),
        ("/news/corrections/feed/atom/", "atom:entry", "atom:title", "atom:link"),
    ],
)
def test_the_corrections_feeds_carry_each_correction_with_its_address(client, make_story, path, item, title, link):
    levee = make_story(headline="Levee Holds")
    older = note(levee, "An earlier version gave the wrong river.", datetime.date(2026, 11, 4))
    newer = note(levee, "An earlier version misspelled the mayor's name.", datetime.date(2026, 11, 6))

    root = ElementTree.fromstring(client.get(path).content)

    items = root.findall(item, ATOM)
    assert [entry.findtext(title, namespaces=ATOM) for entry in items] == ["Correction: Levee Holds"] * 2
    links = [entry.find(link, ATOM) for entry in items]
    addresses = [found.get("href") or found.text for found in links]
    assert addresses == [f"http://testserver{levee.get_absolute_url()}#note-{pk}" for pk in (newer.pk, older.pk)]


@pytest.mark.django_db(transaction=True)
def test_a_new_correction_refreshes_the_cached_corrections_page_and_feeds(client, settings, make_story):
    settings.PAGE_CACHE_SECONDS = 300
    levee = make_story(headline="Levee Holds")
    ship = make_story(headline="Hospital Ship Sails")
    note(levee, "An earlier version gave the wrong river.", datetime.date(2026, 11, 4))
    for path in ("/news/corrections/", "/news/corrections/feed/"):
        assert "Hospital Ship Sails" not in client.get(path).content.decode()
        served_from_the_cache(client, path)

    note(ship, "An earlier version misstated the number of patients.", datetime.date(2026, 11, 6))  # commits

    for path in ("/news/corrections/", "/news/corrections/feed/"):
        assert "Hospital Ship Sails" in client.get(path).content.decode()


def test_no_story_may_take_the_address_of_the_corrections_page(db):
    with pytest.raises(ValidationError, match="“corrections” is the address of one of the site's own pages"):
        story_create(story=Story(**story_fields(slug="corrections", published=False)), user=None)
