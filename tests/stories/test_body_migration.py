"""The migration to the canonical body (stories 0008, 0009): every story reads the same before and after.

The database is taken back to the schema before it (0006), stories are written there in the old form
(paragraphs separated by blank lines, photos placed "after paragraph N"), read as the old story page
read them (its rules copied below), migrated forward, and read again through readers' story pages:
the same text, the same links, the same photos with the same captions, in the same order.
"""

import datetime
import html
import re
from functools import partial
from html.parser import HTMLParser
from types import SimpleNamespace

import nh3
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from newsroom.demo.content import DEMO
from newsroom.demo.management.commands.load_demo import Command as LoadDemo
from newsroom.stories.body import as_legacy

BEFORE = [("stories", "0007_next_scheduled_change_index")]

# --------------------------------------------------------------------------- the old story page's rules

_OLD_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
_OLD_INLINE = {"a", "em", "strong", "i", "b", "abbr", "sup", "sub", "br"}


def old_paragraphs(body):
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(part.split()) for part in _OLD_BLANK_LINE.split(text) if part.strip()]


def old_paragraph_html(text):
    return nh3.clean(
        text,
        tags=_OLD_INLINE,
        attributes={"a": {"href", "title"}, "abbr": {"title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def old_reading(body, placements, photos):
    """What a reader met on the old page: each paragraph's words and links, and each photo (VIRIN,
    caption shown) where the old page put it: after its paragraph, in (after_paragraph, order)
    order, one past the last paragraph at the end."""
    paragraphs = old_paragraphs(body)
    after = {}
    for placement in sorted(placements, key=lambda p: (p["after_paragraph"], p["order"], p["id"])):
        photo = photos[placement["photo_id"]]
        shown = ("photo", photo.virin, placement["caption"] or photo.caption)
        after.setdefault(min(placement["after_paragraph"], len(paragraphs)), []).append(shown)
    reading = after.get(0, [])
    for number, paragraph in enumerate(paragraphs, start=1):
        reading.append(words_and_links(old_paragraph_html(paragraph)))
        reading.extend(after.get(number, []))
    return [item for item in reading if item != ("text", "", ())]  # an empty paragraph shows nothing


def words_and_links(markup):
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup.replace("<br>", " "))).split())
    return ("text", text, tuple(re.findall(r'<a href="([^"]*)"', markup)))


# --------------------------------------------------------------------------- the page now


class StoryBody(HTMLParser):
    """The story page's body as a reader meets it: text blocks and figures, in order."""

    def __init__(self):
        super().__init__()
        self.reading, self.depth, self.inside, self.current = [], 0, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("class") == "newsroom-story__body":
            self.inside, self.depth = True, 0
        if not self.inside:
            return
        self.depth += tag != "br"
        if self.depth == 2 and tag == "figure":
            self.current = {"kind": "photo", "virin": "", "caption": "", "part": None}
        elif self.depth == 2 and tag != "br":
            self.current = {"kind": "text", "markup": []}
        if self.current and self.current["kind"] == "photo":
            if attrs.get("class") == "newsroom-figure__caption":
                self.current["part"] = "caption"
            elif tag == "a" and attrs.get("href", "").startswith("/photos/"):
                self.current["part"] = "virin"
        elif self.current and tag in ("a", "br"):
            self.current["markup"].append(f'<a href="{html.escape(attrs["href"])}">' if tag == "a" else "<br>")

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if self.current and self.current["kind"] == "photo" and tag in ("p", "a"):
            self.current["part"] = None
        self.depth -= 1
        if self.depth == 1 and self.current:
            current, self.current = self.current, None
            if current["kind"] == "photo":
                self.reading.append(("photo", current["virin"], " ".join(current["caption"].split())))
            else:
                self.reading.append(words_and_links("".join(current["markup"])))
        if self.depth == 0:
            self.inside = False

    def handle_data(self, data):
        if not self.current:
            return
        if self.current["kind"] == "photo" and self.current["part"]:
            self.current[self.current["part"]] += data
        elif self.current["kind"] == "text":
            self.current["markup"].append(html.escape(data, quote=False))


def new_reading(client, slug):
    response = client.get(f"/news/{slug}/")
    assert response.status_code == 200, slug
    parser = StoryBody()
    parser.feed(response.content.decode())
    return parser.reading


# --------------------------------------------------------------------------- old stories


