"""Time to action on the dashboard: per week, crossing or alarm to outcome, median and p90, past due."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import agent, customer
from trust.models import FollowUp
from trust.time_to_action import time_to_action

pytestmark = pytest.mark.django_db


def _follow_up(opened_days_ago: float, hours_to_outcome: float | None, outcome: str = "contacted") -> None:
    opened = timezone.now() - timedelta(days=opened_days_ago)
    FollowUp.objects.create(
        customer=customer(),
        reason="band",
        band="at_risk",
        suggested_action="reach_out",
        opened_at=opened,
        due_at=opened + timedelta(days=3),
        status="open" if hours_to_outcome is None else "closed",
        closed_at=None if hours_to_outcome is None else opened + timedelta(hours=hours_to_outcome),
        outcome="" if hours_to_outcome is None else outcome,
    )


def test_each_week_gives_median_and_p90_of_the_hours_to_an_outcome_and_the_past_due() -> None:
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    days_into_week = (timezone.localdate() - monday).days
    for hours in (2, 4, 6, 8, 100):  # this week
        _follow_up(days_into_week * 0.5, hours)
    _follow_up(days_into_week * 0.5, 1, outcome="recovered")  # no action: not counted as one

    this_week, *earlier = time_to_action()

    assert this_week.monday == monday
    assert (this_week.opened, this_week.acted) == (6, 5)
    assert (this_week.median_hours, this_week.p90_hours) == (6, 100)
    assert this_week.overdue == 1  # 100 hours is past the 3 days
    assert len(earlier) == 11


def test_an_open_follow_up_past_its_due_counts_as_past_due() -> None:
    _follow_up(10, None)

    weeks = time_to_action()

    assert sum(week.overdue for week in weeks) == 1
    assert all(week.median_hours is None for week in weeks)


def test_the_dashboard_shows_the_weeks(client: Client) -> None:
    _follow_up(1, 5)
    client.force_login(agent())

    page = client.get("/admin/trust/dashboard/").content.decode()

    assert "Time to action" in page
    assert "90th percentile (hours)" in page
