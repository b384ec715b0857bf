"""Caps: a customer's own signals count only so often; over the cap an entry is written and counts 0."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from plumbing.events import ABOUT, EventName, event_publish
from tests.factories import agent, customer
from trust.ledger import ledger_book, ledger_reverse
from trust.models import Account, EventType, LedgerEntry
from trust.selectors import account_explanation
from trust.whatif import whatif_cap

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _praise(customer_id: int, key: str, days_ago: float = 0) -> LedgerEntry:
    return ledger_book(
        customer_id=customer_id, event_type="praise", key=key, occurred_at=NOW - timedelta(days=days_ago)
    ).entry


def test_a_second_praise_within_the_window_is_written_and_counts_nothing() -> None:
    alice = customer()

    first, second = _praise(alice.pk, "p1", days_ago=3), _praise(alice.pk, "p2")

    assert (first.points, first.capped_points) == (5, None)
    assert (second.points, second.capped_points, second.cap_limit, second.cap_days) == (0, 5, 1, 30)
    assert second.cap_reason == "Not counted (worth +5): counted 1 of 1 in 30 days."
    assert Account.objects.get(pk=alice.pk).balance == 5
    assert LedgerEntry.objects.filter(customer=alice).count() == 2  # the history stays whole


def test_praise_counts_again_once_the_window_has_passed() -> None:
    alice = customer()

    _praise(alice.pk, "p1", days_ago=45)
    later = _praise(alice.pk, "p2")

    assert later.points == 5
    assert Account.objects.get(pk=alice.pk).balance == 10


def test_what_the_company_does_is_never_capped() -> None:
    alice = customer()

    for number in range(3):
        ledger_book(customer_id=alice.pk, event_type="promise_kept", key=f"k{number}")
        ledger_book(customer_id=alice.pk, event_type="complaint", key=f"c{number}")

    assert not LedgerEntry.objects.filter(capped_points__isnull=False).exists()
    assert Account.objects.get(pk=alice.pk).balance == 3 * (3 - 8)


def test_a_reversed_entry_frees_its_place_under_the_cap() -> None:
    alice = customer()
    first = _praise(alice.pk, "p1", days_ago=1)

    ledger_reverse(entry_id=first.pk, reason="booked for the wrong customer", actor=agent())

    assert _praise(alice.pk, "p2").points == 5


def _consent(
    capture: Callable[..., Any], person_id: int, name: str, key: str, channel: str = "email"
) -> None:
    with capture(execute=True):
        event_publish(
            name=name,
            customer_id=person_id,
            key=key,
            payload={"purpose": "newsletter", "channel": channel, "source": "center"},
            about=None,
        )


def test_toggling_a_consent_counts_its_grant_once_per_purpose_and_channel_ever(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    alice = customer()
    for number in range(4):
        _consent(django_capture_on_commit_callbacks, alice.pk, EventName.CONSENT_GRANTED, f"g{number}")
        _consent(django_capture_on_commit_callbacks, alice.pk, EventName.CONSENT_WITHDRAWN, f"w{number}")
    _consent(django_capture_on_commit_callbacks, alice.pk, EventName.CONSENT_GRANTED, "sms", channel="sms")

    assert Account.objects.get(pk=alice.pk).balance == 1 + 1  # e-mail once, SMS once
    assert LedgerEntry.objects.filter(event_type__key="consent_granted", capped_points=1).count() == 3
    assert ABOUT[EventName.CONSENT_GRANTED] == "customers.consentrecord"


def test_the_explanation_shows_why_an_entry_counts_nothing(client: Client) -> None:
    alice = customer()
    _praise(alice.pk, "p1", days_ago=2)
    _praise(alice.pk, "p2")
    client.force_login(agent())

    page = client.get(f"/admin/customers/user/{alice.pk}/change/").content.decode()

    assert "Not counted (worth +5): counted 1 of 1 in 30 days." in page
    assert sum(item.entry.points for item in account_explanation(customer=alice).entries) == 5


def test_the_explanation_splits_deeds_from_signals() -> None:
    alice = customer()
    _praise(alice.pk, "p1")
    ledger_book(customer_id=alice.pk, event_type="promise_kept", key="k1")

    explained = account_explanation(customer=alice)

    assert explained.signals == pytest.approx(5, abs=0.01)
    assert explained.deeds == pytest.approx(3, abs=0.01)
    assert explained.deeds + explained.signals == pytest.approx(explained.decayed)


def test_the_what_if_of_a_cap_replays_the_last_year() -> None:
    alice, bob = customer(), customer()
    EventType.objects.filter(key="praise").update(cap_count=None, cap_days=None)
    for number in range(4):
        _praise(alice.pk, f"a{number}", days_ago=number * 5)
    _praise(bob.pk, "b1")

    effect = whatif_cap(
        event_type=EventType.objects.get(key="praise"),
        cap_count=2,
        cap_days=30,
        now=NOW + timedelta(seconds=1),
    )

    assert (effect.entries, effect.over, effect.customers) == (5, 2, 1)


def test_staff_set_a_cap_and_see_its_effect_before_saving(client: Client) -> None:
    client.force_login(customer(email="boss@example.com", is_staff=True, is_superuser=True))
    kind = EventType.objects.get(key="complaint")
    form = {
        "label_en": kind.label_en,
        "label_de": kind.label_de,
        "points": kind.points,
        "half_life_days": kind.half_life_days,
        "active": "on",
        "counts_for_alarm": "on",
        "touchpoint": "on",
        "nature": "signal",
        "cap_count": "1",
        "cap_days": "7",
    }
    url = f"/admin/trust/eventtype/{kind.pk}/change/"

    first = client.post(url, form)

    assert "would have been over this cap" in first.content.decode()
    kind.refresh_from_db()
    assert kind.cap_count is None
    token = first.context["adminform"].form.data["whatif_confirm"]
    client.post(url, {**form, "whatif_confirm": token})
    saved = EventType.objects.get(pk=kind.pk)
    assert (saved.cap_count, saved.cap_days) == (1, 7)


def test_a_cap_window_without_a_count_is_refused_readably(client: Client) -> None:
    client.force_login(customer(email="boss@example.com", is_staff=True, is_superuser=True))
    kind = EventType.objects.get(key="complaint")
    form = {
        "label_en": kind.label_en,
        "label_de": kind.label_de,
        "points": kind.points,
        "half_life_days": kind.half_life_days,
        "active": "on",
        "nature": "signal",
        "cap_count": "",
        "cap_days": "7",
    }

    response = client.post(f"/admin/trust/eventtype/{kind.pk}/change/", form)

    assert response.status_code == 200
    assert "Say how many times it counts within these days" in response.content.decode()
    assert EventType.objects.get(pk=kind.pk).cap_days is None
