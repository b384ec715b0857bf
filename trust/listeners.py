"""Domain events in, ledger entries out: the one place that maps events to event types.

The privacy center and the feedback channel announce what happened
(:class:`plumbing.events.EventName`) and import nothing of ``trust``; this
module subscribes (from :meth:`trust.apps.TrustConfig.ready`) and books an
entry per event, keyed by the event's own key, so an event can never be
booked twice. The mapping:

====================================  ==========================================
event                                 event type booked
====================================  ==========================================
consent.granted                       consent_granted
consent.withdrawn                     consent_withdrawn (0 points: withdrawing
                                      consent must never count against anyone)
export.delivered, on_time true        export_on_time (late: nothing; the
                                      overdue event already withdrew)
erasure.requested                     nothing: the account is erased with the
                                      customer, so nothing may be booked that
                                      would survive the erasure
data_request.overdue                  data_request_overdue
incident.affected                     data_incident
incident.acknowledged                 incident_acknowledged
feedback.received, kind praise        praise
feedback.received, kind complaint     complaint
feedback.received, other kinds        feedback_given
feedback.first_reply                  nothing (promise kept / broken count)
feedback.promise_kept                 promise_kept
feedback.promise_broken               promise_broken
feedback.resolved                     issue_resolved
feedback.reopened                     issue_reopened
survey.answered, score 4-5, solved    survey_good
survey.answered, score 1-2 or unsolved survey_bad
survey.answered, otherwise            survey_neutral
nps.answered, 9-10                    nps_promoter
nps.answered, 7-8                     nps_passive
nps.answered, 0-6                     nps_detractor
idea.voted                            idea_voted
idea.shipped                          idea_shipped
trust.band_changed                    nothing: trust's own announcements (for
trust.followup_created                webhooks) are consequences, not touchpoints
====================================  ==========================================
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from plumbing.events import EventName, event_subscribe
from plumbing.models import Event
from trust.accounts import BookingRefused
from trust.ledger import ledger_book

logger = logging.getLogger(__name__)

Mapper = Callable[[dict[str, Any]], str | None]


def _always(event_type: str) -> Mapper:
    return lambda payload: event_type


def _feedback(payload: dict[str, Any]) -> str:
    kind = str(payload.get("kind") or "")
    return {"praise": "praise", "complaint": "complaint"}.get(kind, "feedback_given")


def _survey(payload: dict[str, Any]) -> str:
    score = int(payload.get("score") or 0)
    solved = payload.get("solved")
    if score <= 2 or solved is False:
        return "survey_bad"
    if score >= 4:
        return "survey_good"
    return "survey_neutral"


def _nps(payload: dict[str, Any]) -> str:
    score = int(payload.get("score") or 0)
    if score >= 9:
        return "nps_promoter"
    if score >= 7:
        return "nps_passive"
    return "nps_detractor"


def _export(payload: dict[str, Any]) -> str | None:
    return "export_on_time" if payload.get("on_time") else None


def _nothing(payload: dict[str, Any]) -> None:
    return None


MAPPING: dict[str, Mapper] = {
    EventName.CONSENT_GRANTED: _always("consent_granted"),
    EventName.CONSENT_WITHDRAWN: _always("consent_withdrawn"),
    EventName.EXPORT_DELIVERED: _export,
    EventName.ERASURE_REQUESTED: _nothing,
    EventName.DATA_REQUEST_OVERDUE: _always("data_request_overdue"),
    EventName.INCIDENT_AFFECTED: _always("data_incident"),
    EventName.INCIDENT_ACKNOWLEDGED: _always("incident_acknowledged"),
    EventName.FEEDBACK_RECEIVED: _feedback,
    EventName.FEEDBACK_FIRST_REPLY: _nothing,
    EventName.PROMISE_KEPT: _always("promise_kept"),
    EventName.PROMISE_BROKEN: _always("promise_broken"),
    EventName.FEEDBACK_RESOLVED: _always("issue_resolved"),
    EventName.FEEDBACK_REOPENED: _always("issue_reopened"),
    EventName.SURVEY_ANSWERED: _survey,
    EventName.NPS_ANSWERED: _nps,
    EventName.IDEA_VOTED: _always("idea_voted"),
    EventName.IDEA_SHIPPED: _always("idea_shipped"),
    EventName.TRUST_BAND_CHANGED: _nothing,
    EventName.TRUST_FOLLOWUP_CREATED: _nothing,
}


def event_type_for(event: Event) -> str | None:
    """The event type an event books, or None."""
    mapper = MAPPING.get(event.name)
    return mapper(event.payload or {}) if mapper else None


def _cap_scope(event: Event) -> str:
    """A consent counts once per purpose and channel; every other event per type."""
    payload = event.payload or {}
    if event.name in (EventName.CONSENT_GRANTED, EventName.CONSENT_WITHDRAWN):
        return f"{payload.get('purpose', '')}:{payload.get('channel', '')}"
    return ""


def book_event(event: Event) -> None:
    """Book a domain event on the customer's ledger (the subscriber)."""
    event_type = event_type_for(event)
    if event_type is None:
        return
    try:
        ledger_book(
            customer_id=event.customer_id,
            event_type=event_type,
            key=f"event:{event.key}",
            occurred_at=event.occurred_at,
            source=event.source,
            cap_scope=_cap_scope(event),
        )
    except BookingRefused as refusal:
        # An inactive type (staff switched it off), a staff member, an erased customer:
        # nothing to book, and nothing to retry.
        logger.info("event %s not booked: %s", event.key, refusal.message)


def listeners_connect() -> None:
    """Subscribe to every mapped event (called once from the app's ready())."""
    for name in MAPPING:
        event_subscribe(name, book_event)
