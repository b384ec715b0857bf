"""Domain events: how ``customers`` and ``feedback`` tell ``trust`` what happened.

A source app calls :func:`event_publish` inside the transaction that makes
the change. The event row commits with it and a job dispatches it to every
subscriber. Subscribers register in their ``AppConfig.ready()`` (the trust
app does), so the apps that announce events import nothing of the apps that
listen. Dispatch runs all subscribers and marks the event dispatched in one
transaction, under a row lock: an event is handled once.

The catalogue below names every event and the payload it carries.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from django.db import models, transaction
from django.db.models import Model
from django.utils import timezone

from plumbing.jobs import job_enqueue, job_send
from plumbing.models import Event, Job
from plumbing.sources import source_of

logger = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
ALL = "*"


class EventName(models.TextChoices):
    """Every domain event, with the payload keys it carries."""

    # customers: the privacy center
    CONSENT_GRANTED = "consent.granted"  # purpose, channel, source
    CONSENT_WITHDRAWN = "consent.withdrawn"  # purpose, channel, source
    EXPORT_DELIVERED = "export.delivered"  # request_id, on_time (bool)
    ERASURE_REQUESTED = "erasure.requested"  # request_id
    DATA_REQUEST_OVERDUE = "data_request.overdue"  # request_id, kind
    INCIDENT_AFFECTED = "incident.affected"  # incident_id
    INCIDENT_ACKNOWLEDGED = "incident.acknowledged"  # incident_id
    # feedback: the feedback channel
    FEEDBACK_RECEIVED = "feedback.received"  # thread_id, kind, rating (or None)
    FEEDBACK_FIRST_REPLY = "feedback.first_reply"  # thread_id
    PROMISE_KEPT = "feedback.promise_kept"  # thread_id
    PROMISE_BROKEN = "feedback.promise_broken"  # thread_id
    FEEDBACK_RESOLVED = "feedback.resolved"  # thread_id
    FEEDBACK_REOPENED = "feedback.reopened"  # thread_id
    SURVEY_ANSWERED = "survey.answered"  # survey_id, score (1-5), solved (bool)
    NPS_ANSWERED = "nps.answered"  # response_id, score (0-10)
    IDEA_VOTED = "idea.voted"  # idea_id
    IDEA_SHIPPED = "idea.shipped"  # idea_id
    # trust: the trust account. Published by the trust app; the API turns them into
    # the webhooks band.changed and followup.created (api/webhooks.py).
    TRUST_BAND_CHANGED = "trust.band_changed"  # band, previous_band
    TRUST_FOLLOWUP_CREATED = "trust.followup_created"  # followup_id, reason


# What each event is about: the model its source names, whose admin page the ledger links to.
ABOUT: dict[str, str] = {
    EventName.CONSENT_GRANTED: "customers.consentrecord",
    EventName.CONSENT_WITHDRAWN: "customers.consentrecord",
    EventName.EXPORT_DELIVERED: "customers.datarequest",
    EventName.ERASURE_REQUESTED: "customers.datarequest",
    EventName.DATA_REQUEST_OVERDUE: "customers.datarequest",
    EventName.INCIDENT_AFFECTED: "customers.incident",
    EventName.INCIDENT_ACKNOWLEDGED: "customers.incident",
    EventName.FEEDBACK_RECEIVED: "feedback.thread",
    EventName.FEEDBACK_FIRST_REPLY: "feedback.thread",
    EventName.PROMISE_KEPT: "feedback.thread",
    EventName.PROMISE_BROKEN: "feedback.thread",
    EventName.FEEDBACK_RESOLVED: "feedback.thread",
    EventName.FEEDBACK_REOPENED: "feedback.thread",
    EventName.SURVEY_ANSWERED: "feedback.survey",
    EventName.NPS_ANSWERED: "feedback.npssurvey",
    EventName.IDEA_VOTED: "feedback.idea",
    EventName.IDEA_SHIPPED: "feedback.idea",
    EventName.TRUST_BAND_CHANGED: "trust.account",
    EventName.TRUST_FOLLOWUP_CREATED: "trust.followup",
}


class NewEvent(NamedTuple):
    """One event of a set-based publish: ``about_id`` is the pk of the row of the call's ``about``
    model it is about (the call's record if None); its time defaults to the call's."""

    customer_id: int
    key: str
    payload: dict[str, Any]
    about_id: int | None = None
    occurred_at: datetime | None = None


def about_check(name: str, about: Model | type[Model]) -> None:
    """Refuse an event called ``name`` about another model than the catalogue (:data:`ABOUT`) says."""
    expected = ABOUT.get(name)
    if expected is not None and about._meta.label_lower != expected:
        raise ValueError(f"{name} is about {expected}, not {about._meta.label_lower}")


def _source(name: str, about: Model | type[Model] | None, pk: int | None = None) -> str:
    """The source of an event called ``name`` about ``about``."""
    if about is None:
        return ""
    about_check(name, about)
    return source_of(about, pk)


def event_subscribe(name: str, subscriber: Subscriber) -> None:
    """Call ``subscriber`` for every dispatched event called ``name`` (``"*"``: all)."""
    if subscriber not in _subscribers[name]:
        _subscribers[name].append(subscriber)


def event_publish(
    *,
    name: str,
    customer_id: int,
    key: str,
    payload: dict[str, Any] | None = None,
    about: Model | type[Model] | None = None,
    about_id: int | None = None,
    occurred_at: datetime | None = None,
) -> Event:
    """Record a domain event in the current transaction and dispatch it after commit.

    ``key`` identifies the fact (e.g. ``"feedback.thread:42:resolved:1"``):
    publishing the same key again returns the first event and does nothing.
    ``about`` is the record the event is about (the model :data:`ABOUT` names),
    or that model with ``about_id``; its source, ``app_label.model_name:pk``,
    is derived from it.
    """
    event, created = Event.objects.get_or_create(
        key=key,
        defaults={
            "name": name,
            "customer_id": customer_id,
            "payload": payload or {},
            "source": _source(name, about, about_id),
            "occurred_at": occurred_at or timezone.now(),
        },
    )
    if created:
        job_enqueue(task="portal.dispatch_event", args=[event.pk], key=f"event:{event.pk}")
    return event


# Keys per IN (...) list: well under every database's limit of query parameters.
_BATCH = 500
# Events handed to subscribers by one job of a set-based publish.
_PER_JOB = 100


def events_publish_many(
    *,
    name: str,
    events: Sequence[tuple[int, str, dict[str, Any]] | NewEvent],
    about: Model | type[Model] | None = None,
    occurred_at: datetime | None = None,
) -> int:
    """Record many events of one kind at once (set-based writers); return how many are new.

    ``events`` holds (customer_id, key, payload) triples, or :class:`NewEvent`
    rows where an event is about a row of its own (``about`` is then the model) or
    has a time of its own. Like
    :func:`event_publish`, a key published before is left alone; the new
    events are dispatched by one job per ``_PER_JOB`` of them, published after
    the commit (a recompute that moves 20,000 accounts to another band makes
    200 jobs, not 20,000; dispatching each event stays idempotent, so a batch
    job run again skips what it handled).
    """
    at = occurred_at or timezone.now()
    created = 0
    for start in range(0, len(events), _BATCH):
        batch = [NewEvent(*event) for event in events[start : start + _BATCH]]
        known = set(Event.objects.filter(key__in=[e.key for e in batch]).values_list("key", flat=True))
        fresh = [
            Event(
                name=name,
                customer_id=e.customer_id,
                key=e.key,
                payload=e.payload,
                source=_source(name, about, e.about_id),
                occurred_at=e.occurred_at or at,
            )
            for e in batch
            if e.key not in known
        ]
        if not fresh:
            continue
        Event.objects.bulk_create(fresh, ignore_conflicts=True)
        ids = sorted(
            Event.objects.filter(
                key__in=[event.key for event in fresh], dispatched_at__isnull=True
            ).values_list("pk", flat=True)
        )
        parts = [ids[first : first + _PER_JOB] for first in range(0, len(ids), _PER_JOB)]
        jobs = [Job(task="portal.dispatch_events", args=[p], key=f"events:{p[0]}-{p[-1]}") for p in parts]
        Job.objects.bulk_create(jobs, ignore_conflicts=True)
        job_ids = list(Job.objects.filter(key__in=[job.key for job in jobs]).values_list("pk", flat=True))
        transaction.on_commit(jobs_sender_after_commit(job_ids), robust=True)
        created += len(ids)
    return created


def jobs_sender_after_commit(job_ids: list[int]) -> Callable[[], None]:
    """A commit hook publishing these jobs: a plain function, so that its failure is logged.

    Django names a failing robust hook by its ``__qualname__``, which a
    ``functools.partial`` lacks; the failure (a broker or database gone at
    that moment) then broke the committed caller instead of being logged and
    left to the sweep.
    """

    def send_all() -> None:
        for job_id in job_ids:
            job_send(job_id=job_id)

    return send_all


def events_dispatch_range(*, name: str, first_id: int, last_id: int) -> int:
    """Dispatch the undispatched events called ``name`` in an id range, one by one; return how many."""
    pending = Event.objects.filter(
        name=name, pk__gte=first_id, pk__lte=last_id, dispatched_at__isnull=True
    ).order_by("pk")
    return sum(event_dispatch(event_id=event_id) for event_id in pending.values_list("pk", flat=True))


def event_dispatch(*, event_id: int) -> bool:
    """Hand one event to its subscribers, once; return whether it was handled now."""
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id, dispatched_at__isnull=True).first()
        if event is None:
            return False
        for subscriber in [*_subscribers.get(event.name, []), *_subscribers.get(ALL, [])]:
            subscriber(event)
        Event.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
    return True
