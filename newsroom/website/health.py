"""What the site says about its own services: /healthz for load balancers, a 503 page when the database is down.

A load balancer takes a server out of rotation when /healthz answers 503, which it does only when
the database does not answer: without Redis the site still serves (uncached) pages, so the cache's
state is reported but does not fail the check.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from newsroom.website.views import DATABASE_UNAVAILABLE, service_unavailable

logger = logging.getLogger(__name__)
HEALTH_CHECK_KEY = "newsroom:healthz"


def _status(check) -> str:
    """ "ok", or the class name of what went wrong (never the message: it may name hosts or users)."""
    try:
        check()
    except Exception as error:
        return type(error).__name__
    return "ok"


def _query_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _query_cache():
    cache.get(HEALTH_CHECK_KEY)


@never_cache
def healthz(request):
    """`{"database": "ok", "cache": "ok"}`: 200 while the database answers, 503 when it does not."""
    database = _status(_query_database)
    status = {"database": database, "cache": _status(_query_cache)}
    if database != "ok":
        logger.warning("Health check: database unavailable (%s)", database)
    return JsonResponse(status, status=200 if database == "ok" else 503)


class DatabaseUnavailableMiddleware:
    """A reader whose page needs a database that is down gets the 503 page, not a 500 with a traceback.

    Django opens a connection per request (or checks a kept one first), so pages come back on their
    own once the database does; nothing needs restarting.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("Database unavailable for %s: %s", request.path, type(exception).__name__)
            return service_unavailable()
        return None
