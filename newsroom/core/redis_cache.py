"""Django's Redis cache backend, keeping its Redis client instead of making one per operation.

Django's client builds a new `redis.Redis` for every get and set, and redis-py's constructor
fills a table of some 170 response callbacks each time: a story page served from Redis costs
1.6 million instructions that way and 0.87 million with one client per connection pool
(bench/RESULTS.md; pages a process keeps in its own memory never reach Redis). redis-py clients
are safe to share between threads, since each command takes its own connection from the pool.

It relies on two private parts of Django's backend, which tests/website/test_cache.py checks by
name: RedisCache makes its client from the class in its `_class` attribute, and
RedisCacheClient._get_connection_pool(write) gives the pool a read or a write uses.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id of a connection pool -> its client; the pools live as long as this

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClient
