"""The news feeds: current published stories, newest first, through Django's syndication framework.

RSS 2.0 and Atom, for all current news and for each tag. Each item carries its lead photo as
Media RSS (<media:content> with the photo's title, caption and credit), so a feed reader shows
the picture with the credit DoD rules require. Addresses are absolute on the host the reader
asked: Django would otherwise take the Sites framework's domain, "example.com" until someone
edits it.

Headlines, summaries, bylines and captions are text, never markup: what an editor typed, "<script>"
included, is what a feed reader shows, and nothing it runs. Atom says so of each (type="text");
RSS's item description is HTML by its specification, so the summary goes in escaped, and its other
elements are plain text by the RSS Advisory Board's reading.
"""

import contextlib
import datetime
import html
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.xmlutils import SimplerXMLGenerator

from newsroom.core.cache import page_shows
from newsroom.photos.models import PhotoAsset
from newsroom.stories import shown
from newsroom.stories.models import NoteKind, Story, Tag
from newsroom.stories.selectors import first_listing_page, lead_placement, public_corrections, tag_for_reader

FEED_LENGTH = 20
MEDIA_RSS = "http://search.yahoo.com/mrss/"
# The public copy a feed carries: 800 pixels wide, or for a narrower photo the uncropped
# 480-pixel copy (which is the photo at its own width when smaller); the cropped share image
# last. Never "full" (too large for a feed) and never the private original.
FEED_COPIES = ("w800.jpg", "w480.jpg", "share.jpg")


@dataclass(frozen=True)
class FeedPhoto:
    """A story's lead photo as a feed shows it: one public JPEG copy and the photo's record."""

    url: str
    width: int
    height: int
    size: int
    title: str
    caption: str
    credit: str  # "Lisa Ferdinando, DOD", as Media RSS credits a photographer


@dataclass(frozen=True)
class FeedEntry:
    story: Story
    link: str
    photo: FeedPhoto | None


@dataclass(frozen=True)
class FeedScope:
    """What one request for a feed covers: all current news, or one tag's."""

    request: HttpRequest
    tag: Tag | None = None


def feed_photo(story: Story, request: HttpRequest) -> FeedPhoto | None:
    """The story's lead photo, from the prefetched placements, with its caption in this story."""
    placement = lead_placement(story)
    if placement is None:
        return None
    photo: PhotoAsset = placement.photo
    key = next((key for key in FEED_COPIES if key in photo.renditions), None)
    if key is None:
        return None
    copy = photo.renditions[key]
    return FeedPhoto(
        url=request.build_absolute_uri(photo.public_url(key)),
        width=copy["width"],
        height=copy["height"],
        size=copy["bytes"],
        title=photo.title,
        caption=placement.shown_caption,
        credit=", ".join(part for part in (photo.photographer, photo.credit) if part),
    )


def add_media_elements(handler, photo: FeedPhoto | None) -> None:
    if photo is None:
        return
    handler.startElement(
        "media:content",
        {
            "url": photo.url,
            "medium": "image",
            "type": "image/jpeg",
            "width": str(photo.width),
            "height": str(photo.height),
            "fileSize": str(photo.size),
        },
    )
    if photo.title:
        handler.addQuickElement("media:title", photo.title, {"type": "plain"})
    if photo.caption:
        handler.addQuickElement("media:description", photo.caption, {"type": "plain"})
    if photo.credit:
        handler.addQuickElement("media:credit", photo.credit, {"role": "photographer", "scheme": "urn:ebu"})
    handler.endElement("media:content")


# What XML 1.0 cannot carry at all (a vertical tab pasted from Word into a headline, say).
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class FeedWriter(SimplerXMLGenerator):
    """Writes a feed's words as text. Characters XML cannot carry are left out, where Django's
    writer would fail the whole feed for one story; `text_constructs` are the elements marked
    type="text" (Atom's title, subtitle, summary and rights)."""

    def __init__(self, outfile, encoding, *, text_constructs=frozenset()):
        super().__init__(outfile, encoding, short_empty_elements=True)
        self.text_constructs = text_constructs

    def characters(self, content):
        super().characters(NOT_IN_XML.sub("", content) if content else content)

    def addQuickElement(self, name, contents=None, attrs=None):
        if name in self.text_constructs:
            attrs = {**(attrs or {}), "type": "text"}
        super().addQuickElement(name, contents, attrs)


@contextlib.contextmanager
def feed_writer(outfile, encoding, **options):
    """A FeedWriter writing to memory; what it wrote goes to `outfile` (the response) in one piece
    at the end, rather than as the several hundred small writes a feed is made of."""
    written = io.BytesIO()
    yield FeedWriter(written, encoding, **options)
    outfile.write(written.getvalue())


