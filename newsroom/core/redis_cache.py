"""Django's Redis cache backend, keeping its Redis client instead of making one per operation.

Django's client builds a new `redis.Redis` for every get and set, and redis-py's constructor
fills a table of some 170 response callbacks each time: about half the work of serving a page
from the cache. One client per connection pool does the same job; redis-py clients are safe to
share between threads, since each command takes its own connection from the pool.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _SharedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClient
