"""The benchmark behind ``manage.py trust_bench``: synthetic data, set-based, and the timings.

It times, in one run and on one database:

- the **floor**: ``SELECT customer_id, SUM(points) FROM trust_ledgerentry GROUP BY
  customer_id`` (wrapped so that every sum is consumed), the cheapest
  possible pass over the ledger;
- the **full recompute** as it runs every night: every chunk of
  :func:`trust.recompute.recompute_range`, from the stored sums (only what
  time changed is written);
- the **rebuild** from the ledger (what a change of a half-life costs): once
  cold, right after the load (every account and stored sum is written), and
  once more;
- **booking** one entry through :func:`trust.ledger.ledger_book`, p50 and p95.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from queue import Empty, Queue

from django.db import connection, connections
from django.utils import timezone

from trust.accounts import accounts_open_from_ledger
from trust.ledger import ledger_book
from trust.models import EventType, LedgerEntry
from trust.recompute import recompute_range, recompute_ranges

BENCH_DOMAIN = "bench.invalid"
SPREAD_SECONDS = 2 * 365 * 86400  # entries spread over the last two years


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def bench_customers() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM customers_user WHERE email LIKE %s", [f"%@{BENCH_DOMAIN}"])
        return int(cursor.fetchone()[0])


def other_customers() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM customers_user WHERE is_staff = %s AND email NOT LIKE %s",
            [False, f"%@{BENCH_DOMAIN}"],
        )
        return int(cursor.fetchone()[0])


def _series(count: int) -> str:
    if connection.vendor == "postgresql":
        return f"generate_series(1, {int(count)})"
    limit = int(count)
    return (
        f"(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {limit}) SELECT n FROM s)"  # noqa: S608
    )


@contextmanager
def _without_ledger_indexes() -> Iterator[None]:
    """Drop the ledger's indexes for a bulk load and build them again after (much faster)."""
    meta = LedgerEntry._meta
    with connection.schema_editor() as editor:
        for index in meta.indexes:
            editor.remove_index(LedgerEntry, index)
        for constraint in meta.constraints:
            editor.remove_constraint(LedgerEntry, constraint)
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
        with connection.schema_editor() as editor:
            for constraint in meta.constraints:
                editor.add_constraint(LedgerEntry, constraint)
            for index in meta.indexes:
                editor.add_index(LedgerEntry, index)


