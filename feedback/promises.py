"""Response promises: "we will answer by <date>", and whether we did.

A thread's promise is fixed when the feedback arrives (business days for
its topic and kind, weekends and holidays excluded). The first staff reply
settles it as *kept* if it came by the due time; the periodic
:func:`promises_check` settles every promise still open after its due time
as *broken*. Each outcome is recorded on the thread and announced as a
domain event, once (the thread's lock, its state re-read under it, and a
unique event key).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from feedback.business_days import business_deadline, holidays_from
from feedback.locks import threads_lock
from feedback.models import FeedbackSettings, ResponsePromise, Thread, Topic
from feedback.staff_settings import feedback_settings
from plumbing.events import EventName, NewEvent, event_publish, events_publish_many

logger = logging.getLogger(__name__)


def promise_days(*, topic: Topic, kind: str, settings: FeedbackSettings | None = None) -> int:
    """The business days promised for a first answer on this topic and kind."""
    days = (
        ResponsePromise.objects.filter(topic=topic, kind=kind).values_list("business_days", flat=True).first()
    )
    return days if days is not None else (settings or feedback_settings()).default_promise_days


def promise_due(
    *, topic: Topic, kind: str, start: datetime, settings: FeedbackSettings | None = None
) -> tuple[int, datetime]:
    """Return (business days, due time) of the promise for feedback arriving at ``start``."""
    days = promise_days(topic=topic, kind=kind, settings=settings)
    return days, business_deadline(start=start, days=days, holidays=holidays_from(start))


def _promise_event(thread: Thread, outcome: str, at: datetime, customer_id: int) -> NewEvent:
    return NewEvent(
        customer_id=customer_id,
        key=f"feedback.thread:{thread.pk}:promise_{outcome}",
        payload={"thread_id": thread.pk, "due_at": thread.due_at.isoformat(), "days": thread.promise_days},
        about_id=thread.pk,
        occurred_at=at,
    )


def _announce(thread: Thread, outcome: str, at: datetime) -> None:
    name = EventName.PROMISE_KEPT if outcome == Thread.Promise.KEPT else EventName.PROMISE_BROKEN
    if thread.customer_id is None:
        return
    event = _promise_event(thread, outcome, at, thread.customer_id)
    event_publish(
        name=name,
        customer_id=event.customer_id,
        key=event.key,
        payload=event.payload,
        about=thread,
        occurred_at=event.occurred_at,
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

    The oldest ``limit`` are locked together (in pk order, as every writer of
    threads does) and re-read under the lock, recorded in one UPDATE and
    announced in one publish, all in one transaction: a concurrent run, or a
    reply that settled a promise meanwhile, never records one promise twice.
    """
    now = now or timezone.now()
    due = list(
        Thread.objects.filter(promise=Thread.Promise.OPEN, due_at__lt=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not due:
        return 0
    with transaction.atomic():
        broken = [
            thread
            for thread in threads_lock(*due)
            if thread.promise == Thread.Promise.OPEN and thread.due_at < now
        ]
        Thread.objects.filter(pk__in=[thread.pk for thread in broken]).update(
            promise=Thread.Promise.BROKEN, promise_settled_at=F("due_at")
        )
        events_publish_many(
            name=EventName.PROMISE_BROKEN,
            about=Thread,
            events=[
                _promise_event(thread, Thread.Promise.BROKEN, thread.due_at, thread.customer_id)
                for thread in broken
                if thread.customer_id is not None
            ],
        )
    if broken:
        logger.info("%d response promises were broken", len(broken))
    return len(broken)
