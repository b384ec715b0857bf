"""The REST API's settings (Django REST framework, drf-spectacular), imported by portal.settings."""

from django.core.exceptions import ImproperlyConfigured

from portal.environment import env_str


def _rate(variable: str, default: str) -> str:
    """A throttle rate like ``600/min`` (per s, min, hour or day), named in the error if malformed."""
    value = env_str(variable, default)
    number, _slash, period = value.partition("/")
    if not number.isdigit() or int(number) < 1 or period not in {"s", "sec", "min", "hour", "day"}:
        raise ImproperlyConfigured(
            f"{variable} must look like 600/min (per s, min, hour or day); got {value!r}"
        )
    return value


# Deny by default: every view names who may call it. Errors are problem+json
# (api/problems.py); only JSON goes in and out.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.ApiKeyThrottle",
        "api.throttling.PersonThrottle",
    ],
    # Requests per API key and per signed-in person; the benchmark raises them.
    "DEFAULT_THROTTLE_RATES": {
        "api_key": _rate("PORTAL_API_KEY_RATE", "6000/min"),
        "person": _rate("PORTAL_API_PERSON_RATE", "300/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPage",
    "PAGE_SIZE": 50,
    # Views that offer ordering add rest_framework.filters.OrderingFilter with their ordering_fields.
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Trust Portal API",
    "DESCRIPTION": (
        "The portal's data for the customer's own apps (`/api/v1/me/...`: session or personal token) "
        "and for the company's other systems (API key with scopes). Every error is an RFC 9457 "
        "`application/problem+json` document."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind" and a "status": name each set of choices after its model.
    "ENUM_NAME_OVERRIDES": {
        "DataRequestKindEnum": "customers.models.DataRequest.Kind",
        "DataRequestStatusEnum": "customers.models.DataRequest.Status",
        "FeedbackKindEnum": "feedback.models.Kind",
        "ThreadStatusEnum": "feedback.models.Thread.Status",
        "IdeaStatusEnum": "feedback.models.Idea.Status",
    },
}
