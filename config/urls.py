from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.flatpages import views as flatpages
from django.urls import include, path

from newsroom.website import health, sitemaps, wellknown
from newsroom.website import views as website

urlpatterns = [
    path("", website.home, name="home"),
    path("news/", include("newsroom.stories.urls")),
    path("photos/", include("newsroom.stories.photo_urls")),
    path("archive/", include("newsroom.archive.urls")),
    path("search/", include("newsroom.search.urls")),
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

if settings.SERVE_MEDIA:
    # Production serves uploads from the web server or object storage, not from Django.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
