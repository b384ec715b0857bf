"""API keys and personal tokens: issue, check, revoke.

A secret looks like ``tpk_<prefix>_<secret>`` (API key) or ``tpu_<prefix>_<secret>``
(a person's token). The prefix is public and indexed; the whole string is
stored only as its SHA-256 hash and shown once, when it is made.

Every integration request checks its key, so each process keeps the keys it
verified for ``PORTAL_API_KEY_CACHE_SECONDS`` (default 5): within that time
a key is checked against its remembered hash without a query. A change to a
key (revocation, scopes, deletion) therefore reaches every process within
that bound, and the process that made it at once (the cache is emptied on
every save or delete of a key and by :func:`api_keys_revoke`). 0 turns the
cache off.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from api.models import ApiKey, Credential, PersonalToken
from customers.models import User

API_KEY_KIND = "tpk"
PERSONAL_TOKEN_KIND = "tpu"  # noqa: S105  (a public prefix, not a secret)
# last_used_at is written at most this often per credential, so busy keys do not write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

C = TypeVar("C", bound=Credential)


def secret_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _assign_secret(credential: Credential, kind: str) -> str:
    prefix = secrets.token_hex(6)
    plaintext = f"{kind}_{prefix}_{secrets.token_urlsafe(32)}"
    credential.prefix = prefix
    credential.hashed = secret_hash(plaintext)
    return plaintext


def _prefix_of(plaintext: str, kind: str) -> str | None:
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != kind or not parts[1] or not parts[2]:
        return None
    return parts[1]


def monotonic() -> float:
    """The clock of the key cache (a function of its own, so tests can move it)."""
    return time.monotonic()


def _check(credential: C | None, plaintext: str) -> C | None:
    """Return the credential if the secret matches and it is not revoked; note its use."""
    if credential is None or not hmac.compare_digest(credential.hashed, secret_hash(plaintext)):
        return None
    if credential.revoked_at is not None:
        return None
    _note_use(credential)
    return credential


def _note_use(credential: Credential) -> None:
    """Write the credential's last use, at most once per LAST_USED_RESOLUTION."""
    now = timezone.now()
    if credential.last_used_at is None or credential.last_used_at < now - LAST_USED_RESOLUTION:
        # Conditional: of many concurrent requests, one writes; the others touch no row.
        type(credential)._default_manager.filter(pk=credential.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        credential.last_used_at = now


def api_key_issue(*, key: ApiKey) -> str:
    """Give a new key its secret, save it and return the plaintext: shown once, never stored."""
    plaintext = _assign_secret(key, API_KEY_KIND)
    key.save()
    return plaintext


_WANTED = {"id", "name", "prefix", "hashed", "scopes", "last_used_at", "revoked_at", "system_id"}
# In the model's field order, as Model.from_db expects.
_KEY_FIELDS = [field.attname for field in ApiKey._meta.concrete_fields if field.attname in _WANTED]


@functools.cache
def _key_statement() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in _KEY_FIELDS)
    return f"SELECT {columns} FROM {quote(ApiKey._meta.db_table)} WHERE prefix = %s"  # noqa: S608


def _key_by_prefix(prefix: str) -> ApiKey | None:
    """Load a key in one plain statement.

    Every integration request does this, and the ORM's query building costs
    several times the round trip here. The key comes back with only these
    fields loaded (the others are deferred, so saving it cannot overwrite
    them); its system is loaded if and when it is used.
    """
    with connection.cursor() as cursor:
        cursor.execute(_key_statement(), [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(_KEY_FIELDS, row, strict=True))
    if isinstance(values["scopes"], str):
        values["scopes"] = json.loads(values["scopes"])
    values["last_used_at"], values["revoked_at"] = (
        _aware(values["last_used_at"]),
        _aware(values["revoked_at"]),
    )
    return ApiKey.from_db(connection.alias, _KEY_FIELDS, list(values.values()))


def _aware(value: datetime | str | None) -> datetime | None:
    """A timestamp from a plain cursor (SQLite gives text) as an aware datetime."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


# prefix → (a live key this process verified, when it was read from the database)
_verified: dict[str, tuple[ApiKey, float]] = {}
_VERIFIED_MAX = 10_000


def api_key_authenticate(*, plaintext: str) -> ApiKey | None:
    """Return the live key this secret belongs to, with its system, or None (see the module's doc)."""
    prefix = _prefix_of(plaintext, API_KEY_KIND)
    if prefix is None:
        return None
    seconds = settings.PORTAL_API_KEY_CACHE_SECONDS
    now = monotonic()
    remembered = _verified.get(prefix)
    if remembered is not None and now - remembered[1] < seconds:
        known = remembered[0]
        if not hmac.compare_digest(known.hashed, secret_hash(plaintext)):
            return None
        _note_use(known)
        return known
    key = _check(_key_by_prefix(prefix), plaintext)
    if key is None or seconds <= 0:
        _verified.pop(prefix, None)
        return key
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()
    _verified[prefix] = (key, now)
    return key


def api_key_cache_forget(**_: object) -> None:
    """Forget the keys this process verified (after a key changed; a signal receiver too)."""
    _verified.clear()


def api_keys_revoke(*, keys: QuerySet[ApiKey]) -> int:
    """Revoke keys at once (admin action); return how many were live."""
    revoked = keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    api_key_cache_forget()
    return revoked


def personal_token_create(*, customer: User, name: str) -> tuple[PersonalToken, str]:
    """Make a token for the customer's own use of the API; return it and its plaintext (shown once)."""
    token = PersonalToken(customer=customer, name=name.strip()[:100])
    plaintext = _assign_secret(token, PERSONAL_TOKEN_KIND)
    token.save()
    return token, plaintext


def personal_token_authenticate(*, plaintext: str) -> PersonalToken | None:
    """Return the live token of an active person this secret belongs to, or None."""
    prefix = _prefix_of(plaintext, PERSONAL_TOKEN_KIND)
    if prefix is None:
        return None
    token = (
        PersonalToken.objects.select_related("customer")
        .filter(prefix=prefix, customer__is_active=True)
        .first()
    )
    return _check(token, plaintext)


def personal_token_revoke(*, customer: User, token_id: int) -> bool:
    """Revoke one of the customer's own tokens; False if it is not theirs or already revoked."""
    return bool(
        PersonalToken.objects.filter(pk=token_id, customer=customer, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def personal_tokens_of(*, customer: User) -> QuerySet[PersonalToken]:
    """The customer's tokens, newest first."""
    return PersonalToken.objects.filter(customer=customer).order_by("-created_at", "-pk")
