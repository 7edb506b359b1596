"""The cache backend: Django's Redis cache, except that Redis being unreachable is a cache
miss, never an error page. Everything Golive caches (computed adoption figures, throttle
counters) can be recomputed or safely forgotten, so an outage costs speed, not service.

A Redis that accepts connections but never answers costs a whole socket timeout per call,
and a page makes many: so after one such failure this process leaves Redis alone for
``SKIP_SECONDS`` (a circuit breaker), answering every call as a miss at once, then tries
again. Each failure logs one warning line naming the pause, so an outage is visible without
tracebacks and without a line per call."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from time import monotonic
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Only "cannot reach Redis": a wrong command or type is a bug and should still surface.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
SKIP_SECONDS = 10.0
# Per process and per Redis location (Django makes a cache object per thread; the pause is
# shared by all of them): when this process may try each location again.
skipping_until: dict[str, float] = {}


class FaultTolerantRedisCache(RedisCache):
    """Reads miss, writes are dropped, counters start again: ``incr`` answers ``delta``, as
    for a key just created, so a rate limit fails open rather than refusing everyone."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.location = str(server)

    def _or(self, fallback: T, operation: str, call: Callable[[], T]) -> T:
        location = self.location
        if monotonic() < skipping_until.get(location, 0.0):
            return fallback
        try:
            return call()
        except UNREACHABLE as error:
            skipping_until[location] = monotonic() + SKIP_SECONDS
            logger.warning(
                "Cache unreachable during %s (%s); treated as a miss, and Redis is not tried "
                "again by this process for %d s",
                operation,
                error,
                SKIP_SECONDS,
            )
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._or(default, "get", lambda: RedisCache.get(self, key, default, version))

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._or({}, "get_many", lambda: RedisCache.get_many(self, keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._or(False, "has_key", lambda: RedisCache.has_key(self, key, version))

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._or(False, "add", lambda: RedisCache.add(self, key, value, timeout, version))

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._or(None, "set", lambda: RedisCache.set(self, key, value, timeout, version))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._or([], "set_many", lambda: RedisCache.set_many(self, data, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._or(False, "touch", lambda: RedisCache.touch(self, key, timeout, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._or(delta, "incr", lambda: RedisCache.incr(self, key, delta, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._or(False, "delete", lambda: RedisCache.delete(self, key, version))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._or(None, "delete_many", lambda: RedisCache.delete_many(self, keys, version))

    def clear(self) -> None:
        self._or(None, "clear", lambda: RedisCache.clear(self))
