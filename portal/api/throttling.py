"""Rate limits per API key and per signed-in person, counted in the shared cache.

A fixed window counted with one atomic increment: DRF's own throttles keep
a list of every request's time in the cache and rewrite it on each request,
which costs more the higher the rate. Rates come from
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``PORTAL_API_KEY_RATE``,
``PORTAL_API_PERSON_RATE``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from portal.api.permissions import caller_key, caller_person

if TYPE_CHECKING:
    from rest_framework.views import APIView

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_parse(rate: str) -> tuple[int, int]:
    """``"600/min"`` → (600, 60)."""
    number, _slash, period = rate.partition("/")
    return int(number), _SECONDS[period[0]]


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
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1 if cache.add(key, 1, timeout=period + 1) else cache.incr(key)
        if count <= limit:
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
