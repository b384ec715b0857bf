"""The cache answers like an empty one while Redis is unreachable, and like Django's otherwise."""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.usefixtures("unreachable_cache")


def test_reads_miss_and_writes_are_skipped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    cache.set("counter", 5, timeout=60)

    assert cache.get("counter") is None
    assert cache.get("counter", "default") == "default"
    assert cache.get_many(["counter"]) == {}
    assert not cache.has_key("counter")
    assert not cache.delete("counter")
    assert "cache set skipped: the cache is unreachable" in caplog.text


def test_add_succeeds_and_incr_finds_no_key_so_a_counter_starts_afresh() -> None:
    # A lock or a first count is the caller's (allauth's lock, the link and API limits) ...
    assert cache.add("lock", True, timeout=10)
    # ... and a count asks for the key's existence, as for one the cache has evicted.
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")
