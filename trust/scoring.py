"""The score: how a ledger becomes a number from 0 to 100, a band and an alarm.

The formula (also in the README)::

    contribution of an entry = points * 2^(-age / half-life)       (age >= 0, in days)
    decayed sum D            = sum of the contributions
    score                    = floor(100 / (1 + e^(-D / scale)) + 0.5)   (scale: a setting, default 15)

A customer with no entries has D = 0 and sits in the middle (50). A
deposit of +15 fresh points gives 73, a withdrawal of -15 gives 27. The band
follows from the score and the thresholds; the **alarm rule** puts an
account with ``alarm_negatives`` (2) or more bad experiences within
``alarm_window_days`` (90) at "at risk" or worse, whatever its score.

This module holds the formula twice, side by side: in Python (one customer:
bookings, the explanation on the customer page, the trend chart) and as SQL
(the set-based recompute, the what-if, the stored sums). The tests check
that all of them agree.

The decay factors: ``p * 2^(-(now - t)/h) = [p * 2^(-(as_of - t)/h)] * 2^(-(now - as_of)/h)``,
so per account and half-life one stored sum, rolled forward when read,
gives the decayed sum without rescanning the ledger
(:class:`trust.models.AccountDecay`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from trust.models import Band, TrustSettings

LN2 = math.log(2)
SECONDS_PER_DAY = 86400.0
NEUTRAL = 50
# e^709 is the largest power float8 holds; a score is 0 or 100 long before.
_EXPONENT_LIMIT = 700.0


@dataclass(frozen=True)
class Rules:
    """The settings a score depends on (a snapshot, so a computation is consistent)."""

    healthy_min: int = 50
    watch_min: int = 30
    at_risk_min: int = 15
    score_scale: int = 15
    alarm_negatives: int = 2
    alarm_window_days: int = 90

    @classmethod
    def of(cls, settings: TrustSettings) -> Rules:
        return cls(**{field: getattr(settings, field) for field in TrustSettings.SCORING_FIELDS})

    def replace(self, **changes: Any) -> Rules:
        return Rules(**{**self.__dict__, **changes})


def decay_rate(half_life_days: float) -> float:
    """Return the rate r with 2^(-age/h) = e^(-r * age), age in seconds."""
    return LN2 / (half_life_days * SECONDS_PER_DAY)


def contribution(*, points: float, occurred_at: datetime, half_life_days: float, now: datetime) -> float:
    """What one entry adds to the decayed sum now (entries dated in the future count fully)."""
    age = max((now - occurred_at).total_seconds(), 0.0)
    return points * math.exp(-decay_rate(half_life_days) * age)


def score_of(decayed: float, *, scale: float) -> int:
    """Map a decayed sum to 0..100 with the logistic curve; 0 maps to 50."""
    exponent = min(max(-decayed / scale, -_EXPONENT_LIMIT), _EXPONENT_LIMIT)
    return math.floor(100.0 / (1.0 + math.exp(exponent)) + 0.5)


def band_of(score: int, *, alarm: bool, rules: Rules) -> Band:
    """The band for a score; the alarm caps it at "at risk"."""
    if score >= rules.healthy_min and not alarm:
        return Band.HEALTHY
    if score >= rules.watch_min and not alarm:
        return Band.WATCH
    if score >= rules.at_risk_min:
        return Band.AT_RISK
    return Band.CRITICAL


@dataclass(frozen=True)
class Scored:
    """An account's derived state."""

    score: int
    band: Band
    negatives: int
    alarm: bool
    decayed: float
    oldest_negative_at: datetime | None = None  # when it leaves the window, the count changes


@dataclass(frozen=True)
class EntryFacts:
    """What the score reads of an entry."""

    points: int
    occurred_at: datetime
    half_life_days: int
    alarm_weight: int


def alarm_window_start(now: datetime, rules: Rules) -> datetime:
    return now - timedelta(days=rules.alarm_window_days)


def score_entries(entries: Iterable[EntryFacts], *, rules: Rules, now: datetime) -> Scored:
    """Score one customer's entries (the Python twin of :func:`sql_aggregate`)."""
    decayed = 0.0
    negatives = 0
    oldest: datetime | None = None
    window_start = alarm_window_start(now, rules)
    for entry in entries:
        decayed += contribution(
            points=entry.points, occurred_at=entry.occurred_at, half_life_days=entry.half_life_days, now=now
        )
        if entry.occurred_at >= window_start and entry.alarm_weight:
            negatives += entry.alarm_weight
            oldest = entry.occurred_at if oldest is None else min(oldest, entry.occurred_at)
    alarm = negatives >= rules.alarm_negatives
    score = score_of(decayed, scale=rules.score_scale)
    return Scored(score, band_of(score, alarm=alarm, rules=rules), negatives, alarm, decayed, oldest)


