"""The recompute: every account's score, band and alarm, set-based, in id-range chunks.

A run is split into id-range chunks (:class:`RecomputeChunk`). The
coordinating task enqueues one job (:mod:`plumbing.jobs`) per unfinished chunk,
so every worker takes a share and the sweep sends again a chunk the broker
lost or a killed worker dropped; each chunk is **one transaction** of a few SQL
statements, with no Python loop over customers or entries.

**Nightly** (the default), a chunk reads the stored sums instead of the
ledger: per account and half-life, :class:`trust.models.AccountDecay` holds
the entries' decayed sum as of some moment, and rolling it forward to now
is one multiplication (the decay factors out). Only the accounts whose
oldest bad experience has just left the alarm window have their entries
counted again. So:

1. one aggregate over the chunk's stored sums, joined to the accounts (and
   to the fresh counts), keeping only the accounts whose stored values would
   change (most of a nightly run writes nothing), into a temporary table,
   then ``ANALYZE``;
2. lock those accounts in id order and drop any that a booking changed
   meanwhile (a booking refreshes its account itself, under the same lock);
3. one ``UPDATE ... FROM`` the temporary table;
4. the follow-up rules for the changed accounts, in SQL (:func:`trust.followups.followups_apply_set`).

A **rebuild** (after a change of a half-life or of the alarm window, for
"recompute now", for the accounts the inactivity run booked) first locks
the chunk's accounts and recomputes their stored sums and counts from the
ledger: one aggregate over the chunk's entries joined to the event types,
grouped by customer and half-life.

Runs (the fan-out over chunks and its progress) are in :mod:`trust.recompute_runs`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from customers.models import User
from trust.announcements import band_changes_announce_set
from trust.configuration import trust_settings
from trust.daily_stats import daily_stat_record
from trust.followups import ANALYZE_AFTER, followups_apply_set
from trust.models import Account, TrustSettings
from trust.scoring import Rules, sql_band, sql_decay, sql_score
from trust.worktables import worktable_ready

CHUNK_SIZE = 50_000  # customer ids per chunk: ~1 M ledger entries at 20 per customer
SUM_TOLERANCE = 1e-9  # relative: a rebuilt sum this close to the stored one is the same sum
_TEMP_TABLES = ("trust_tmp_locked", "trust_tmp_rebuild", "trust_tmp_window", "trust_tmp_changed")
# Fixed SQL fragments below; every value is a query parameter.


def recompute_ranges(*, chunk_size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """Split the accounts' id span into ranges of ``chunk_size`` ids."""
    bounds = Account.objects.aggregate(first=Min("pk"), last=Max("pk"))
    first, last = bounds["first"], bounds["last"]
    if first is None or last is None:
        return []
    return [(start, min(start + chunk_size - 1, last)) for start in range(first, last + 1, chunk_size)]


