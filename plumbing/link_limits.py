"""Rate limits for the signed links in mails: unsubscribe, consent confirmation, survey answers.

These pages need no sign-in, so allauth's limits do not cover them: a
client guessing tokens, or replaying one link in a loop, is stopped here.
Each client address may open each kind of link ``LINK_LIMIT`` times per
window; every request counts, valid or not, so forging costs as much as
using. The counters live in the shared cache (Redis in production), like
allauth's; the client address is read the way allauth reads it (behind a
proxy, its trusted-proxy settings apply). While Redis is unreachable the
cache answers as if empty (:mod:`portal.cache_backends`), so the links work,
uncounted: a one-click unsubscribe must not fail because Redis restarts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

LINK_LIMIT = 60
LINK_WINDOW_SECONDS = 10 * 60

View = Callable[..., HttpResponseBase]


def link_attempt_count(*, request: HttpRequest, scope: str) -> int:
    """Count this request against the client's limit for ``scope``; return the window's count so far."""
    window = int(timezone.now().timestamp()) // LINK_WINDOW_SECONDS
    key = f"link-limit:{scope}:{get_adapter(request).get_client_ip(request)}:{window}"
    cache.add(key, 0, timeout=LINK_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=LINK_WINDOW_SECONDS)
        return 1


def link_rate_limited(scope: str) -> Callable[[View], View]:
    """Answer 429 with a readable page once the client opened ``scope`` links too often."""

    def decorate(view: View) -> View:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if link_attempt_count(request=request, scope=scope) > LINK_LIMIT:
                response = render(request, "429.html", status=HTTPStatus.TOO_MANY_REQUESTS)
                response["Retry-After"] = str(LINK_WINDOW_SECONDS)
                return response
            return view(request, *args, **kwargs)

        return limited

    return decorate
