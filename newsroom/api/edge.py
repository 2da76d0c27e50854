"""What every request to the public API meets before anything else, cached responses included.

- A per-client rate limit: each client address's requests are counted per minute in the site's
  cache (Redis in production, shared by every server, so the limit holds however many servers
  answer); past settings.API_RATE_LIMIT the answer is 429 with Retry-After, the seconds until
  the minute ends. An IPv6 client counts by its /64, which one household or server holds whole.
- CORS for reading from any origin: the API is public and needs no credentials, so
  `Access-Control-Allow-Origin: *` on every answer (304, 429 and the preflight's too).
- HEAD is answered as GET without the body (django-ninja routes GET only), so the page cache
  serves it like any GET.

It stands outside the request guard (website/hardening.py), which answers OPTIONS itself: the
preflight's CORS headers are added here to that answer.
"""

import ipaddress
import json
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from newsroom.core.clients import client_address

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
WINDOW_SECONDS = 60
# Headers a reader's script may read, beyond the few every browser shows it.
EXPOSED = "ETag, Retry-After"


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


class ApiEdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_request(request):
            return self.get_response(request)
        head = request.method == "HEAD"
        wait = seconds_to_wait(request)
        if wait is not None:
            response = too_many_requests(wait)
        elif head:
            request.method = "GET"
            try:
                response = self.get_response(request)
            finally:
                request.method = "HEAD"
        else:
            response = self.get_response(request)
        if head:
            _drop_body(response)
        add_cors_headers(request, response)
        return response


def _client_key(request) -> str:
    address = client_address(request)
    if address is None:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # an IPv4 client seen through an IPv6 socket
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def seconds_to_wait(request) -> int | None:
    """None while the client is within the limit; else the seconds until its minute ends.

    A fixed window per minute: one counter a client a minute, one round trip to the cache (two on
    the minute's first request), whatever the traffic."""
    limit = settings.API_RATE_LIMIT
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"newsroom:api:rate:{_client_key(request)}:{window}"
    try:
        try:
            count = cache.incr(key)
        except ValueError:  # the minute's first request (or its counter just ran out)
            cache.add(key, 0, timeout=WINDOW_SECONDS + 1)
            count = cache.incr(key)
    except Exception:  # the cache is down: readers still get their answer, uncounted
        logger.warning("Cache unavailable; API requests not counted", exc_info=True)
        return None
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


def too_many_requests(wait: int) -> HttpResponse:
    detail = (
        f"Too many requests from your address: at most {settings.API_RATE_LIMIT} a minute. Try again in {wait} seconds."
    )
    response = HttpResponse(json.dumps({"detail": detail}), status=429, content_type="application/json")
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def add_cors_headers(request, response) -> None:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED
    # What the API gives is public: a page elsewhere may read it as a resource too.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    if request.method == "OPTIONS":
        # A preflight: GET from any origin, with the conditional headers a script may set.
        response["Access-Control-Allow-Methods"] = "GET, HEAD"
        response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since, Accept"
        response["Access-Control-Max-Age"] = "86400"


def _drop_body(response) -> None:
    if response.streaming:
        response.streaming_content = []
        return
    if not response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    response.content = b""
