"""Feeds, sitemaps, robots.txt and security.txt: what feed readers, crawlers and researchers get.

Each lists only what readers may see (the one "published"), with absolute addresses on the
host that was asked, and photos as their public copies with their credit.
"""

import datetime
import xml.etree.ElementTree as ElementTree
import zoneinfo

import pytest
import time_machine
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.archive.services import story_archive
from newsroom.stories.models import PhotoPlacement, Story, Tag
from newsroom.stories.services import story_publish, story_update, story_withdraw
from newsroom.website import sitemaps
from tests.conftest import jpeg_upload
from tests.website.test_production_settings import manage

pytestmark = pytest.mark.django_db
EASTERN = zoneinfo.ZoneInfo("America/New_York")
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "media": "http://search.yahoo.com/mrss/",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
FEEDS = {
    "/news/feed/": "application/rss+xml",
    "/news/feed/atom/": "application/atom+xml",
}


def fetch_xml(client, path, content_type="application/xml"):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith(content_type)
    return ElementTree.fromstring(response.content)  # raises on anything but well-formed XML


def feed_items(root):
    """(title, link, item element) of each RSS item or Atom entry, in feed order."""
    if root.tag == "rss":
        return [(item.findtext("title"), item.findtext("link"), item) for item in root.iter("item")]
    return [
        (entry.findtext("atom:title", namespaces=NS), entry.find("atom:link", NS).get("href"), entry)
        for entry in root.iterfind("atom:entry", NS)
    ]


def feed_titles(client, path):
    content_type = "application/atom+xml" if path.endswith("/atom/") else "application/rss+xml"
    return [title for title, _, _ in feed_items(fetch_xml(client, path, content_type))]


def sitemap_locations(client, path):
    return [loc.text for loc in fetch_xml(client, path).iterfind("sm:url/sm:loc", NS)]


def every_sitemap_location(client):
    index = fetch_xml(client, "/sitemap.xml")
    sections = [loc.text for loc in index.iterfind("sm:sitemap/sm:loc", NS)]
    return [location for section in sections for location in sitemap_locations(client, section)]


@pytest.fixture
def unpublished_stories(make_story, collection):
    """One story in each state readers must not see in current news, and an archived one."""
    now = datetime.datetime.now(datetime.UTC)
    hour_ago = now - datetime.timedelta(hours=1)  # well inside the news sitemap's two days
    withdrawn = make_story(headline="Withdrawn Story", slug="withdrawn-story", published_at=hour_ago)
    story_withdraw(story=withdrawn, user=None, reason="The event was postponed.")
    archived = make_story(headline="Archived Story", slug="archived-story", published_at=hour_ago)
    story_archive(story=archived, collection=collection, user=None)
    return [
        make_story(headline="Draft Story", slug="draft-story", published=False),
        make_story(headline="Scheduled Story", slug="scheduled-story", published_at=now + datetime.timedelta(days=1)),
        make_story(
            headline="Expired Story",
            slug="expired-story",
            published_at=now - datetime.timedelta(days=3),
            expires_at=now - datetime.timedelta(hours=1),
        ),
    ]


# --- Feeds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_list_current_published_stories_newest_first(client, make_story, unpublished_stories, path):
    now = datetime.datetime.now(datetime.UTC)
    make_story(headline="Older Story", published_at=now - datetime.timedelta(days=5))
    make_story(headline="Newer Story", published_at=now - datetime.timedelta(days=4))
    assert feed_titles(client, path) == ["Newer Story", "Older Story"]


