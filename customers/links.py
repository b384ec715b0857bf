"""Signed links in mails: one-click unsubscribe and double opt-in confirmation.

A link carries everything it needs, signed with the secret key, so it works
without a login or a cookie and cannot be forged or pointed at someone else.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "customers.unsubscribe"
CONFIRM_SALT = "customers.consent-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def absolute(path: str) -> str:
    """Return the public URL of a path of the portal."""
    return f"{settings.PORTAL_BASE_URL}{path}"


def unsubscribe_token(*, customer_id: int, purpose_key: str) -> str:
    return signing.dumps({"c": customer_id, "p": purpose_key}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, customer_id: int, purpose_key: str) -> str:
    token = unsubscribe_token(customer_id=customer_id, purpose_key=purpose_key)
    return absolute(reverse("customers:unsubscribe", args=[token]))


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    """Return (customer id, purpose key); raise ``signing.BadSignature`` if tampered."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(data["c"]), str(data["p"])


def consent_confirm_url(*, record_id: int) -> str:
    token = signing.dumps({"r": record_id}, salt=CONFIRM_SALT)
    return absolute(reverse("customers:consent_confirm", args=[token]))


def consent_confirm_token_read(token: str) -> int:
    """Return the pending record's id; raise ``signing.BadSignature`` if tampered or expired."""
    return int(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)["r"])
