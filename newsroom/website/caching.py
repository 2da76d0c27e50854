"""Full-page caching for readers, in the configured cache (Redis in production, shared by every server).

A cached page is keyed by the site's content generation: any change to what pages show bumps
it, so no page outlives the content it was made from. Entries also never outlive the next
scheduled publication or expiry, so a story scheduled for 09:00 appears at 09:00 with no job
to run. Readers with a session cookie (staff) are never served or stored, and neither is any
page whose view says it must not be kept (Cache-Control private or no-store: the admin, previews,
search, /healthz), just as a CDN in front would not keep it.

Each server process also keeps the pages it served lately in its own memory, so a popular page
costs no round trip to Redis. It trusts the generation it last read for LOCAL_RECHECK_SECONDS:
a change made through another server reaches this one's readers within that time, and a change
made through this process at once.
"""

import logging
import math
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from newsroom.core.cache import GENERATION_KEY, NEXT_CHANGE_KEY
from newsroom.stories.selectors import next_scheduled_change
from newsroom.website.compression import accepts_gzip

logger = logging.getLogger(__name__)


def _next_scheduled_change() -> float:
    """Seconds since the epoch of the next publication or expiry; far ahead when there is none."""
    moment = next_scheduled_change(now=timezone.now())
    return moment.timestamp() if moment else time.time() + 365 * 24 * 3600


# The database connections (by alias) of this thread whose open transaction changed what pages
# show, and whose commit has not yet retired the cached pages. Connections belong to a thread.
_changed = threading.local()


def content_changed(*, using=DEFAULT_DB_ALIAS, **kwargs):
    """Signal receiver: pages made before this change must not be served again.

    However many rows a transaction saves, its commit retires the cached pages and looks up the
    next scheduled change once: a page another connection cached before the commit was made from
    the old rows, so only a bump after the commit retires it. Until then, each change also moves
    the generation on at once (a Redis INCR), for pages made on this very connection, which
    already sees the change (a view inside the transaction, the tests).
    """
    local_pages.forget()
    if not transaction.get_autocommit(using):
        _safely(_retire_pages)
    if not hasattr(_changed, "aliases"):
        _changed.aliases = set()
    _changed.aliases.add(using)
    # One callback per change, each cheap: a callback registered only once would be lost with a
    # savepoint rolled back after it, while later changes in the same transaction still commit.
    transaction.on_commit(lambda: _committed(using), using=using)


def _committed(using):
    if using not in _changed.aliases:
        return  # this commit's pages are already retired, by an earlier callback of the same transaction
    _changed.aliases.discard(using)
    local_pages.forget()
    _safely(_bump)


def _safely(retire):
    # An editor's save must not fail because the cache is down; pages are not served from it then.
    try:
        retire()
    except Exception:
        logger.warning("Page cache unavailable; generation not bumped", exc_info=True)


