"""What-if: before a change to weights or thresholds is saved, how many customers would move where.

Thresholds and the alarm count only re-read the accounts' stored scores.
Half-lives, points, the score scale and the alarm window need the ledger:
one set-based pass that scores every customer twice, with today's and with
the proposed settings, so the comparison is not blurred by time passing
since the last recompute. A change of points applies to entries booked
from then on; its what-if shows what the new points would have done to
the entries already booked; so does a change of a cap (:func:`whatif_cap`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from trust.models import Account, Band, EventType, LedgerEntry
from trust.scoring import Rules, band_of, sql_aggregate, sql_band, sql_score

BANDS = [Band.HEALTHY, Band.WATCH, Band.AT_RISK, Band.CRITICAL]


@dataclass(frozen=True)
class Move:
    before: Band
    after: Band
    customers: int


@dataclass(frozen=True)
class CapEffect:
    """What a proposed cap would have left out of the entries booked in the last ``days`` days."""

    days: int
    entries: int
    over: int
    customers: int


# How far back the preview of a cap looks.
CAP_PREVIEW_DAYS = 365


def whatif_cap(
    *, event_type: EventType, cap_count: int | None, cap_days: int | None, now: datetime | None = None
) -> CapEffect:
    """Replay the last year's entries of one type under a proposed cap (one ordered pass).

    A cap applies to entries booked from now on; this shows what it would have done to the
    entries already booked, in the order they happened, per customer and cap scope.
    """
    since = (now or timezone.now()) - timedelta(days=CAP_PREVIEW_DAYS)
    rows = (
        LedgerEntry.objects.filter(
            event_type=event_type, reversal_of__isnull=True, occurred_at__gte=since, reversals__isnull=True
        )
        .exclude(points=0, capped_points__isnull=True)
        .order_by("customer_id", "cap_scope", "occurred_at", "pk")
        .values_list("customer_id", "cap_scope", "occurred_at")
    )
    entries = over = 0
    customers: set[int] = set()
    counted: list[datetime] = []
    group: tuple[int, str] | None = None
    for customer_id, scope, occurred_at in rows.iterator(chunk_size=2000):
        entries += 1
        if (customer_id, scope) != group:
            group, counted = (customer_id, scope), []
        window = [
            moment
            for moment in counted
            if cap_days is None or moment > occurred_at - timedelta(days=cap_days)
        ]
        if cap_count is not None and len(window) >= cap_count:
            over += 1
            customers.add(customer_id)
            continue
        counted.append(occurred_at)
    return CapEffect(CAP_PREVIEW_DAYS, entries, over, len(customers))


@dataclass
class WhatIf:
    """Customers per (band now, band after the change)."""

    counts: dict[tuple[Band, Band], int] = field(default_factory=dict)
    cap: CapEffect | None = None  # set when the proposal changes the type's cap

    @property
    def moves(self) -> list[Move]:
        """The customers who would change band, grouped by from and to."""
        return [
            Move(before, after, count)
            for (before, after), count in sorted(
                self.counts.items(), key=lambda item: (BANDS.index(item[0][0]), BANDS.index(item[0][1]))
            )
            if before != after and count
        ]

    @property
    def moving(self) -> int:
        return sum(move.customers for move in self.moves)

    @property
    def considered(self) -> int:
        return sum(self.counts.values())

    def totals(self) -> list[tuple[Band, int, int]]:
        """Per band: customers in it now and after the change."""
        return [
            (
                band,
                sum(count for (before, _), count in self.counts.items() if before == band),
                sum(count for (_, after), count in self.counts.items() if after == band),
            )
            for band in BANDS
        ]


def _needs_ledger(current: Rules, proposed: Rules) -> bool:
    return (current.score_scale, current.alarm_window_days) != (
        proposed.score_scale,
        proposed.alarm_window_days,
    )


def whatif_rules(*, current: Rules, proposed: Rules, now: datetime | None = None) -> WhatIf:
    """How bands would move if the settings were ``proposed`` instead of ``current``."""
    if _needs_ledger(current, proposed):
        half_lives = dict(EventType.objects.values_list("pk", "half_life_days"))
        return _ledger_pass(current, proposed, half_lives, half_lives, None, now or timezone.now())
    result = WhatIf()
    rows = Account.objects.values("score", "negatives", "band").annotate(customers=Count("pk"))
    for row in rows:
        before = band_of(row["score"], alarm=row["negatives"] >= current.alarm_negatives, rules=current)
        after = band_of(row["score"], alarm=row["negatives"] >= proposed.alarm_negatives, rules=proposed)
        result.counts[(before, after)] = result.counts.get((before, after), 0) + row["customers"]
    return result


def whatif_event_type(
    *, event_type: EventType, points: int, half_life_days: int, rules: Rules, now: datetime | None = None
) -> WhatIf:
    """How bands would move if the type had ``points`` and ``half_life_days`` (one pass over the ledger)."""
    current = dict(EventType.objects.values_list("pk", "half_life_days"))
    proposed = {**current, event_type.pk: half_life_days}
    factor = None
    if event_type.points and points != event_type.points:
        factor = {event_type.pk: points / event_type.points}
    return _ledger_pass(rules, rules, current, proposed, factor, now or timezone.now())


def _ledger_pass(
    current: Rules,
    proposed: Rules,
    half_lives: dict[int, int],
    proposed_half_lives: dict[int, int],
    points_factor: dict[int, float] | None,
    now: datetime,
) -> WhatIf:
    old_decayed, old_negatives, old_params = sql_aggregate(
        connection, half_lives=half_lives, now=now, rules=current
    )
    new_decayed, new_negatives, new_params = sql_aggregate(
        connection, half_lives=proposed_half_lives, now=now, rules=proposed, points_factor=points_factor
    )
    old_score, old_score_params = sql_score(connection, "s.old_decayed", rules=current)
    new_score, new_score_params = sql_score(connection, "s.new_decayed", rules=proposed)
    old_band, old_band_params = sql_band("x.old_score", "x.old_alarm", rules=current)
    new_band, new_band_params = sql_band("x.new_score", "x.new_alarm", rules=proposed)
    sql = (
        f"SELECT {old_band} AS band_before, {new_band} AS band_after, COUNT(*) FROM ("  # noqa: S608 (fixed fragments, values are parameters)
        f"SELECT {old_score} AS old_score, (s.old_negatives >= %s) AS old_alarm, "
        f"{new_score} AS new_score, (s.new_negatives >= %s) AS new_alarm FROM ("
        f"SELECT e.customer_id, {old_decayed} AS old_decayed, {old_negatives} AS old_negatives, "
        f"{new_decayed} AS new_decayed, {new_negatives} AS new_negatives "
        "FROM trust_ledgerentry e GROUP BY e.customer_id) s) x GROUP BY 1, 2"
    )
    params = [
        *old_band_params,
        *new_band_params,
        *old_score_params,
        current.alarm_negatives,
        *new_score_params,
        proposed.alarm_negatives,
        *old_params,
        *new_params,
    ]
    result = WhatIf()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for before, after, count in cursor.fetchall():
            result.counts[(Band(before), Band(after))] = int(count)
    return result
