"""Full-page caching for readers, in the configured cache (Redis in production, shared by every server).

A cached page is kept with what it shows (its keys: "story:42", "photo:7", "news" ...; its view
says, newsroom/stories/shown.py names them) and the content generation read before it was made
(newsroom/core/cache.py). A change retires the keys of what it changed, once its transaction
commits, so an edit to one story retires the pages that show that story and leaves the others
cached. When a scheduled publication or expiry comes, the first request after its second retires
what it changes, so a story scheduled for 09:00 appears at 09:00 with no job to run; no page is
sent with a max-age past that moment either. Readers with a session cookie (staff) are never
served or stored, and neither is any page whose view says it must not be kept (Cache-Control
private or no-store: the admin, previews, /healthz), just as a CDN in front would not keep it.
Search results are private to the shared cache and CDNs too (any query would be its own entry, and
anyone could fill them with queries), but a view may ask for its page to be kept in this process's
memory only (core.cache.keep_here_only): there a quarter of the local budget at most holds them,
and any change retires them.

Each server process also keeps the pages it served lately in its own memory, so a popular page
costs no round trip to Redis. It trusts the generation it last read for LOCAL_RECHECK_SECONDS:
a change made through another server reaches this one's readers within that time, and a change
made through this process at once. When the generation has moved on, the process reads the keys
of the pages it keeps (one MGET) and drops only those that show what changed.
"""

import datetime
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

from newsroom.core.cache import (
    GENERATION_KEY,
    NEXT_CHANGE_KEY,
    SHOWN_SECONDS,
    SITE,
    UNLISTED,
    is_current,
    retire,
    shown_key,
    when_next_change_unknown,
)
from newsroom.stories import shown
from newsroom.stories.selectors import next_scheduled_change, scheduled_between
from newsroom.website.compression import accepts_gzip

logger = logging.getLogger(__name__)


def _next_scheduled_change() -> float:
    """Seconds since the epoch of the next publication or expiry; far ahead when there is none."""
    moment = next_scheduled_change(now=timezone.now())
    return moment.timestamp() if moment else time.time() + 365 * 24 * 3600


# Per database connection (by alias) of this thread: the keys its open transaction changed, and
# the stories whose listings must be read again once it commits. Connections belong to a thread.
_changed = threading.local()


def _pending(using):
    if not hasattr(_changed, "keys"):
        _changed.keys, _changed.placed = {}, {}
    return _changed.keys.setdefault(using, set()), _changed.placed.setdefault(using, set())


def retire_shown(keys, *, using=DEFAULT_DB_ALIAS, placed=()):
    """Pages showing any of `keys` must not be served again once this change commits; `placed`
    names stories whose listings are read again then (their photos and tags may come after the row).

    However many rows a transaction saves, its commit retires their keys and looks up the next
    scheduled change once: a page another connection cached before the commit was made from the
    old rows, so only a retirement after the commit retires it. Until then, each change also
    retires its keys at once, for pages made on this very connection, which already sees the
    change (a view inside the transaction, the tests).
    """
    local_pages.recheck_soon()
    if not transaction.get_autocommit(using):
        _safely(lambda: retire(keys))
    pending_keys, pending_stories = _pending(using)
    pending_keys.update(keys)
    pending_stories.update(placed)
    # One callback per change, each cheap: a callback registered only once would be lost with a
    # savepoint rolled back after it, while later changes in the same transaction still commit.
    transaction.on_commit(lambda: _committed(using), using=using)


def _committed(using):
    keys, placed = _pending(using)
    if not keys and not placed:
        return  # this commit's pages are already retired, by an earlier callback of the same transaction
    del _changed.keys[using], _changed.placed[using]
    local_pages.recheck_soon()

    def settle():
        now = timezone.now()
        for pk, place in shown.placing(placed, using=using).items():
            keys.update(shown.moved(pk, None, place, now=now))
        retire(keys)
        previous = cache.get(NEXT_CHANGE_KEY)
        if previous is None or previous <= now.timestamp():
            _scheduled_moment_came(previous)
        else:
            cache.set(NEXT_CHANGE_KEY, _next_scheduled_change(), timeout=None)

    _safely(settle)


def _safely(retire_pages):
    # An editor's save must not fail because the cache is down; pages are not served from it then.
    try:
        retire_pages()
    except Exception:
        logger.warning("Page cache unavailable; pages not retired", exc_info=True)


