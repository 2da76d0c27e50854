"""Full-page caching for readers, in the configured cache (Redis in production, shared by every server).

A cached page is keyed by the site's content generation: any change to what pages show bumps
it, so no page outlives the content it was made from. Entries also never outlive the next
scheduled publication or expiry, so a story scheduled for 09:00 appears at 09:00 with no job
to run. Readers with a session cookie (staff) are never served or stored.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

from newsroom.stories.models import Status, Story

logger = logging.getLogger(__name__)
GENERATION_KEY = "newsroom:pages:generation"
NEXT_CHANGE_KEY = "newsroom:pages:next-change"
# Only reader pages. The admin and previews stay uncached, and so does search: every query
# would be its own entry, and anyone could fill the cache with them.
UNCACHED_PREFIXES = ("/admin/", "/news/preview/", "/search/", "/healthz")


def _next_scheduled_change() -> float:
    """Seconds since the epoch of the next publication or expiry; far ahead when there is none."""
    now = timezone.now()
    upcoming = Story.objects.filter(status=Status.PUBLISHED).aggregate(
        publish=Min("published_at", filter=Q(published_at__gt=now)),
        expire=Min("expires_at", filter=Q(expires_at__gt=now)),
    )
    moments = [moment.timestamp() for moment in upcoming.values() if moment]
    return min(moments, default=time.time() + 365 * 24 * 3600)


def content_changed(**kwargs):
    """Signal receiver: pages made before this change must not be served again."""
    _bump_safely()
    transaction.on_commit(_bump_safely)  # again once committed: a page cached meanwhile saw the old rows


def _bump_safely():
    # An editor's save must not fail because the cache is down; pages are not served from it then.
    try:
        _bump()
    except Exception:
        logger.warning("Page cache unavailable; generation not bumped", exc_info=True)


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Started from the clock, so a counter lost to a Redis restart or eviction never comes
        # back to a number that pages still stored were made under.
        cache.set(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
    cache.set(NEXT_CHANGE_KEY, _next_scheduled_change(), timeout=None)


class PageCacheMiddleware:
    """Serves readers' pages from the cache with one round trip to it: the generation, the next
    scheduled change and the page are fetched together, and a page stored under an older
    generation is a miss. Placed before the session, authentication, CSRF and messages
    middleware, so a hit costs none of them; after the security, CSP and conditional-GET
    ones, so a hit still carries their headers and answers If-None-Match."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD"):
                patch_cache_control(response, private=True)
                patch_vary_headers(response, ["Cookie"])
            return response

        key = f"newsroom:page:{request.get_host()}:{request.get_full_path()}"
        try:
            found = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY, key])
            generation, next_change = found.get(GENERATION_KEY), found.get(NEXT_CHANGE_KEY)
            if generation is None or next_change is None or time.time() >= next_change:
                # First request, or a scheduled publication or expiry has come: pages made before are stale.
                _bump()
                found = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY])
                generation, next_change = found.get(GENERATION_KEY), found.get(NEXT_CHANGE_KEY)
            stored = found.get(key)
        except Exception:  # the cache is down: readers still get pages, just not cached ones
            logger.warning("Page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)
        lifetime = max(1, min(settings.PAGE_CACHE_SECONDS, int(next_change - time.time())))

        if stored is not None and stored[0] == generation:
            _, status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
        else:
            response = self.get_response(request)
            if self._cacheable_response(response):
                self._store(key, generation, response, lifetime)
        if self._cacheable_response(response):
            patch_cache_control(response, public=True, max_age=min(lifetime, settings.PAGE_MAX_AGE))
        return response

    @staticmethod
    def _store(key, generation, response, lifetime):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        set_response_etag(response)  # once, here, rather than on every hit
        patch_vary_headers(response, ["Cookie"])
        # The page as plain values: cheaper to store and to rebuild than a pickled response.
        stored = (generation, response.status_code, dict(response.headers), response.content)
        try:
            cache.set(key, stored, timeout=lifetime)
        except Exception:
            logger.warning("Page cache unavailable; page not stored", exc_info=True)

    @staticmethod
    def _cacheable_request(request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(UNCACHED_PREFIXES)
        )

    @staticmethod
    def _cacheable_response(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
            and not getattr(response, "streaming", False)
        )
