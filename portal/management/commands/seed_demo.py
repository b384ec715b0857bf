"""Load demo data so the portal looks alive on first start (safe to run twice)."""

from __future__ import annotations

import importlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from api import demo as api_demo
from customers import demo as customers_demo
from portal.celery import app as celery_app

# Each app's demo module has ``seed(*, customers, rng)``; every seeder is
# idempotent on its own, so apps can add one without re-seeding the others.
SEEDERS = ["customers.demo", "feedback.demo", "trust.demo", "api.demo"]


@contextmanager
def _jobs_run_here() -> Iterator[None]:
    """Run the jobs published meanwhile in this process, as they are published (Celery's eager mode)."""
    conf = celery_app.conf
    before = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = before


class Command(BaseCommand):
    help = "Create demo logins and ~200 bilingual customers with histories (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--customers", type=int, default=200, help="How many demo customers (default 200)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable data.")
        parser.add_argument(
            "--force", action="store_true", help="Allow demo logins with DEBUG off (never in production)."
        )
        parser.add_argument("--quiet-banner", action="store_true", help="Do not print the URL and logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to create demo logins with a known password while DEBUG is off. "
                "Use DEBUG=1 (make run does) or --force on a throwaway database."
            )
        if options["customers"] < 0:
            raise CommandError("--customers must be zero or more.")
        rng = random.Random(options["seed"])
        # The history's jobs (its events booked into the ledger, bands, follow-ups, mails) run
        # here, as each commits, exactly as a worker would run them: the portal starts with a
        # settled queue instead of hundreds of jobs ahead of the first visitor's mails.
        with _jobs_run_here(), transaction.atomic():
            logins = customers_demo.seed_logins()
            customers = customers_demo.seed_customers(count=options["customers"], rng=rng)
            for dotted in SEEDERS:
                try:
                    module = importlib.import_module(dotted)
                except ModuleNotFoundError as exc:
                    if exc.name != dotted:
                        raise
                    continue
                module.seed(customers=customers, rng=random.Random(f"{options['seed']}:{dotted}"))
        if options["quiet_banner"]:
            return
        self.stdout.write(
            self.style.SUCCESS(f"\nTrust Portal: {settings.PORTAL_BASE_URL}/  (admin: /admin/)")
        )
        self.stdout.write(f"Demo logins, password '{customers_demo.DEMO_PASSWORD}':")
        for login in logins:
            self.stdout.write(f"  {login.role:<16} {login.email}")
        if settings.DEBUG:
            self.stdout.write(f"Demo API key (every scope, DEBUG only): {api_demo.DEMO_API_KEY}")
        self.stdout.write(
            f"Mail goes to files in {getattr(settings, 'EMAIL_FILE_PATH', 'the configured backend')}\n"
        )