def recompute_range(
    *,
    first_id: int,
    last_id: int,
    now: datetime | None = None,
    settings: TrustSettings | None = None,
    only_table: str | None = None,
    rebuild: bool = False,
) -> int:
    """Recompute the accounts with ids in [first_id, last_id]; return how many changed.

    ``rebuild`` recomputes the stored sums and counts from the ledger first.
    ``only_table`` names a temporary table of customer ids to restrict the
    chunk to (the inactivity run rebuilds only whom it booked).
    """
    now = now or timezone.now()
    settings = settings or trust_settings()
    rules = Rules.of(settings)
    postgres = connection.vendor == "postgresql"
    ops = connection.ops
    window_start = ops.adapt_datetimefield_value(now - timedelta(days=rules.alarm_window_days))
    only = f" AND a.customer_id IN (SELECT customer_id FROM {only_table})" if only_table else ""  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            # Enough memory for hash joins instead of millions of random reads (PERF_NOTES.md).
            cursor.execute("SET LOCAL work_mem = '64MB'")
        _drop_temp_tables(cursor)
        if rebuild:
            _rebuild(
                cursor, first_id=first_id, last_id=last_id, only=only, now=now, window_start=window_start
            )
            recount = "a.customer_id IN (SELECT customer_id FROM trust_tmp_locked)"
            recount_params: list[Any] = []
        else:
            recount = "a.negatives_oldest_at < %s"
            recount_params = [window_start]
            # Count again where the oldest bad experience has left the window (few accounts a night).
            cursor.execute(
                "CREATE TEMPORARY TABLE trust_tmp_window AS SELECT a.customer_id AS customer_id, "  # noqa: S608
                "SUM(CASE WHEN e.occurred_at >= %s THEN e.alarm_weight ELSE 0 END) AS negatives, "
                "MIN(CASE WHEN e.occurred_at >= %s AND e.alarm_weight <> 0 THEN e.occurred_at END) AS oldest "
                "FROM trust_account a JOIN trust_ledgerentry e ON e.customer_id = a.customer_id "
                f"WHERE a.customer_id BETWEEN %s AND %s{only} AND {recount} GROUP BY a.customer_id",
                [window_start, window_start, first_id, last_id, *recount_params],
            )
        changed = _apply(cursor, first_id=first_id, last_id=last_id, only=only, now=now, settings=settings)
        _drop_temp_tables(cursor)
    return changed


def _rebuild(
    cursor: Any, *, first_id: int, last_id: int, only: str, now: datetime, window_start: Any
) -> None:
    """Recompute the stored sums and the alarm counts of the chunk's accounts from the ledger."""
    postgres = connection.vendor == "postgresql"
    # Lock the accounts first: no booking for them can commit until the sums are rebuilt.
    # (A customer's first booking opens an account that is not in this list and keeps its own sums.)
    cursor.execute(
        "CREATE TEMPORARY TABLE trust_tmp_locked AS SELECT a.customer_id AS customer_id "  # noqa: S608
        f"FROM trust_account a WHERE a.customer_id BETWEEN %s AND %s{only} ORDER BY a.customer_id"
        + (" FOR UPDATE" if postgres else ""),
        [first_id, last_id],
    )
    worktable_ready(cursor, "trust_tmp_locked", "customer_id")
    total, total_params = sql_decay(
        connection, amount="e.points", half_life="t.half_life_days", since="e.occurred_at", now=now
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE trust_tmp_rebuild AS "  # noqa: S608
        "SELECT e.customer_id AS customer_id, t.half_life_days AS half_life_days, "
        f"SUM({total}) AS total, "
        "SUM(CASE WHEN e.occurred_at >= %s THEN e.alarm_weight ELSE 0 END) AS negatives, "
        "MIN(CASE WHEN e.occurred_at >= %s AND e.alarm_weight <> 0 THEN e.occurred_at END) AS oldest "
        "FROM trust_ledgerentry e JOIN trust_eventtype t ON t.id = e.event_type_id "
        f"WHERE e.customer_id BETWEEN %s AND %s{only.replace('a.customer_id', 'e.customer_id')} "
        "GROUP BY e.customer_id, t.half_life_days",
        [*total_params, window_start, window_start, first_id, last_id],
    )
    worktable_ready(cursor, "trust_tmp_rebuild", "customer_id", "half_life_days")
    _store_rebuilt_sums(cursor, first_id=first_id, last_id=last_id, now=now)
    cursor.execute(
        "CREATE TEMPORARY TABLE trust_tmp_window AS SELECT l.customer_id AS customer_id, "
        "COALESCE(SUM(r.negatives), 0) AS negatives, MIN(r.oldest) AS oldest "
        "FROM trust_tmp_locked l LEFT JOIN trust_tmp_rebuild r ON r.customer_id = l.customer_id "
        "GROUP BY l.customer_id"
    )


