"""The page cache's shared state: its generation and the time of the next scheduled change.

Any change to what readers' pages show bumps the generation (newsroom/website/caching.py does,
on every save of the content pages are made from); pages and values kept under an older one are
never served again. The next scheduled publication or expiry bounds how long anything is kept.
"""

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)
GENERATION_KEY = "newsroom:pages:generation"
NEXT_CHANGE_KEY = "newsroom:pages:next-change"


def cached_by_generation(key: str, compute):
    """compute(), kept in the cache until the content next changes (or a scheduled moment passes).

    Without a cache, or when its generation is unknown or out of date, computes every time.
    """
    try:
        values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY])
    except Exception:  # the cache is down: readers still get their page
        logger.warning("Cache unavailable; counting uncached", exc_info=True)
        return compute()
    generation, next_change = values.get(GENERATION_KEY), values.get(NEXT_CHANGE_KEY)
    if generation is None or next_change is None or time.time() >= next_change:
        return compute()
    full_key = f"newsroom:computed:{generation}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
    try:
        value = cache.get(full_key)
    except Exception:
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(full_key, value, timeout=max(1, int(next_change - time.time())))
        except Exception:
            logger.warning("Cache unavailable; count not kept", exc_info=True)
    return value


def retire_pages():
    """Whatever was kept for readers is never served again: for writes that send no signals (bulk
    loads, imports). With both keys gone, the next reader's request starts a new generation from
    the clock and works out the next scheduled change afresh (newsroom/website/caching.py)."""
    try:
        cache.delete_many([GENERATION_KEY, NEXT_CHANGE_KEY])
    except Exception:
        logger.warning("Page cache unavailable; pages not retired", exc_info=True)
