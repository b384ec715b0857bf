"""Who is calling: a system with an API key, a person with a token, or a person's browser session.

Tried in that order (the session is DRF's own SessionAuthentication, which
checks CSRF on every write). A header that names a scheme but carries a wrong,
unknown or revoked secret is refused (401); no header at all falls through
to the next class and, at the end, to "not authenticated" (401 as well).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api import keys
from api.models import ApiKey, System
from customers.models import User


class SystemPrincipal:
    """``request.user`` of a call made with an API key: an integrated system, never a person."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key

    @property
    def system(self) -> System:
        return self.api_key.system  # loaded when first needed: the consent check never needs it

    def __str__(self) -> str:
        return f"System: {self.system.name}"

    def get_full_name(self) -> str:
        return str(self)


def _credential(request: Request, keyword: str) -> str | None:
    """Return the secret after ``Authorization: <keyword> ``, or None if another scheme is used."""
    parts = authentication.get_authorization_header(request).split()
    if not parts or parts[0].lower() != keyword.lower().encode():
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(
            _("The Authorization header must be “%(keyword)s <secret>”.") % {"keyword": keyword}
        )
    try:
        return parts[1].decode("ascii")
    except UnicodeDecodeError:
        raise exceptions.AuthenticationFailed(_("The secret is not valid.")) from None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Api-Key tpk_…``: an integrated system."""

    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[SystemPrincipal, ApiKey] | None:
        plaintext = _credential(request, self.keyword)
        if plaintext is None:
            return None
        key = keys.api_key_authenticate(plaintext=plaintext)
        if key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid or has been revoked."))
        return SystemPrincipal(key), key

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer tpu_…``: a person's own token."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, Any] | None:
        plaintext = _credential(request, self.keyword)
        if plaintext is None:
            return None
        token = keys.personal_token_authenticate(plaintext=plaintext)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid or has been revoked."))
        return token.customer, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
