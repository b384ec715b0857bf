"""``make bench-broker``: the embedded broker beside kombu's filesystem transport, and a worker's drain.

See :mod:`lab.load.brokers`. Only throwaway folders under this process's
``var/``; the worker it starts is stopped before it ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lab.load.brokers import transport_figures, worker_drain
from lab.localservers import load_average


class Command(BaseCommand):
    help = "Measure the embedded broker beside kombu's filesystem transport, and a real worker's drain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--producers", type=int, default=3, help="processes putting at once (default 3)")
        parser.add_argument("--messages", type=int, default=2000, help="messages each puts (default 2000)")
        parser.add_argument("--jobs", type=int, default=1000, help="jobs the worker drains (default 1000)")

    def handle(self, *args: Any, **options: Any) -> None:
        var = Path(settings.VAR_DIR)
        self.stdout.write(f"load average before: {load_average()}")
        for kind in ("filesystem", "embedded"):
            figures = transport_figures(
                kind, var / "bench" / kind, producers=options["producers"], messages=options["messages"]
            )
            self.stdout.write(
                f"{kind:<10}  put {figures.put_per_second:7.0f}/s  drain {figures.drain_per_second:6.0f}/s  "
                f"taken {figures.taken}, unique {figures.unique}, unreadable {figures.errors}"
            )
        drain = worker_drain(var / "drain", jobs=options["jobs"])
        self.stdout.write(
            f"worker -c 2 on the embedded default: {drain.jobs} event dispatch jobs (each a ledger booking) "
            f"in {drain.seconds:.1f} s = {drain.per_second:.1f} jobs/s"
        )
        self.stdout.write(f"load average after: {load_average()}")
