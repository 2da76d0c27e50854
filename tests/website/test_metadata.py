"""What each public page says about itself: title, description, canonical address, share card,
the story's JSON-LD, and the story page's share and print tools."""

import datetime
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.utils import timezone

from newsroom.archive.services import story_archive
from newsroom.stories.models import Correction, NoteKind, Story, Tag
from newsroom.stories.views import NewsListView
from tests.conftest import jpeg_upload

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


class Head(HTMLParser):
    """The tags a crawler or a link preview reads, collected from a whole page."""

    def __init__(self, html):
        super().__init__()
        self.title = ""
        self.meta = {}  # name or property -> content
        self.links = []  # attribute dicts of <link>
        self.scripts = []  # (attribute dict, text)
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("property") or attrs["name"]
            assert key not in self.meta, f"{key} is said twice"
            self.meta[key] = attrs["content"]
        elif tag == "link":
            self.links.append(attrs)
        elif tag in ("title", "script"):
            self._in = (tag, attrs)
            if tag == "script":
                self.scripts.append((attrs, ""))

    def handle_data(self, data):
        if self._in and self._in[0] == "title":
            self.title += data
        elif self._in and self._in[0] == "script":
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if self._in and tag == self._in[0]:
            self._in = None

    @property
    def canonical(self):
        found = [link["href"] for link in self.links if link.get("rel") == "canonical"]
        assert len(found) <= 1
        return found[0] if found else None

    @property
    def json_ld(self):
        blocks = [text for attrs, text in self.scripts if attrs.get("type") == "application/ld+json"]
        assert len(blocks) == 1
        return json.loads(blocks[0])


def head_of(client, address) -> Head:
    response = client.get(address)
    assert response.status_code == 200, address
    return Head(response.content.decode())


@pytest.fixture
def site_pages(client, make_story, make_photo, collection, monkeypatch):
    """One of each kind of public page, by name: address."""
    monkeypatch.setattr(NewsListView, "paginate_by", 2)
    photo = make_photo(title="Honor Cordon")
    story = make_story(headline="Hospital Ship Wraps Up Mission", photos=[photo])
    tag = Tag.objects.create(name="Global Health", slug="global-health")
    story.tags.add(tag)
    make_story(), make_story()
    archived = make_story(published_at=timezone.make_aware(datetime.datetime(2020, 9, 22, 10, 30)))
    story_archive(story=archived, collection=collection, user=None)
    about = FlatPage.objects.create(url="/about/", title="About", content="<p>Who we are &amp; what we do.</p>")
    about.sites.add(Site.objects.get_current())
    return {
        "home": "/",
        "news": "/news/",
        "news page 2": "/news/?page=2",
        "tag": tag.get_absolute_url(),
        "story": story.get_absolute_url(),
        "photo": photo.get_absolute_url(),
        "archive": "/archive/",
        "archive collection": collection.get_absolute_url(),
        "archive year": "/archive/2020/",
        "info page": "/about/",
    }


def test_every_public_page_has_its_own_title_description_and_canonical_address(client, site_pages):
    heads = {name: head_of(client, address) for name, address in site_pages.items()}

    titles = [head.title for head in heads.values()]
    assert len(set(titles)) == len(titles), titles
    assert all(title.endswith(" | Newsroom") or title == "Newsroom: News" for title in titles)
    assert heads["news page 2"].title == "News Stories, page 2 | Newsroom"
    assert heads["tag"].title == "Global Health | News Stories | Newsroom"
    assert heads["info page"].title == "About | Newsroom"
    for name, head in heads.items():
        assert head.canonical == SITE + site_pages[name], name
        assert head.meta["og:url"] == head.canonical
        assert head.meta["description"], name
        assert head.meta["og:site_name"] == "Newsroom"
        assert head.meta["og:description"] == head.meta["description"]
    assert heads["tag"].meta["description"] == "News stories about Global Health from Newsroom, newest first."
    assert heads["tag"].meta["og:title"] == "News Stories: Global Health"
    assert heads["archive year"].meta["og:title"] == "Archive: 2020"
    assert heads["info page"].meta["description"] == "Who we are & what we do."
    assert {head.meta["og:type"] for name, head in heads.items() if name != "story"} == {"website"}


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/news/?utm_source=newsletter&utm_medium=email", "/news/"),
        ("/news/?page=1&fbclid=abc", "/news/"),
        ("/news/?page=2&utm_campaign=spring", "/news/?page=2"),
    ],
)
def test_the_canonical_address_drops_tracking_parameters_but_keeps_later_pages(
    client, make_story, monkeypatch, asked, canonical
):
    monkeypatch.setattr(NewsListView, "paginate_by", 1)
    make_story(), make_story()
    assert head_of(client, asked).canonical == SITE + canonical


