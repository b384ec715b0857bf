"""Time to action: per week, how long it took from a band crossing or an alarm to the follow-up's
outcome (median and 90th percentile), and how many follow-ups went past their due date — the
figure a customer-success lead is judged by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from django.utils import timezone

from trust.models import FollowUp

WEEKS = 12


@dataclass(frozen=True)
class Week:
    """The follow-ups opened in the week starting ``monday``."""

    monday: date
    opened: int
    acted: int
    median_hours: float | None
    p90_hours: float | None
    overdue: int


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def time_to_action(*, now: datetime | None = None, weeks: int = WEEKS) -> list[Week]:
    """The last ``weeks`` weeks, newest first (one query). A recovery by itself is no action."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    since = timezone.make_aware(datetime.combine(first, time.min))
    rows = FollowUp.objects.filter(
        reason__in=[FollowUp.Reason.BAND, FollowUp.Reason.ALARM], opened_at__gte=since
    ).values_list("opened_at", "closed_at", "due_at", "outcome")
    by_week: dict[date, list[tuple[datetime, datetime | None, datetime, str]]] = {}
    for opened_at, closed_at, due_at, outcome in rows:
        day = timezone.localtime(opened_at).date()
        by_week.setdefault(day - timedelta(days=day.weekday()), []).append(
            (opened_at, closed_at, due_at, outcome)
        )
    result = []
    for number in range(weeks):
        monday = first + timedelta(days=7 * number)
        items = by_week.get(monday, [])
        hours = [
            (closed - opened).total_seconds() / 3600
            for opened, closed, _due, outcome in items
            if closed is not None and outcome and outcome != FollowUp.Outcome.RECOVERED
        ]
        overdue = sum(1 for _opened, closed, due, _outcome in items if (closed or now) > due)
        result.append(
            Week(
                monday,
                len(items),
                len(hours),
                median(hours) if hours else None,
                _p90(hours) if hours else None,
                overdue,
            )
        )
    return result[::-1]
