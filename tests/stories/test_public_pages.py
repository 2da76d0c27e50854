"""What a reader sees: the story page's anatomy, listings, and what stays hidden."""

import datetime
import re
from html import unescape as html_unescape

import pytest
from django.conf import settings
from django.db import connection
from django.template import engines
from django.utils import timezone

from newsroom.archive.services import story_archive
from newsroom.stories.models import Status, Story, Tag
from newsroom.stories.services import story_withdraw
from tests.conftest import assert_in_order, page_text

pytestmark = pytest.mark.django_db

BANNER_TEXT = "An official website of the United States government"


def test_story_page_shows_the_full_anatomy_in_order(client, make_story, make_photo):
    cordon = make_photo(
        virin="200922-D-BN624-1166",
        title="Honor Cordon",
        photographer="Lisa Ferdinando",
        credit="DOD",
        caption="Service members form an honor cordon, Sept. 22, 2020.",
    )
    clinic = make_photo(title="Community Clinic")
    other = make_story(headline="Navy Medical Teams Train Partner Nations")
    story = make_story(
        headline="Hospital Ship Wraps Up Mission",
        published_at=timezone.make_aware(datetime.datetime(2020, 9, 22, 10, 30)),
        photos=[cordon, clinic],
    )
    story.related_stories.add(other)
    story.tags.add(Tag.objects.create(name="Global Health", slug="global-health"))

    response = client.get(story.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    order = [
        BANNER_TEXT,
        "Here’s how you know",
        "NEWS | Sept. 22, 2020",
        "Hospital Ship Wraps Up Mission",
        "Sailors treated more than 21,000 patients",
        "By Jane Doe, DOD News",
        "First paragraph.",
        "Honor Cordon",
        "Service members form an honor cordon, Sept. 22, 2020.",
        "Photo By: Lisa Ferdinando, DOD",
        "VIRIN: 200922-D-BN624-1166",
        "Second paragraph.",
        "Community Clinic",
        "Third paragraph.",
        "Related Stories",
        "Navy Medical Teams Train Partner Nations",
        "Global Health",
        "Vulnerability Disclosure Policy",
    ]
    assert_in_order(text, order)
    assert response.content.decode().count("<h1") == 1
    assert f"Full Size ({max(cordon.full_size['bytes'], 10_000) / 1_000_000:.2f} MB)" in text
    assert f'src="{cordon.public_url("w480.jpg")}"' in response.content.decode()
    assert f'href="{cordon.full_size_url}" download="200922-D-BN624-1166.jpg"' in response.content.decode()
    assert 'alt="A nurse in blue scrubs' in response.content.decode()
    assert "You have accessed part of a historical collection" not in text


def test_banner_is_collapsed_with_the_gov_notices_in_its_panel(client, make_story):
    html = client.get(make_story().get_absolute_url()).content.decode()
    assert 'aria-expanded="false" aria-controls="gov-banner"' in html
    assert re.search(r'id="gov-banner"\s+hidden', html)
    assert "Official websites use .gov" in html
    assert "Secure .gov websites use HTTPS" in html
    assert "means you’ve safely connected to the .gov website" in html
    assert "uswds/js/uswds.min.js" in html


def test_mil_banner_when_configured(client, make_story, settings):
    settings.BANNER_DOMAIN = "mil"
    html = client.get(make_story().get_absolute_url()).content.decode()
    assert "Official websites use .mil" in html
    assert "belongs to an official U.S. Department of Defense organization" in html
    assert "Official websites use .gov" not in html


def test_archived_story_keeps_its_address_and_shows_the_collection_notice(client, make_story, collection):
    story = make_story()
    address = story.get_absolute_url()
    story_archive(story=story, collection=collection, user=None)

    response = client.get(address)

    assert response.status_code == 200
    text = page_text(response)
    assert_in_order(text, ["You have accessed part of a historical collection", "NEWS |", story.headline])


@pytest.mark.parametrize(
    "change",
    [
        {"status": Status.DRAFT, "published_at": None},
        {"status": Status.IN_REVIEW, "published_at": None},
        # How far ahead, not a moment: a moment taken when tests are collected can pass before this runs.
        {"status": Status.PUBLISHED, "published_at": datetime.timedelta(minutes=5)},
        {"status": Status.WITHDRAWN},
    ],
    ids=["draft", "in-review", "scheduled", "withdrawn"],
)
def test_stories_readers_may_not_see_are_404_and_absent_from_listings(client, make_story, change):
    story = make_story(headline="Not For Readers Yet")
    for field, value in change.items():
        setattr(story, field, timezone.now() + value if isinstance(value, datetime.timedelta) else value)
    story.save()

    assert client.get(story.get_absolute_url()).status_code == 404
    for page in ("/", "/news/"):
        assert "Not For Readers Yet" not in client.get(page).content.decode()


def test_scheduled_story_appears_once_its_time_has_come(client, make_story):
    story = make_story(published_at=timezone.now() + datetime.timedelta(seconds=2))
    assert client.get(story.get_absolute_url()).status_code == 404
    story.published_at = timezone.now() - datetime.timedelta(seconds=1)
    story.save()
    assert client.get(story.get_absolute_url()).status_code == 200


def test_withdrawn_story_disappears(client, make_story):
    story = make_story()
    assert client.get(story.get_absolute_url()).status_code == 200
    story_withdraw(story=story, user=None, reason="The event was postponed.")
    assert client.get(story.get_absolute_url()).status_code == 404


def test_related_stories_list_only_published_ones(client, make_story):
    story = make_story()
    story.related_stories.add(
        make_story(headline="Published Neighbor"), make_story(headline="Draft Neighbor", published=False)
    )
    text = page_text(client.get(story.get_absolute_url()))
    assert "Published Neighbor" in text
    assert "Draft Neighbor" not in text


def test_a_stored_body_is_cleaned_again_when_readers_see_it(client, make_story):
    # Written past the write path (a bulk load, a hand-edited row): readers' pages clean it again.
    story = make_story()
    Story.objects.filter(pk=story.pk).update(
        body='<p onclick="steal()">Read <a href="https://www.usa.gov/">USA.gov</a>.<script>alert(1)</script></p>'
        '<img src=x onerror=alert(2)>Second.<iframe src="https://evil.example/"></iframe>'
    )
    html = client.get(story.get_absolute_url()).content.decode()
    body = html.split('class="newsroom-story__body">', 1)[1].split("</div>", 1)[0]
    assert " ".join(body.split()) == (
        '<p>Read <a href="https://www.usa.gov/" rel="noopener noreferrer">USA.gov</a>.</p> <p>Second.</p>'
    )
    assert "alert(" not in html and "onerror" not in html and "onclick" not in html and "evil.example" not in html


def figure_as_the_macro_draws_it(placement, eager=True) -> str:
    """As the figure macro draws a placement: the story's first photo (eager) is fetched at once."""
    template = engines["jinja2"].env.from_string(
        '{% from "includes/figure.html" import figure %}{{ figure(p, eager=eager) }}'
    )
    return template.render(p=placement, eager=eager).strip()


def test_the_story_page_shows_every_kind_of_block(client, create_story, make_story, make_photo):
    photo = make_photo(title="Sandbag Line")
    levee = make_story(slug="guard-holds-levee", headline="Guard Holds Levee")
    story = create_story(
        body=f'<p>As <a href="/news/old/" data-story="{levee.pk}">the Guard held the levee</a>, crews dug in.</p>'
        f'<figure data-photo="{photo.pk}" data-caption="Our caption for this story."></figure>'
        "<h2>What Comes Next</h2><h3>Repairs</h3>"
        "<ul><li><p>Sandbags</p><ol><li><p>Filled</p></li></ol></li><li><p>Pumps</p></li></ul>"
        '<blockquote class="pull-quote"><p>"Buy time."</p></blockquote>'
        "<table><tbody><tr><th><p>Item</p></th><th><p>Count</p></th></tr>"
        "<tr><td><p>Bags</p></td><td><p>40,000</p></td></tr></tbody></table>"
        '<figure data-video="https://youtu.be/dQw4w9WgXcQ" data-title="Levee repairs, day one"></figure>'
    )

    html = client.get(story.get_absolute_url()).content.decode()

    body = html.split('class="newsroom-story__body">', 1)[1].split("</article>", 1)[0]
    assert '<p>As <a href="/news/guard-holds-levee/">the Guard held the levee</a>, crews dug in.</p>' in body
    # The photo as readers have always had it, with this story's caption.
    assert figure_as_the_macro_draws_it(story.placements.get()) in body
    assert "Our caption for this story." in body and "Sandbag Line" in body
    assert "<h2>What Comes Next</h2>" in body and "<h3>Repairs</h3>" in body
    assert (
        '<ul class="usa-list"><li><p>Sandbags</p><ol class="usa-list"><li><p>Filled</p></li></ol></li>'
        "<li><p>Pumps</p></li></ul>"
    ) in body
    assert '<blockquote class="pull-quote"><p>"Buy time."</p></blockquote>' in body
    assert '<th scope="col"><p>Item</p></th>' in body and "<td><p>40,000</p></td>" in body
    # The video: the privacy-enhanced player with its title, and the video's own page.
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Levee repairs, day one"' in body
    assert '<a class="usa-link" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">' in body
    assert_in_order(
        page_text(client.get(story.get_absolute_url())),
        ["crews dug in.", "Our caption", "What Comes Next", "Sandbags", "Buy time.", "40,000", "Watch “Levee repairs"],
    )


def test_a_story_link_follows_the_story_and_one_to_a_story_readers_cannot_open_is_its_words(
    client, create_story, make_story
):
    levee = make_story(slug="guard-holds-levee")
    draft = make_story(slug="embargoed-announcement", published=False)
    story = create_story(
        body=f'<p><a href="/news/guard-holds-levee/" data-story="{levee.pk}">Levee</a> and '
        f'<a href="/news/x/" data-story="{draft.pk}">soon</a>.</p>'
    )
    Story.objects.filter(pk=levee.pk).update(slug="guard-holds-levee-overnight")  # renamed since

    html = client.get(story.get_absolute_url()).content.decode()

    assert '<a href="/news/guard-holds-levee-overnight/">Levee</a> and soon.' in html
    assert "embargoed-announcement" not in html, "a draft's address would give its headline away"

    # The body's blocks are worked out once per body, but its links are made afresh for each page.
    Story.objects.filter(pk=draft.pk).update(status="published", published_at=levee.published_at)
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<a href="/news/embargoed-announcement/">soon</a>.' in html


def test_text_editors_type_is_shown_as_text_never_as_markup(client, make_story, make_photo):
    # Everything but the body is plain text: a headline that looks like markup is shown as typed.
    sneaky = '<script>alert("x")</script> & "quotes"'
    photo = make_photo(title=f"Title {sneaky}", caption=f"Caption {sneaky}", credit=f"Credit {sneaky}")
    story = make_story(
        headline=f"Headline {sneaky}", summary=f"Summary {sneaky}", byline=f"By {sneaky}", photos=[photo]
    )
    story.tags.add(Tag.objects.create(name=f"Tag {sneaky}", slug="sneaky"))
    story.corrections.create(kind="correction", noted_on=datetime.date(2026, 3, 4), text=f"Correction {sneaky}")

    for address in (story.get_absolute_url(), "/news/", "/", photo.get_absolute_url(), "/news/tag/sneaky/"):
        response = client.get(address)
        html = response.content.decode()
        assert "<script>alert" not in html, address
        assert "&lt;script&gt;alert(" in html, address
    text = page_text(client.get(story.get_absolute_url()))
    for field in ("Headline", "Summary", "Title", "Caption", "Tag", "Correction"):
        assert f'{field} <script>alert("x")</script> & "quotes"' in html_unescape(text), field


def test_home_page_leads_with_the_newest_current_story(client, make_story, make_photo, collection):
    older = make_story(headline="Older Story", published_at=timezone.now() - datetime.timedelta(days=2))
    newest = make_story(
        headline="Newest Story", photos=[make_photo()], published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    archived = make_story(headline="Archived Story", published_at=timezone.now())
    story_archive(story=archived, collection=collection, user=None)

    text = page_text(client.get("/"))

    assert text.index("Newest Story") < text.index("Latest News") < text.index("Older Story")
    assert "Archived Story" not in text
    assert newest.placements.get().photo.public_url("thumb.jpg") in client.get("/").content.decode()
    assert older.get_absolute_url() in client.get("/").content.decode()


def test_news_listing_paginates_and_leaves_out_archived_stories(client, make_story, collection):
    for number in range(settings.NEWS_PER_PAGE + 3):
        make_story(headline=f"Listed Story {number:02d}")
    story_archive(story=make_story(headline="Gone To The Archive"), collection=collection, user=None)

    first = page_text(client.get("/news/"))
    second = page_text(client.get("/news/?page=2"))

    assert "Listed Story 00" in first and "Listed Story 22" not in first
    assert "Listed Story 22" in second and "Page 2 of 2" in second
    assert "Gone To The Archive" not in first + second
    assert client.get("/news/?page=9").status_code == 404


def test_label_and_ap_dates_in_listings(client, make_story):
    make_story(
        headline="A Feature", label="feature", published_at=timezone.make_aware(datetime.datetime(2021, 3, 4, 12))
    )
    assert "FEATURE | March 4, 2021" in page_text(client.get("/news/"))


def test_tag_page_lists_that_tags_stories(client, make_story):
    tag = Tag.objects.create(name="Disaster Response", slug="disaster-response")
    make_story(headline="Tagged Story").tags.add(tag)
    make_story(headline="Untagged Story")
    text = page_text(client.get(tag.get_absolute_url()))
    assert "News Stories: Disaster Response" in text
    assert "Tagged Story" in text and "Untagged Story" not in text


def test_archive_lists_archived_stories_by_collection(client, make_story, collection):
    story_archive(story=make_story(headline="Levee Repairs Finish Early"), collection=collection, user=None)
    make_story(headline="Current Story")

    index = page_text(client.get("/archive/"))
    by_collection = page_text(client.get(collection.get_absolute_url()))

    assert "Levee Repairs Finish Early" in index and "Current Story" not in index
    assert f"{collection.name} (1)" in index
    assert "Archive: 2019-2021 Historical Collection" in by_collection
    assert "Levee Repairs Finish Early" in by_collection


def story_page_queries(*, links=False) -> int:
    """A story page's queries: on PostgreSQL the story with its placements and photos, tags,
    related stories and corrections in one (WithParts), and the stories its body links to, with
    the related ones, in a second; elsewhere the story and each of the four parts on their own."""
    if connection.vendor == "postgresql":
        return 2 if links else 1
    return 5


def test_story_page_query_count_does_not_grow_with_photos_tags_related_or_links(
    client, make_story, make_photo, django_assert_num_queries
):
    small = make_story(photos=[make_photo()])
    linked = [make_story() for _ in range(3)]
    links = "".join(f'<a href="/news/x/" data-story="{other.pk}">link</a> ' for other in linked)
    large = make_story(photos=[make_photo() for _ in range(3)], body=f"<p>{links}</p><p>Two.</p><p>Three.</p>")
    for number in range(4):
        large.tags.add(Tag.objects.create(name=f"Tag {number}", slug=f"tag-{number}"))
        large.related_stories.add(make_story())

    for story, links in ((small, False), (large, True)):
        with django_assert_num_queries(story_page_queries(links=links)):
            response = client.get(story.get_absolute_url())
        assert response.status_code == 200
    page = response.content.decode()
    assert all(f'<a href="{other.get_absolute_url()}">link</a>' in page for other in linked)
    assert page.count("newsroom-figure") >= 3


def test_listing_query_count_does_not_grow_with_stories(client, make_story, make_photo, django_assert_num_queries):
    make_story(photos=[make_photo()])
    # count for the paginator, stories, their placements with photos
    with django_assert_num_queries(3):
        client.get("/news/")
    for _ in range(5):
        make_story(photos=[make_photo()])
    with django_assert_num_queries(3):
        client.get("/news/")


def test_unknown_pages_get_a_404_page_with_the_banner_and_navigation(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = page_text(response)
    assert BANNER_TEXT in text and "Page not found" in text and "Privacy Policy" in text
