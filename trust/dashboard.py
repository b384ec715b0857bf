"""The figures of the trust dashboard (admin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import User
from trust.configuration import trust_settings
from trust.models import Account, Band, DailyStat, EventType, FollowUp, LedgerEntry, Nature
from trust.scoring import NEUTRAL, Rules, band_of

BANDS = [Band.HEALTHY, Band.WATCH, Band.AT_RISK, Band.CRITICAL]


@dataclass(frozen=True)
class Withdrawal:
    event_type: EventType
    entries: int
    points: int


@dataclass(frozen=True)
class DashboardFigures:
    bands: list[tuple[Band, int]]
    without_entries: int
    neutral_band: Band
    at_risk: list[Account]
    at_risk_total: int
    due_today: int
    overdue: int
    overdue_list: list[FollowUp]
    history: list[DailyStat]
    top_withdrawals: list[Withdrawal]
    month_start: datetime
    deeds_points: int = 0  # points booked this month for what the company did
    signals_points: int = 0  # ... and for what customers signalled (capped entries count 0)

    @property
    def customers(self) -> int:
        return sum(count for _, count in self.bands) + self.without_entries


def dashboard_figures(*, now: datetime | None = None, listed: int = 15) -> DashboardFigures:
    """Everything the dashboard shows, in a fixed number of queries."""
    now = now or timezone.now()
    counts = dict(Account.objects.values_list("band").annotate(n=Count("pk")).values_list("band", "n"))
    accounts = sum(counts.values())
    customers = User.objects.customers().count()
    risky = Account.objects.filter(band__in=[Band.AT_RISK, Band.CRITICAL])
    local_now = timezone.localtime(now)
    end_of_day = local_now.replace(hour=23, minute=59, second=59, microsecond=999999)
    month_start = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    open_follow_ups = FollowUp.objects.filter(status=FollowUp.Status.OPEN)
    due = open_follow_ups.aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_today=Count("pk", filter=Q(due_at__gte=now, due_at__lte=end_of_day)),
    )
    withdrawals = (
        LedgerEntry.objects.filter(points__lt=0, occurred_at__gte=month_start, reversal_of__isnull=True)
        .values("event_type")
        .annotate(entries=Count("pk"), total=Sum("points"))
        .order_by("total", "-entries")[:5]
    )
    types = EventType.objects.in_bulk([row["event_type"] for row in withdrawals])
    by_nature = LedgerEntry.objects.filter(occurred_at__gte=month_start).aggregate(
        deeds=Coalesce(Sum("points", filter=Q(event_type__nature=Nature.DEED)), 0),
        signals=Coalesce(Sum("points", filter=Q(event_type__nature=Nature.SIGNAL)), 0),
    )
    return DashboardFigures(
        bands=[(band, counts.get(band.value, 0)) for band in BANDS],
        without_entries=max(customers - accounts, 0),
        neutral_band=band_of(NEUTRAL, alarm=False, rules=Rules.of(trust_settings())),
        at_risk=list(risky.select_related("customer").order_by("score", "customer_id")[:listed]),
        at_risk_total=risky.count(),
        due_today=due["due_today"],
        overdue=due["overdue"],
        overdue_list=list(
            open_follow_ups.filter(due_at__lt=now)
            .select_related("customer", "assigned_to")
            .order_by("due_at")[:listed]
        ),
        history=list(DailyStat.objects.filter(day__gte=(now - timedelta(days=366)).date()).order_by("day")),
        top_withdrawals=[
            Withdrawal(types[row["event_type"]], row["entries"], row["total"]) for row in withdrawals
        ],
        month_start=month_start,
        deeds_points=by_nature["deeds"],
        signals_points=by_nature["signals"],
    )
