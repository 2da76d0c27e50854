"""Readers' pages gzip-compressed by the app server, for browsers that ask (Accept-Encoding: gzip).

A story page's HTML shrinks to about a quarter; on a phone's connection that is the first paint
sooner (bench/lighthouse.py). Static files need none of this: whitenoise serves the .gz copies
collectstatic made. Photos are already compressed and are never touched.

Why only readers' pages, and only these: BREACH. An attacker who can put words of their choosing
in a page (a search box's terms are echoed back) and watch its compressed size can guess, a
character at a time, a secret the same page holds, such as a CSRF token or a session's data.
So a response is compressed only if it is a page any reader may see and it holds no secret:
- its address is outside the admin, whose pages carry CSRF tokens and staff's data;
- the request carries no session cookie: a signed-in person's pages are never compressed;
- no CSRF token was used in making it, and it sets no cookie;
- it is text (HTML, feeds, sitemaps, JSON) and not streamed.
Readers' pages meet these by design: they are read-only (hardening.py), have no forms but the
search's GET form, and are the same for everyone. Django's GZipMiddleware adds its random-length
padding (its own BREACH mitigation) as well.

It stands inside the page cache (settings.MIDDLEWARE), so a cached page is stored compressed,
once, and served as stored: the page cache keys a page by whether the request accepts gzip
(caching.py), and the response says `Vary: Accept-Encoding` for any cache in front. It stands
outside ConditionalGetMiddleware, which makes the ETag from the page's own bytes; this one then
marks that ETag weak, as RFC 9110 asks of a compressed representation.
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip

from newsroom.website.hardening import is_readers_page

COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml", "application/atom+xml", "application/json")


def accepts_gzip(request) -> bool:
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def holds_no_secret(request, response) -> bool:
    """A reader's page, made for nobody in particular: safe to compress (see the module's note)."""
    return (
        is_readers_page(request)
        and not request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL))
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.cookies
        and not response.streaming
        and response.get("Content-Type", "").startswith(COMPRESSIBLE)
    )


class ReadersPagesGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not holds_no_secret(request, response):
            return response
        return super().process_response(request, response)
