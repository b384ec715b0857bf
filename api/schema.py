"""The OpenAPI description: security schemes, and the problem responses every operation can give.

:class:`PortalAutoSchema` adds to each operation the problems it can answer
with (401/403/429 for authenticated endpoints, 400/413/415 for bodies, 404
for URLs with an id, 409 for idempotent POSTs, and whatever the view lists in
``problem_responses``), each with an example, so nobody has to remember to
document them; it keeps only the security schemes that can pass the view's
permissions and names the API key scopes an endpoint needs.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from api import idempotency
from api.permissions import HasScope, IsCustomer, required_scopes
from api.problems import MEDIA_TYPE, PROBLEM_TYPES, problem_body


class ProblemFieldErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    field = serializers.CharField(
        allow_null=True,
        help_text=_("The field (dotted path) or query parameter; null for the whole request."),
    )
    detail = serializers.CharField(help_text=_("What is wrong, for people."))
    code = serializers.CharField(help_text=_("What is wrong, for programs (e.g. required, invalid)."))


class ProblemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """An RFC 9457 problem document."""

    type = serializers.CharField(help_text=_("Identifies the kind of problem; a URL that describes it."))
    title = serializers.CharField(help_text=_("Short summary of the kind of problem."))
    status = serializers.IntegerField(help_text=_("The HTTP status code."))
    detail = serializers.CharField(help_text=_("What went wrong with this request."))
    instance = serializers.CharField(required=False, help_text=_("The path of the request."))
    errors = ProblemFieldErrorSerializer(  # type: ignore[assignment]
        many=True, required=False, help_text=_("For invalid input: one entry per wrong field.")
    )

    class Meta:
        ref_name = "Problem"


_EXAMPLE_ERRORS = {
    "invalid": [{"field": "purpose", "detail": "This field is required.", "code": "required"}],
}


class PortalAutoSchema(AutoSchema):
    def _handler(self) -> Any:
        return getattr(self.view, self.method.lower(), None)

    def _problems(self, operation: dict[str, Any]) -> dict[int, list[str]]:
        problems: dict[int, list[str]] = {}
        permissions = self.view.get_permissions()
        if not any(isinstance(permission, AllowAny) for permission in permissions):
            problems[401] = ["unauthenticated"]
            problems[403] = ["forbidden"]
            problems[429] = ["throttled"]
        if self.method in ("POST", "PUT", "PATCH"):
            problems[400] = ["invalid", "malformed"]
            problems[413] = ["too-large"]
            problems[415] = ["unsupported-media-type"]
        elif any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
            problems[400] = ["invalid"]
        if "{" in self.path:
            problems[404] = ["not-found"]
        declared = getattr(self.view, "problem_responses", {})
        for status, slugs in declared.get(self.method, declared.get("*", {})).items():
            problems.setdefault(status, []).extend(slugs)
        if getattr(self._handler(), "idempotent", False):
            problems.setdefault(409, []).append("idempotency-key-reused")
        return problems

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        if any(isinstance(permission, HasScope) for permission in self.view.get_permissions()):
            scopes = ", ".join(f"`{scope}`" for scope in required_scopes(self.view, self.method))
            needs = str(_("Needs an API key with the scope(s): %(scopes)s.") % {"scopes": scopes})
            operation["description"] = f"{operation.get('description', '')}\n\n{needs}".strip()
        problem_ref = self.resolve_serializer(ProblemSerializer, "response").ref
        responses = operation.setdefault("responses", {})
        for status, slugs in sorted(self._problems(operation).items()):
            if str(status) in responses:
                continue
            examples = {}
            for slug in slugs:
                value = problem_body(None, status=status, problem=slug, errors=_EXAMPLE_ERRORS.get(slug))
                value["instance"] = self.path
                examples[slug] = {"summary": str(PROBLEM_TYPES[slug].title), "value": value}
            responses[str(status)] = {
                "description": " / ".join(str(PROBLEM_TYPES[slug].title) for slug in slugs),
                "content": {MEDIA_TYPE: {"schema": problem_ref, "examples": examples}},
            }
        if getattr(self._handler(), "idempotent", False):
            for status, response in responses.items():
                if status.startswith("2"):
                    response.setdefault("headers", {})[idempotency.REPLAYED_HEADER] = {
                        "schema": {"type": "string", "enum": ["true"]},
                        "description": str(
                            _("Present when this is the stored response to an earlier request.")
                        ),
                    }
        return operation

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if getattr(self._handler(), "idempotent", False):
            parameters.append(
                OpenApiParameter(
                    idempotency.HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    required=bool(getattr(self.view, "idempotency_required", False)),
                    description=str(
                        _(
                            "Makes retries safe: the same key with the same body returns the first "
                            "response and does nothing again; with another body it is a 409. "
                            "Up to 255 visible ASCII characters, e.g. a UUID; kept at least 24 hours."
                        )
                    ),
                )
            )
        return parameters

    def get_auth(self) -> list[dict[str, Any]]:
        auths: list[dict[str, Any]] = super().get_auth()
        permissions = self.view.get_permissions()
        if any(isinstance(permission, HasScope) for permission in permissions):
            return [auth for auth in auths if ApiKeyScheme.name in auth]
        if any(isinstance(permission, IsCustomer) for permission in permissions):
            return [auth for auth in auths if ApiKeyScheme.name not in auth]
        return auths


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _(
                    "For the company's other systems: `Authorization: Api-Key tpk_…`, a key issued in "
                    "admin to a named system with the scopes it needs."
                )
            ),
        }


class PersonalTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "PersonalToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "For a customer's own apps: `Authorization: Bearer tpu_…`, a token the customer "
                    "makes under Account → API tokens."
                )
            ),
        }


def register_extensions() -> None:
    """Nothing to do: importing this module registers the schemes with drf-spectacular."""
