"""The privacy section of the public transparency report: requests and incidents per month."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from customers.models import DataRequest, Incident
from customers.requests import months_after


@dataclass
class MonthFigures:
    month: date
    received: int = 0
    completed: int = 0
    completed_on_time: int = 0
    incidents: int = 0
    days: list[float] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return round(statistics.median(self.days), 1) if self.days else None

    @property
    def on_time_share(self) -> int | None:
        """Percent of the requests completed this month that were completed by their due date."""
        return round(100 * self.completed_on_time / self.completed) if self.completed else None


def _month(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def privacy_report(*, months: int = 12, now: datetime | None = None) -> list[MonthFigures]:
    """Return the last ``months`` months, newest first, in three queries.

    Cancelled requests count as received, not as completed. Requests of
    erased customers count too: they outlive the customer, unlinked.
    """
    now = now or timezone.now()
    first = _month(months_after(now, -(months - 1)))
    start = timezone.make_aware(datetime(first.year, first.month, 1))
    figures: dict[date, MonthFigures] = {}
    cursor = first
    for _ in range(months):
        figures[cursor] = MonthFigures(month=cursor)
        cursor = _next_month(cursor)
    outside = MonthFigures(month=first)  # a clock ahead of now: counted nowhere
    for received_at in DataRequest.objects.filter(received_at__gte=start).values_list(
        "received_at", flat=True
    ):
        figures.get(_month(received_at), outside).received += 1
    completed = DataRequest.objects.filter(
        completed_at__gte=start, status=DataRequest.Status.COMPLETED
    ).values_list("received_at", "completed_at", "due_at")
    for received_at, completed_at, due_at in completed:
        if completed_at is None:
            continue
        month = figures.get(_month(completed_at), outside)
        month.completed += 1
        month.completed_on_time += completed_at <= due_at
        month.days.append((completed_at - received_at).total_seconds() / 86400)
    for declared_at in Incident.objects.filter(declared_at__gte=start).values_list("declared_at", flat=True):
        if declared_at is not None:
            figures.get(_month(declared_at), outside).incidents += 1
    return sorted(figures.values(), key=lambda figure: figure.month, reverse=True)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)
