"""Public figures for the transparency report: promises kept per month, and satisfaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from feedback.models import Survey, Thread

MONTHS = 12


@dataclass(frozen=True)
class MonthFigure:
    month: date
    kept: int
    total: int

    @property
    def share_kept(self) -> int:
        """Percent of the month's settled promises that were kept, rounded."""
        return round(100 * self.kept / self.total) if self.total else 0


@dataclass(frozen=True)
class SatisfactionFigure:
    answers: int
    average: float | None
    share_solved: int | None


def _months_back(now: datetime, months: int) -> datetime:
    local = timezone.localtime(now)
    year, month = local.year, local.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return timezone.make_aware(datetime(year, month, 1))


def promise_figures(*, now: datetime | None = None, months: int = MONTHS) -> list[MonthFigure]:
    """Per month (by when each promise was settled): how many were kept of how many settled."""
    since = _months_back(now or timezone.now(), months)
    rows = (
        Thread.objects.filter(
            promise__in=[Thread.Promise.KEPT, Thread.Promise.BROKEN], promise_settled_at__gte=since
        )
        .annotate(month=TruncMonth("promise_settled_at"))
        .values("month")
        .annotate(kept=Count("pk", filter=Q(promise=Thread.Promise.KEPT)), total=Count("pk"))
        .order_by("month")
    )
    return [
        MonthFigure(month=timezone.localtime(row["month"]).date(), kept=row["kept"], total=row["total"])
        for row in rows
    ]


def satisfaction_figure(*, now: datetime | None = None, months: int = MONTHS) -> SatisfactionFigure:
    """Average satisfaction (1-5) and the share of "solved" answers over the last months."""
    since = _months_back(now or timezone.now(), months)
    row = Survey.objects.filter(score__isnull=False, answered_at__gte=since).aggregate(
        answers=Count("pk"), average=Avg("score"), solved=Count("pk", filter=Q(solved=True))
    )
    answers = row["answers"] or 0
    return SatisfactionFigure(
        answers=answers,
        average=round(float(row["average"]), 2) if row["average"] is not None else None,
        share_solved=round(100 * row["solved"] / answers) if answers else None,
    )


def transparency_context() -> dict[str, Any]:
    """The context of the feedback section of the transparency report."""
    return {
        "feedback_promise_months": promise_figures(),
        "feedback_satisfaction": satisfaction_figure(),
        "feedback_months": MONTHS,
    }
