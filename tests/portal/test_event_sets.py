"""Events published straight from SQL: one INSERT … SELECT, one dispatch job per 5,000, each
event handed to its subscribers once."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.db import transaction

from customers.models import User
from plumbing import event_sets, events
from plumbing.event_sets import events_publish_select, sql_json_object
from plumbing.events import event_subscribe
from plumbing.models import Event, Job

pytestmark = pytest.mark.django_db(transaction=True)
SEEN: list[dict[str, int]] = []


@pytest.fixture(autouse=True)
def _subscriber() -> Iterator[None]:
    SEEN.clear()
    event_subscribe("tests.counted", lambda event: SEEN.append(event.payload))
    yield
    events._subscribers.pop("tests.counted", None)


def _publish(count: int) -> int:
    payload = sql_json_object({"n": "u.id"})
    rows = (
        "SELECT u.id AS customer_id, 'tests.counted:' || CAST(u.id AS TEXT) AS key, u.id AS about_id, "  # noqa: S608 (a query of ours)
        f"{payload} AS payload FROM customers_user u WHERE u.email LIKE %s"
    )
    with transaction.atomic():
        return events_publish_select(
            name="tests.counted",
            rows=rows,
            params=["set-%"],
            about=User,
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        )


def test_one_insert_publishes_every_row_once_and_jobs_dispatch_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_sets, "PER_RANGE_JOB", 4)
    people = [User.objects.create_user(f"set-{number}@example.com") for number in range(10)]

    assert _publish(10) == 10
    assert _publish(10) == 0  # the same keys again: nothing new

    assert Job.objects.filter(task="portal.dispatch_event_range").count() == 3  # 4 + 4 + 2
    assert sorted(payload["n"] for payload in SEEN) == sorted(person.pk for person in people)  # eager worker
    first = Event.objects.order_by("pk").first()
    assert first is not None
    assert first.source == f"customers.user:{first.customer_id}"
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()


def test_the_catalogue_decides_what_an_event_is_about() -> None:
    with pytest.raises(ValueError, match=r"trust\.account"):
        events_publish_select(
            name="trust.band_changed",
            rows="SELECT 1",
            params=[],
            about=User,
            occurred_at=datetime.now(tz=UTC),
        )
