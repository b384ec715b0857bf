"""Response promises: "we will answer by <date>", and whether we did.

A thread's promise is fixed when the feedback arrives (business days for
its topic and kind, weekends and holidays excluded). The first staff reply
settles it as *kept* if it came by the due time; the periodic
:func:`promises_check` settles every promise still open after its due time
as *broken*. Each outcome is recorded on the thread and announced as a
domain event, once (claim-by-UPDATE and a unique event key).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from feedback.business_days import business_deadline, holidays_from
from feedback.models import ResponsePromise, Thread, Topic
from feedback.staff_settings import feedback_settings
from portal.events import EventName, event_publish

logger = logging.getLogger(__name__)


def promise_days(*, topic: Topic, kind: str) -> int:
    """The business days promised for a first answer on this topic and kind."""
    days = (
        ResponsePromise.objects.filter(topic=topic, kind=kind).values_list("business_days", flat=True).first()
    )
    return days if days is not None else feedback_settings().default_promise_days


def promise_due(*, topic: Topic, kind: str, start: datetime) -> tuple[int, datetime]:
    """Return (business days, due time) of the promise for feedback arriving at ``start``."""
    days = promise_days(topic=topic, kind=kind)
    return days, business_deadline(start=start, days=days, holidays=holidays_from(start))


def _announce(thread: Thread, outcome: str, at: datetime) -> None:
    name = EventName.PROMISE_KEPT if outcome == Thread.Promise.KEPT else EventName.PROMISE_BROKEN
    if thread.customer_id is None:
        return
    event_publish(
        name=name,
        customer_id=thread.customer_id,
        key=f"feedback.thread:{thread.pk}:promise_{outcome}",
        source=f"feedback.thread:{thread.pk}",
        payload={"thread_id": thread.pk, "due_at": thread.due_at.isoformat(), "days": thread.promise_days},
        occurred_at=at,
    )


def promise_settle_on_reply(*, thread: Thread, replied_at: datetime) -> str | None:
    """Settle an open promise by the first staff reply (caller holds the thread's lock).

    Returns the outcome recorded now, or None if the promise was already settled.
    """
    if thread.promise != Thread.Promise.OPEN:
        return None
    outcome = Thread.Promise.KEPT if replied_at <= thread.due_at else Thread.Promise.BROKEN
    settled_at = replied_at if outcome == Thread.Promise.KEPT else thread.due_at
    thread.promise, thread.promise_settled_at = outcome, settled_at
    Thread.objects.filter(pk=thread.pk).update(promise=outcome, promise_settled_at=settled_at)
    _announce(thread, outcome, settled_at)
    return outcome


def promise_void(*, thread: Thread, at: datetime) -> None:
    """The customer settled it themselves before we answered: no promise is owed any more."""
    if thread.promise == Thread.Promise.OPEN:
        thread.promise, thread.promise_settled_at = Thread.Promise.VOID, at
        Thread.objects.filter(pk=thread.pk).update(promise=Thread.Promise.VOID, promise_settled_at=at)


def promises_check(*, now: datetime | None = None, limit: int = 2000) -> int:
    """Record every open promise past its due time as broken; return how many were broken now.

    Each thread is claimed with a conditional UPDATE in its own transaction
    with its event, so concurrent runs (or a run beside a reply) never
    record one promise twice.
    """
    now = now or timezone.now()
    due = list(
        Thread.objects.filter(promise=Thread.Promise.OPEN, due_at__lt=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    broken = 0
    for thread_id in due:
        with transaction.atomic():
            claimed = Thread.objects.filter(pk=thread_id, promise=Thread.Promise.OPEN, due_at__lt=now).update(
                promise=Thread.Promise.BROKEN, promise_settled_at=F("due_at")
            )
            if claimed != 1:
                continue
            thread = Thread.objects.get(pk=thread_id)
            _announce(thread, Thread.Promise.BROKEN, thread.due_at)
            broken += 1
    if broken:
        logger.info("%d response promises were broken", broken)
    return broken