def _store_rebuilt_sums(cursor: Any, *, first_id: int, last_id: int, now: datetime) -> None:
    """Replace the locked accounts' stored sums by the rebuilt ones, where they differ."""
    ops = connection.ops
    # Write only the sums that differ from the stored ones (rolled to now): after a change of one
    # half-life, the rows of that half-life; after nothing, nothing.
    at = ops.adapt_datetimefield_value(now)
    stored, stored_params = sql_decay(
        connection,
        amount="trust_accountdecay.total",
        half_life="trust_accountdecay.half_life_days",
        since="trust_accountdecay.as_of",
        now=now,
    )
    locked = "IN (SELECT customer_id FROM trust_tmp_locked)"
    cursor.execute(
        "UPDATE trust_accountdecay SET total = r.total, as_of = %s FROM trust_tmp_rebuild r "  # noqa: S608
        "WHERE trust_accountdecay.customer_id = r.customer_id "
        "AND trust_accountdecay.half_life_days = r.half_life_days "
        f"AND trust_accountdecay.customer_id {locked} "
        f"AND ABS({stored} - r.total) > %s * (1.0 + ABS(r.total))",
        [at, *stored_params, SUM_TOLERANCE],
    )
    cursor.execute(
        "INSERT INTO trust_accountdecay (customer_id, half_life_days, total, as_of) "  # noqa: S608
        "SELECT r.customer_id, r.half_life_days, r.total, %s FROM trust_tmp_rebuild r "
        f"WHERE r.customer_id {locked} "
        # The unique index decides what is new: an anti-join planned on stale figures took minutes
        # for the second chunk of a cold rebuild (the first had just filled the table).
        "ON CONFLICT (customer_id, half_life_days) DO NOTHING",
        [at],
    )
    if cursor.rowcount > ANALYZE_AFTER and connection.vendor == "postgresql":
        cursor.execute("ANALYZE trust_accountdecay")  # fresh figures for the DELETE and the next chunk
    cursor.execute(
        "DELETE FROM trust_accountdecay WHERE customer_id BETWEEN %s AND %s "  # noqa: S608
        f"AND customer_id {locked} AND NOT EXISTS (SELECT 1 FROM trust_tmp_rebuild r "
        "WHERE r.customer_id = trust_accountdecay.customer_id "
        "AND r.half_life_days = trust_accountdecay.half_life_days)",
        [first_id, last_id],
    )


def _apply(
    cursor: Any, *, first_id: int, last_id: int, only: str, now: datetime, settings: TrustSettings
) -> int:
    """Compare the chunk's new state with the stored one; write and act on what changed."""
    rules = Rules.of(settings)
    postgres = connection.vendor == "postgresql"
    worktable_ready(cursor, "trust_tmp_window", "customer_id")
    _changed_accounts(cursor, first_id=first_id, last_id=last_id, only=only, now=now, rules=rules)
    worktable_ready(cursor, "trust_tmp_changed", "customer_id")
    if postgres:
        cursor.execute(
            "SELECT a.customer_id FROM trust_account a WHERE a.customer_id IN "
            "(SELECT customer_id FROM trust_tmp_changed) ORDER BY a.customer_id FOR UPDATE"
        )
    # A booking that committed meanwhile refreshed its account itself: leave it alone.
    cursor.execute(
        "DELETE FROM trust_tmp_changed WHERE NOT EXISTS (SELECT 1 FROM trust_account a "
        "WHERE a.customer_id = trust_tmp_changed.customer_id "
        "AND a.entry_count = trust_tmp_changed.entries AND a.score = trust_tmp_changed.prev_score "
        "AND a.band = trust_tmp_changed.prev_band AND a.negatives = trust_tmp_changed.prev_negatives "
        "AND a.alarm = trust_tmp_changed.prev_alarm)"
    )
    cursor.execute("SELECT COUNT(*) FROM trust_tmp_changed")
    changed = int(cursor.fetchone()[0])
    if changed:
        cursor.execute(
            "UPDATE trust_account SET score = c.score, band = c.band, negatives = c.negatives, "
            "alarm = c.alarm, negatives_oldest_at = c.oldest, changed_at = %s FROM trust_tmp_changed c "
            "WHERE trust_account.customer_id = c.customer_id",
            [connection.ops.adapt_datetimefield_value(now)],
        )
        followups_apply_set(changed_table="trust_tmp_changed", settings=settings, now=now)
        band_changes_announce_set(changed_table="trust_tmp_changed", now=now)
    return changed