class MediaRssFeed(Rss201rev2Feed):
    def write(self, outfile, encoding):
        # Django's RssFeed.write, with the feed's own writer.
        with feed_writer(outfile, encoding) as handler:
            handler.startDocument()
            self.add_stylesheets(handler)
            handler.startElement("rss", self.rss_attributes())
            handler.startElement("channel", self.root_attributes())
            self.add_root_elements(handler)
            self.write_items(handler)
            self.endChannelElement(handler)
            handler.endElement("rss")

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        # An item's description is HTML to every RSS reader: the summary is text, so it is escaped.
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None if summary is None else html.escape(summary)})
        add_media_elements(handler, item["photo"])


class MediaAtomFeed(Atom1Feed):
    def write(self, outfile, encoding):
        # Django's Atom1Feed.write, with the feed's own writer.
        with feed_writer(outfile, encoding, text_constructs={"title", "subtitle", "summary", "rights"}) as handler:
            handler.startDocument()
            handler.startElement("feed", self.root_attributes())
            self.add_root_elements(handler)
            self.write_items(handler)
            handler.endElement("feed")

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        add_media_elements(handler, item["photo"])


class LatestNewsFeed(Feed):
    """RSS of all current news, or of one tag's when the address names a tag."""

    feed_type = MediaRssFeed

    def get_object(self, request, slug=None):
        return FeedScope(request=request, tag=tag_for_reader(slug) if slug else None)

    def title(self, scope):
        return f"{settings.SITE_NAME}: {scope.tag.name} News" if scope.tag else f"{settings.SITE_NAME}: News"

    def link(self, scope):
        page = scope.tag.get_absolute_url() if scope.tag else reverse("stories:list")
        return scope.request.build_absolute_uri(page)

    def feed_url(self, scope):
        return scope.request.build_absolute_uri(scope.request.path)

    def description(self, scope):
        if scope.tag:
            return f"The latest news stories about {scope.tag.name} from {settings.SITE_NAME}."
        return f"The latest news stories from {settings.SITE_NAME}."

    def subtitle(self, scope):
        return self.description(scope)

    def items(self, scope):
        # The same "current and published" as the listings: scheduled, expired, withdrawn,
        # drafts and archived stay out. Placements and photos come prefetched: two queries
        # for a feed of any length.
        stories = first_listing_page(FEED_LENGTH, tag_id=scope.tag.pk if scope.tag else None)
        listing = {shown.tag_key(scope.tag.pk), shown.tagged_key(scope.tag.pk)} if scope.tag else {shown.NEWS}
        page_shows(scope.request, listing | shown.listed(stories))
        return [
            FeedEntry(
                story=story,
                link=scope.request.build_absolute_uri(story.get_absolute_url()),
                photo=feed_photo(story, scope.request),
            )
            for story in stories
        ]

    def item_title(self, entry):
        return entry.story.headline

    def item_link(self, entry):
        return entry.link

    def item_description(self, entry):
        return entry.story.summary

    def item_pubdate(self, entry):
        return entry.story.published_at

    def item_updateddate(self, entry):
        return entry.story.updated_at

    def item_author_name(self, entry):
        return entry.story.byline or None

    def item_categories(self, entry):
        return [entry.story.get_label_display()]

    def item_extra_kwargs(self, entry):
        return {"photo": entry.photo}


class AtomLatestNewsFeed(LatestNewsFeed):
    feed_type = MediaAtomFeed


class CorrectionsFeed(Feed):
    """RSS of the corrections page: each correction, newest first, linking to it on its story."""

    feed_type = MediaRssFeed

    def get_object(self, request):
        return FeedScope(request=request)

    def title(self, scope):
        return f"{settings.SITE_NAME}: Corrections"

    def link(self, scope):
        return scope.request.build_absolute_uri(reverse("stories:corrections"))

    def feed_url(self, scope):
        return scope.request.build_absolute_uri(scope.request.path)

    def description(self, scope):
        return f"Corrections to stories published by {settings.SITE_NAME}, and its retractions, newest first."

    def subtitle(self, scope):
        return self.description(scope)

    def items(self, scope):
        notes = list(public_corrections()[:FEED_LENGTH])
        page_shows(scope.request, {shown.CORRECTIONS} | {shown.story_key(note.story_id) for note in notes})
        return [(scope.request, note) for note in notes]

    def item_title(self, item):
        return f"{item[1].get_kind_display()}: {item[1].story.headline}"

    def item_link(self, item):
        request, note = item
        # A retraction's address is its story's, where the notice now stands.
        anchor = f"#note-{note.pk}" if note.kind == NoteKind.CORRECTION else ""
        return request.build_absolute_uri(note.story.get_absolute_url() + anchor)

    def item_guid(self, item):
        return (
            self.item_link(item) if item[1].kind == NoteKind.CORRECTION else f"{self.item_link(item)}#note-{item[1].pk}"
        )

    def item_description(self, item):
        return item[1].text

    def item_pubdate(self, item):
        # A correction is dated, not timed: the start of its day on the site's clock.
        return timezone.make_aware(datetime.datetime.combine(item[1].noted_on, datetime.time()))

    def item_updateddate(self, item):
        return self.item_pubdate(item)

    def item_extra_kwargs(self, item):
        return {"photo": None}


class AtomCorrectionsFeed(CorrectionsFeed):
    feed_type = MediaAtomFeed
