"""``Idempotency-Key``: a retried POST returns the original response and does nothing twice.

Decorate a view's handler with :func:`idempotent`; a view with
``idempotency_required = True`` refuses a request without the header (400). A request with the header
first claims the key for its caller (API key or person) by inserting an
:class:`IdempotencyRecord` in the transaction that also does the work, then
stores the response there. The unique constraint makes a concurrent twin
wait for the first to commit, after which it replays the stored response.

- same key, same request (method, path and JSON body) → the stored response,
  with ``Idempotent-Replayed: true``;
- same key, different request → 409 ``idempotency-key-reused``;
- an error response is not stored: the work is rolled back with the claim,
  so the client may fix the request and retry with the same key.

Records are kept ``PORTAL_API_IDEMPOTENCY_HOURS`` and purged by a periodic task.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import IdempotencyRecord
from api.permissions import caller_key, caller_person
from api.problems import IdempotencyKeyReused

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")

V = TypeVar("V")
Handler = Callable[..., Response]


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.get_full_path()}\n{body}".encode()).hexdigest()


def _owner(request: Request) -> dict[str, Any] | None:
    key = caller_key(request)
    if key is not None:
        return {"api_key": key}
    person = caller_person(request)
    return None if person is None else {"user": person}


def _replay(record: IdempotencyRecord) -> Response:
    return Response(record.response, status=record.status_code, headers={REPLAYED_HEADER: "true"})


def idempotent(handler: Handler) -> Handler:
    """Make a view's POST handler honour ``Idempotency-Key`` (and run it in one transaction)."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        owner = _owner(request)
        if key is None and getattr(view, "idempotency_required", False):
            raise ValidationError(
                {
                    HEADER: [
                        _("Send an Idempotency-Key header (e.g. a UUID), so a retry books nothing twice.")
                    ]
                },
                code="required",
            )
        if key is None or owner is None:
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                if response.status_code >= 400:
                    transaction.set_rollback(True)
                return response
        if not _VALID_KEY.match(key):
            raise ValidationError({HEADER: [_("Use 1 to 255 visible ASCII characters, e.g. a UUID.")]})
        fingerprint = _fingerprint(request)  # parses the body first: malformed JSON claims nothing
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(**owner, key=key, request_hash=fingerprint)
            except IntegrityError:
                # Taken: by an earlier request, or by a twin we waited for until it committed.
                record = IdempotencyRecord.objects.get(**owner, key=key)
                if record.request_hash != fingerprint:
                    raise IdempotencyKeyReused() from None
                return _replay(record)
            response = handler(view, request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.response = json.loads(JSONRenderer().render(response.data) or b"null")
            record.save(update_fields=["status_code", "response"])
        return response

    wrapper.idempotent = True  # type: ignore[attr-defined]  # read by the schema
    return wrapper


def idempotency_records_purge(*, older_than: timedelta | None = None) -> int:
    """Delete stored responses older than ``PORTAL_API_IDEMPOTENCY_HOURS``; return how many."""
    age = older_than or timedelta(hours=settings.PORTAL_API_IDEMPOTENCY_HOURS)
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - age).delete()
    return deleted
