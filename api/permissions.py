"""Who may call what. Without credentials DRF answers 401; with the wrong kind, 403.

Permissions decide whether a caller may use an endpoint at all. Which rows
it sees is decided by each view's queryset, filtered by the caller: DRF's
object permissions do not run on lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from api.models import ApiKey
from customers.models import User

if TYPE_CHECKING:
    from rest_framework.views import APIView


def caller_person(request: Request) -> User | None:
    """The signed-in person (session or personal token), or None for systems and anonymous callers."""
    user = request.user
    if isinstance(user, User) and user.is_authenticated and not isinstance(request.auth, ApiKey):
        return user
    return None


def caller_key(request: Request) -> ApiKey | None:
    """The API key the request came with, or None."""
    return request.auth if isinstance(request.auth, ApiKey) else None


class IsCustomer(BasePermission):
    """A signed-in person, acting for themselves (the ``/me/`` endpoints)."""

    message = gettext_lazy("This endpoint is for a signed-in person; API keys cannot use it.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return caller_person(request) is not None


class HasScope(BasePermission):
    """An API key with every scope the view declares.

    The view sets ``required_scopes``: a list for every method, or a mapping
    from method (``"GET"``, ``"PUT"``...) to a list.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        key = caller_key(request)
        if key is None:
            self.message = _("This endpoint needs an API key.")
            return False
        needed = required_scopes(view, request.method or "GET")
        missing = [scope for scope in needed if scope not in key.scopes]
        if missing:
            self.message = _("This API key lacks the scope(s): %(scopes)s.") % {"scopes": ", ".join(missing)}
            return False
        return True


def required_scopes(view: object, method: str) -> list[str]:
    """The scopes a view declares for a method (also read by the schema)."""
    declared: Sequence[str] | Mapping[str, Sequence[str]] | None = getattr(view, "required_scopes", None)
    if declared is None:
        raise ImproperlyConfigured(f"{type(view).__name__} uses HasScope but declares no required_scopes")
    if isinstance(declared, Mapping):
        return [str(scope) for scope in declared.get(method.upper(), ())]
    return [str(scope) for scope in declared]
