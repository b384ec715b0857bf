"""Our promises to you: every promise the company made to one customer — an answer by a date, a
copy or erasure of their data within the legal deadline, a follow-up by a date — whether it was
kept, and what was done about a broken one (the seeds' "words and deeds", for the person they
were made to). Read-only; every query is filtered by the customer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import DataRequest, User
from feedback.models import Thread
from trust.models import FollowUp, LedgerEntry


class Kept(StrEnum):
    KEPT = "kept"
    BROKEN = "broken"
    OPEN = "open"
    VOID = "void"


@dataclass(frozen=True)
class Promise:
    what: str
    due_at: datetime
    state: Kept
    delivered_at: datetime | None
    url: str
    made_good: list[str] = field(default_factory=list)


def _state(*, due_at: datetime, delivered_at: datetime | None, now: datetime) -> Kept:
    if delivered_at is not None:
        return Kept.KEPT if delivered_at <= due_at else Kept.BROKEN
    return Kept.BROKEN if now > due_at else Kept.OPEN


def _answers(customer: User, now: datetime) -> list[Promise]:
    promises = []
    for thread in Thread.objects.filter(customer=customer).order_by("-due_at"):
        if thread.promise == Thread.Promise.VOID:
            state = Kept.VOID
        else:
            state = _state(due_at=thread.due_at, delivered_at=thread.first_reply_at, now=now)
        promises.append(
            Promise(
                _("An answer to “%(summary)s”") % {"summary": thread.summary},
                thread.due_at,
                state,
                thread.first_reply_at,
                reverse("feedback:thread_detail", args=[thread.pk]),
            )
        )
    return promises


def _data_requests(customer: User, now: datetime) -> list[Promise]:
    promises = []
    for request in DataRequest.objects.filter(customer=customer).order_by("-due_at"):
        what = (
            _("A copy of your data")
            if request.kind == DataRequest.Kind.EXPORT
            else _("The erasure of your data")
        )
        state = (
            Kept.VOID
            if request.cancelled_at is not None
            else _state(due_at=request.due_at, delivered_at=request.completed_at, now=now)
        )
        made_good = (
            [_("We needed longer: %(reason)s") % {"reason": request.extension_reason}]
            if request.extension_reason
            else []
        )
        promises.append(
            Promise(
                what,
                request.due_at,
                state,
                request.completed_at,
                reverse("customers:data_requests"),
                made_good,
            )
        )
    return promises


def _follow_ups(customer: User, now: datetime) -> list[Promise]:
    # The ones the customer knows of: scheduled by staff with them, or announced in a care mail.
    told = FollowUp.objects.filter(
        Q(reason=FollowUp.Reason.MANUAL) | Q(mailed_at__isnull=False), customer=customer
    )
    promises = []
    for follow_up in told.order_by("-due_at"):
        if follow_up.outcome == FollowUp.Outcome.RECOVERED:
            continue
        delivered = follow_up.closed_at if follow_up.status != FollowUp.Status.OPEN else None
        promises.append(
            Promise(
                _("That we get back to you"),
                follow_up.due_at,
                _state(due_at=follow_up.due_at, delivered_at=delivered, now=now),
                delivered,
                reverse("trust:promises"),
            )
        )
    return promises


def _goodwill_after(customer: User, promises: list[Promise]) -> list[Promise]:
    """A broken promise shows the goodwill staff granted after it."""
    grants = list(
        LedgerEntry.objects.filter(customer=customer, event_type__key="goodwill", reversal_of__isnull=True)
        .exclude(reversals__isnull=False)
        .order_by("occurred_at")
    )
    result = []
    for promise in promises:
        if promise.state == Kept.BROKEN:
            given = [
                _("Goodwill: %(what)s") % {"what": grant.note}
                for grant in grants
                if grant.occurred_at >= promise.due_at and grant.note
            ]
            promise = Promise(
                promise.what,
                promise.due_at,
                promise.state,
                promise.delivered_at,
                promise.url,
                [*promise.made_good, *given],
            )
        result.append(promise)
    return result


def promises_of(*, customer: User, now: datetime | None = None) -> list[Promise]:
    """Every promise made to the customer, the latest due first."""
    now = now or timezone.now()
    made = [*_answers(customer, now), *_data_requests(customer, now), *_follow_ups(customer, now)]
    made.sort(key=lambda promise: promise.due_at, reverse=True)
    return _goodwill_after(customer, made)


def promises_tally(promises: list[Promise]) -> dict[str, int]:
    return {state.value: sum(1 for promise in promises if promise.state == state) for state in Kept}
