"""Outgoing webhooks: domain events, told to the systems that subscribed, signed and retried.

A subscriber turns each mapped domain event into one :class:`WebhookDelivery`
per subscribed endpoint (unique per endpoint and event key, so an event is
never delivered twice) and enqueues its delivery in the dispatch's
transaction. The delivery task claims the delivery, POSTs it and records the
outcome; a failure is retried with exponential backoff by a delayed job
(``PORTAL_WEBHOOK_RETRY_SECONDS``, doubling, at most an hour) until
``PORTAL_WEBHOOK_MAX_ATTEMPTS`` failures in a row make it *dead*. Staff can
resend from the delivery log in admin.

Each request carries::

    Content-Type: application/json
    X-Portal-Event: consent.withdrawn
    X-Portal-Delivery: <uuid, the same on every retry and resend>
    X-Portal-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>

Receivers verify the signature (see :func:`webhook_signature_verify`),
reject old timestamps and ignore a delivery id they have already handled.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ExternalId, WebhookDelivery, WebhookEndpoint, WebhookEvent
from plumbing.events import EventName, event_subscribe
from plumbing.jobs import job_enqueue
from plumbing.models import Event

logger = logging.getLogger(__name__)

TASK = "api.deliver_webhook"
SIGNATURE_HEADER = "X-Portal-Signature"
USER_AGENT = "TrustPortal-Webhooks/1"


@dataclass(frozen=True)
class WebhookMapping:
    """Which webhook a domain event becomes, and which of its payload keys are passed on."""

    webhook: WebhookEvent
    fields: tuple[str, ...]


# The one place that says which domain events systems hear about, and what of them.
# Only these keys leave the portal, with the customer's id and the receiving
# system's own external id: nothing else about the person.
WEBHOOK_EVENTS: dict[str, WebhookMapping] = {
    EventName.CONSENT_WITHDRAWN: WebhookMapping(WebhookEvent.CONSENT_WITHDRAWN, ("purpose", "channel")),
    EventName.EXPORT_DELIVERED: WebhookMapping(WebhookEvent.DATA_REQUEST_COMPLETED, ("request_id",)),
    EventName.TRUST_BAND_CHANGED: WebhookMapping(WebhookEvent.BAND_CHANGED, ("band", "previous_band")),
    EventName.TRUST_FOLLOWUP_CREATED: WebhookMapping(
        WebhookEvent.FOLLOWUP_CREATED, ("followup_id", "reason")
    ),
}


def connect_subscribers() -> None:
    """Listen to every mapped domain event (called once from the app's ready())."""
    for name in WEBHOOK_EVENTS:
        event_subscribe(name, _on_event)


def _on_event(event: Event) -> None:
    webhook_deliveries_create(event)


def webhook_deliveries_create(event: Event) -> list[WebhookDelivery]:
    """Record one delivery per endpoint subscribed to this event, and enqueue each (a subscriber)."""
    mapping = WEBHOOK_EVENTS.get(event.name)
    if mapping is None:
        return []
    # Few endpoints exist; filtering in Python works on every database's JSON.
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(active=True).order_by("pk")
        if mapping.webhook in endpoint.events
    ]
    if not endpoints:
        return []
    external_ids = dict(
        ExternalId.objects.filter(
            customer_id=event.customer_id, system_id__in={endpoint.system_id for endpoint in endpoints}
        ).values_list("system_id", "value")
    )
    created = []
    for endpoint in endpoints:
        public_id = uuid.uuid4()
        delivery, is_new = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint,
            event_key=event.key,
            defaults={
                "public_id": public_id,
                "event": mapping.webhook,
                "customer_id": event.customer_id,
                "payload": {
                    "id": str(public_id),
                    "event": str(mapping.webhook),
                    "occurred_at": event.occurred_at.isoformat(),
                    "customer": {
                        "id": event.customer_id,
                        "external_id": external_ids.get(endpoint.system_id),
                    },
                    "data": {key: event.payload[key] for key in mapping.fields if key in event.payload},
                },
            },
        )
        if is_new:
            job_enqueue(task=TASK, args=[delivery.pk], key=f"webhook:{delivery.pk}:0")
            created.append(delivery)
    return created


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Portal-Signature`` value for a body sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_signature_verify(*, secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """Check a received signature the way a receiver should: right secret, fresh timestamp."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is a failed delivery, never a POST to another address


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST and return (HTTP status or None, error text or "")."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None, "not an http(s) URL"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=settings.PORTAL_WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        return None, repr(error)[:2000]


def _backoff(failures: int) -> timedelta:
    return timedelta(seconds=min(3600, settings.PORTAL_WEBHOOK_RETRY_SECONDS * 2 ** (failures - 1)))


def webhook_deliver(*, delivery_id: int) -> str:
    """Send one due delivery once; return its state afterwards ("skipped" if not due or taken)."""
    now = timezone.now()
    # Claim: a second worker (or a redelivered task) finds nothing due and stops here.
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now
    ).update(
        attempts=F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=settings.PORTAL_WEBHOOK_TIMEOUT_SECONDS + 60),
    )
    if claimed != 1:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active:
        status: int | None = None
        error = _("The endpoint is inactive.")
    else:
        body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Portal-Event": delivery.event,
            "X-Portal-Delivery": str(delivery.public_id),
            SIGNATURE_HEADER: webhook_signature(
                secret=endpoint.secret, timestamp=int(time.time()), body=body
            ),
        }
        status, error = _post(endpoint.url, body, headers)
    return _record_outcome(delivery, status, error)


def _record_outcome(delivery: WebhookDelivery, status: int | None, error: str) -> str:
    now = timezone.now()
    rows = WebhookDelivery.objects.filter(pk=delivery.pk, state=WebhookDelivery.State.PENDING)
    if status is not None and 200 <= status < 300:
        rows.update(
            state=WebhookDelivery.State.DELIVERED, delivered_at=now, last_status=status, last_error=""
        )
        return WebhookDelivery.State.DELIVERED
    failures = delivery.failures + 1
    if failures >= settings.PORTAL_WEBHOOK_MAX_ATTEMPTS or not delivery.endpoint.active:
        rows.update(state=WebhookDelivery.State.DEAD, failures=failures, last_status=status, last_error=error)
        logger.warning("webhook delivery %s is dead after %s failures: %s", delivery.pk, failures, error)
        return WebhookDelivery.State.DEAD
    retry_at = now + _backoff(failures)
    with transaction.atomic():
        rows.update(failures=failures, next_attempt_at=retry_at, last_status=status, last_error=error)
        job_enqueue(
            task=TASK,
            args=[delivery.pk],
            key=f"webhook:{delivery.pk}:{delivery.attempts}",
            run_after=retry_at,
        )
    return WebhookDelivery.State.PENDING


def webhook_delivery_resend(*, delivery_id: int) -> bool:
    """Send a delivered or dead delivery again, with a fresh count of attempts (admin action)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .filter(pk=delivery_id)
            .exclude(state=WebhookDelivery.State.PENDING)
            .first()
        )
        if delivery is None:
            return False
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.PENDING, failures=0, next_attempt_at=timezone.now(), delivered_at=None
        )
        job_enqueue(task=TASK, args=[delivery.pk], key=f"webhook:{delivery.pk}:{delivery.attempts}")
    return True