def test_story_page_with_a_photo_has_an_article_card_with_the_share_image(client, make_story, make_photo):
    photo = make_photo(alt_text="Sailors carry a patient up the ship's brow.")
    story = make_story(headline="Hospital Ship Wraps Up Mission", photos=[photo])

    head = head_of(client, story.get_absolute_url() + "?utm_source=newsletter")

    address = SITE + story.get_absolute_url()
    assert head.title == "Hospital Ship Wraps Up Mission | Newsroom"
    assert head.canonical == address
    assert head.meta["description"] == story.summary
    assert head.meta["og:type"] == "article"
    assert head.meta["og:title"] == "Hospital Ship Wraps Up Mission"
    assert head.meta["og:description"] == story.summary
    assert head.meta["og:url"] == address
    assert head.meta["og:image"] == SITE + photo.public_url("share.jpg")
    assert head.meta["og:image"].endswith(".jpg") and "/share." in head.meta["og:image"]
    assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("1200", "630")
    assert head.meta["og:image:alt"] == "Sailors carry a patient up the ship's brow."
    assert head.meta["twitter:card"] == "summary_large_image"
    assert datetime.datetime.fromisoformat(head.meta["article:published_time"]) == story.published_at.replace(
        microsecond=0
    )


def test_story_page_without_a_photo_has_a_plain_summary_card(client, make_story):
    head = head_of(client, make_story().get_absolute_url())
    assert head.meta["twitter:card"] == "summary"
    assert not any(key.startswith("og:image") or key.startswith("twitter:image") for key in head.meta)


def test_photo_page_cards_use_the_photos_own_share_image(client, make_story, make_photo):
    photo = make_photo(title="Honor Cordon")
    make_story(photos=[photo])
    head = head_of(client, photo.get_absolute_url())
    assert head.meta["og:title"] == "Honor Cordon"
    assert head.meta["og:image"] == SITE + photo.public_url("share.jpg")
    assert head.canonical == SITE + photo.get_absolute_url()


def test_story_json_ld_is_a_news_article_search_engines_can_read(client, make_story, make_photo):
    photo = make_photo(original=jpeg_upload("wide.jpg", size=(1600, 1067)))
    story = make_story(
        headline="Ship’s Crew Returns </script><script>alert(1)</script>",
        byline="Jim Garamone and Terri Moon Cronk, DOD News",
        published_at=timezone.make_aware(datetime.datetime(2020, 9, 22, 10, 30)),
        photos=[photo],
    )

    html = client.get(story.get_absolute_url()).content.decode()
    article = Head(html).json_ld

    address = SITE + story.get_absolute_url()
    assert "</script><script>alert(1)" not in html
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == story.headline
    assert article["datePublished"] == "2020-09-22T10:30:00-04:00"
    assert datetime.datetime.fromisoformat(article["dateModified"]) == story.updated_at.replace(microsecond=0)
    assert article["author"] == [
        {"@type": "Person", "name": "Jim Garamone", "affiliation": {"@type": "Organization", "name": "DOD News"}},
        {"@type": "Person", "name": "Terri Moon Cronk", "affiliation": {"@type": "Organization", "name": "DOD News"}},
    ]
    assert article["image"] == [SITE + photo.public_url("share.jpg"), SITE + photo.public_url("w1200.jpg")]
    assert article["publisher"] == {"@type": "Organization", "name": "Newsroom"}
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": address}
    assert article["isAccessibleForFree"] is True
    # The body's prose, without its photo blocks, and its length in words.
    assert article["articleBody"] == "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."
    assert article["wordCount"] == 6