def demo_in_the_old_form(photos):
    """Every demo story as the old form held it: its blocks as paragraphs, its photos after them
    (links to other stories by their address: the old form had no story ids)."""
    stories = {spec.slug: SimpleNamespace(pk=0, get_absolute_url=partial(address, spec.slug)) for spec in DEMO.stories}
    for spec in DEMO.stories:
        body = LoadDemo.body(spec, photos=photos, stories=stories)
        yield spec.slug, spec.headline, *as_legacy(body)


def address(slug):
    return f"/news/{slug}/"


def hand_written(photo_ids):
    """What old bodies hold that the demo's do not: every inline element, odd spaces, scripts,
    a paragraph of nothing but a script, photos sharing a paragraph, a photo past the end."""
    first, second, third, fourth, fifth = list(photo_ids.values())[:5]
    body = (
        "Intro with <em>em</em>, <strong>strong</strong>, <i>i</i>, <b>b</b>, H<sub>2</sub>O, 10<sup>3</sup>, "
        '<abbr title="Army National Guard">ARNG</abbr>, a <a href="https://www.usa.gov/" title="t">link</a>, '
        'a <a href="/news/other/">site link</a> and <a href="mailto:pa@example.gov">mail</a>.\r\n\r\n'
        "Second\nparagraph  with   spaces\u00a0and a non-breaking one,<br>and a break.\n \u00a0\n"
        "Third <script>alert(1)</script>paragraph <img src=x onerror=alert(2)>with junk.\n\n"
        "<script>only()</script>\n\n"
        "Fifth &amp; last < paragraph, <span>unknown</span> kept."
    )
    placements = [
        (0, second, 1, ""),
        (0, first, 0, ""),
        (2, third, 0, "Our own caption."),
        (4, fourth, 0, ""),
        (9, fifth, 0, ""),
    ]
    return ("edge-cases", "Edge Cases", body, placements)


@pytest.mark.django_db(transaction=True)
def test_every_story_reads_the_same_before_and_after_the_migration(client):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        Story, PhotoPlacement = old_apps.get_model("stories", "Story"), old_apps.get_model("stories", "PhotoPlacement")
        PhotoAsset = old_apps.get_model("photos", "PhotoAsset")
        photos = {spec.virin: PhotoAsset.objects.create(**spec.record()) for spec in DEMO.photos}
        photo_ids = {virin: photo.pk for virin, photo in photos.items()}
        by_id = {photo.pk: photo for photo in photos.values()}
        stories = [*demo_in_the_old_form(photos)]
        stories = [
            (slug, headline, text, [(a, p, 0, c) for a, p, c in placed]) for slug, headline, text, placed in stories
        ]
        stories.append(hand_written(photo_ids))
        expected = {}
        for number, (slug, headline, text, placed) in enumerate(stories):
            story = Story.objects.create(
                headline=headline,
                slug=slug,
                summary="A summary.",
                byline="Jane Doe, DOD News",
                body=text,
                status="published",
                published_at=timezone.now() - datetime.timedelta(hours=number + 1),
            )
            rows = [
                PhotoPlacement.objects.create(
                    story=story, photo_id=photo, after_paragraph=after, order=order, caption=caption
                )
                for after, photo, order, caption in placed
            ]
            expected[slug] = old_reading(
                text,
                [
                    {
                        "id": r.pk,
                        "photo_id": r.photo_id,
                        "after_paragraph": r.after_paragraph,
                        "order": r.order,
                        "caption": r.caption,
                    }
                    for r in rows
                ],
                by_id,
            )
        assert len(expected) == len(DEMO.stories) + 1

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        for slug, reading in expected.items():
            assert new_reading(client, slug) == reading, slug
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_old_page_rules_copied_here_read_what_the_old_page_showed():
    """The copy of the old rules, checked against what the old story page was tested to show."""
    photos = {1: type("Photo", (), {"virin": "200922-D-BN624-1166", "caption": "Its own."})}
    reading = old_reading(
        'Read <a href="https://www.usa.gov/">USA.gov</a>.<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>Second.',
        [{"id": 1, "photo_id": 1, "after_paragraph": 1, "order": 0, "caption": ""}],
        photos,
    )
    assert reading == [
        ("text", "Read USA.gov.", ("https://www.usa.gov/",)),
        ("photo", "200922-D-BN624-1166", "Its own."),
        ("text", "Second.", ()),
    ]
