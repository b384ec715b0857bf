"""The trust account is personal data: shown, exported and erased with the customer."""

import pytest

from plumbing.personal_data_registry import personal_data_sources
from tests.factories import agent, customer
from trust.accounts import BookingRefused
from trust.ledger import ledger_book
from trust.models import Account, AccountDecay, FollowUp, LedgerEntry

pytestmark = pytest.mark.django_db


def _source() -> object:
    [source] = [source for source in personal_data_sources() if source.key == "trust_account"]
    return source


def test_the_trust_account_is_registered_as_personal_data() -> None:
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="praise", key="k1")
    ledger_book(customer_id=alice.pk, event_type="complaint", key="k2")

    assert _source().count(alice) == 2  # type: ignore[attr-defined]


def test_the_export_holds_the_inferred_score_and_every_entry_with_its_contribution() -> None:
    alice = customer()
    ledger_book(
        customer_id=alice.pk, event_type="data_request_overdue", key="k1", source="customers.request:1"
    )

    exported = _source().export(alice)  # type: ignore[attr-defined]

    account = Account.objects.get(pk=alice.pk)
    assert exported["account"]["score"] == account.score
    assert exported["account"]["band"] == account.band
    assert exported["account"]["balance"] == -15
    [entry] = exported["entries"]
    assert (entry["type"], entry["points"], entry["source"]) == (
        "data_request_overdue",
        -15,
        "customers.request:1",
    )
    assert entry["current_contribution"] == pytest.approx(-15, abs=0.01)
    assert exported["follow_ups"][0]["reason"] == "band"


def test_erasure_removes_ledger_account_sums_and_follow_ups_and_later_bookings_are_refused() -> None:
    alice, bob, alex = customer(), customer(), agent()
    wrong = ledger_book(customer_id=alice.pk, event_type="data_request_overdue", key="k1").entry
    from trust.ledger import ledger_reverse

    ledger_reverse(entry_id=wrong.pk, reason="mistake", actor=alex)
    ledger_book(customer_id=alice.pk, event_type="data_incident", key="k2")
    ledger_book(customer_id=bob.pk, event_type="praise", key="k3")

    _source().erase(alice)  # type: ignore[attr-defined]
    gone = alice.pk
    alice.delete()  # the privacy center deletes the user row in the same transaction

    for model in (LedgerEntry, FollowUp, AccountDecay):
        assert not model.objects.filter(customer_id=gone).exists()
    assert not Account.objects.filter(pk=gone).exists()
    assert LedgerEntry.objects.filter(customer=bob).count() == 1
    with pytest.raises(BookingRefused, match="erased"):
        ledger_book(customer_id=gone, event_type="praise", key="k4")
