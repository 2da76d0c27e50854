"""Keeping spam out of readers' forms without a third-party service.

- A limit per client address, in the site's cache (Redis in production, shared by every server):
  each POST counts, and past the limit in an hour the form answers 429 with Retry-After.
- The feedback form carries a signed time: a form sent back within seconds of being served was
  filled in by a program, and one older than a day is refused too (a copied form replayed forever).
- A honeypot field people never see (hidden by the stylesheet, labelled "leave empty" for anyone
  reading without it): programs that fill every field give themselves away.
"""

import logging
import time

from django.core import signing
from django.core.cache import cache

from newsroom.core.clients import client_address

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600
FORM_SALT = "newsroom.feedback.form-served"
# A person takes longer than this to read the form and type what went wrong.
QUICKEST_SECONDS = 3
OLDEST_SECONDS = 24 * 3600


def over_limit(request, *, what: str, per_hour: int) -> bool:
    """Counts this request against its client's hourly limit for `what`; True once past it.

    Clients whose address cannot be read share one count. If the cache is down the request is let
    through: the other protections still hold, and a reader's message is worth more than a count."""
    key = f"newsroom:limit:{what}:{client_address(request) or 'unknown'}"
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        return cache.incr(key) > per_hour
    except ValueError:  # expired between add and incr: this is the window's first
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return per_hour < 1
    except Exception:
        logger.warning("Cache unavailable; %s not rate-limited", what, exc_info=True)
        return False


def served_token(now: float | None = None) -> str:
    """The signed moment a form was served, for its hidden field."""
    return signing.dumps(int(now if now is not None else time.time()), salt=FORM_SALT)


def token_problem(token: str, now: float | None = None) -> str | None:
    """Why a form's signed moment is refused, in words for the person who sent it; None if it is fine."""
    now = now if now is not None else time.time()
    try:
        served = signing.loads(token or "", salt=FORM_SALT)
    except signing.BadSignature:
        return "The form could not be checked. Please send it again."
    if not isinstance(served, int) or now - served < QUICKEST_SECONDS:
        return "That was sent very quickly after the form opened. Please check it and send it again."
    if now - served > OLDEST_SECONDS:
        return "The form was open for more than a day. Please check it and send it again."
    return None