def _retire_pages():
    """Pages kept under the current generation are never served again (if there is one yet: a
    reader's next request starts one from the clock)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        pass


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Started from the clock, so a counter lost to a Redis restart or eviction never comes
        # back to a number that pages still stored were made under.
        cache.set(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
    cache.set(NEXT_CHANGE_KEY, _next_scheduled_change(), timeout=None)


class PageCacheMiddleware:
    """Serves readers' pages from this process's memory or, failing that, from the cache with one
    round trip to it: the generation, the next scheduled change and the page are fetched
    together, and a page stored under an older generation is a miss.

    It is the outermost middleware but the request guard (hardening.py: hostile addresses,
    methods, a HEAD's body), and stores each page with its final headers (security, CSP,
    X-Frame-Options, Permissions-Policy, ETag), so a hit runs no other middleware: it answers with the stored page,
    or a 304 when the reader already has it. Pages are keyed by scheme, so a plain-HTTP request
    never meets an HTTPS page and still gets the security middleware's redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(_unshared_prefixes()):
            return self.get_response(request)
        if not self._cacheable_request(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD"):
                patch_cache_control(response, private=True)
                patch_vary_headers(response, ["Cookie"])
            return response

        # Stored as the compression middleware below made it: gzip for browsers that ask, plain for the rest.
        encoding = "gzip" if accepts_gzip(request) else "identity"
        key = f"newsroom:page:{request.scheme}:{encoding}:{request.get_host()}:{request.get_full_path()}"
        now = time.time()
        generation, next_change, stored = local_pages.lookup(key, now)
        from_shared_cache = stored is None
        if from_shared_cache:
            try:
                found = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY, key])
                generation, next_change = found.get(GENERATION_KEY), found.get(NEXT_CHANGE_KEY)
                if generation is None or next_change is None or now >= next_change:
                    # First request, or a scheduled publication or expiry has come: pages made before are stale.
                    _bump()
                    found = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY])
                    generation, next_change = found.get(GENERATION_KEY), found.get(NEXT_CHANGE_KEY)
                stored = found.get(key)
            except Exception:  # the cache is down: readers still get pages, just not cached ones
                logger.warning("Page cache unavailable; serving uncached", exc_info=True)
                return self.get_response(request)
            local_pages.trust(generation, next_change)
        lifetime = _lifetime(next_change, now)

        if stored is not None and stored[0] == generation:
            if from_shared_cache:
                local_pages.keep(key, stored, lifetime)
            _, status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
            response = get_conditional_response(request, etag=headers.get("ETag"), response=response)
            if response.status_code == 304:  # with the headers the middleware below would add to it
                for name, value in headers.items():
                    if name.lower() not in ("content-type", "content-length"):
                        response.headers[name] = value
        else:
            response = self.get_response(request)
            if self._cacheable_response(response):
                self._store(key, generation, response, lifetime)
        if self._cacheable_response(response) or response.status_code == 304:
            patch_cache_control(response, public=True, max_age=min(lifetime, settings.PAGE_MAX_AGE))
        return response

    @staticmethod
    def _store(key, generation, response, lifetime):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if not response.has_header("ETag"):
            set_response_etag(response)
        patch_vary_headers(response, ["Cookie"])
        # The page as plain values: cheaper to store and to rebuild than a pickled response.
        stored = (generation, response.status_code, dict(response.headers), response.content)
        try:
            cache.set(key, stored, timeout=lifetime)
        except Exception:
            logger.warning("Page cache unavailable; page not stored", exc_info=True)
            return
        local_pages.keep(key, stored, lifetime)

    @staticmethod
    def _cacheable_request(request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def _cacheable_response(response):
        # Each view decides, as it would for a CDN: `never_cache` or `cache_control(private=True)`.
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
            and not getattr(response, "streaming", False)
        )


def _lifetime(next_change, now):
    """Seconds a page may be kept: the configured time, but never past the next scheduled change."""
    return max(1, min(settings.PAGE_CACHE_SECONDS, int(next_change - now)))


def _unshared_prefixes():
    """Static files and photos: whitenoise and the media server give them their own long-lived
    headers, and caching them again would only cost a round trip to Redis."""
    return (settings.STATIC_URL, settings.MEDIA_URL)


# How long a process trusts the generation it last read from the cache before asking again.
# The bound for a change to reach every server is one second.
LOCAL_RECHECK_SECONDS = 0.5


class LocalPages:
    """The pages this process served lately, newest last, up to settings.PAGE_CACHE_LOCAL_BYTES.

    Each is kept with the generation it was made under and the time its entry in the shared
    cache runs out; the generation itself is trusted for LOCAL_RECHECK_SECONDS after it was
    read, and never past the next scheduled change. A lock keeps it whole under a threaded server.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.forget()

    def forget(self):
        with self._lock:
            self._pages = OrderedDict()
            self._bytes = 0
            self._generation, self._next_change, self._read_at = None, 0.0, -math.inf

    def trust(self, generation, next_change):
        with self._lock:
            if generation != self._generation:
                self._pages.clear()
                self._bytes = 0
            self._generation, self._next_change, self._read_at = generation, next_change, time.time()

    def lookup(self, key, now):
        """(generation, next change, stored page), or Nones when the shared cache must be asked."""
        with self._lock:
            # A clock set back ends the trust too, rather than stretching it.
            if not self._read_at <= now < self._read_at + LOCAL_RECHECK_SECONDS or now >= self._next_change:
                return None, None, None
            entry = self._pages.get(key)
            if entry is None or now >= entry[0]:
                return None, None, None
            self._pages.move_to_end(key)
            return self._generation, self._next_change, entry[1]

    def holding(self):
        """(pages, bytes of content) kept now."""
        with self._lock:
            return len(self._pages), self._bytes

    def keep(self, key, stored, lifetime):
        size = len(stored[3])
        limit = settings.PAGE_CACHE_LOCAL_BYTES
        if size > limit // 8:  # a few huge pages would push out hundreds of stories
            return
        expires = time.time() + lifetime
        with self._lock:
            if stored[0] != self._generation:
                return
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1][3])
            self._pages[key] = (expires, stored)
            self._bytes += size
            while self._bytes > limit:
                _, (_, dropped) = self._pages.popitem(last=False)
                self._bytes -= len(dropped[3])


local_pages = LocalPages()