def test_a_correction_dates_the_story_and_its_json_ld_modified(client, make_story):
    story = make_story(published_at=timezone.make_aware(datetime.datetime(2020, 9, 22, 10, 30)))
    Correction.objects.create(story=story, kind=NoteKind.CORRECTION, noted_on=datetime.date(2020, 9, 23), text="…")
    Correction.objects.create(story=story, kind=NoteKind.UPDATE, noted_on=datetime.date(2020, 9, 25), text="…")

    head = head_of(client, story.get_absolute_url())

    assert head.json_ld["dateModified"] == "2020-09-25"
    assert head.meta["article:modified_time"] == "2020-09-25"
    assert datetime.date.fromisoformat(head.json_ld["dateModified"]) == story.last_updated


def test_a_story_scheduled_ahead_is_not_modified_before_it_was_published(client, make_story):
    story = make_story()
    now = timezone.now()
    # Last saved two days ago, scheduled to go live yesterday; update() leaves updated_at alone.
    Story.objects.filter(pk=story.pk).update(
        updated_at=now - datetime.timedelta(days=2), published_at=now - datetime.timedelta(days=1)
    )
    head = head_of(client, story.get_absolute_url())
    assert head.json_ld["dateModified"] == head.json_ld["datePublished"]
    assert head.meta["article:modified_time"] == head.meta["article:published_time"]


def test_share_links_open_each_networks_page_with_the_stories_address(client, make_story):
    story = make_story(headline="Hospital Ship Wraps Up Mission")
    html = client.get(story.get_absolute_url() + "?utm_source=x").content.decode()
    address = quote(SITE + story.get_absolute_url(), safe="")

    for start, name in (
        ("mailto:?subject=Hospital%20Ship%20Wraps%20Up%20Mission&amp;body=", "Share by </span>Email"),
        ("https://x.com/intent/tweet?text=Hospital%20Ship%20Wraps%20Up%20Mission&amp;url=", "Share on </span>X"),
        ("https://www.facebook.com/sharer/sharer.php?u=", "Share on </span>Facebook"),
        ("https://www.linkedin.com/sharing/share-offsite/?url=", "Share on </span>LinkedIn"),
    ):
        link = html[html.index(f'href="{start}') :]
        link = link[: link.index("</a>")]
        assert address in link.split('"')[1], start
        assert 'rel="noopener noreferrer"' in link
        assert name in link
    assert "utm_source" not in html


def test_print_control_waits_for_javascript_and_print_stylesheet_is_linked(client, make_story):
    html = client.get(make_story().get_absolute_url()).content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    assert '<script src="/static/js/newsroom.js" defer></script>' in html
    # Without JavaScript the control could not work, so it stays hidden until the script shows it.
    assert re.search(r'<p [^>]*data-js-only hidden><button type="button" [^>]*data-print>Print<', html)


def test_no_page_loads_a_script_from_another_site(client, site_pages):
    for name, address in site_pages.items():
        for attrs, _ in head_of(client, address).scripts:
            if "src" in attrs:
                assert attrs["src"].startswith("/") and not attrs["src"].startswith("//"), (name, attrs)
            else:
                assert attrs.get("type") == "application/ld+json", (name, attrs)


def test_previews_and_missing_pages_claim_no_canonical_address(editor_client, make_story, client):
    draft = make_story(published=False)
    preview = Head(editor_client.get(f"/news/preview/{draft.pk}/").content.decode())
    assert preview.meta["robots"] == "noindex, nofollow"
    assert preview.canonical is None and "og:url" not in preview.meta

    missing = client.get("/news/no-such-story/")
    assert missing.status_code == 404
    head = Head(missing.content.decode())
    assert head.meta["robots"] == "noindex"
    assert head.canonical is None
    assert head.title == "Page not found | Newsroom"


def test_the_500_page_renders_its_metadata_without_a_request():
    from newsroom.website.views import server_error

    head = Head(server_error(None).content.decode())
    assert head.canonical is None
    assert head.meta["og:site_name"] == "Newsroom"
