"""The cache named by CACHE_URL works: local memory by default, Redis in CI's PostgreSQL run."""

import uuid

from django.core.cache import cache

from tests.website.test_production_settings import manage


def test_the_configured_cache_stores_and_returns_values():
    key = f"newsroom-test-{uuid.uuid4()}"
    cache.set(key, {"headline": "Hospital Ship Wraps Up Mission"}, timeout=30)
    try:
        assert cache.get(key) == {"headline": "Hospital Ship Wraps Up Mission"}
    finally:
        cache.delete(key)


def test_a_redis_cache_url_selects_djangos_redis_backend_with_one_shared_client():
    result = manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings; from django.core.cache import caches; cache = caches['default']; "
        "from django.core.cache.backends.redis import RedisCache; "
        "print(settings.CACHES['default'], isinstance(cache, RedisCache), "
        "cache._cache.get_client() is cache._cache.get_client(write=True))",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert "newsroom.core.redis_cache.RedisCache" in result.stdout, result.stderr
    assert "redis://127.0.0.1:6379/1" in result.stdout
    assert result.stdout.split()[-2:] == ["True", "True"], "Django's backend, one client for every operation"
