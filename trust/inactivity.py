"""Silence costs: one inactivity withdrawal per silent period per customer, set-based.

A customer is silent when their last touchpoint (or, without one, the day
they joined) lies more than ``inactivity_days`` back. Each full period of
silence books one withdrawal, keyed by the customer, the start of the
silence and the period's number, so running the task twice a day (or on two
workers) books nothing twice, and a touchpoint starts the count afresh.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from customers.models import User
from trust.configuration import trust_settings
from trust.models import EventType, TrustSettings
from trust.recompute import CHUNK_SIZE, recompute_range
from trust.scoring import NEUTRAL, Rules, band_of

INACTIVITY = "inactivity"


def _epoch(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(floor(date_part('epoch', {column})) AS bigint)"
    return f"CAST(round((julianday({column}) - 2440587.5) * 86400.0) AS integer)"


def inactivity_book(*, now: datetime | None = None, chunk_size: int = CHUNK_SIZE) -> int:
    """Book the inactivity withdrawals that are due; return how many were booked."""
    now = now or timezone.now()
    kind = EventType.objects.filter(key=INACTIVITY, active=True).first()
    if kind is None:
        return 0  # staff switched silence off
    settings = trust_settings()
    bounds = User.objects.customers().aggregate(first=Min("pk"), last=Max("pk"))
    if bounds["first"] is None:
        return 0
    return sum(
        inactivity_book_range(
            first_id=start, last_id=start + chunk_size - 1, kind=kind, settings=settings, now=now
        )
        for start in range(bounds["first"], bounds["last"] + 1, chunk_size)
    )


# A customer (not staff), still active: with the parameters False, False, True.
CUSTOMER = "u.is_staff = %s AND u.is_superuser = %s AND u.is_active = %s"


def _open_neutral_accounts(
    cursor: Any, *, first_id: int, last_id: int, cutoff: Any, settings: TrustSettings
) -> None:
    """Give customers of the range who joined before ``cutoff`` and have no account a neutral one."""
    neutral_band = band_of(NEUTRAL, alarm=False, rules=Rules.of(settings))
    cursor.execute(
        "INSERT INTO trust_account (customer_id, balance, entry_count, score, band, negatives, alarm, "  # noqa: S608 (fixed fragments, values are parameters)
        "care_mail_key) SELECT u.id, 0, 0, %s, %s, 0, %s, '' FROM customers_user u "
        f"WHERE u.id BETWEEN %s AND %s AND {CUSTOMER} AND u.date_joined < %s "
        "AND NOT EXISTS (SELECT 1 FROM trust_account a WHERE a.customer_id = u.id) "
        "ON CONFLICT (customer_id) DO NOTHING",
        [NEUTRAL, neutral_band.value, False, first_id, last_id, False, False, True, cutoff],
    )


def _charge_silent(cursor: Any, *, kind: EventType, at: Any) -> int:
    """Book one withdrawal per row of trust_tmp_silent and add it to the balances; return how many."""
    cursor.execute(
        "INSERT INTO trust_ledgerentry (customer_id, event_type_id, points, alarm_weight, occurred_at, "
        "booked_at, key, source, note) SELECT s.customer_id, %s, %s, %s, %s, %s, s.key, '', '' "
        "FROM trust_tmp_silent s WHERE 1 = 1 ON CONFLICT (key) DO NOTHING",
        [kind.pk, kind.points, 1 if kind.points < 0 and kind.counts_for_alarm else 0, at, at],
    )
    cursor.execute("CREATE TEMPORARY TABLE trust_tmp_booked AS SELECT customer_id FROM trust_tmp_silent")
    cursor.execute("SELECT COUNT(*) FROM trust_tmp_booked")
    booked = int(cursor.fetchone()[0])
    if booked:
        cursor.execute(
            "UPDATE trust_account SET balance = balance + %s, entry_count = entry_count + 1 "
            "WHERE customer_id IN (SELECT customer_id FROM trust_tmp_booked)",
            [kind.points],
        )
    return booked


def inactivity_book_range(
    *, first_id: int, last_id: int, kind: EventType, settings: TrustSettings, now: datetime
) -> int:
    """Book the due withdrawals for customers with ids in [first_id, last_id], in one transaction."""
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    cutoff = ops.adapt_datetimefield_value(now - timedelta(days=settings.inactivity_days))
    period_seconds = settings.inactivity_days * 86400
    customer_params = [False, False, True]
    since = "COALESCE(a.last_touch_at, u.date_joined)"
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("trust_tmp_silent", "trust_tmp_booked"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        # Silent customers who never had an entry get their (neutral) account first.
        _open_neutral_accounts(cursor, first_id=first_id, last_id=last_id, cutoff=cutoff, settings=settings)
        silent = (
            "FROM trust_account a JOIN customers_user u ON u.id = a.customer_id "
            f"WHERE a.customer_id BETWEEN %s AND %s AND {CUSTOMER} AND {since} < %s"
        )
        silent_params = [first_id, last_id, *customer_params, cutoff]
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT a.customer_id {silent} ORDER BY a.customer_id FOR UPDATE OF a", silent_params
            )
        # Locked (on PostgreSQL) before reading who is silent: a booking that came first counts.
        since_epoch = _epoch(since)
        cursor.execute(
            "CREATE TEMPORARY TABLE trust_tmp_silent AS SELECT a.customer_id AS customer_id, "
            f"'inactivity:' || a.customer_id || ':' || {since_epoch} || ':' || "
            f"CAST(floor((%s - {since_epoch}) / %s) AS integer) AS key {silent}",
            [now.timestamp(), float(period_seconds), *silent_params],
        )
        # Periods already charged (an earlier run, another worker's run that held the locks first).
        cursor.execute(
            "DELETE FROM trust_tmp_silent WHERE EXISTS "
            "(SELECT 1 FROM trust_ledgerentry e WHERE e.key = trust_tmp_silent.key)"
        )
        booked = _charge_silent(cursor, kind=kind, at=at)
        if booked:
            # The stored sums and alarm counts of whom it charged, from their ledgers.
            recompute_range(
                first_id=first_id,
                last_id=last_id,
                now=now,
                settings=settings,
                only_table="trust_tmp_booked",
                rebuild=True,
            )
        for table in ("trust_tmp_silent", "trust_tmp_booked"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return booked
