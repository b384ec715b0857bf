"""Domain events arrive on the ledger: mapped in one place, booked once, never for an erasure."""

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from customers.models import User
from plumbing.events import ABOUT, EventName, event_dispatch, event_publish
from plumbing.models import Event
from tests.factories import agent, customer
from trust.listeners import MAPPING
from trust.models import Account, EventType, LedgerEntry

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]

CASES = [
    (EventName.CONSENT_GRANTED, {"purpose": "surveys", "channel": "email"}, "consent_granted"),
    (EventName.CONSENT_WITHDRAWN, {"purpose": "surveys", "channel": "email"}, "consent_withdrawn"),
    (EventName.EXPORT_DELIVERED, {"request_id": 1, "on_time": True}, "export_on_time"),
    (EventName.DATA_REQUEST_OVERDUE, {"request_id": 1, "kind": "export"}, "data_request_overdue"),
    (EventName.INCIDENT_AFFECTED, {"incident_id": 1}, "data_incident"),
    (EventName.INCIDENT_ACKNOWLEDGED, {"incident_id": 1}, "incident_acknowledged"),
    (EventName.FEEDBACK_RECEIVED, {"thread_id": 1, "kind": "praise", "rating": 5}, "praise"),
    (EventName.FEEDBACK_RECEIVED, {"thread_id": 1, "kind": "complaint", "rating": None}, "complaint"),
    (EventName.FEEDBACK_RECEIVED, {"thread_id": 1, "kind": "question", "rating": None}, "feedback_given"),
    (EventName.PROMISE_KEPT, {"thread_id": 1}, "promise_kept"),
    (EventName.PROMISE_BROKEN, {"thread_id": 1}, "promise_broken"),
    (EventName.FEEDBACK_RESOLVED, {"thread_id": 1}, "issue_resolved"),
    (EventName.FEEDBACK_REOPENED, {"thread_id": 1}, "issue_reopened"),
    (EventName.SURVEY_ANSWERED, {"survey_id": 1, "score": 5, "solved": True}, "survey_good"),
    (EventName.SURVEY_ANSWERED, {"survey_id": 1, "score": 4, "solved": False}, "survey_bad"),
    (EventName.SURVEY_ANSWERED, {"survey_id": 1, "score": 1, "solved": True}, "survey_bad"),
    (EventName.SURVEY_ANSWERED, {"survey_id": 1, "score": 3, "solved": True}, "survey_neutral"),
    (EventName.NPS_ANSWERED, {"response_id": 1, "score": 10}, "nps_promoter"),
    (EventName.NPS_ANSWERED, {"response_id": 1, "score": 7}, "nps_passive"),
    (EventName.NPS_ANSWERED, {"response_id": 1, "score": 0}, "nps_detractor"),
    (EventName.IDEA_VOTED, {"idea_id": 1}, "idea_voted"),
    (EventName.IDEA_SHIPPED, {"idea_id": 1}, "idea_shipped"),
]


def _publish(capture: Capture, person: User, name: str, payload: dict[str, Any], key: str = "e1") -> None:
    with capture(execute=True):
        event_publish(
            name=name,
            customer_id=person.pk,
            key=key,
            payload=payload,
            about=apps.get_model(ABOUT[name]),
            about_id=person.pk,
        )


@pytest.mark.parametrize(("name", "payload", "event_type"), CASES, ids=lambda value: str(value)[:24])
def test_each_event_books_its_event_type(
    django_capture_on_commit_callbacks: Capture, name: str, payload: dict[str, Any], event_type: str
) -> None:
    alice = customer()

    _publish(django_capture_on_commit_callbacks, alice, name, payload)

    [entry] = LedgerEntry.objects.filter(customer=alice)
    assert entry.event_type.key == event_type
    assert entry.key == "event:e1"
    assert entry.source == f"{ABOUT[name]}:{alice.pk}"
    assert Account.objects.get(pk=alice.pk).balance == EventType.objects.get(key=event_type).points


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        (EventName.ERASURE_REQUESTED, {"request_id": 1}),
        (EventName.EXPORT_DELIVERED, {"request_id": 1, "on_time": False}),
        (EventName.FEEDBACK_FIRST_REPLY, {"thread_id": 1}),
    ],
)
def test_events_that_book_nothing(
    django_capture_on_commit_callbacks: Capture, name: str, payload: dict[str, Any]
) -> None:
    alice = customer()

    _publish(django_capture_on_commit_callbacks, alice, name, payload)

    assert not LedgerEntry.objects.exists()
    assert not Account.objects.exists()  # an erasure request leaves nothing behind to survive it


def test_every_event_of_the_catalogue_is_mapped_in_one_place() -> None:
    assert set(MAPPING) == set(EventName.values)


def test_an_event_dispatched_twice_is_booked_once(django_capture_on_commit_callbacks: Capture) -> None:
    alice = customer()
    _publish(django_capture_on_commit_callbacks, alice, EventName.PROMISE_BROKEN, {"thread_id": 1})

    Event.objects.update(dispatched_at=None)  # as if the first dispatch's mark were lost
    event_dispatch(event_id=Event.objects.get(name=EventName.PROMISE_BROKEN).pk)

    assert LedgerEntry.objects.count() == 1
    assert Account.objects.get(pk=alice.pk).balance == -10


def test_an_event_for_an_inactive_type_or_for_staff_books_nothing_and_does_not_fail(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    EventType.objects.filter(key="praise").update(active=False)
    alice, alex = customer(), agent()

    _publish(
        django_capture_on_commit_callbacks, alice, EventName.FEEDBACK_RECEIVED, {"kind": "praise"}, key="e1"
    )
    _publish(django_capture_on_commit_callbacks, alex, EventName.PROMISE_KEPT, {"thread_id": 1}, key="e2")

    assert not LedgerEntry.objects.exists()
