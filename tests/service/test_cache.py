"""The production cache backend against a real Redis: Django's cache semantics, unchanged."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import cache
from pytest_django import Settings

pytestmark = pytest.mark.service


def test_with_redis_up_counters_locks_and_reads_behave_as_djangos_cache(settings: Settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache_backends.FailSoftRedisCache",
            "LOCATION": os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"),
            "KEY_PREFIX": f"cache-test-{uuid.uuid4()}",
        }
    }

    assert cache.add("lock", True, timeout=60)
    assert not cache.add("lock", True, timeout=60)  # held: a second caller waits
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")
    cache.set("counter", 1, timeout=60)
    assert cache.incr("counter") == 2
    assert cache.get_many(["counter", "missing"]) == {"counter": 2}
    assert cache.delete("lock")
    assert cache.get("lock", "gone") == "gone"
    cache.delete_many(["counter"])
    assert not cache.has_key("counter")
