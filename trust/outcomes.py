"""Recording what came of a follow-up: the outcome closes it and books its entry."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import User
from trust.accounts import BookingRefused, accounts_lock
from trust.ledger import ledger_book
from trust.models import FollowUp

# The event type each outcome books (staff set their points like any other type's).
OUTCOME_EVENT_TYPES = {
    FollowUp.Outcome.CONTACTED: "follow_up_contact",
    FollowUp.Outcome.GOODWILL: "goodwill",
    FollowUp.Outcome.RESOLVED: "issue_resolved",
    FollowUp.Outcome.NO_ANSWER: "follow_up_no_answer",
}


def followup_record_outcome(
    *, followup_id: int, outcome: str, note: str = "", actor: User | None
) -> FollowUp:
    """Close an open follow-up with an outcome and book the outcome's entry, atomically.

    ``actor`` is the agent (admin), or None when another system records it (the API).
    """
    if outcome not in OUTCOME_EVENT_TYPES:
        raise BookingRefused(
            _("Choose an outcome: contacted, goodwill granted, resolved or no answer."), code="outcome"
        )
    customer_id = FollowUp.objects.filter(pk=followup_id).values_list("customer_id", flat=True).first()
    if customer_id is None:
        raise BookingRefused(_("This follow-up does not exist."), code="unknown_follow_up")
    now = timezone.now()
    with transaction.atomic():
        accounts_lock(customer_ids=[customer_id])  # the account first, as every writer does
        follow_up = FollowUp.objects.select_for_update().filter(pk=followup_id).first()
        if follow_up is None or follow_up.status != FollowUp.Status.OPEN:
            raise BookingRefused(_("This follow-up is already closed."), code="closed")
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
            key=f"follow-up:{follow_up.pk}:outcome",
            source=f"trust.followup:{follow_up.pk}",
            note=note,
            actor=actor,
            now=now,
        )
    return follow_up
