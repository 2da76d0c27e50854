"""The page cache's shared state: what each cached page shows, and when each of those things last changed.

Every cached page is stored with the keys of what it shows ("story:42", "photo:7", "tag:3",
"news" for the news listings ...; SITE for what every page shows) and with the content
generation read before it was made. A change retires the keys of what it changed (`retire`):
the generation moves on and each key records the generation it changed at. A page is served
only while none of its keys changed after it was made, so an edit retires the pages that show
what changed and leaves the rest cached. The next scheduled publication or expiry is kept beside
them (newsroom/website/caching.py retires what it changes when its moment comes).
"""

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)
GENERATION_KEY = "newsroom:pages:generation"
NEXT_CHANGE_KEY = "newsroom:pages:next-change"
# Every page shows it (the shell); retired by bulk loads, which send no signals.
SITE = "site"
# Shown by the pages whose views do not say what they show (flat pages, robots.txt): any change
# retires them, as every change retired every page before pages said what they show.
UNLISTED = "unlisted"
# A key's change is remembered this long: longer than any page is kept (PAGE_CACHE_SECONDS), and a
# key that is gone makes the pages that show it count as changed, never as current.
SHOWN_SECONDS = 24 * 3600


def shown_key(key: str) -> str:
    """Where the generation at which `key` last changed is kept."""
    return f"newsroom:pages:shows:{key}"


def page_shows(request, keys) -> None:
    """Note what the page made for `request` shows, so the page cache retires it when any of it changes."""
    if not hasattr(request, "page_shows"):
        request.page_shows = set()
    request.page_shows.update(keys)


def keep_here_only(request) -> None:
    """Keep the page made for `request` in this server process's memory only, never in the shared
    cache nor a CDN (its Cache-Control stays private): for pages any query makes, such as search
    results, which no one must be able to push the site's pages out of the shared cache with."""
    request.page_kept_here_only = True


def next_generation() -> int:
    try:
        return cache.incr(GENERATION_KEY)
    except ValueError:
        # Started from the clock, so a counter lost to a Redis restart or eviction never comes
        # back to a number that pages still stored were made under.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        return cache.incr(GENERATION_KEY)


def retire(keys) -> None:
    """Pages made before now that show any of `keys` (or say nothing of what they show) are never served again."""
    changed_at = next_generation()
    cache.set_many({shown_key(key): changed_at for key in {*keys, UNLISTED}}, timeout=SHOWN_SECONDS)
    # Moved on once more only now, so a process that reads this generation reads the keys above
    # too (one MGET) and never trusts a page the first step has retired.
    next_generation()


def is_current(stored, values) -> bool:
    """Whether a stored page (its generation, then the keys it shows) is still what its keys say:
    `values` maps shown_key(key) to the generation of its last change; a key missing counts as changed."""
    made_under, keys = stored[0], stored[1]
    for key in keys:
        changed_at = values.get(shown_key(key))
        if changed_at is None or changed_at > made_under:
            return False
    return True


# What to do when the next scheduled change is not known or has come: retire what it changed and
# learn the next (website/caching.py sets it, as it does on a reader's first request). Without it
# a site with its page cache off, whose cache was emptied, would recount on every request until
# someone next saved a story.
_learn_next_change = None


def when_next_change_unknown(learn) -> None:
    """`learn(next_change or None)` is called when the generation or the next change is missing or past."""
    global _learn_next_change
    _learn_next_change = learn


def cached_by_generation(key: str, compute):
    """compute(), kept in the cache until the content next changes (or a scheduled moment passes).

    Without a cache, or when its generation is still unknown or out of date, computes every time.
    The value is kept with the generation it was computed under, so the generation, the next
    change and the value come in one round trip (a tag page asks two of them on every request).
    """
    name = f"newsroom:computed:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
    try:
        values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY, name])
        generation, next_change = values.get(GENERATION_KEY), values.get(NEXT_CHANGE_KEY)
        if (generation is None or next_change is None or time.time() >= next_change) and _learn_next_change:
            _learn_next_change(next_change)
            values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY, name])
    except Exception:  # the cache is down: readers still get their page
        logger.warning("Cache unavailable; counting uncached", exc_info=True)
        return compute()
    generation, next_change = values.get(GENERATION_KEY), values.get(NEXT_CHANGE_KEY)
    if generation is None or next_change is None or time.time() >= next_change:
        return compute()
    kept = values.get(name)
    if kept is not None and kept[0] == generation:
        return kept[1]
    value = compute()
    try:
        cache.set(name, (generation, value), timeout=max(1, int(next_change - time.time())))
    except Exception:
        logger.warning("Cache unavailable; count not kept", exc_info=True)
    return value


def retire_pages():
    """Whatever was kept for readers is never served again: for writes that send no signals (bulk
    loads, imports). The next reader's request also works out the next scheduled change afresh
    (newsroom/website/caching.py)."""
    try:
        retire([SITE])
        cache.delete(NEXT_CHANGE_KEY)
    except Exception:
        logger.warning("Page cache unavailable; pages not retired", exc_info=True)
