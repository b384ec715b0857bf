"""The ledger: append-only, idempotent, balance = sum of entries, bad input refused."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from customers.models import User
from tests.factories import agent, customer
from trust.ledger import BookingRefused, ledger_book, ledger_reverse
from trust.models import Account, EventType, LedgerEntry

pytestmark = pytest.mark.django_db


def account_praise_at(person: User) -> datetime:
    return LedgerEntry.objects.get(customer=person, event_type__key="praise").occurred_at


def _sum(person: User) -> int:
    return sum(LedgerEntry.objects.filter(customer=person).values_list("points", flat=True))


def test_a_booking_adds_the_types_points_to_the_balance_in_the_same_transaction() -> None:
    alice = customer()

    booking = ledger_book(customer_id=alice.pk, event_type="praise", key="k1")

    assert booking.created
    assert booking.entry.points == 5
    account = Account.objects.get(pk=alice.pk)
    assert (account.balance, account.entry_count) == (5, 1)


def test_the_same_key_returns_the_original_entry_and_books_nothing() -> None:
    alice = customer()
    first = ledger_book(customer_id=alice.pk, event_type="praise", key="k1")

    again = ledger_book(customer_id=alice.pk, event_type="complaint", key="k1")

    assert not again.created
    assert again.entry.pk == first.entry.pk
    assert LedgerEntry.objects.count() == 1
    assert Account.objects.get(pk=alice.pk).balance == 5


def test_a_key_used_for_another_customer_is_refused() -> None:
    alice, bob = customer(), customer()
    ledger_book(customer_id=alice.pk, event_type="praise", key="k1")

    with pytest.raises(BookingRefused, match="another customer"):
        ledger_book(customer_id=bob.pk, event_type="praise", key="k1")


@pytest.mark.parametrize(
    ("event_type", "message"),
    [("no_such_type", "Unknown event type"), ("praise", "inactive")],
)
def test_unknown_and_inactive_event_types_are_refused(event_type: str, message: str) -> None:
    EventType.objects.filter(key="praise").update(active=False)
    alice = customer()

    with pytest.raises(BookingRefused, match=message):
        ledger_book(customer_id=alice.pk, event_type=event_type, key="k1")
    assert not LedgerEntry.objects.exists()
    assert not Account.objects.exists()


def test_points_outside_the_sane_range_are_refused() -> None:
    alice, alex = customer(), agent()

    with pytest.raises(BookingRefused, match="between -100 and 100"):
        ledger_book(
            customer_id=alice.pk, event_type="adjustment", key="k1", points=101, note="typo", actor=alex
        )
    assert not LedgerEntry.objects.exists()


def test_fixed_points_cannot_be_changed_per_booking_and_adjustments_need_points_and_a_reason() -> None:
    alice = customer()

    with pytest.raises(BookingRefused, match="cannot be changed"):
        ledger_book(customer_id=alice.pk, event_type="praise", key="k1", points=50)
    with pytest.raises(BookingRefused, match="not zero"):
        ledger_book(customer_id=alice.pk, event_type="adjustment", key="k2", note="x")
    with pytest.raises(BookingRefused, match="reason"):
        ledger_book(customer_id=alice.pk, event_type="adjustment", key="k3", points=-4)

    booking = ledger_book(
        customer_id=alice.pk, event_type="adjustment", key="k4", points=-4, note="double booking"
    )
    assert booking.entry.points == -4


def test_an_entry_dated_in_the_future_is_refused() -> None:
    alice = customer()

    with pytest.raises(BookingRefused, match="future"):
        ledger_book(
            customer_id=alice.pk,
            event_type="praise",
            key="k1",
            occurred_at=timezone.now() + timedelta(hours=1),
        )


def test_bookings_for_an_erased_customer_are_refused() -> None:
    alice = customer()
    gone = alice.pk
    alice.delete()

    with pytest.raises(BookingRefused, match="erased"):
        ledger_book(customer_id=gone, event_type="praise", key="k1")
    assert not Account.objects.exists()


def test_staff_have_no_trust_account() -> None:
    with pytest.raises(BookingRefused, match="Staff"):
        ledger_book(customer_id=agent().pk, event_type="praise", key="k1")


def test_entries_are_append_only() -> None:
    alice = customer()
    entry = ledger_book(customer_id=alice.pk, event_type="praise", key="k1").entry

    entry.points = 100
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_a_reversal_cancels_the_entry_and_keeps_both_on_the_ledger() -> None:
    alice, alex = customer(), agent()
    ledger_book(customer_id=alice.pk, event_type="praise", key="k0")
    wrong = ledger_book(customer_id=alice.pk, event_type="complaint", key="k1").entry

    reversal = ledger_reverse(entry_id=wrong.pk, reason="booked for the wrong customer", actor=alex)

    assert reversal.entry.points == 8
    assert reversal.entry.occurred_at == wrong.occurred_at
    assert reversal.entry.alarm_weight == -1
    account = Account.objects.get(pk=alice.pk)
    assert account.balance == _sum(alice) == 5
    only_praised = customer()
    ledger_book(
        customer_id=only_praised.pk, event_type="praise", key="k2", occurred_at=account_praise_at(alice)
    )
    assert account.score == Account.objects.get(pk=only_praised.pk).score  # the two cancel exactly


def test_an_entry_is_reversed_at_most_once_and_a_reversal_never() -> None:
    alice, alex = customer(), agent()
    wrong = ledger_book(customer_id=alice.pk, event_type="complaint", key="k1").entry
    first = ledger_reverse(entry_id=wrong.pk, reason="mistake", actor=alex)

    again = ledger_reverse(entry_id=wrong.pk, reason="mistake", actor=alex)

    assert not again.created
    assert again.entry.pk == first.entry.pk
    with pytest.raises(BookingRefused, match="cannot be reversed"):
        ledger_reverse(entry_id=first.entry.pk, reason="undo", actor=alex)
    assert Account.objects.get(pk=alice.pk).balance == 0


def test_the_balance_is_the_sum_of_the_entries_after_many_bookings() -> None:
    alice = customer()
    for number, kind in enumerate(
        ["praise", "complaint", "promise_broken", "goodwill", "praise", "survey_bad"]
    ):
        ledger_book(customer_id=alice.pk, event_type=kind, key=f"k{number}")

    account = Account.objects.get(pk=alice.pk)
    # The second praise within 30 days is over its type's cap: written, worth 0.
    assert account.balance == _sum(alice) == 5 - 8 - 10 + 10 + 0 - 8
    assert account.entry_count == 6
