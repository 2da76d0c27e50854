"""The site with some of its performance devices replaced by the plain Django they stand in for,
so that what each device is worth can be measured against what Newsroom would do without it.

    shared-redis-client   Django's own RedisCache, which makes a redis-py client for every operation
                          (instead of newsroom/core/redis_cache.py's one client per pool)
    compiled-queries      the story page's querysets, run through prefetch_related as the preview's
                          are (instead of newsroom/core/compiled_queries.py)

`bench/web.py --without DEVICE` serves `without:application()` from here, with the device names in
BENCH_WITHOUT; `bench/instructions.py --without DEVICE` calls `apply()`. The site's own code is
untouched: the replacements are made here, after Django is set up and before any request.
"""

import os


def _plain_redis_client():
    from django.conf import settings
    from django.core.cache import caches

    cache = settings.CACHES["default"]
    if cache["BACKEND"] != "newsroom.core.redis_cache.RedisCache":
        raise SystemExit("--without shared-redis-client needs a redis:// CACHE_URL")
    cache["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
    assert type(caches["default"]).__module__ == "django.core.cache.backends.redis", "made before the switch"


def _plain_story_queries():
    from django.shortcuts import get_object_or_404

    from newsroom.stories import selectors, views
    from newsroom.stories.models import Story

    def story_for_reader(slug):
        return get_object_or_404(selectors._with_everything_shown(Story.objects.published()), slug=slug)

    views.story_for_reader = story_for_reader


DEVICES = {"shared-redis-client": _plain_redis_client, "compiled-queries": _plain_story_queries}


def add_option(parser, help: str) -> None:
    """The --without option bench/web.py and bench/instructions.py share."""
    parser.add_argument("--without", action="append", default=[], choices=sorted(DEVICES), help=help)


def apply(devices):
    """Replace each named device (Django must be set up, and no cache used yet)."""
    for device in devices:
        DEVICES[device]()


def application():
    """The WSGI application, for gunicorn: `gunicorn 'without:application()'`."""
    import django
    from django.core.handlers.wsgi import WSGIHandler

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup(set_prefix=False)
    apply([name for name in os.environ.get("BENCH_WITHOUT", "").split(",") if name])
    return WSGIHandler()
