"""Time the privacy center page at size and count its queries; nothing it creates is kept."""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lab.benchmarks.privacy_center import privacy_center_fixture


class Command(BaseCommand):
    help = (
        "Render /privacy/ for a customer with PURPOSES x CHANNELS and RECORDS consent changes; print the "
        "time and the number of queries. Runs in a transaction that is rolled back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--purposes", type=int, default=10)
        parser.add_argument("--channels", type=int, default=4)
        parser.add_argument("--records", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=5, help="Renders to time (median is printed).")

    def handle(self, *args: Any, **options: Any) -> None:
        if min(options["purposes"], options["channels"], options["repeat"]) < 1 or options["records"] < 0:
            raise CommandError(
                "--purposes, --channels and --repeat must be at least 1, --records at least 0."
            )
        hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
        client = Client(HTTP_HOST=hosts[0] if hosts else "localhost")
        with transaction.atomic():
            started = time.perf_counter()
            customer = privacy_center_fixture(
                purposes=options["purposes"], channels=options["channels"], records=options["records"]
            )
            self.stdout.write(f"fixture: {time.perf_counter() - started:.1f} s")
            client.force_login(customer)
            client.get("/privacy/", secure=True)  # warm up templates and connections
            timings, queries, status = [], 0, 0
            for _ in range(options["repeat"]):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get("/privacy/", secure=True)
                    timings.append(time.perf_counter() - started)
                queries, status = len(captured), response.status_code
            transaction.set_rollback(True)
        self.stdout.write(
            f"privacy center: {options['purposes']} purposes x {options['channels']} channels, "
            f"{options['records']} history records, {connection.vendor}\n"
            f"  status {status}, {queries} queries, median {statistics.median(timings) * 1000:.1f} ms, "
            f"best {min(timings) * 1000:.1f} ms over {options['repeat']} renders"
        )