def test_feed_links_are_on_the_host_asked_not_the_sites_frameworks_domain(client, make_story):
    assert Site.objects.get_current().domain == "example.com"
    story = make_story(headline="Hospital Ship Arrives")
    rss = fetch_xml(client, "/news/feed/", "application/rss+xml")
    assert rss.findtext("channel/link") == "http://testserver/news/"
    assert rss.find("channel/atom:link", NS).get("href") == "http://testserver/news/feed/"
    assert [link for _, link, _ in feed_items(rss)] == [f"http://testserver{story.get_absolute_url()}"]
    atom = fetch_xml(client, "/news/feed/atom/", "application/atom+xml")
    assert atom.find("atom:link[@rel='self']", NS).get("href") == "http://testserver/news/feed/atom/"
    assert [link for _, link, _ in feed_items(atom)] == [f"http://testserver{story.get_absolute_url()}"]


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_a_tags_feeds_list_only_its_current_stories(client, make_story, collection, suffix):
    floods = Tag.objects.create(name="Disaster Response", slug="disaster-response")
    other = Tag.objects.create(name="Readiness", slug="readiness")
    make_story(headline="Levee Repaired", published_at=datetime.datetime(2026, 6, 2, tzinfo=EASTERN)).tags.add(floods)
    make_story(headline="Shelters Open", published_at=datetime.datetime(2026, 6, 3, tzinfo=EASTERN)).tags.add(floods)
    make_story(headline="Drill Held").tags.add(other)
    make_story(headline="Draft Flood Story", published=False).tags.add(floods)
    archived = make_story(headline="Archived Flood Story")
    archived.tags.add(floods)
    story_archive(story=archived, collection=collection, user=None)

    root = fetch_xml(client, f"/news/tag/disaster-response/feed/{suffix}", FEEDS[f"/news/feed/{suffix}"])
    assert [title for title, _, _ in feed_items(root)] == ["Shelters Open", "Levee Repaired"]
    title = root.findtext("channel/title") if root.tag == "rss" else root.findtext("atom:title", namespaces=NS)
    assert title == "Newsroom: Disaster Response News"
    assert client.get(f"/news/tag/no-such-tag/feed/{suffix}").status_code == 404


@pytest.mark.parametrize("path", FEEDS)
def test_each_item_carries_its_lead_photo_as_media_rss_with_credit(
    client, make_story, create_story, make_photo, media_root, path, django_capture_on_commit_callbacks
):
    lead = make_photo(
        original=jpeg_upload("lead.jpg", size=(1000, 667)),
        title="Honor Cordon",
        caption="Service members form an honor cordon, Sept. 22, 2020.",
        photographer="Lisa Ferdinando",
        credit="DOD",
    )
    second = make_photo()
    with django_capture_on_commit_callbacks(execute=True):  # published: the photos' copies go public
        story = create_story(
            body=f'<figure data-photo="{second.pk}"></figure><p>One.</p><figure data-photo="{lead.pk}"></figure>'
        )
    lead.refresh_from_db()
    # The editor moves the cordon to the top, with a caption for this story: it leads from then on.
    story_update(
        story=story,
        changes={
            "body": f'<figure data-photo="{lead.pk}" data-caption="The cordon at the Pentagon, in this story."></figure>'
            f'<p>One.</p><figure data-photo="{second.pk}"></figure>'
        },
        user=None,
        expected_version=None,
    )
    assert PhotoPlacement.objects.get(photo=lead).pk > PhotoPlacement.objects.get(photo=second).pk
    make_story(headline="Story Without Photos")

    items = {title: item for title, _, item in feed_items(fetch_xml(client, path, FEEDS[path]))}
    assert items["Story Without Photos"].find("media:content", NS) is None
    [content] = items[story.headline].findall("media:content", NS)
    assert content.get("url") == "http://testserver" + lead.public_url("w800.jpg")
    assert lead.public_url("w800.jpg").startswith("/media/")
    assert (media_root / lead.renditions["w800.jpg"]["name"]).is_file()
    assert "original" not in content.get("url") and lead.original.name not in content.get("url")
    assert (content.get("medium"), content.get("type"), content.get("width")) == ("image", "image/jpeg", "800")
    assert content.get("height") == str(lead.renditions["w800.jpg"]["height"])
    credit = content.find("media:credit", NS)
    assert (credit.text, credit.get("role")) == ("Lisa Ferdinando, DOD", "photographer")
    assert content.findtext("media:title", namespaces=NS) == "Honor Cordon"
    assert content.findtext("media:description", namespaces=NS) == "The cordon at the Pentagon, in this story."


