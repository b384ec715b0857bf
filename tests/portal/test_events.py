"""Domain events: published with their cause, handed to subscribers exactly once."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.db import transaction

from customers.models import User
from plumbing import events
from plumbing.events import NewEvent, event_dispatch, event_publish, event_subscribe
from plumbing.models import Event, Job

SEEN: list[tuple[str, dict[str, object]]] = []


def _remember(event: Event) -> None:
    SEEN.append((event.name, event.payload))


@pytest.fixture(autouse=True)
def _subscriber() -> Iterator[None]:
    SEEN.clear()
    event_subscribe("tests.happened", _remember)
    yield
    events._subscribers["tests.happened"].remove(_remember)
    SEEN.clear()


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice@example.com")


def test_an_event_reaches_its_subscriber_after_commit(alice: User) -> None:
    with transaction.atomic():
        event_publish(name="tests.happened", customer_id=alice.pk, key="k1", payload={"n": 1})
        assert SEEN == []

    assert SEEN == [("tests.happened", {"n": 1})]
    assert Event.objects.get(key="k1").dispatched_at is not None


def test_the_same_fact_published_twice_is_one_event_handled_once(alice: User) -> None:
    first = event_publish(name="tests.happened", customer_id=alice.pk, key="k2")
    second = event_publish(name="tests.happened", customer_id=alice.pk, key="k2")

    assert first.pk == second.pk
    assert len(SEEN) == 1


def test_dispatching_an_event_again_does_nothing(alice: User) -> None:
    event = event_publish(name="tests.happened", customer_id=alice.pk, key="k3")

    assert event_dispatch(event_id=event.pk) is False
    assert len(SEEN) == 1


def test_events_of_other_names_do_not_reach_the_subscriber(alice: User) -> None:
    event_publish(name="tests.other", customer_id=alice.pk, key="k4")

    assert SEEN == []


def test_a_failure_to_publish_after_commit_is_logged_and_left_to_the_sweep(
    alice: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broker_gone(*, job_id: int) -> None:
        raise ConnectionError("broker gone")

    monkeypatch.setattr(events, "job_send", broker_gone)

    with transaction.atomic():
        published = events.events_publish_many(name="tests.happened", events=[(alice.pk, "k1", {"n": 1})])

    assert published == 1
    assert Event.objects.filter(key="k1", dispatched_at__isnull=True).exists()  # the sweep's to send
    assert "broker gone" in caplog.text


def test_many_events_published_at_once_are_dispatched_by_one_job_per_hundred(alice: User) -> None:
    triples = [(alice.pk, f"many:{n}", {"n": n}) for n in range(250)]

    with transaction.atomic():
        assert events.events_publish_many(name="tests.happened", events=triples) == 250

    assert Job.objects.filter(task="portal.dispatch_events").count() == 3
    numbers = [payload["n"] for _name, payload in SEEN]
    assert len(numbers) == 250  # each once (eager worker) ...
    assert set(numbers) == set(range(250))  # ... and every one
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()


def test_events_published_at_once_may_each_be_about_their_own_row_and_time(alice: User) -> None:
    default, own = datetime(2026, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)

    with transaction.atomic():
        events.events_publish_many(
            name="tests.happened",
            events=[
                (alice.pk, "plain", {}),
                NewEvent(alice.pk, "own", {}, about_id=7, occurred_at=own),
            ],
            about=alice,
            occurred_at=default,
        )

    assert sorted(Event.objects.values_list("key", "source", "occurred_at")) == [
        ("own", "customers.user:7", own),
        ("plain", f"customers.user:{alice.pk}", default),
    ]
