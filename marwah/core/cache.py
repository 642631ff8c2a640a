"""Django's Redis cache, without building a new redis-py client object for every command.

`django.core.cache.backends.redis.RedisCacheClient.get_client()` wraps the (shared) connection pool
in a fresh `redis.Redis` on each call; building one costs about as much as the command itself
(~0.3 ms: it fills a table of ~200 response callbacks). A request reading and renewing its session
makes three such calls. Here one client per pool is kept; redis-py clients are safe to share.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import NoScriptError

T = TypeVar("T")


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        base: Any = self  # Django's private helpers are not in the type stubs
        index = base._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = base._client(connection_pool=base._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient

    def validate_key(self, key: str) -> None:
        """Redis takes any key. Django's check is for memcached (keys of at most 250 characters without
        spaces or control characters): it warns, and it walks every key's characters on every call."""

    def replace(self, key: str, value: Any, timeout: int) -> bool:
        """Set `key` only if it is there (Redis SET … XX): one round trip where Django's cache sessions
        read the key and then write it. False, with nothing written, when the key is gone."""
        base: Any = self._cache
        key = self.make_and_validate_key(key)
        client = base.get_client(key, write=True)
        return bool(client.set(key, base._serializer.dumps(value), ex=timeout, xx=True))

    def get_renewing(self, key: str, timeout: int, others: list[str]) -> tuple[Any, list[Any]]:
        """`key`'s value with its expiry moved to `timeout` seconds from now (Redis GETEX), and the values
        of `others`: one command, one round trip (a script Redis runs as one step). None where a key
        is missing. For a session read that also renews its idle limit, so the request need not
        write the session back (core.sessions)."""
        base: Any = self._cache
        names = [self.make_and_validate_key(key), *(self.make_and_validate_key(k) for k in others)]
        client = base.get_client(key, write=True)  # GETEX writes: the primary, never a replica
        # The client's own command, not redis-py's Script object: its three wrappers around the same
        # EVALSHA cost a signing more than Redis spends running the script.
        try:
            found = client.execute_command("EVALSHA", _GET_RENEWING_SHA, len(names), *names, timeout)
        except NoScriptError:  # a new or flushed Redis: EVAL runs it and keeps it for the next EVALSHA
            found = client.execute_command("EVAL", _GET_RENEWING, len(names), *names, timeout)
        values = [None if raw is None else base._serializer.loads(raw) for raw in found]
        return values[0], values[1:]


# Lua's nil ends a table: a missing key comes back as false, which Redis turns into a nil reply.
_GET_RENEWING = """
local out = {redis.call('GETEX', KEYS[1], 'EX', ARGV[1])}
for i = 2, #KEYS do out[i] = redis.call('GET', KEYS[i]) end
return out
"""
_GET_RENEWING_SHA = hashlib.sha1(_GET_RENEWING.encode()).hexdigest()  # noqa: S324  (Redis names a script so)


# --- Kept figures: this process's copy in front of the shared cache ---------------------------------

# Bounded: a kept page body is up to ~75 KB (the national dashboard), and a worker stays under 100 MB.
_local = LocMemCache("marwah-kept", {"MAX_ENTRIES": 64, "CULL_FREQUENCY": 4})


# A copy past its interval may still answer for this long, and only while another process rebuilds it.
REBUILD_GRACE = 30.0


def kept(key: str, ttl: float, build: Callable[[], T]) -> T:
    """`build()`, kept `ttl` seconds for every reader: from this process's memory, else from the shared
    cache (Redis in production), else built and stored in both. Copies carry their build time, so a
    value is not served past `ttl` seconds since it was built — except while another process rebuilds
    it: then the copy at hand answers (for at most REBUILD_GRACE more seconds) instead of every process
    rebuilding the same figures at the same moment (the processes' copies expire together; the national
    dashboard's figures take ~100 ms to compute). The process copy spares the shared cache's round trip
    and the transfer of a large page body (issue 14). `ttl` 0 builds every time."""
    if ttl <= 0:
        return build()
    key = f"kept:{key}"  # its own keys: what older code stored under the same name has another shape
    now = time.time()
    found = _local.get(key)
    if found is not None and now - found[0] < ttl:
        return found[1]  # type: ignore[no-any-return]
    shared = cache.get(key)
    if shared is not None and now - shared[0] < ttl:
        _local.set(key, shared, ttl + REBUILD_GRACE - (now - shared[0]))
        return shared[1]  # type: ignore[no-any-return]
    stale = shared if shared is not None else found
    lock = f"{key}:rebuilding"
    if stale is not None and not cache.add(lock, 1, REBUILD_GRACE):
        return stale[1]  # type: ignore[no-any-return]
    try:
        fresh = (now, build())  # stamped when the build began: its figures are at least that old
        cache.set(key, fresh, ttl + REBUILD_GRACE)
        _local.set(key, fresh, ttl + REBUILD_GRACE)
    finally:
        if stale is not None:
            cache.delete(lock)
    return fresh[1]


def forget_kept() -> None:
    """Drop this process's copies (tests, whose rolled-back rows must not be remembered)."""
    _local.clear()