def test_a_narrow_photo_is_carried_as_its_uncropped_copy(client, make_story, make_photo):
    photo = make_photo()  # 640 pixels wide: no 800-pixel copy
    make_story(photos=[photo])
    [(_, _, item)] = feed_items(fetch_xml(client, "/news/feed/", "application/rss+xml"))
    content = item.find("media:content", NS)
    assert content.get("url") == "http://testserver" + photo.public_url("w480.jpg")
    assert content.get("width") == "480"


@pytest.mark.parametrize("path", [*FEEDS, "/news/tag/readiness/feed/", "/sitemap-stories.xml"])
def test_the_query_count_does_not_grow_with_the_number_of_stories(client, make_story, make_photo, path):
    readiness = Tag.objects.create(name="Readiness", slug="readiness")
    photos = [make_photo(), make_photo()]

    def queries_with(count):
        for _ in range(count):
            make_story(photos=photos).tags.add(readiness)
        client.get(path)  # the Site lookup is cached after the first request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    one = queries_with(1)
    assert queries_with(9) == one


def test_a_scheduled_story_enters_the_atom_and_tag_feeds_at_its_time(client, make_story):
    nine = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    readiness = Tag.objects.create(name="Readiness", slug="readiness")
    story = make_story(published=False, headline="Scheduled Story")
    story.tags.add(readiness)
    with time_machine.travel(nine - datetime.timedelta(hours=1), tick=False):
        story_publish(story=story, user=None, at=nine)
    for path in ("/news/feed/atom/", "/news/tag/readiness/feed/"):
        with time_machine.travel(nine - datetime.timedelta(seconds=1), tick=False):
            assert "Scheduled Story" not in feed_titles(client, path)
        with time_machine.travel(nine, tick=False):
            assert "Scheduled Story" in feed_titles(client, path)


def test_pages_announce_the_atom_feed_and_tag_pages_their_own_feeds(client):
    Tag.objects.create(name="Readiness", slug="readiness")
    assert 'type="application/atom+xml"' in client.get("/").content.decode()
    page = client.get("/news/tag/readiness/").content.decode()
    assert 'href="/news/tag/readiness/feed/"' in page and 'href="/news/tag/readiness/feed/atom/"' in page


# --- Sitemaps ------------------------------------------------------------------------------------


def test_the_sitemap_index_names_every_section_on_the_host_asked(client):
    index = fetch_xml(client, "/sitemap.xml")
    assert [loc.text for loc in index.iterfind("sm:sitemap/sm:loc", NS)] == [
        f"http://testserver/sitemap-{section}.xml"
        for section in ("pages", "stories", "photos", "tags", "archive", "information")
    ]
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_the_sitemap_lists_every_public_page_and_nothing_else(client, make_story, make_photo, unpublished_stories):
    used, unused = make_photo(), make_photo()
    flood = Tag.objects.create(name="Disaster Response", slug="disaster-response")
    Tag.objects.create(name="Empty Tag", slug="empty-tag")
    story = make_story(headline="Levee Repaired", slug="levee-repaired", photos=[used])
    story.tags.add(flood)
    draft = unpublished_stories[0]
    PhotoPlacement.objects.create(story=draft, photo=unused)
    site = Site.objects.get_current()
    for url, title in (("/about/", "About"), ("/vulnerability-disclosure-policy/", "Vulnerability Disclosure Policy")):
        FlatPage.objects.create(url=url, title=title, content="…").sites.add(site)
    FlatPage.objects.create(url="/staff-only/", title="Staff", registration_required=True).sites.add(site)

    published = Story.objects.get(slug="archived-story").published_at.astimezone(EASTERN)
    year, month = published.year, published.month
    locations = every_sitemap_location(client)
    assert set(locations) == {
        "http://testserver/",
        "http://testserver/news/",
        "http://testserver/news/levee-repaired/",
        "http://testserver/news/archived-story/",  # archived stories are still online
        f"http://testserver/photos/{used.virin}/",
        "http://testserver/news/tag/disaster-response/",
        "http://testserver/archive/",
        "http://testserver/archive/2019-2021/",
        f"http://testserver/archive/{year}/",
        f"http://testserver/archive/{year}/{month}/",
        "http://testserver/about/",
        "http://testserver/vulnerability-disclosure-policy",
        "http://testserver/accessibility/",  # the accessibility statement (newsroom/feedback/)
    }
    assert len(locations) == len(set(locations))
    for location in locations:
        assert client.get(location.removeprefix("http://testserver")).status_code == 200, location