def _scheduled_moment_came(previous):
    """A scheduled publication or expiry has come (at `previous`, seconds since the epoch): the
    pages of the stories whose moment has passed since are retired, and the next moment is read.
    With no moment known (the first request, or the cache emptied), every page is retired."""
    if previous is None:
        retire([SITE])
    else:
        # A second early: a moment kept as a float may come back a microsecond late.
        since = datetime.datetime.fromtimestamp(previous - 1, tz=datetime.UTC)
        keys = set()
        for pk, place in shown.placing(scheduled_between(since, timezone.now()), using=DEFAULT_DB_ALIAS).items():
            keys |= shown.moved(pk, place, place, now=None)
        retire(keys)
    cache.set(NEXT_CHANGE_KEY, _next_scheduled_change(), timeout=None)


# Kept counts (core.cache.cached_by_generation) learn the moment too when no page did first.
when_next_change_unknown(_scheduled_moment_came)


class PageCacheMiddleware:
    """Serves readers' pages from this process's memory or, failing that, from the cache with one
    round trip to it: the generation, the next scheduled change, the page and the keys it showed
    last time are fetched together, and a page whose keys changed after it was made is a miss.

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
        if stored is None:
            try:
                generation, next_change, stored = self._from_shared_cache(key, now)
            except Exception:  # the cache is down: readers still get pages, just not cached ones
                logger.warning("Page cache unavailable; serving uncached", exc_info=True)
                return self.get_response(request)
        lifetime = _lifetime(next_change, now)

        if stored is not None:
            status, headers, content = stored[2:]
            response = HttpResponse(content, status=status, headers=headers)
            response = get_conditional_response(request, etag=headers.get("ETag"), response=response)
            if response.status_code == 304:  # with the headers the middleware below would add to it
                for name, value in headers.items():
                    if name.lower() not in ("content-type", "content-length"):
                        response.headers[name] = value
        else:
            response = self.get_response(request)
            here_only = getattr(request, "page_kept_here_only", False)
            if self._cacheable_response(response, private_ok=here_only):
                # What the view said its page shows; a page that says nothing goes with any change.
                keys = getattr(request, "page_shows", None) or {UNLISTED}
                self._store(key, generation, frozenset({SITE, *keys}), response, lifetime, shared=not here_only)
        if self._cacheable_response(response) or response.status_code == 304:
            patch_cache_control(response, public=True, max_age=min(lifetime, settings.PAGE_MAX_AGE))
        return response

    @staticmethod
    def _from_shared_cache(key, now):
        """(generation, next change, the page if it is current), in one round trip to the cache
        once this process has seen the page: its keys are asked for with it."""
        names = [GENERATION_KEY, NEXT_CHANGE_KEY, key, *(shown_key(shows) for shows in local_pages.keys_of(key))]
        found = cache.get_many(names)
        generation, next_change = found.get(GENERATION_KEY), found.get(NEXT_CHANGE_KEY)
        if generation is None or next_change is None or now >= next_change:
            # First request, or a scheduled publication or expiry has come: retire what it changes.
            _scheduled_moment_came(next_change)
            found = cache.get_many(names)
            generation, next_change = found.get(GENERATION_KEY), found.get(NEXT_CHANGE_KEY)
        stored = found.get(key)
        if stored is not None:
            local_pages.remember(key, stored[1])
            asked = set(names)
            unasked = [shown_key(shows) for shows in stored[1] if shown_key(shows) not in asked]
            if unasked:
                found.update(cache.get_many(unasked))
            if not is_current(stored, found):
                stored = None
        kept = local_pages.keys_shown() if generation != local_pages.generation else []
        if kept:
            # Something changed since: this process keeps the pages in its memory that it did not touch.
            local_pages.recheck(cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY, *kept]), now)
        else:
            local_pages.trust(generation, next_change, now)
        if stored is not None:
            local_pages.keep(key, stored, _lifetime(next_change, now), generation)
        else:  # still current here, though gone from the shared cache (or only ever kept here)
            stored = local_pages.lookup(key, now)[2]
        return generation, next_change, stored

    @staticmethod
    def _store(key, generation, keys, response, lifetime, *, shared=True):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if not response.has_header("ETag"):
            set_response_etag(response)
        patch_vary_headers(response, ["Cookie"])
        # The page as plain values: cheaper to store and to rebuild than a pickled response.
        stored = (generation, keys, response.status_code, dict(response.headers), response.content)
        try:
            names = [shown_key(shows) for shows in keys]
            found = cache.get_many([GENERATION_KEY, *names])
            for name in names:
                if name not in found:
                    # A key never changed (or forgotten): it counts from now, which is no later than
                    # this page's making only if nothing changed meanwhile.
                    cache.add(name, found.get(GENERATION_KEY, generation), timeout=SHOWN_SECONDS)
            if shared:
                cache.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Page cache unavailable; page not stored", exc_info=True)
            return
        local_pages.remember(key, keys)
        local_pages.keep(key, stored, lifetime, generation, here_only=not shared)

    @staticmethod
    def _cacheable_request(request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def _cacheable_response(response, *, private_ok=False):
        # Each view decides, as it would for a CDN: `never_cache` or `cache_control(private=True)`;
        # a private page the view asked to keep here only (private_ok) is kept in this process.
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.cookies
            and (private_ok or "private" not in cache_control)
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

    Each is kept as stored (the generation it was made under, the keys it shows ...) with the time
    its entry in the shared cache runs out. All are current as of the generation last read, which
    is trusted for LOCAL_RECHECK_SECONDS after it was read, and never past the next scheduled
    change. It also remembers the keys of pages it has seen, so that the shared cache is asked for
    a page and its keys at once. A lock keeps it whole under a threaded server.
    """

    # Pages whose keys are remembered; past this many, the oldest are forgotten.
    REMEMBERED = 50_000
    # Pages kept here only (searches) hold at most this share of the budget: a flood of queries
    # pushes out older searches, never the story pages.
    HERE_ONLY_SHARE = 0.25
    # Past this many keys to read again after a change, forgetting every page costs less.
    RECHECKED_KEYS = 20_000

    def __init__(self):
        self._lock = threading.Lock()
        self._keys_of = OrderedDict()
        self.forget()

    def forget(self):
        with self._lock:
            self._keys_of.clear()
            self._pages = OrderedDict()
            self._bytes = 0
            self._here_only = OrderedDict()  # key: bytes, of the pages kept in this process only
            self._here_only_bytes = 0
            self.generation, self._next_change, self._read_at = None, 0.0, -math.inf

    def recheck_soon(self):
        """Ask the shared cache at the next request: this process has just changed something."""
        with self._lock:
            self._read_at = -math.inf

    def trust(self, generation, next_change, now):
        with self._lock:
            if generation != self.generation:
                self._drop_all()
            self.generation, self._next_change, self._read_at = generation, next_change, now

    def keys_shown(self):
        """The shared cache's names of every key the kept pages show."""
        with self._lock:
            keys = {key for _, stored in self._pages.values() for key in stored[1]}
        return [shown_key(key) for key in keys] if len(keys) <= self.RECHECKED_KEYS else []

    def recheck(self, values, now):
        """Keeps the pages `values` (the generation, the next change and the keys of every kept
        page, read together) say are current, and trusts that generation."""
        with self._lock:
            if values.get(GENERATION_KEY) is None:
                self._drop_all()
                self.generation = None
                return
            for key, (_, stored) in list(self._pages.items()):
                if not is_current(stored, values):
                    self._drop(key)
            self.generation, self._next_change = values[GENERATION_KEY], values.get(NEXT_CHANGE_KEY, 0.0)
            self._read_at = now

    def _drop_all(self):
        self._pages.clear()
        self._here_only.clear()
        self._bytes = self._here_only_bytes = 0

    def _drop(self, key):
        _, stored = self._pages.pop(key)
        self._bytes -= len(stored[4])
        self._here_only_bytes -= self._here_only.pop(key, 0)

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
            return self.generation, self._next_change, entry[1]

    def keys_of(self, key):
        with self._lock:
            return self._keys_of.get(key, ())

    def remember(self, key, keys):
        with self._lock:
            self._keys_of[key] = keys
            self._keys_of.move_to_end(key)
            while len(self._keys_of) > self.REMEMBERED:
                self._keys_of.popitem(last=False)

    def holding(self, *, here_only=False):
        """(pages, bytes of content) kept now; of the pages kept here only, with `here_only`."""
        with self._lock:
            if here_only:
                return len(self._here_only), self._here_only_bytes
            return len(self._pages), self._bytes

    def keep(self, key, stored, lifetime, generation, *, here_only=False):
        """Keeps a page found current (or made) under `generation`, if that is the one trusted;
        `here_only` for a page the shared cache does not hold (a search), within its share."""
        size = len(stored[4])
        limit = settings.PAGE_CACHE_LOCAL_BYTES
        if size > limit // 8:  # a few huge pages would push out hundreds of stories
            return
        expires = time.time() + lifetime
        with self._lock:
            if generation != self.generation:
                return
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (expires, stored)
            self._bytes += size
            if here_only:
                self._here_only[key] = size
                self._here_only_bytes += size
                while self._here_only_bytes > limit * self.HERE_ONLY_SHARE:
                    self._drop(next(iter(self._here_only)))
            while self._bytes > limit:
                self._drop(next(iter(self._pages)))


