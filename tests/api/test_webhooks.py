"""Outgoing webhooks against a real HTTP server: signed, once per event, retried, dead, resent."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from api.external_ids import external_id_store
from api.models import System, WebhookDelivery, WebhookEndpoint
from api.webhooks import (
    webhook_deliver,
    webhook_deliveries_create,
    webhook_delivery_resend,
    webhook_signature,
    webhook_signature_verify,
)
from customers.consents import ConsentChange, consent_change
from customers.models import ConsentRecord
from plumbing.events import EventName, event_publish
from plumbing.models import Event, Job
from tests.api.credentials import system
from tests.api.webhook_testing import Receiver, withdrawn_event
from tests.factories import customer

pytestmark = pytest.mark.django_db

CENTER = ConsentRecord.Source.PRIVACY_CENTER


def _endpoint(
    url: str, *, on: System | None = None, events: tuple[str, ...] = ("consent.withdrawn",)
) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(system=on or system(), url=url, events=list(events))


def _make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_withdrawn_consent_reaches_the_subscribed_system_signed_and_minimal(
    receiver: Receiver, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    shop = system("Shop")
    endpoint = _endpoint(receiver.url, on=shop)
    alice = customer(email="alice@example.com", full_name="Alice Example")
    external_id_store(system=shop, customer=alice, value="SHOP-1")

    with django_capture_on_commit_callbacks(execute=True):
        consent_change(customer=alice, changes=[ConsentChange("surveys", "email", True)], source=CENTER)
        consent_change(customer=alice, changes=[ConsentChange("surveys", "email", False)], source=CENTER)

    [request] = receiver.received
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.DELIVERED
    assert delivery.last_status == 200
    assert request.headers["X-Portal-Event"] == "consent.withdrawn"
    assert request.headers["X-Portal-Delivery"] == str(delivery.public_id)
    assert request.headers["Content-Type"] == "application/json"
    assert webhook_signature_verify(
        secret=endpoint.secret, header=request.headers["X-Portal-Signature"], body=request.body
    )
    payload = json.loads(request.body)
    assert payload["customer"] == {"id": alice.pk, "external_id": "SHOP-1"}
    assert payload["data"] == {"purpose": "surveys", "channel": "email"}
    assert payload["event"] == "consent.withdrawn"
    assert payload["id"] == str(delivery.public_id)
    assert "alice" not in request.body.decode().lower()


def test_only_active_endpoints_subscribed_to_the_event_get_it(receiver: Receiver) -> None:
    subscribed = _endpoint(receiver.url)
    _endpoint(receiver.url, events=("band.changed",))
    WebhookEndpoint.objects.create(
        system=system(), url=receiver.url, events=["consent.withdrawn"], active=False
    )

    created = webhook_deliveries_create(withdrawn_event(customer()))

    assert [delivery.endpoint for delivery in created] == [subscribed]


def test_an_event_is_delivered_once_per_endpoint_however_often_it_is_handled(receiver: Receiver) -> None:
    _endpoint(receiver.url)
    event = withdrawn_event(customer())

    webhook_deliveries_create(event)
    webhook_deliveries_create(event)

    assert WebhookDelivery.objects.count() == 1
    assert Job.objects.filter(task="api.deliver_webhook").count() == 1


def test_events_without_a_webhook_are_not_sent(receiver: Receiver) -> None:
    _endpoint(receiver.url, events=("consent.withdrawn", "band.changed"))
    alice = customer()
    consent_change(customer=alice, changes=[ConsentChange("surveys", "email", True)], source=CENTER)

    assert webhook_deliveries_create(Event.objects.get(name=EventName.CONSENT_GRANTED)) == []


def test_trust_events_become_band_and_follow_up_webhooks(receiver: Receiver) -> None:
    _endpoint(receiver.url, events=("band.changed", "followup.created"))
    alice = customer()
    band = event_publish(
        name=EventName.TRUST_BAND_CHANGED,
        customer_id=alice.pk,
        key="band:1",
        payload={"band": "at_risk", "previous_band": "watch", "balance": -12},
    )
    followup = event_publish(
        name=EventName.TRUST_FOLLOWUP_CREATED,
        customer_id=alice.pk,
        key="fu:1",
        payload={"followup_id": 5, "reason": "alarm"},
    )

    [band_delivery] = webhook_deliveries_create(band)
    [followup_delivery] = webhook_deliveries_create(followup)

    assert band_delivery.event == "band.changed"
    assert band_delivery.payload["data"] == {"band": "at_risk", "previous_band": "watch"}
    assert followup_delivery.payload["data"] == {"followup_id": 5, "reason": "alarm"}


def test_a_failing_receiver_is_retried_with_exponential_backoff(
    receiver: Receiver, settings: Settings
) -> None:
    settings.PORTAL_WEBHOOK_RETRY_SECONDS = 60
    receiver.statuses.extend([500, 503])
    _endpoint(receiver.url)
    [delivery] = webhook_deliveries_create(withdrawn_event(customer()))

    assert webhook_deliver(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    first_wait = delivery.next_attempt_at - timezone.now()
    retry = Job.objects.get(key=f"webhook:{delivery.pk}:1")
    assert webhook_deliver(delivery_id=delivery.pk) == "skipped"  # not due yet

    _make_due(delivery)
    assert webhook_deliver(delivery_id=delivery.pk) == "pending"
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - timezone.now()

    _make_due(delivery)
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    delivery.refresh_from_db()
    assert timedelta(seconds=55) < first_wait <= timedelta(seconds=60)
    assert timedelta(seconds=115) < second_wait <= timedelta(seconds=120)
    assert retry.next_attempt_at > retry.created_at  # the retry waits in the outbox, not in the broker
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (3, 200, "")
    assert len(receiver.received) == 3
    assert len({r.headers["X-Portal-Delivery"] for r in receiver.received}) == 1


def test_a_delivery_is_dead_after_the_last_attempt_and_can_be_resent(
    receiver: Receiver, settings: Settings
) -> None:
    settings.PORTAL_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.statuses.extend([500, 500, 500])
    _endpoint(receiver.url)
    [delivery] = webhook_deliveries_create(withdrawn_event(customer()))

    outcomes = []
    for _attempt in range(3):
        _make_due(delivery)
        outcomes.append(webhook_deliver(delivery_id=delivery.pk))
    jobs_after_death = Job.objects.filter(task="api.deliver_webhook").count()

    assert outcomes == ["pending", "pending", "dead"]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.failures, delivery.last_status) == ("dead", 3, 500)
    assert jobs_after_death == 3  # the first and two retries, none after death

    assert webhook_delivery_resend(delivery_id=delivery.pk)
    assert not webhook_delivery_resend(delivery_id=delivery.pk)  # already pending
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.failures, delivery.attempts) == ("delivered", 0, 4)
    assert Job.objects.filter(key=f"webhook:{delivery.pk}:3").exists()


def test_a_redirect_is_a_failure_not_a_post_elsewhere(receiver: Receiver) -> None:
    receiver.statuses.append(302)
    _endpoint(receiver.url)
    [delivery] = webhook_deliveries_create(withdrawn_event(customer()))

    assert webhook_deliver(delivery_id=delivery.pk) == "pending"

    delivery.refresh_from_db()
    assert delivery.last_status == 302
    assert [r.path for r in receiver.received] == ["/hooks/"]


def test_an_unreachable_receiver_is_a_failure_with_its_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _endpoint(f"http://127.0.0.1:{port}/hooks/")
    [delivery] = webhook_deliveries_create(withdrawn_event(customer()))

    assert webhook_deliver(delivery_id=delivery.pk) == "pending"

    delivery.refresh_from_db()
    assert delivery.last_status is None
    assert "Connection refused" in delivery.last_error


def test_a_delivery_to_an_endpoint_switched_off_meanwhile_is_dead(receiver: Receiver) -> None:
    endpoint = _endpoint(receiver.url)
    [delivery] = webhook_deliveries_create(withdrawn_event(customer()))
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)

    assert webhook_deliver(delivery_id=delivery.pk) == "dead"
    assert receiver.received == []


def test_a_receiver_can_tell_a_forged_or_replayed_request() -> None:
    body = b'{"event":"consent.withdrawn"}'
    now = int(timezone.now().timestamp())
    header = webhook_signature(secret="s3cret", timestamp=now, body=body)

    assert webhook_signature_verify(secret="s3cret", header=header, body=body)
    assert not webhook_signature_verify(secret="other", header=header, body=body)
    assert not webhook_signature_verify(secret="s3cret", header=header, body=body + b" ")
    old = webhook_signature(secret="s3cret", timestamp=now - 3600, body=body)
    assert not webhook_signature_verify(secret="s3cret", header=old, body=body)
    assert not webhook_signature_verify(secret="s3cret", header="garbage", body=body)


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("http://shop.example.com/hooks", ["consent.withdrawn"]),
        ("ftp://127.0.0.1/hooks", ["consent.withdrawn"]),
        ("https://shop.example.com/hooks", ["consent.granted"]),
        ("https://shop.example.com/hooks", []),
    ],
)
def test_an_endpoint_needs_https_and_offered_events(url: str, events: list[str]) -> None:
    endpoint = WebhookEndpoint(system=system(), url=url, events=events)

    with pytest.raises(ValidationError):
        endpoint.full_clean()


def test_a_secret_is_made_for_every_endpoint() -> None:
    first, second = _endpoint("https://a.example.com/"), _endpoint("https://b.example.com/")

    assert len(first.secret) >= 40
    assert first.secret != second.secret