def test_a_big_section_is_split_into_pages_that_together_list_each_address_once(client, make_story, monkeypatch):
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)
    stories = [make_story(headline=f"Story {number}", slug=f"story-{number}") for number in range(5)]
    index = [loc.text for loc in fetch_xml(client, "/sitemap.xml").iterfind("sm:sitemap/sm:loc", NS)]
    pages = [location for location in index if "sitemap-stories" in location]
    assert pages == [
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-stories.xml?p=2",
        "http://testserver/sitemap-stories.xml?p=3",
    ]
    listed = [
        loc.text
        for page in pages
        for loc in fetch_xml(client, page.removeprefix("http://testserver")).iterfind("sm:url/sm:loc", NS)
    ]
    assert sorted(listed) == sorted(f"http://testserver{story.get_absolute_url()}" for story in stories)


def test_story_and_photo_entries_carry_their_public_copies_as_images(client, make_story, make_photo, media_root):
    first, second = make_photo(), make_photo()
    story = make_story(slug="levee-repaired", photos=[first, second])
    make_story(slug="no-photos")

    stories = fetch_xml(client, "/sitemap-stories.xml")
    images = {
        url.findtext("sm:loc", namespaces=NS): [loc.text for loc in url.iterfind("image:image/image:loc", NS)]
        for url in stories.iterfind("sm:url", NS)
    }
    expected = [f"http://testserver{photo.full_size_url}" for photo in (first, second)]
    assert images == {"http://testserver/news/levee-repaired/": expected, "http://testserver/news/no-photos/": []}
    for photo in (first, second):
        assert (media_root / photo.full_size["name"]).is_file()
    lastmod = stories.findtext("sm:url/sm:lastmod", namespaces=NS)  # the newest story comes first
    assert datetime.datetime.fromisoformat(lastmod) == story.updated_at

    photos = fetch_xml(client, "/sitemap-photos.xml")
    assert {loc.text for loc in photos.iterfind("sm:url/image:image/image:loc", NS)} == set(expected)


def test_a_scheduled_story_enters_the_sitemap_at_its_time(client, make_story, make_photo):
    nine = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=EASTERN)
    photo = make_photo()
    story = make_story(published=False, slug="scheduled-story", photos=[photo])
    with time_machine.travel(nine - datetime.timedelta(hours=1), tick=False):
        story_publish(story=story, user=None, at=nine)
    with time_machine.travel(nine - datetime.timedelta(seconds=1), tick=False):
        locations = every_sitemap_location(client)
        assert "http://testserver/news/scheduled-story/" not in locations
        assert f"http://testserver/photos/{photo.virin}/" not in locations  # its photo is still embargoed
    with time_machine.travel(nine, tick=False):
        locations = every_sitemap_location(client)
        assert "http://testserver/news/scheduled-story/" in locations
        assert f"http://testserver/photos/{photo.virin}/" in locations