def bench_build(*, customers: int, entries_per_customer: int, say: Callable[[str], None]) -> None:
    """Insert ``customers`` synthetic customers with ``entries_per_customer`` entries each, set-based."""
    postgres = connection.vendor == "postgresql"
    started = time.perf_counter()
    joined = timezone.now() - timedelta(days=800)
    series = f"{_series(customers)} AS g(n)" if postgres else _series(customers)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_user (password, is_superuser, email, full_name, language, is_staff, "  # noqa: S608 (fixed fragments)
            "is_active, date_joined) "
            f"SELECT '!', %s, 'bench-' || n || '@{BENCH_DOMAIN}', '', 'en', %s, %s, %s FROM {series}",
            [False, False, True, connection.ops.adapt_datetimefield_value(joined)],
        )
    say(f"  {customers:,} customers in {time.perf_counter() - started:.1f} s")
    kinds = list(EventType.objects.filter(active=True, custom_points=False).order_by("pk"))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS trust_bench_types")
        cursor.execute(
            "CREATE TEMPORARY TABLE trust_bench_types "
            "(slot integer, id bigint, points integer, alarm integer)"
        )
        cursor.executemany(
            "INSERT INTO trust_bench_types VALUES (%s, %s, %s, %s)",
            [
                (slot, kind.pk, kind.points, 1 if kind.points < 0 and kind.counts_for_alarm else 0)
                for slot, kind in enumerate(kinds)
            ],
        )
    # Building the indexes after the load is much faster on PostgreSQL; SQLite runs small N only.
    with _without_ledger_indexes() if postgres else nullcontext(), connection.cursor() as cursor:
        if postgres:
            occurred = f"now() - make_interval(secs => ((u.id * 7919 + j.n * 104729) %% {SPREAD_SECONDS}))"
            entries = f"{_series(entries_per_customer)} AS j(n)"
        else:
            occurred = (
                f"datetime('now', '-' || ((u.id * 7919 + j.n * 104729) %% {SPREAD_SECONDS}) || ' seconds')"
            )
            entries = f"{_series(entries_per_customer)} AS j"
        cursor.execute(
            "INSERT INTO trust_ledgerentry (customer_id, event_type_id, points, alarm_weight, occurred_at, "  # noqa: S608 (fixed fragments)
            "booked_at, key, source, note) "
            f"SELECT u.id, t.id, t.points, t.alarm, {occurred}, {occurred}, "
            "'bench:' || u.id || ':' || j.n, '', '' "
            f"FROM customers_user u CROSS JOIN {entries} "
            "JOIN trust_bench_types t ON t.slot = ((u.id * 31 + j.n * 17) %% %s) "
            "WHERE u.email LIKE %s",
            [len(kinds), f"%@{BENCH_DOMAIN}"],
        )
        say(f"  {customers * entries_per_customer:,} ledger entries in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
    say(f"  ledger indexes built in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    accounts_open_from_ledger()
    say(f"  accounts opened in {time.perf_counter() - started:.1f} s")
    bench_vacuum()


def bench_vacuum() -> None:
    """Let PostgreSQL answer from the indexes alone, as it would after autovacuum."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE trust_ledgerentry")
            cursor.execute("VACUUM ANALYZE trust_account")
            cursor.execute("VACUUM ANALYZE trust_accountdecay")
            cursor.execute("VACUUM ANALYZE trust_followup")
            cursor.execute("VACUUM ANALYZE customers_user")
        else:
            cursor.execute("ANALYZE")


def time_floor(*, repeat: int) -> Timing:
    """Time the bare aggregate, consuming every sum it computes."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*), SUM(balance) FROM (SELECT customer_id, SUM(points) AS balance "
                "FROM trust_ledgerentry GROUP BY customer_id) floor"
            )
            cursor.fetchone()
        seconds.append(time.perf_counter() - started)
    return Timing("floor", seconds)


def _recompute_once(*, chunk_size: int, workers: int, rebuild: bool) -> tuple[float, int]:
    ranges: Queue[tuple[int, int]] = Queue()
    for bounds in recompute_ranges(chunk_size=chunk_size):
        ranges.put(bounds)
    totals: list[int] = []
    now = timezone.now()

    def work() -> None:
        try:
            while True:
                try:
                    first, last = ranges.get_nowait()
                except Empty:
                    return
                totals.append(recompute_range(first_id=first, last_id=last, now=now, rebuild=rebuild))
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()

    started = time.perf_counter()
    if workers == 1:
        work()
    else:
        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return time.perf_counter() - started, sum(totals)


def time_recompute(
    *, label: str, repeat: int, chunk_size: int, workers: int, rebuild: bool = False
) -> tuple[Timing, int]:
    """Time a full recompute over every chunk, on ``workers`` connections at once (as a Celery group)."""
    seconds, changed = [], 0
    for _ in range(repeat):
        elapsed, changed = _recompute_once(chunk_size=chunk_size, workers=workers, rebuild=rebuild)
        seconds.append(elapsed)
    return Timing(label, seconds), changed


def time_bookings(*, count: int, seed: int) -> Timing:
    """Book ``count`` entries for bench customers through the service, one at a time."""
    kinds = list(EventType.objects.filter(active=True, custom_points=False).values_list("key", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(id), MAX(id) FROM customers_user WHERE email LIKE %s", [f"%@{BENCH_DOMAIN}"]
        )
        first, last = cursor.fetchone()
    rng = random.Random(seed)
    run = timezone.now().strftime("%Y%m%d%H%M%S%f")
    seconds = []
    for number in range(count):
        customer_id = rng.randint(first, last)
        started = time.perf_counter()
        ledger_book(
            customer_id=customer_id, event_type=rng.choice(kinds), key=f"bench-booking:{run}:{number}"
        )
        seconds.append(time.perf_counter() - started)
    return Timing("booking", seconds)


def ledger_size() -> int:
    return LedgerEntry.objects.count()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
