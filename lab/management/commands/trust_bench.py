"""Benchmark the trust recompute against its floor, and booking latency (lab/benchmarks)."""

from __future__ import annotations

import platform
import statistics
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections

from lab.benchmarks import trust_recompute as bench
from lab.localservers import database_create, database_drop, require_local_postgres
from trust.recompute import CHUNK_SIZE


class Command(BaseCommand):
    help = (
        "Fill this database with synthetic customers and ledger entries (set-based), then time the full "
        "recompute against the bare SUM ... GROUP BY floor, and booking one entry. Use a throwaway database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=10_000)
        parser.add_argument("--entries-per-customer", type=int, default=20)
        parser.add_argument("--bookings", type=int, default=300, help="Bookings to time (default 300).")
        parser.add_argument(
            "--repeat", type=int, default=3, help="Runs of the floor and the nightly recompute."
        )
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, help="Customer ids per chunk.")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Chunks recomputed at once, like workers of a Celery group.",
        )
        parser.add_argument("--reuse", action="store_true", help="Keep the synthetic data of an earlier run.")
        parser.add_argument(
            "--force", action="store_true", help="Run even though the database holds real customers."
        )
        parser.add_argument(
            "--throwaway",
            action="store_true",
            help="Create the (local PostgreSQL) database named by DATABASE_URL afresh, migrate it, "
            "and drop it at the end (make bench-trust).",
        )
        parser.add_argument("--keep-db", action="store_true", help="With --throwaway: keep the database.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["throwaway"]:
            self._bench(**options)
            return
        database = settings.DATABASES["default"]
        require_local_postgres(database, connection.vendor)
        database_create(database)
        try:
            call_command("migrate", verbosity=0)
            self._bench(**options)
        finally:
            connections.close_all()
            if not options["keep_db"]:
                database_drop(database)

    def _bench(self, **options: Any) -> None:
        customers, per_customer = options["customers"], options["entries_per_customer"]
        if customers < 1 or per_customer < 1 or options["bookings"] < 1 or options["repeat"] < 1:
            raise CommandError(
                "--customers, --entries-per-customer, --bookings and --repeat must be positive."
            )
        if options["workers"] < 1 or options["chunk_size"] < 1:
            raise CommandError("--workers and --chunk-size must be positive.")
        if bench.other_customers() and not options["force"]:
            raise CommandError(
                "This database holds real customers. trust_bench adds a lot of synthetic ones: point "
                "DATABASE_URL at a throwaway database (or pass --force)."
            )
        existing = bench.bench_customers()
        say = self.stdout.write
        say(f"trust_bench on {connection.vendor} ({platform.node()}, {platform.machine()})")
        if existing and not options["reuse"]:
            raise CommandError(
                f"{existing:,} synthetic customers exist already: pass --reuse, or use a fresh database."
            )
        if not existing:
            say(f"Building {customers:,} customers x {per_customer} entries ...")
            bench.bench_build(customers=customers, entries_per_customer=per_customer, say=say)
        else:
            say(f"Reusing {existing:,} synthetic customers.")
            bench.bench_vacuum()
        entries = bench.ledger_size()
        say(f"Ledger: {entries:,} entries.\n")

        chunking = {"chunk_size": options["chunk_size"], "workers": options["workers"]}
        floor = bench.time_floor(repeat=options["repeat"])
        cold, cold_changed = bench.time_recompute(label="rebuild, cold", repeat=1, rebuild=True, **chunking)
        bench.bench_vacuum()
        nightly, nightly_changed = bench.time_recompute(label="nightly", repeat=options["repeat"], **chunking)
        rebuild, rebuild_changed = bench.time_recompute(label="rebuild", repeat=1, rebuild=True, **chunking)
        floor_again = bench.time_floor(repeat=options["repeat"])
        floor_median = statistics.median(floor.seconds + floor_again.seconds)
        runs = ", ".join(f"{seconds:.2f}" for seconds in floor.seconds + floor_again.seconds)
        say(f"floor: SELECT customer_id, SUM(points) ... GROUP BY customer_id   {floor_median:7.2f} s")
        say(f"       (runs {runs})")
        say(
            f"full recompute, nightly (stored sums; {nightly_changed:,} accounts changed)"
            f"   {nightly.median:7.2f} s = {nightly.median / floor_median:.2f} x floor"
            f"  (runs {', '.join(f'{seconds:.2f}' for seconds in nightly.seconds)})"
        )
        say(
            f"rebuild from the ledger, cold ({cold_changed:,} accounts changed)"
            f"   {cold.median:7.2f} s = {cold.median / floor_median:.2f} x floor"
        )
        say(
            f"rebuild from the ledger, again ({rebuild_changed:,} accounts changed)"
            f"   {rebuild.median:7.2f} s = {rebuild.median / floor_median:.2f} x floor"
        )
        say(f"chunks of {options['chunk_size']:,} customer ids, {options['workers']} at a time")
        booking = bench.time_bookings(count=options["bookings"], seed=customers)
        p50 = bench.percentile(booking.seconds, 0.50) * 1000
        p95 = bench.percentile(booking.seconds, 0.95) * 1000
        say(f"booking one entry (ledger_book, {options['bookings']}x): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