def test_the_news_sitemap_lists_the_last_two_days_current_stories(client, make_story):
    now = datetime.datetime(2026, 11, 10, 12, tzinfo=EASTERN)
    with time_machine.travel(now, tick=False):
        make_story(headline="Fresh Story", slug="fresh", published_at=now - datetime.timedelta(hours=46))
        make_story(headline="Old Story", slug="old", published_at=now - datetime.timedelta(hours=49))
        make_story(headline="Tomorrow's Story", slug="tomorrow", published_at=now + datetime.timedelta(hours=1))
        root = fetch_xml(client, "/sitemap-news.xml")
    [url] = root.iterfind("sm:url", NS)
    assert url.findtext("sm:loc", namespaces=NS) == "http://testserver/news/fresh/"
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Fresh Story"
    published = datetime.datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert published == now - datetime.timedelta(hours=46)

    with time_machine.travel(now + datetime.timedelta(hours=1), tick=False):
        assert sitemap_locations(client, "/sitemap-news.xml") == [
            "http://testserver/news/tomorrow/",
            "http://testserver/news/fresh/",
        ]
    with time_machine.travel(now + datetime.timedelta(hours=3), tick=False):
        assert sitemap_locations(client, "/sitemap-news.xml") == ["http://testserver/news/tomorrow/"]


def test_the_news_sitemap_leaves_out_withdrawn_archived_scheduled_and_drafts(client, make_story, unpublished_stories):
    make_story(slug="fresh", published_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2))
    assert sitemap_locations(client, "/sitemap-news.xml") == ["http://testserver/news/fresh/"]


# --- robots.txt and security.txt -----------------------------------------------------------------


@pytest.fixture
def agency_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "www.example.gov"]


def test_robots_txt_welcomes_crawlers_keeps_them_out_of_admin_and_previews_and_names_the_sitemaps(client, agency_host):
    response = client.get("/robots.txt", HTTP_HOST="www.example.gov", secure=True)
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:4] == ["User-agent: *", "Allow: /", "Disallow: /admin/", "Disallow: /news/preview/"]
    assert "Sitemap: https://www.example.gov/sitemap.xml" in lines
    assert "Sitemap: https://www.example.gov/sitemap-news.xml" in lines


def security_txt_fields(client, **request):
    response = client.get("/.well-known/security.txt", **request)
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    return dict(line.split(": ", 1) for line in response.content.decode().splitlines() if line)


def test_security_txt_follows_rfc_9116(client, settings, agency_host):
    settings.SECURITY_CONTACT = "mailto:vulnerabilities@example.gov"
    now = datetime.datetime(2026, 11, 10, 12, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False):
        fields = security_txt_fields(client, HTTP_HOST="www.example.gov", secure=True)
    assert fields == {
        "Contact": "mailto:vulnerabilities@example.gov",
        "Expires": fields["Expires"],
        "Preferred-Languages": "en",
        "Canonical": "https://www.example.gov/.well-known/security.txt",
        "Policy": "https://www.example.gov/vulnerability-disclosure-policy",
    }
    assert fields["Expires"].endswith("Z")  # RFC 3339, in UTC
    expires = datetime.datetime.fromisoformat(fields["Expires"])
    assert now + datetime.timedelta(days=360) < expires < now + datetime.timedelta(days=365)


def test_security_txt_expiry_moves_with_the_clock(client):
    with time_machine.travel(datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC), tick=False):
        expires = datetime.datetime.fromisoformat(security_txt_fields(client)["Expires"])
    assert expires > datetime.datetime(2030, 12, 1, tzinfo=datetime.UTC)


def test_a_security_contact_that_is_not_a_uri_is_refused_at_start_up():
    result = manage("check", SECURITY_CONTACT="security@example.gov")
    assert result.returncode != 0
    assert "SECURITY_CONTACT must be a mailto:, https:// or tel: URI" in result.stderr
