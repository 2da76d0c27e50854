"""Sitemaps: every page readers can reach, with the photos on it, for search engines.

`/sitemap.xml` is an index of one sitemap per section (pages, stories, photos, tags, archive,
information pages), each paged at 10,000 addresses (the protocol allows 50,000; a smaller page
is made in a fraction of the time, well inside a proxy's timeout at a million stories);
robots.txt names it. `/sitemap-news.xml` is the Google News sitemap of the last two days' stories.

Only what readers can see is listed, by the one definition of "public"
(`Story.objects.published()`): drafts, stories in review, scheduled, expired and withdrawn
stories never appear. Archived stories do: they keep their address and are still online.

Addresses are on the host the crawler asked, like robots.txt's `Sitemap:` line, rather than
the Sites framework's domain ("example.com" until someone edits it): search engines refuse a
sitemap that lists another host's pages.
"""

import datetime
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, Prefetch
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from newsroom.archive.models import Collection
from newsroom.core.cache import page_shows
from newsroom.photos.models import PhotoAsset
from newsroom.stories import shown
from newsroom.stories.models import PhotoPlacement, Story, Tag

# Google News lists articles from the last two days, at most 1,000 in one sitemap.
NEWS_WINDOW = datetime.timedelta(days=2)
NEWS_LIMIT = 1000
# Addresses per sitemap page, for the sections that can grow to millions.
ENTRIES_PER_PAGE = 10_000


class NewsroomSitemap(Sitemap):
    """A sitemap made for one request: addresses on its host, with image addresses per page."""

    def __init__(self, request):
        self.request = request

    def get_domain(self, site=None):
        return self.request.get_host()

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["images"] = [self.request.build_absolute_uri(address) for address in self.image_urls(url["item"])]
        return urls

    def image_urls(self, item):
        """Addresses of public photo copies shown on the item's page (Google's image extension)."""
        return []


class PageSitemap(NewsroomSitemap):
    def items(self):
        return ["home", "stories:list", "feedback:statement"]

    def location(self, name):
        return reverse(name)


class StorySitemap(NewsroomSitemap):
    limit = ENTRIES_PER_PAGE

    def items(self):
        # Only what an entry shows: its address, date and photo copies. The body is most of a
        # story's row, and a page reads ten thousand rows. Two queries a page.
        placements = PhotoPlacement.objects.select_related("photo").only(
            "story_id", "photo__virin", "photo__renditions", "photo__copies_public"
        )
        return (
            Story.objects.published()
            .only("slug", "updated_at")
            .prefetch_related(Prefetch("placements", queryset=placements))
            .order_by("-published_at", "-id")
        )

    def lastmod(self, story):
        return story.updated_at

    def get_latest_lastmod(self):
        return Story.objects.published().aggregate(latest=Max("updated_at"))["latest"]

    def image_urls(self, story):
        return [placement.photo.full_size_url for placement in story.placements.all() if placement.photo.full_size]


def public_photos():
    """Photos a published story uses: the ones with a page at /photos/<VIRIN>/."""
    used = PhotoPlacement.objects.filter(story__in=Story.objects.published()).values("photo")
    return PhotoAsset.objects.filter(pk__in=used)


class PhotoSitemap(NewsroomSitemap):
    limit = ENTRIES_PER_PAGE

    def items(self):
        return public_photos().only("virin", "renditions", "copies_public", "updated_at").order_by("-created_at", "-id")

    def lastmod(self, photo):
        return photo.updated_at

    def get_latest_lastmod(self):
        return public_photos().aggregate(latest=Max("updated_at"))["latest"]

    def image_urls(self, photo):
        return [photo.full_size_url] if photo.full_size else []


class TagSitemap(NewsroomSitemap):
    def items(self):
        # A tag page lists current news only; a tag with none would be an empty page.
        current = Story.objects.published().current()
        return Tag.objects.filter(pk__in=Story.tags.through.objects.filter(story__in=current).values("tag"))


class ArchiveSitemap(NewsroomSitemap):
    """The archive's pages: all of it, each collection, and each year and month with stories."""

    def items(self):
        public = Story.objects.published().archived()
        collections = Collection.objects.filter(pk__in=public.values("collection")).order_by("slug")
        periods = (
            public.annotate(year=ExtractYear("published_at"), month=ExtractMonth("published_at"))
            .values_list("year", "month")
            .distinct()
            .order_by("-year", "-month")
        )
        paths = [reverse("archive:index")]
        paths += [collection.get_absolute_url() for collection in collections]
        for year, months in groupby(periods, key=itemgetter(0)):
            paths.append(reverse("archive:year", args=[year]))
            paths += [reverse("archive:month", args=[year, month]) for _, month in months]
        return paths

    def location(self, path):
        return path


class InformationPageSitemap(NewsroomSitemap):
    """About, Accessibility, FOIA and the other flatpages readers may see."""

    def items(self):
        return FlatPage.objects.filter(sites=settings.SITE_ID, registration_required=False).order_by("url")

    def location(self, page):
        # The Vulnerability Disclosure Policy has its own address, without the trailing slash,
        # because CISA BOD 20-01 names it so (config/urls.py).
        policy = reverse("vulnerability-disclosure-policy")
        return policy if page.url == f"{policy}/" else page.url


SECTIONS = {
    "pages": PageSitemap,
    "stories": StorySitemap,
    "photos": PhotoSitemap,
    "tags": TagSitemap,
    "archive": ArchiveSitemap,
    "information": InformationPageSitemap,
}


class NewsSitemap(NewsroomSitemap):
    """Google News: current stories published in the last two days, newest first."""

    limit = NEWS_LIMIT

    def items(self):
        now = timezone.now()
        stories = Story.objects.published(now=now).current()
        return stories.filter(published_at__gte=now - NEWS_WINDOW).order_by("-published_at", "-id")[:NEWS_LIMIT]

    def lastmod(self, story):
        return story.updated_at


@sitemap_views.x_robots_tag
def index(request):
    """The sitemap index: each section's sitemap, and its further pages past 50,000 addresses."""
    page_shows(request, {shown.SITEMAPS})
    entries = []
    for section, sitemap_class in SECTIONS.items():
        sitemap = sitemap_class(request)
        location = request.build_absolute_uri(reverse("sitemap-section", args=[section]))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(sitemap_views.SitemapIndexItem(location, lastmod))
        for page in range(2, sitemap.paginator.num_pages + 1):
            entries.append(sitemap_views.SitemapIndexItem(f"{location}?p={page}", lastmod))
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")


def section(request, section):
    if section not in SECTIONS:
        raise Http404(f"No sitemap for “{section}”.")
    page_shows(request, {shown.SITEMAPS})
    return sitemap_views.sitemap(request, {section: SECTIONS[section](request)}, section=section)


def news(request):
    page_shows(request, {shown.SITEMAPS})
    return sitemap_views.sitemap(request, {"news": NewsSitemap(request)}, template_name="sitemap_news.xml")
