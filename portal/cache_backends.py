"""A Redis cache that answers "nothing cached" while Redis is unreachable, instead of failing the request.

The portal's cache holds only rate-limit counters (allauth's sign-in and
sign-up limits, the mail-link limits, the API throttle) and allauth's marks
of TOTP codes already used; sessions, jobs and everything that matters live
in the database. So when Redis restarts or the network drops, a request
should go on as if the cache were empty — the limits are open for that
moment — rather than answer 500: a customer's sign-in or one-click
unsubscribe must not fail because Redis is down. ``make chaos`` restarts
Redis under load and found both failing. The price, for the seconds Redis is
away: a TOTP code seen by someone who also has the password could be used a
second time within its 30 s (nothing can remember it was used).

While Redis is unreachable every call is logged as a warning and answers
like an empty cache that takes every write: ``get`` gives the default,
``add`` reports the key as added (a lock or a first count is the caller's),
``incr`` raises ``ValueError`` as for a missing key (its callers then
``add``/``set``), writes and deletes do nothing. Django's own ``RedisCache``
does the rest, unchanged; ``CACHE_URL=redis://...`` selects this class.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _skipped(operation: str, error: RedisError) -> None:
    logger.warning("cache %s skipped: the cache is unreachable (%s)", operation, error)


class _FailSoftClient(RedisCacheClient):
    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        try:
            return bool(super().add(key, value, timeout))
        except RedisError as error:
            _skipped("add", error)
            return True

    def get(self, key: Any, default: Any) -> Any:
        try:
            return super().get(key, default)
        except RedisError as error:
            _skipped("get", error)
            return default

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        try:
            super().set(key, value, timeout)
        except RedisError as error:
            _skipped("set", error)

    def touch(self, key: Any, timeout: Any) -> bool:
        try:
            return bool(super().touch(key, timeout))
        except RedisError as error:
            _skipped("touch", error)
            return False

    def delete(self, key: Any) -> bool:
        try:
            return bool(super().delete(key))
        except RedisError as error:
            _skipped("delete", error)
            return False

    def get_many(self, keys: Iterable[Any]) -> dict[Any, Any]:
        try:
            return dict(super().get_many(keys))
        except RedisError as error:
            _skipped("get_many", error)
            return {}

    def has_key(self, key: Any) -> bool:
        try:
            return bool(super().has_key(key))
        except RedisError as error:
            _skipped("has_key", error)
            return False

    def incr(self, key: Any, delta: int) -> int:
        try:
            return int(super().incr(key, delta))
        except RedisError as error:
            _skipped("incr", error)
            raise ValueError(f"Key {key!r} not found (the cache is unreachable).") from error

    def set_many(self, data: Mapping[Any, Any], timeout: Any) -> None:
        try:
            super().set_many(data, timeout)
        except RedisError as error:
            _skipped("set_many", error)

    def delete_many(self, keys: Iterable[Any]) -> None:
        try:
            super().delete_many(keys)
        except RedisError as error:
            _skipped("delete_many", error)

    def clear(self) -> bool:
        try:
            return bool(super().clear())
        except RedisError as error:
            _skipped("clear", error)
            return False


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache, answering like an empty cache while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _FailSoftClient


__all__ = ["FailSoftRedisCache"]