local_pages = LocalPages()


# --- What each change retires (the receivers website/apps.py connects) ----------------------------


def story_will_change(sender, instance, using=DEFAULT_DB_ALIAS, update_fields=None, **kwargs):
    """Before a story's row is saved or deleted: where it is listed now, when that may change."""
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not (set(update_fields) & shown.PLACE_FIELDS):
        return
    instance._listed_before = shown.placing([instance.pk], using=using).get(instance.pk)


def story_saved(sender, instance, created=False, using=DEFAULT_DB_ALIAS, update_fields=None, **kwargs):
    now = timezone.now()
    before = instance.__dict__.pop("_listed_before", None)
    if created or before is not None:
        # Where it is listed may have changed: the listings it left and those it joined. A new
        # story's tags and photos come after its row: its listings are read again at the commit.
        after = {"tags": (), "photos": (), "relating": (), **(before or {}), "state": shown.story_state(instance)}
        retire_shown(
            shown.moved(instance.pk, before, after, now=now), using=using, placed=[instance.pk] if created else ()
        )
        return
    keys = {shown.story_key(instance.pk)}
    if shown.where_listed(shown.story_state(instance), (), now=now):
        keys.add(shown.SITEMAPS)  # its date of change
        if update_fields is None or "body" in update_fields:  # photos placed or taken out: their pages list it
            place = shown.placing([instance.pk], using=using).get(instance.pk)
            if place:
                keys.update(shown.photo_uses_key(photo) for photo in place["photos"])
    retire_shown(keys, using=using)