# --- The same formula in SQL ---------------------------------------------------------------


def _epoch_sql(connection: BaseDatabaseWrapper, column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_part('epoch', {column})"  # float8; extract() would be numeric and 10x slower
    return f"((julianday({column}) - 2440587.5) * 86400.0)"


def sql_aggregate(
    connection: BaseDatabaseWrapper,
    *,
    half_lives: Mapping[int, float],
    now: datetime,
    rules: Rules,
    alias: str = "e",
    points_factor: Mapping[int, float] | None = None,
) -> tuple[str, str, list[Any]]:
    """Return SQL for the decayed sum and the number of bad experiences of ``alias``'s rows.

    ``half_lives`` maps event type ids to half-lives; ``points_factor``
    optionally scales the points of some types (the what-if). Returns
    ``(decayed_sql, negatives_sql, params)`` for use as aggregates.
    """
    ops = connection.ops
    now_epoch = now.timestamp()
    window_start = ops.adapt_datetimefield_value(alarm_window_start(now, rules))
    epoch = _epoch_sql(connection, f"{alias}.occurred_at")
    params: list[Any] = []
    if connection.vendor == "postgresql":
        # An array indexed by type id: one lookup per row, far cheaper than a join or a CASE.
        size = max(half_lives, default=0)
        rates = [decay_rate(half_lives[i]) if i in half_lives else 0.0 for i in range(1, size + 1)]
        rate_sql = f"(%s::float8[])[{alias}.event_type_id]"
        params.append(rates)
        age_sql = f"LEAST({epoch} - %s, 0.0)"
    else:
        cases = " ".join("WHEN %s THEN %s" for _ in half_lives)
        rate_sql = f"(CASE {alias}.event_type_id {cases} ELSE 0.0 END)" if half_lives else "0.0"
        for type_id, half_life in half_lives.items():
            params += [type_id, decay_rate(half_life)]
        age_sql = f"MIN({epoch} - %s, 0.0)"
    params.append(now_epoch)
    points_sql = f"{alias}.points"
    if points_factor:
        cases = " ".join("WHEN %s THEN %s" for _ in points_factor)
        points_sql = f"({alias}.points * (CASE {alias}.event_type_id {cases} ELSE 1.0 END))"
        factor_params: list[Any] = []
        for type_id, factor in points_factor.items():
            factor_params += [type_id, factor]
        params = factor_params + params
    decayed_sql = f"SUM({points_sql} * exp({rate_sql} * {age_sql}))"
    negatives_sql = f"SUM(CASE WHEN {alias}.occurred_at >= %s THEN {alias}.alarm_weight ELSE 0 END)"
    return decayed_sql, negatives_sql, [*params, window_start]


def sql_decay(
    connection: BaseDatabaseWrapper, *, amount: str, half_life: str, since: str, now: datetime
) -> tuple[str, list[Any]]:
    """SQL for ``amount * 2^(-(now - since) / half_life)`` (half-life in days, never growing).

    Used for the stored sums of :class:`trust.models.AccountDecay`: rolled to
    ``now`` when read, built from the entries when rebuilt.
    """
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    epoch = _epoch_sql(connection, since)
    return (
        # Every operand float8: an untyped parameter divided by an integer would be numeric (10x slower).
        f"({amount} * exp(-(CAST(%s AS double precision) / {half_life}) * {greatest}(%s - {epoch}, 0.0)))",
        [LN2 / SECONDS_PER_DAY, now.timestamp()],
    )


def sql_score(connection: BaseDatabaseWrapper, decayed: str, *, rules: Rules) -> tuple[str, list[Any]]:
    """SQL for :func:`score_of` over the column or expression ``decayed``."""
    clamp_low, clamp_high = ("GREATEST", "LEAST") if connection.vendor == "postgresql" else ("MAX", "MIN")
    exponent = f"{clamp_high}({clamp_low}(-({decayed}) / %s, %s), %s)"
    return (
        f"CAST(floor(100.0 / (1.0 + exp({exponent})) + 0.5) AS integer)",
        [float(rules.score_scale), -_EXPONENT_LIMIT, _EXPONENT_LIMIT],
    )


def sql_band(score: str, alarm: str, *, rules: Rules) -> tuple[str, list[Any]]:
    """SQL for :func:`band_of` over the columns ``score`` and ``alarm``."""
    return (
        f"CASE WHEN {score} >= %s AND NOT {alarm} THEN %s "
        f"WHEN {score} >= %s AND NOT {alarm} THEN %s "
        f"WHEN {score} >= %s THEN %s ELSE %s END",
        [
            rules.healthy_min,
            Band.HEALTHY.value,
            rules.watch_min,
            Band.WATCH.value,
            rules.at_risk_min,
            Band.AT_RISK.value,
            Band.CRITICAL.value,
        ],
    )
