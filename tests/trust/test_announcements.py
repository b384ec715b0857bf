"""Trust tells others what happened: band changes and new follow-ups, once each, as webhooks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from api.models import WebhookDelivery, WebhookEndpoint
from plumbing.events import EventName
from plumbing.models import Event
from tests.api.credentials import system
from tests.factories import agent, customer
from trust.followups import followup_schedule
from trust.ledger import ledger_book, ledger_reverse
from trust.models import Account, Band, FollowUp, LedgerEntry, TrustSettings
from trust.recompute import recompute_all

pytestmark = pytest.mark.django_db

RECEIVER = "http://127.0.0.1:9/hooks"  # never reached: deliveries are only recorded here


def _subscribed() -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        system=system(), url=RECEIVER, events=["band.changed", "followup.created"]
    )


def _deliveries(event: str) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(event=event).order_by("pk"))


def test_a_booking_that_moves_the_band_sends_one_band_webhook_and_one_follow_up_webhook(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    _subscribed()
    alice = customer()

    with django_capture_on_commit_callbacks(execute=True):
        ledger_book(customer_id=alice.pk, event_type="data_request_overdue", key="overdue:1")

    [band] = _deliveries("band.changed")
    [follow_up] = _deliveries("followup.created")
    assert band.payload["data"] == {"band": Band.AT_RISK, "previous_band": Band.HEALTHY}
    opened = FollowUp.objects.get(customer=alice)
    assert follow_up.payload["data"] == {"followup_id": opened.pk, "reason": "band"}
    assert band.customer_id == follow_up.customer_id == alice.pk


def test_booking_the_same_key_again_or_recomputing_announces_nothing_twice(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    _subscribed()
    alice = customer()
    with django_capture_on_commit_callbacks(execute=True):
        ledger_book(customer_id=alice.pk, event_type="data_request_overdue", key="overdue:1")

    with django_capture_on_commit_callbacks(execute=True):
        ledger_book(customer_id=alice.pk, event_type="data_request_overdue", key="overdue:1")
        recompute_all()
        recompute_all(rebuild=True)

    assert len(_deliveries("band.changed")) == 1
    assert len(_deliveries("followup.created")) == 1


def test_a_booking_within_the_band_announces_nothing() -> None:
    alice = customer()

    ledger_book(customer_id=alice.pk, event_type="praise", key="praise:1")

    assert not Event.objects.filter(name=EventName.TRUST_BAND_CHANGED).exists()


def test_a_second_trigger_of_an_open_follow_up_is_not_a_new_follow_up() -> None:
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="data_request_overdue", key="a")

    ledger_book(customer_id=alice.pk, event_type="adjustment", key="b", points=-20, note="lost the parcel")

    assert Event.objects.filter(name=EventName.TRUST_FOLLOWUP_CREATED).count() == 1
    changes = Event.objects.filter(name=EventName.TRUST_BAND_CHANGED).order_by("pk")
    assert [event.payload for event in changes] == [
        {"band": Band.AT_RISK, "previous_band": Band.HEALTHY},
        {"band": Band.CRITICAL, "previous_band": Band.AT_RISK},
    ]


def test_a_reversal_that_moves_the_band_back_is_announced() -> None:
    alice = customer()
    booking = ledger_book(customer_id=alice.pk, event_type="data_request_overdue", key="a")

    ledger_reverse(entry_id=booking.entry.pk, reason="booked by mistake")

    last = Event.objects.filter(name=EventName.TRUST_BAND_CHANGED).latest("pk")
    assert last.payload == {"band": Band.HEALTHY, "previous_band": Band.AT_RISK}


def test_a_recompute_that_moves_bands_announces_each_change_once(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    _subscribed()
    alice, bob = customer(), customer()
    for person in (alice, bob):
        ledger_book(customer_id=person.pk, event_type="complaint", key=f"c:{person.pk}")
    before = {account.pk: account.band for account in Account.objects.all()}
    TrustSettings.objects.filter(pk=1).update(healthy_min=95, watch_min=90, at_risk_min=85)

    with django_capture_on_commit_callbacks(execute=True):
        recompute_all()
        recompute_all()

    deliveries = _deliveries("band.changed")
    assert {delivery.customer_id for delivery in deliveries} == {alice.pk, bob.pk}
    assert len(deliveries) == 2
    for delivery in deliveries:
        assert delivery.payload["data"]["previous_band"] == before[alice.pk]
        assert delivery.payload["data"]["band"] == Band.CRITICAL
    # The recompute opened their follow-ups too, each announced once.
    assert len(_deliveries("followup.created")) == FollowUp.objects.count() == 2


def test_a_follow_up_scheduled_by_staff_is_announced() -> None:
    alice = customer()

    follow_up = followup_schedule(
        customer=alice, due_at=timezone.now() + timedelta(days=2), note="call back", actor=agent()
    )

    event = Event.objects.get(name=EventName.TRUST_FOLLOWUP_CREATED)
    assert event.payload == {"followup_id": follow_up.pk, "reason": "manual"}
    assert not LedgerEntry.objects.exists()