def story_deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    before = instance.__dict__.pop("_listed_before", None)
    retire_shown(shown.moved(instance.pk, before, None, now=timezone.now()), using=using)


def story_tags_changed(sender, instance, action, reverse, pk_set, using=DEFAULT_DB_ALIAS, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":
        column = "tag_id" if reverse else "story_id"
        other = "story_id" if reverse else "tag_id"
        pk_set = set(sender.objects.using(using).filter(**{column: instance.pk}).values_list(other, flat=True))
    stories, tags = (pk_set, {instance.pk}) if reverse else ({instance.pk}, pk_set)
    keys = {shown.SITEMAPS, *map(shown.story_key, stories), *map(shown.tagged_key, tags)}
    retire_shown(keys, using=using)


def related_changed(sender, instance, action, reverse, pk_set, using=DEFAULT_DB_ALIAS, **kwargs):
    """A story's related stories are shown on its page only."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        keys = {shown.story_key(instance.pk)}
    elif action == "pre_clear":
        relating = sender.objects.using(using).filter(to_story_id=instance.pk).values_list("from_story_id", flat=True)
        keys = set(map(shown.story_key, relating))
    else:
        keys = set(map(shown.story_key, pk_set))
    retire_shown(keys, using=using)


def _shown_by(instance) -> set[str]:
    """The keys of what a change to a story's part, a photo, a tag, a collection or a flat page changes."""
    name = type(instance).__name__
    if name == "PhotoPlacement":
        return {shown.story_key(instance.story_id), shown.photo_uses_key(instance.photo_id), shown.SITEMAPS}
    if name == "Correction":
        return {shown.story_key(instance.story_id), shown.CORRECTIONS}
    if name == "PhotoAsset":
        return {shown.photo_key(instance.pk), shown.photo_uses_key(instance.pk), shown.SITEMAPS}
    if name == "Tag":
        return {shown.tag_key(instance.pk), shown.SITEMAPS}
    if name == "Collection":
        return {shown.collection_key(instance.pk), shown.ARCHIVE, shown.SITEMAPS}
    if name == "FlatPage":
        return {shown.SITEMAPS}  # and its own page, which like every page that says nothing goes with any change
    # A redirect answers only where there would be a 404, and no 404 is kept: nothing shows it.
    return set()


def content_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    """Signal receiver for the other things readers' pages are made from."""
    retire_shown(_shown_by(instance), using=using)
