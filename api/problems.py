"""One format for every error of the API: RFC 9457 ``application/problem+json``.

``{"type", "title", "status", "detail", "instance"}``, plus ``errors`` (one
entry per field) for invalid input. DRF's exceptions, and the refusals of the
services (``REFUSALS``), become problems in :func:`problem_exception_handler`;
everything else under ``/api/`` (unknown
URLs, oversize bodies, crashes) in :class:`api.middleware.ApiProblemMiddleware`.
Each problem type is a URL that describes itself (``/api/v1/problems/<slug>/``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import set_rollback

from api.external_ids import ExternalIdTaken
from customers.consents import ConsentRefused, StaleConsentForm
from customers.exports import ExportExpired
from customers.requests import DataRequestRefused
from feedback import refusals as feedback
from trust.accounts import BookingRefused

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "/api/v1/problems/"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: Promise
    description: Promise

    @property
    def uri(self) -> str:
        return f"{TYPE_PREFIX}{self.slug}/"


PROBLEM_TYPES: dict[str, ProblemType] = {
    problem.slug: problem
    for problem in [
        ProblemType(
            "invalid",
            400,
            _("Invalid input"),
            _("A field or query parameter is missing, unknown or wrong; `errors` says which and why."),
        ),
        ProblemType(
            "malformed",
            400,
            _("Malformed request body"),
            _("The body is not valid JSON."),
        ),
        ProblemType(
            "unauthenticated",
            401,
            _("Authentication needed"),
            _("No credentials, or an API key or token that is unknown or revoked."),
        ),
        ProblemType(
            "forbidden",
            403,
            _("Not allowed"),
            _("The credentials are valid but may not do this, e.g. an API key without the needed scope."),
        ),
        ProblemType("not-found", 404, _("Not found"), _("There is nothing at this URL for this caller.")),
        ProblemType(
            "method-not-allowed",
            405,
            _("Method not allowed"),
            _("This URL does not support the HTTP method; the Allow header lists the ones it does."),
        ),
        ProblemType(
            "not-acceptable",
            406,
            _("Not acceptable"),
            _("The API answers only with JSON."),
        ),
        ProblemType(
            "conflict",
            409,
            _("Conflict"),
            _("The request conflicts with the current state, e.g. a value another record already uses."),
        ),
        ProblemType(
            "stale-version",
            409,
            _("Outdated text version"),
            _("The text the request refers to has changed since; read it again and resend."),
        ),
        ProblemType(
            "idempotency-key-reused",
            409,
            _("Idempotency-Key reused"),
            _("This Idempotency-Key was already used with a different request."),
        ),
        ProblemType(
            "gone",
            410,
            _("Gone"),
            _("It was there but is no more, or its time is over (e.g. an expired download)."),
        ),
        ProblemType(
            "too-large",
            413,
            _("Request body too large"),
            _("The body is larger than the API accepts."),
        ),
        ProblemType(
            "unsupported-media-type",
            415,
            _("Unsupported media type"),
            _("Send bodies as application/json."),
        ),
        ProblemType(
            "throttled",
            429,
            _("Too many requests"),
            _("The rate limit of this API key or person is reached; Retry-After says when to try again."),
        ),
        ProblemType(
            "server-error",
            500,
            _("Internal error"),
            _("Something went wrong on our side; nothing was changed. Please try again later."),
        ),
    ]
}
_BY_STATUS = {problem.status: problem for problem in reversed(PROBLEM_TYPES.values())}


class Problem(exceptions.APIException):
    """An API error of a given problem type (raise a subclass or pass ``problem``)."""

    problem = "conflict"
    status_code = 409

    def __init__(self, detail: str | None = None, *, problem: str | None = None) -> None:
        if problem is not None:
            self.problem = problem
        self.status_code = PROBLEM_TYPES[self.problem].status
        super().__init__(detail=detail or str(PROBLEM_TYPES[self.problem].title), code=self.problem)


class Conflict(Problem):
    problem = "conflict"


class StaleVersion(Problem):
    problem = "stale-version"


class IdempotencyKeyReused(Problem):
    problem = "idempotency-key-reused"


@dataclass(frozen=True)
class RefusalProblem:
    """The problem type (so the status and title) the API answers a refusal of a service with."""

    refusal: type[Exception]
    problem: str
    code: str | None = None  # only refusals with this code; None: every refusal of the class

    def matches(self, refusal: Exception) -> bool:
        return isinstance(refusal, self.refusal) and self.code in (None, getattr(refusal, "code", None))


# A view lets the refusals of the services it calls through; each is answered by the first row
# that matches it, so a code or a subclass comes before its class.
REFUSALS: tuple[RefusalProblem, ...] = (
    RefusalProblem(feedback.Flooded, "throttled"),
    RefusalProblem(feedback.Missing, "not-found"),
    RefusalProblem(feedback.NotAllowed, "forbidden"),
    RefusalProblem(feedback.Conflict, "conflict"),
    RefusalProblem(feedback.Expired, "gone"),
    RefusalProblem(feedback.FeedbackRefused, "invalid"),
    RefusalProblem(StaleConsentForm, "stale-version"),
    RefusalProblem(ConsentRefused, "invalid"),
    RefusalProblem(DataRequestRefused, "not-found", code="unknown"),
    RefusalProblem(DataRequestRefused, "forbidden", code="staff"),
    RefusalProblem(DataRequestRefused, "conflict", code="already_open"),
    RefusalProblem(DataRequestRefused, "conflict", code="not_cancellable"),
    RefusalProblem(DataRequestRefused, "invalid"),
    RefusalProblem(ExportExpired, "gone"),
    RefusalProblem(BookingRefused, "not-found", code="unknown_follow_up"),
    RefusalProblem(BookingRefused, "conflict", code="closed"),
    RefusalProblem(BookingRefused, "invalid"),
    RefusalProblem(ExternalIdTaken, "conflict"),
)


def _refusal_message(refusal: Exception) -> str:
    return str(getattr(refusal, "message", "") or refusal)


def refusal_errors(refusal: Exception, *, fields: Mapping[str, str] | None = None) -> Any:
    """The validation error detail of an invalid-input refusal: its message under its field, with its code.

    ``fields`` maps the refusal's code to the request field it is about (``"*"``: any other code);
    without a field the refusal is about the whole request.
    """
    code = str(getattr(refusal, "code", "invalid"))
    fields = fields or {}
    field = fields.get(code, fields.get("*"))
    detail = [ErrorDetail(_refusal_message(refusal), code=code)]
    return {field: detail} if field else detail


def refusal_problem(refusal: Exception, *, view: object = None) -> exceptions.APIException | None:
    """The API error a refusal of a service stands for (see REFUSALS); None for any other exception.

    One of invalid input names the request field the view's ``refusal_fields`` (a mapping of
    refusal codes to fields) gives.
    """
    row = next((row for row in REFUSALS if row.matches(refusal)), None)
    if row is None:
        return None
    if row.problem == "invalid":
        fields = getattr(view, "refusal_fields", None)  # read only now: it may look at the request body
        return exceptions.ValidationError(refusal_errors(refusal, fields=fields))
    return Problem(_refusal_message(refusal) or None, problem=row.problem)


def problem_body(
    request: HttpRequest | None,
    *,
    status: int,
    problem: str | None = None,
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The problem document for ``status`` (and ``problem``, a slug of PROBLEM_TYPES)."""
    kind = PROBLEM_TYPES.get(problem or "") or _BY_STATUS.get(status)
    if kind is not None and kind.status == status:
        body: dict[str, Any] = {"type": kind.uri, "title": str(kind.title), "status": status}
    else:
        body = {"type": "about:blank", "title": _status_phrase(status), "status": status}
    body["detail"] = detail or body["title"]
    if request is not None:
        body["instance"] = request.path
    if errors is not None:
        body["errors"] = errors
    return body


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_http_response(
    request: HttpRequest, *, status: int, problem: str | None = None, detail: str | None = None
) -> JsonResponse:
    """A problem as a plain Django response (for errors outside DRF's views)."""
    return JsonResponse(
        problem_body(request, status=status, problem=problem, detail=detail),
        status=status,
        content_type=MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def validation_errors(detail: Any, path: str = "") -> list[dict[str, Any]]:
    """Flatten DRF's nested error detail into ``[{"field", "detail", "code"}]``.

    ``field`` is the dotted path (``changes.0.purpose``) or None for the whole body.
    """
    if isinstance(detail, dict):
        return [
            error
            for name, inner in detail.items()
            for error in validation_errors(
                inner,
                path if name in ("non_field_errors", "detail") else f"{path}.{name}" if path else str(name),
            )
        ]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [error for item in detail for error in validation_errors(item, path)]
        return [
            error
            for index, inner in enumerate(detail)
            if inner
            for error in validation_errors(inner, f"{path}.{index}" if path else str(index))
        ]
    return [{"field": path or None, "detail": str(detail), "code": getattr(detail, "code", "invalid")}]


_SLUGS: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ValidationError, "invalid"),
    (exceptions.ParseError, "malformed"),
    (exceptions.NotAuthenticated, "unauthenticated"),
    (exceptions.AuthenticationFailed, "unauthenticated"),
    (exceptions.PermissionDenied, "forbidden"),
    (exceptions.NotFound, "not-found"),
    (exceptions.MethodNotAllowed, "method-not-allowed"),
    (exceptions.NotAcceptable, "not-acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported-media-type"),
    (exceptions.Throttled, "throttled"),
]


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler: every API error as a problem; None (→ 500) for real crashes.

    A refusal of a service becomes the problem REFUSALS maps it to (see :func:`refusal_problem`).
    """
    refused = refusal_problem(exc, view=context.get("view"))
    if refused is not None:
        exc = refused
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(exc, "wait", None)
    if wait is not None:
        headers["Retry-After"] = str(math.ceil(wait))
    if isinstance(exc, Problem):
        slug: str | None = exc.problem
    else:
        slug = next((slug for cls, slug in _SLUGS if isinstance(exc, cls)), None)
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = validation_errors(exc.detail)
        detail = str(_("The request is not valid; see errors for each field."))
    else:
        detail = str(exc.detail)
    set_rollback()
    request = context.get("request")
    return Response(
        problem_body(request, status=exc.status_code, problem=slug, detail=detail, errors=errors),
        status=exc.status_code,
        headers=headers,
        content_type=MEDIA_TYPE,
    )
