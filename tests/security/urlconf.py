"""The URL conf, walked: every route with its full name, the arguments it takes and its view's module."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "feedback:thread_detail"; "" if the pattern has none
    route: str  # the joined pattern text, e.g. "feedback/<int:pk>/"
    arguments: tuple[str, ...]  # the names of the path's captured arguments
    module: str  # where the view lives, e.g. "allauth.account.views"


def _arguments(pattern: URLPattern | URLResolver) -> tuple[str, ...]:
    return tuple(pattern.pattern.regex.groupindex)


def routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Yield every URL pattern of the project, resolving includes recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            for route in routes(pattern, prefix + str(pattern.pattern), inner):
                yield Route(route.name, route.route, _arguments(pattern) + route.arguments, route.module)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or ""
            yield Route(name, prefix + str(pattern.pattern), _arguments(pattern), pattern.callback.__module__)
