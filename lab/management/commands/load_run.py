"""``make load``: the portal under gunicorn, Celery and beat on PostgreSQL + Redis, driven by locust.

See :mod:`lab.load`. Prints throughput, p50/p95/p99 per step and the
errors, beside the ceiling of a trivial endpoint on the same server, and the
invariants afterwards. Exits non-zero on an error or a failed invariant.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.load.run import Options, run


def add_load_arguments(parser: CommandParser) -> None:
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated people (default 50)")
    parser.add_argument(
        "--seconds", type=int, default=60, help="seconds measured once all have signed in (default 60)"
    )
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="people started per second (default 5)")
    parser.add_argument("--customers", type=int, default=300, help="demo customers seeded (default 300)")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--settle", type=int, default=240, help="seconds to wait for the jobs (default 240)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the run's files")


def options_from(given: dict[str, Any]) -> Options:
    return Options(
        users=max(given["users"], 1),
        seconds=min(max(given["seconds"], 5), 600),
        spawn_rate=max(given["spawn_rate"], 0.1),
        customers=max(given["customers"], given["users"]),
        web_workers=max(given["web_workers"], 1),
        settle_seconds=min(max(given["settle"], 10), 900),
        keep=given["keep"],
    )


class Command(BaseCommand):
    help = "Load-test the portal as in production (gunicorn, PostgreSQL, Redis, Celery) with locust."

    def add_arguments(self, parser: CommandParser) -> None:
        add_load_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if not run(options=options_from(options), chaos=False, say=self.say):
            raise CommandError("the load run missed its targets (see above)")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()
