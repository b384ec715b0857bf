"""The API on PostgreSQL with a real worker: webhooks delivered by the worker, concurrent retries, and
a schemathesis run of every operation against the live schema."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from api.idempotency import REPLAYED_HEADER
from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks import webhook_delivery_resend, webhook_signature_verify
from customers.models import ConsentRecord, User
from plumbing.events import EventName, event_publish
from plumbing.jobs import jobs_sweep
from plumbing.models import Job
from tests.api.catalogue import consent_catalogue
from tests.api.credentials import system, token_auth
from tests.api.webhook_testing import Receiver, webhook_receiver  # noqa: F401  (the fixture "receiver")
from tests.factories import customer
from tests.service.conftest import wait_for

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


def _withdraw(person: User, key: str) -> None:
    with transaction.atomic():
        event_publish(
            name=EventName.CONSENT_WITHDRAWN,
            customer_id=person.pk,
            key=key,
            payload={"purpose": "newsletter", "channel": "email", "source": "privacy_center"},
        )


def _delivery_in(state: str) -> WebhookDelivery | None:
    return WebhookDelivery.objects.filter(state=state).first()


def test_the_worker_delivers_a_signed_webhook_retries_after_a_500_and_resends(
    celery_worker: str, receiver: Receiver
) -> None:
    endpoint = WebhookEndpoint.objects.create(
        system=system("Shop"), url=receiver.url, events=["consent.withdrawn"]
    )
    alice = customer()
    receiver.statuses.append(500)

    _withdraw(alice, "consent:withdrawn:1")

    failed = wait_for(
        lambda: WebhookDelivery.objects.filter(last_status=500).first(), what="the first attempt to fail"
    )
    assert failed is not None
    assert failed.state == WebhookDelivery.State.PENDING
    assert failed.next_attempt_at > timezone.now() + timedelta(seconds=30)
    # Time passes: the retry is due, and the beat's sweep publishes it.
    WebhookDelivery.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now())
    Job.objects.filter(key=f"webhook:{failed.pk}:1").update(next_attempt_at=timezone.now())
    assert jobs_sweep() == 1
    delivered = wait_for(lambda: _delivery_in(WebhookDelivery.State.DELIVERED), what="the retry to deliver")
    assert delivered is not None

    assert webhook_delivery_resend(delivery_id=delivered.pk)
    wait_for(lambda: len(receiver.received) == 3, what="the resend to arrive")

    assert [json.loads(r.body)["customer"]["id"] for r in receiver.received] == [alice.pk] * 3
    assert len({r.headers["X-Portal-Delivery"] for r in receiver.received}) == 1
    for request in receiver.received:
        assert webhook_signature_verify(
            secret=endpoint.secret, header=request.headers["X-Portal-Signature"], body=request.body
        )
    assert WebhookDelivery.objects.count() == 1


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # pg_stat_activity is a snapshot taken once per transaction unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def test_two_identical_requests_at_once_record_once_and_the_second_replays_the_first() -> None:
    consent_catalogue()
    alice = customer()
    headers = {**token_auth(alice), "Idempotency-Key": "tap-twice"}
    body = {"changes": [{"purpose": "surveys", "channel": "email", "granted": True}]}
    responses: list[Any] = []

    def post() -> None:
        try:
            responses.append(
                Client().post("/api/v1/me/consents/", body, content_type="application/json", headers=headers)
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    with transaction.atomic():
        # Hold the customer's row: the first request waits on it inside its transaction,
        # the second on the first one's claim of the key.
        User.objects.select_for_update().get(pk=alice.pk)
        for thread in threads:
            thread.start()
        wait_for(lambda: _waiting_on_locks() >= 2, what="both requests to wait")
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(response.status_code for response in responses) == [200, 200]
    first, second = sorted(responses, key=lambda response: REPLAYED_HEADER in response)
    assert REPLAYED_HEADER not in first
    assert second[REPLAYED_HEADER] == "true"
    assert second.json() == first.json()
    assert ConsentRecord.objects.count() == 1
