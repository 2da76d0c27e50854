"""The cache named by CACHE_URL works: local memory by default, Redis in CI's PostgreSQL run."""

import inspect
import uuid

import django
import redis
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

from newsroom.core.redis_cache import RedisCache, SharedClient
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


def relied_on(device, internal, found):
    """The message a Django upgrade gets when it changes an internal a performance device uses."""
    return (
        f"{device} relies on Django's {internal}, which Django {django.get_version()} changed: {found}. "
        f"Fix {device}, or remove it for the plain Django way and measure the difference "
        "(bench/web.py --without, bench/instructions.py --without; see bench/README.md)."
    )


def parameters_of(owner, name):
    """The parameters of a method, by name; none when it is gone."""
    method = getattr(owner, name, None)
    return inspect.signature(method).parameters if callable(method) else {}


def test_the_shared_redis_client_still_fits_djangos_redis_backend():
    """newsroom/core/redis_cache.py swaps the client class of Django's RedisCache and reuses its pools."""
    device = "newsroom/core/redis_cache.py"
    plain = DjangoRedisCache("redis://127.0.0.1:6379/0", {"OPTIONS": {"socket_timeout": 1}})
    assert getattr(plain, "_class", None) is RedisCacheClient, relied_on(
        device, "RedisCache._class (the client class its _cache is made from)", getattr(plain, "_class", None)
    )
    shared = RedisCache("redis://127.0.0.1:6379/0", {"OPTIONS": {"socket_timeout": 1}})
    assert isinstance(shared._cache, SharedClient), relied_on(
        device, "RedisCache._cache made from _class", shared._cache
    )
    parameters = parameters_of(RedisCacheClient, "_get_connection_pool")
    assert list(parameters) == ["self", "write"], relied_on(
        device, "RedisCacheClient._get_connection_pool(write)", list(parameters)
    )
    parameters = parameters_of(RedisCacheClient, "get_client")
    assert (
        list(parameters) == ["self", "key", "write"] and parameters["write"].kind is inspect.Parameter.KEYWORD_ONLY
    ), relied_on(device, "RedisCacheClient.get_client(key=None, *, write=False)", list(parameters))
    pool = shared._cache._get_connection_pool(True)
    assert isinstance(pool, redis.ConnectionPool) and pool is shared._cache._get_connection_pool(True), relied_on(
        device, "RedisCacheClient._get_connection_pool keeping one pool per server", pool
    )
    client = shared._cache.get_client(write=True)
    assert isinstance(client, redis.Redis) and client.connection_pool is pool, relied_on(
        device, "RedisCacheClient._client (the redis.Redis class)", client
    )
    assert shared._cache.get_client() is client, "one client for reads and writes on one server"
    # What the device saves: Django's own client makes a new redis.Redis each time.
    assert plain._cache.get_client() is not plain._cache.get_client()
