"""Problem documents for the errors that happen outside DRF's views, under ``/api/``.

An unknown URL (404), a crash (500) or any other error page Django would
render as HTML becomes ``application/problem+json``; a body larger than
``PORTAL_API_MAX_BODY_BYTES`` is refused with 413 before anything reads it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from api.problems import MEDIA_TYPE, problem_http_response

API_PREFIX = "/api/"
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        limit = settings.PORTAL_API_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            response: HttpResponse = problem_http_response(
                request,
                status=413,
                detail=_("The body has %(length)d bytes; at most %(limit)d are accepted.")
                % {"length": length, "limit": limit},
            )
            # The client may still be sending the body: close rather than read it.
            response["Connection"] = "close"
            return response
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(MEDIA_TYPE):
            problem = problem_http_response(request, status=response.status_code)
            for header in _KEPT_HEADERS:
                if header in response:
                    problem[header] = response[header]
            return problem
        return response
