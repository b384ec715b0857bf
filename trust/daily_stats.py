"""The dashboard's history: the accounts' figures per day, recorded or rebuilt from the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, Q
from django.utils import timezone

from trust.configuration import trust_settings
from trust.models import Account, Band, DailyStat, EventType
from trust.scoring import Rules, sql_aggregate, sql_band, sql_score


def daily_stat_record(*, day: object) -> DailyStat:
    """Write the accounts' figures for ``day`` (the dashboard's history)."""
    figures = Account.objects.aggregate(
        accounts=Count("pk"),
        average=Avg("score"),
        healthy=Count("pk", filter=Q(band=Band.HEALTHY)),
        watch=Count("pk", filter=Q(band=Band.WATCH)),
        at_risk=Count("pk", filter=Q(band=Band.AT_RISK)),
        critical=Count("pk", filter=Q(band=Band.CRITICAL)),
    )
    return _daily_stat_save(day, figures)


def daily_stat_backfill(*, at: datetime) -> DailyStat:
    """Record the figures of ``at``'s day as the ledger says they were then (demo history).

    Uses today's weights, counts an entry from when it occurred and a
    reversal from when it was booked. One pass over the ledger per day.
    """
    rules = Rules.of(trust_settings())
    half_lives = dict(EventType.objects.values_list("pk", "half_life_days"))
    decayed, negatives, aggregate_params = sql_aggregate(
        connection, half_lives=half_lives, now=at, rules=rules
    )
    score, score_params = sql_score(connection, "s.decayed", rules=rules)
    band, band_params = sql_band("x.score", "x.alarm", rules=rules)
    moment = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        per_band = ", ".join(f"SUM(CASE WHEN y.band = '{value}' THEN 1 ELSE 0 END)" for value in Band.values)
        cursor.execute(
            f"SELECT COUNT(*), AVG(y.score), {per_band} "  # noqa: S608
            f"FROM (SELECT x.score AS score, {band} AS band FROM (SELECT {score} AS score, "
            f"(s.negatives >= %s) AS alarm FROM (SELECT e.customer_id, {decayed} AS decayed, "
            f"{negatives} AS negatives FROM trust_ledgerentry e WHERE e.occurred_at <= %s "
            "AND (e.reversal_of_id IS NULL OR e.booked_at <= %s) GROUP BY e.customer_id) s) x) y",
            [*band_params, *score_params, rules.alarm_negatives, *aggregate_params, moment, moment],
        )
        accounts, average, healthy, watch, at_risk, critical = cursor.fetchone()
    figures = {"accounts": accounts, "average": average, "healthy": healthy, "watch": watch}
    return _daily_stat_save(timezone.localdate(at), {**figures, "at_risk": at_risk, "critical": critical})


def _daily_stat_save(day: object, figures: dict[str, Any]) -> DailyStat:
    """Write a day's figures (an empty ledger counts as no accounts, average neutral)."""
    stat, _ = DailyStat.objects.update_or_create(
        day=day,
        defaults={
            "accounts": figures["accounts"] or 0,
            "average_score": float(figures["average"] or 50.0),
            "healthy": figures["healthy"] or 0,
            "watch": figures["watch"] or 0,
            "at_risk": figures["at_risk"] or 0,
            "critical": figures["critical"] or 0,
        },
    )
    return stat
