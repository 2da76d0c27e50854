import re

from django.conf import settings
from django.contrib import admin
from django.contrib.flatpages import views as flatpages
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.static import serve

from newsroom.api.api import api
from newsroom.website import health, sitemaps, wellknown
from newsroom.website import views as website

urlpatterns = [
    path("", website.home, name="home"),
    path("news/", include("newsroom.stories.urls")),
    path("photos/", include("newsroom.stories.photo_urls")),
    path("archive/", include("newsroom.archive.urls")),
    path("search/", include("newsroom.search.urls")),
    path("api/v1/", api.urls),  # the public read API, its OpenAPI description and docs (newsroom/api/)
    # The accessibility statement, readers' feedback and the story page's "Was this page helpful?".
    path("accessibility/", include("newsroom.feedback.urls")),
    path("admin/editing/", include("newsroom.editing.urls")),  # autosave and who is editing
    path("admin/security/", include("newsroom.accounts.urls")),  # security keys, recovery codes
    path("admin/", admin.site.urls),
    path("favicon.ico", website.favicon),
    # For load balancers: 200 while the database answers, 503 when it does not.
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", wellknown.robots_txt, name="robots-txt"),
    path(".well-known/security.txt", wellknown.security_txt, name="security-txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap-news"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    # CISA BOD 20-01 names this exact address, without a trailing slash.
    path(
        "vulnerability-disclosure-policy",
        flatpages.flatpage,
        {"url": "/vulnerability-disclosure-policy/"},
        name="vulnerability-disclosure-policy",
    ),
]

handler500 = "newsroom.website.views.server_error"


def media_urlpatterns():
    """MEDIA_ROOT at MEDIA_URL, served by Django itself when SERVE_MEDIA is on, with DEBUG off too.

    (django.conf.urls.static.static() gives nothing when DEBUG is off.) Production normally has the
    web server or object storage serve them instead. Only public copies are in MEDIA_ROOT: an
    embargoed photo's copies are in private storage and go through stories.views.photo_copy.
    Names carry a hash of their content, so they may be kept for good.
    """
    if not settings.SERVE_MEDIA or settings.MEDIA_STORAGE != "filesystem":
        return []
    prefix = settings.MEDIA_URL
    if not prefix.startswith("/") or prefix == "/":
        return []  # media on another host (a CDN's address), or no prefix of their own to serve them at
    serve_public = cache_control(public=True, max_age=31_536_000, immutable=True)(serve)
    return [
        re_path(
            rf"^{re.escape(prefix.lstrip('/'))}(?P<path>.+)$",
            serve_public,
            {"document_root": settings.MEDIA_ROOT},
            name="media",
        )
    ]


urlpatterns += media_urlpatterns()
