"""Silence costs: one inactivity withdrawal per silent period per customer, whoever runs the task."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import User
from tests.factories import agent, customer
from trust.inactivity import inactivity_book
from trust.ledger import ledger_book
from trust.models import Account, EventType, LedgerEntry

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _withdrawals(person: User) -> int:
    return LedgerEntry.objects.filter(customer=person, event_type__key="inactivity").count()


def test_a_customer_silent_for_90_days_gets_one_withdrawal_and_the_balance_follows() -> None:
    silent = customer(date_joined=NOW - timedelta(days=100))
    recent = customer(date_joined=NOW - timedelta(days=10))

    booked = inactivity_book(now=NOW)

    assert booked == 1
    assert (_withdrawals(silent), _withdrawals(recent)) == (1, 0)
    account = Account.objects.get(pk=silent.pk)
    assert (account.balance, account.entry_count) == (-3, 1)
    assert account.score < 50


def test_running_again_in_the_same_period_books_nothing() -> None:
    silent = customer(date_joined=NOW - timedelta(days=100))

    counts = [
        inactivity_book(now=NOW),
        inactivity_book(now=NOW + timedelta(hours=5)),
        inactivity_book(now=NOW),
    ]

    assert counts == [1, 0, 0]
    assert _withdrawals(silent) == 1
    assert Account.objects.get(pk=silent.pk).balance == -3


def test_each_further_period_of_silence_costs_once_more() -> None:
    silent = customer(date_joined=NOW - timedelta(days=100))
    inactivity_book(now=NOW)

    inactivity_book(now=NOW + timedelta(days=45))
    inactivity_book(now=NOW + timedelta(days=90))
    inactivity_book(now=NOW + timedelta(days=91))

    assert _withdrawals(silent) == 2
    assert Account.objects.get(pk=silent.pk).balance == -6


def test_a_touchpoint_ends_the_silence_and_an_inactivity_withdrawal_is_none() -> None:
    alice = customer(date_joined=NOW - timedelta(days=400))
    ledger_book(customer_id=alice.pk, event_type="praise", key="p", occurred_at=NOW - timedelta(days=30))

    assert inactivity_book(now=NOW) == 0
    assert inactivity_book(now=NOW + timedelta(days=61)) == 1
    assert Account.objects.get(pk=alice.pk).last_touch_at == NOW - timedelta(days=30)
    assert inactivity_book(now=NOW + timedelta(days=100)) == 0


def test_staff_and_deactivated_customers_are_not_charged() -> None:
    agent(date_joined=NOW - timedelta(days=300))
    customer(date_joined=NOW - timedelta(days=300), is_active=False)

    assert inactivity_book(now=NOW) == 0
    assert not LedgerEntry.objects.exists()


def test_an_inactive_inactivity_type_switches_silence_off() -> None:
    customer(date_joined=NOW - timedelta(days=300))
    EventType.objects.filter(key="inactivity").update(active=False)

    assert inactivity_book(now=NOW) == 0


def test_the_setting_sets_the_period() -> None:
    from trust.models import TrustSettings

    TrustSettings.objects.filter(pk=1).update(inactivity_days=30)
    silent = customer(date_joined=NOW - timedelta(days=40))

    inactivity_book(now=NOW)

    assert _withdrawals(silent) == 1


def test_chunks_cover_every_customer() -> None:
    people = [customer(date_joined=NOW - timedelta(days=120)) for _ in range(5)]

    assert inactivity_book(now=NOW, chunk_size=2) == 5
    assert all(_withdrawals(person) == 1 for person in people)
