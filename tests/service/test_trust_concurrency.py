"""Concurrent writes for one account on PostgreSQL: the balance always equals the sum of the entries,
and a customer never has two open follow-ups for one reason."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from customers.models import User
from tests.factories import agent, customer
from tests.service.conftest import in_parallel, wait_for
from tests.service.trust_world import trust_world_create
from trust.followups import followup_schedule
from trust.ledger import Booking, ledger_book
from trust.models import Account, AccountDecay, FollowUp, LedgerEntry
from trust.recompute import recompute_all

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]

KINDS = ["praise", "complaint", "goodwill", "promise_broken", "survey_good", "data_incident"]


def test_parallel_bookings_for_one_new_customer_keep_balance_equal_to_the_sum() -> None:
    assert connection.vendor == "postgresql"
    trust_world_create()
    alice = customer()

    def book(worker: int) -> None:
        for number in range(15):
            ledger_book(
                customer_id=alice.pk,
                event_type=KINDS[(worker + number) % len(KINDS)],
                key=f"{worker}:{number}",
            )

    errors = in_parallel(6, book)

    assert errors == []
    account = Account.objects.get(pk=alice.pk)
    points = list(LedgerEntry.objects.filter(customer=alice).values_list("points", flat=True))
    assert len(points) == account.entry_count == 90
    assert account.balance == sum(points)
    before = sum(AccountDecay.objects.filter(customer=alice).values_list("total", flat=True))
    recompute_all(rebuild=True)
    after = sum(AccountDecay.objects.filter(customer=alice).values_list("total", flat=True))
    assert after == pytest.approx(before, rel=1e-6, abs=1e-6)  # the stored sums lost no booking either


def test_the_same_key_booked_by_parallel_attempts_is_one_entry() -> None:
    trust_world_create()
    alice = customer()
    bookings: list[Booking] = []

    def book(worker: int) -> None:
        bookings.append(ledger_book(customer_id=alice.pk, event_type="complaint", key="event:the-same"))

    errors = in_parallel(5, book)

    assert errors == []
    assert LedgerEntry.objects.filter(customer=alice).count() == 1
    assert sum(booking.created for booking in bookings) == 1
    assert len({booking.entry.pk for booking in bookings}) == 1
    assert Account.objects.get(pk=alice.pk).balance == -8


def test_parallel_bookings_for_many_customers_do_not_deadlock() -> None:
    trust_world_create()
    people: list[User] = [customer() for _ in range(4)]

    def book(worker: int) -> None:
        for number in range(12):
            person = people[(worker + number) % len(people)]
            ledger_book(
                customer_id=person.pk, event_type=KINDS[number % len(KINDS)], key=f"{worker}:{number}"
            )

    errors = in_parallel(4, book)

    assert errors == []
    for person in people:
        account = Account.objects.get(pk=person.pk)
        assert account.balance == sum(
            LedgerEntry.objects.filter(customer=person).values_list("points", flat=True)
        )


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")
        return bool(cursor.fetchone()[0])


def test_scheduling_twice_at_once_opens_one_follow_up() -> None:
    trust_world_create()
    alex, alice = agent(), customer()
    due = timezone.now() + timedelta(days=3)
    errors: list[BaseException] = []

    def schedule_second() -> None:
        try:
            followup_schedule(customer=alice, due_at=due, note="and the invoice", actor=alex)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    second = threading.Thread(target=schedule_second)
    with transaction.atomic():
        followup_schedule(customer=alice, due_at=due, note="Ask about the repair", actor=alex)
        # The second schedule finds no open follow-up yet (this one is not committed) and inserts
        # its own: the constraint makes its insert wait for this transaction.
        second.start()
        wait_for(_someone_waits_for_a_lock, what="the second schedule to wait for the first")
    second.join()

    assert errors == []
    [follow_up] = FollowUp.objects.filter(customer=alice, reason="manual", status="open")
    assert follow_up.note == "Ask about the repair\nand the invoice"
    assert follow_up.triggers == 2


def test_parallel_praise_for_one_customer_counts_once_under_its_cap() -> None:
    trust_world_create()
    alice = customer()

    def praise(worker: int) -> None:
        ledger_book(customer_id=alice.pk, event_type="praise", key=f"p{worker}")

    errors = in_parallel(6, praise)

    assert not errors
    entries = LedgerEntry.objects.filter(customer=alice)
    assert entries.count() == 6  # every one written ...
    assert entries.filter(capped_points__isnull=True).count() == 1  # ... one counted
    assert Account.objects.get(pk=alice.pk).balance == 5
