"""What-if: before weights or thresholds change, staff see who would move to which band."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import customer
from trust.ledger import ledger_book
from trust.models import Band, EventType
from trust.recompute import recompute_all
from trust.scoring import Rules
from trust.whatif import whatif_event_type, whatif_rules

pytestmark = pytest.mark.django_db


def _customers_with(*kinds: str) -> None:
    for number, kind in enumerate(kinds):
        person = customer()
        ledger_book(customer_id=person.pk, event_type=kind, key=f"k{number}")


def test_raising_the_thresholds_shows_who_would_drop() -> None:
    _customers_with("praise", "praise", "complaint", "goodwill")  # scores 58, 58, 37, 66
    recompute_all()

    result = whatif_rules(current=Rules(), proposed=Rules(healthy_min=60, watch_min=40))

    moves = {(move.before, move.after): move.customers for move in result.moves}
    assert moves == {(Band.HEALTHY, Band.WATCH): 2, (Band.WATCH, Band.AT_RISK): 1}
    assert result.moving == 3
    assert (Band.HEALTHY, 3, 1) in result.totals()


def test_a_lower_alarm_count_puts_single_bad_experiences_at_risk() -> None:
    _customers_with("complaint", "praise")

    result = whatif_rules(current=Rules(), proposed=Rules(alarm_negatives=1))

    assert [(move.before, move.after, move.customers) for move in result.moves] == [
        (Band.WATCH, Band.AT_RISK, 1)
    ]


def test_a_longer_half_life_of_incidents_shows_who_stays_down_longer() -> None:
    person = customer()
    ledger_book(
        customer_id=person.pk,
        event_type="data_incident",
        key="old",
        occurred_at=timezone.now() - timedelta(days=365),
    )  # half of -25 left today: watch
    incident = EventType.objects.get(key="data_incident")

    result = whatif_event_type(event_type=incident, points=-25, half_life_days=3650, rules=Rules())

    assert [(move.before, move.after, move.customers) for move in result.moves] == [
        (Band.WATCH, Band.AT_RISK, 1)
    ]


def test_new_points_show_what_they_would_have_done_to_the_entries_booked() -> None:
    _customers_with("complaint", "complaint", "praise")
    complaint = EventType.objects.get(key="complaint")

    result = whatif_event_type(event_type=complaint, points=-20, half_life_days=180, rules=Rules())

    assert [(move.before, move.after, move.customers) for move in result.moves] == [
        (Band.WATCH, Band.AT_RISK, 2)
    ]
    assert result.considered == 3


def test_no_change_moves_nobody() -> None:
    _customers_with("complaint", "praise")

    assert whatif_rules(current=Rules(), proposed=Rules()).moves == []
