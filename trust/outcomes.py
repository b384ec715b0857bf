"""Recording what came of a follow-up: the outcome closes it and books its entry."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import User
from plumbing.sources import source_of
from trust.accounts import BookingRefused, accounts_lock
from trust.ledger import ledger_book, ledger_check
from trust.models import FollowUp

# The event type each outcome books (staff set their points like any other type's).
OUTCOME_EVENT_TYPES = {
    FollowUp.Outcome.CONTACTED: "follow_up_contact",
    FollowUp.Outcome.GOODWILL: "goodwill",
    FollowUp.Outcome.RESOLVED: "issue_resolved",
    FollowUp.Outcome.NO_ANSWER: "follow_up_no_answer",
}


def _closed() -> BookingRefused:
    return BookingRefused(_("This follow-up is already closed."), code="closed")


def _outcome_key(followup_id: int) -> str:
    return f"follow-up:{followup_id}:outcome"


def followup_outcome_check(*, followup_id: int, outcome: str, note: str = "") -> int:
    """Refuse an outcome that cannot be recorded now, writing nothing; return the customer's id.

    The admin's form asks this before it saves anything; :func:`followup_record_outcome`
    asks it too, and checks again under the lock that the follow-up is still open.
    """
    if outcome not in OUTCOME_EVENT_TYPES:
        raise BookingRefused(
            _("Choose an outcome: contacted, goodwill granted, resolved or no answer."), code="outcome"
        )
    found = FollowUp.objects.filter(pk=followup_id).values_list("customer_id", "status").first()
    if found is None:
        raise BookingRefused(_("This follow-up does not exist."), code="unknown_follow_up")
    customer_id, status = found
    if status != FollowUp.Status.OPEN:
        raise _closed()
    ledger_check(
        customer_id=customer_id,
        event_type=OUTCOME_EVENT_TYPES[FollowUp.Outcome(outcome)],
        key=_outcome_key(followup_id),
        note=note,
    )
    return int(customer_id)


def followup_record_outcome(
    *, followup_id: int, outcome: str, note: str = "", actor: User | None
) -> FollowUp:
    """Close an open follow-up with an outcome and book the outcome's entry, atomically.

    ``actor`` is the agent (admin), or None when another system records it (the API).
    """
    customer_id = followup_outcome_check(followup_id=followup_id, outcome=outcome, note=note)
    now = timezone.now()
    with transaction.atomic():
        accounts_lock(customer_ids=[customer_id])  # the account first, as every writer does
        follow_up = FollowUp.objects.select_for_update().filter(pk=followup_id).first()
        if follow_up is None or follow_up.status != FollowUp.Status.OPEN:
            raise _closed()
        follow_up.status = FollowUp.Status.CLOSED
        follow_up.outcome = outcome
        follow_up.note = "\n".join(part for part in (follow_up.note, note.strip()) if part)
        follow_up.closed_at = now
        follow_up.updated_at = now
        if follow_up.assigned_to_id is None:
            follow_up.assigned_to = actor
        follow_up.save()
        ledger_book(
            customer_id=customer_id,
            event_type=OUTCOME_EVENT_TYPES[FollowUp.Outcome(outcome)],
            key=_outcome_key(follow_up.pk),
            source=source_of(follow_up),
            note=note,
            actor=actor,
            now=now,
        )
    return follow_up