def _changed_accounts(
    cursor: Any, *, first_id: int, last_id: int, only: str, now: datetime, rules: Rules
) -> None:
    """Fill trust_tmp_changed with the chunk's accounts whose score, band or alarm would change."""
    postgres = connection.vendor == "postgresql"
    decayed, decayed_params = sql_decay(
        connection, amount="d.total", half_life="d.half_life_days", since="d.as_of", now=now
    )
    score, score_params = sql_score(connection, "COALESCE(s.decayed, 0.0)", rules=rules)
    band, band_params = sql_band("x.score", "x.alarm", rules=rules)
    differs = "IS DISTINCT FROM" if postgres else "IS NOT"
    cursor.execute(
        "CREATE TEMPORARY TABLE trust_tmp_changed AS SELECT * FROM ("  # noqa: S608
        "SELECT x.customer_id AS customer_id, x.entries AS entries, x.prev_score AS prev_score, "
        "x.prev_band AS prev_band, x.prev_negatives AS prev_negatives, x.prev_alarm AS prev_alarm, "
        "x.prev_oldest AS prev_oldest, x.score AS score, x.negatives AS negatives, x.oldest AS oldest, "
        f"x.alarm AS alarm, {band} AS band FROM ("
        "SELECT a.customer_id AS customer_id, a.entry_count AS entries, a.score AS prev_score, "
        "a.band AS prev_band, a.negatives AS prev_negatives, a.alarm AS prev_alarm, "
        "a.negatives_oldest_at AS prev_oldest, "
        "CAST(COALESCE(w.negatives, a.negatives) AS integer) AS negatives, "
        "CASE WHEN w.customer_id IS NULL THEN a.negatives_oldest_at ELSE w.oldest END AS oldest, "
        "(COALESCE(w.negatives, a.negatives) >= %s) AS alarm, "
        f"{score} AS score "
        "FROM trust_account a "
        f"LEFT JOIN (SELECT d.customer_id AS customer_id, SUM({decayed}) AS decayed "
        "FROM trust_accountdecay d "
        "WHERE d.customer_id BETWEEN %s AND %s GROUP BY d.customer_id) s ON s.customer_id = a.customer_id "
        "LEFT JOIN trust_tmp_window w ON w.customer_id = a.customer_id "
        f"WHERE a.customer_id BETWEEN %s AND %s{only}) x) y "
        "WHERE y.score <> y.prev_score OR y.band <> y.prev_band OR y.negatives <> y.prev_negatives "
        f"OR y.alarm <> y.prev_alarm OR y.oldest {differs} y.prev_oldest",
        [
            *band_params,
            rules.alarm_negatives,
            *score_params,
            *decayed_params,
            first_id,
            last_id,
            first_id,
            last_id,
        ],
    )


def _drop_temp_tables(cursor: Any) -> None:
    for table in _TEMP_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def recompute_all(*, now: datetime | None = None, chunk_size: int = CHUNK_SIZE, rebuild: bool = False) -> int:
    """Recompute every account here and now, chunk after chunk (demo data, tests, the benchmark)."""
    now = now or timezone.now()
    settings = trust_settings()
    changed = sum(
        recompute_range(first_id=first, last_id=last, now=now, settings=settings, rebuild=rebuild)
        for first, last in recompute_ranges(chunk_size=chunk_size)
    )
    daily_stat_record(day=timezone.localdate(now))
    return changed


def recompute_customer(*, customer: User, now: datetime | None = None) -> Account | None:
    """Rebuild one customer's account from the ledger now ("recompute now"); None without one."""
    recompute_range(first_id=customer.pk, last_id=customer.pk, now=now, rebuild=True)
    return Account.objects.filter(pk=customer.pk).first()
