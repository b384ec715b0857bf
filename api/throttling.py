"""Rate limits per API key and per signed-in person, counted in the shared cache.

A fixed window per key or person, counted in the cache every process
shares. DRF's own throttles keep a list of every request's time in the
cache and rewrite it on each request, which costs more the higher the rate;
here each process adds its requests to the shared counter in batches of up
to 1 % of the limit (one at a time below 200 per window), so a busy key
costs the cache a write now and then instead of on every request, and the
limit is exact for small rates and at most a few percent generous for large
ones. Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``
(``PORTAL_API_KEY_RATE``, ``PORTAL_API_PERSON_RATE``). While Redis is
unreachable the cache answers as if empty (:mod:`portal.cache_backends`): the
API keeps answering, its limits open for that moment.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from api.permissions import caller_key, caller_person

if TYPE_CHECKING:
    from rest_framework.views import APIView

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_MAX_LOCAL_ENTRIES = 10_000


def rate_parse(rate: str) -> tuple[int, int]:
    """``"600/min"`` → (600, 60)."""
    number, _slash, period = rate.partition("/")
    return int(number), _SECONDS[period[0]]


@dataclass
class _Window:
    """This process's view of one counter: what it has not yet added, and the total it last saw."""

    pending: int = 0
    shared: int = 0


_windows: dict[str, _Window] = {}
_lock = threading.Lock()


def _count(key: str, *, batch: int, timeout: int) -> int:
    """Count one request under ``key``; return the best known total of the window."""
    with _lock:
        window = _windows.get(key)
        if window is None:
            if len(_windows) >= _MAX_LOCAL_ENTRIES:
                _windows.clear()  # old windows; their counts are in the cache already
            window = _windows[key] = _Window()
        window.pending += 1
        if window.pending < batch:
            return window.shared + window.pending
        pending, window.pending = window.pending, 0
    try:
        shared = cache.incr(key, pending)
    except ValueError:
        shared = pending if cache.add(key, pending, timeout=timeout) else cache.incr(key, pending)
    with _lock:
        window.shared = max(window.shared, shared)
        return window.shared + window.pending


def throttle_counts_forget() -> None:
    """Forget this process's counts (for tests, which empty the cache between them)."""
    with _lock:
        _windows.clear()


class _FixedWindowThrottle(BaseThrottle):
    scope = ""

    def __init__(self) -> None:
        self._wait: float | None = None

    def ident(self, request: Request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request, view: APIView) -> bool:
        ident = self.ident(request)
        if ident is None:
            return True
        limit, period = rate_parse(str(api_settings.DEFAULT_THROTTLE_RATES[self.scope]))
        now = time.time()
        window = int(now // period)
        key = f"api-throttle:{self.scope}:{ident}:{window}"
        if _count(key, batch=max(1, limit // 100), timeout=period + 1) <= limit:
            return True
        self._wait = (window + 1) * period - now
        return False

    def wait(self) -> float | None:
        return self._wait


class ApiKeyThrottle(_FixedWindowThrottle):
    """Requests per API key."""

    scope = "api_key"

    def ident(self, request: Request) -> str | None:
        key = caller_key(request)
        return None if key is None else str(key.pk)


class PersonThrottle(_FixedWindowThrottle):
    """Requests per signed-in person, whether by session or token."""

    scope = "person"

    def ident(self, request: Request) -> str | None:
        person = caller_person(request)
        return None if person is None else str(person.pk)
