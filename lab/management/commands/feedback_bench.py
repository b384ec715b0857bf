"""Measure the two lists that must stay fast: the agents' inbox and a customer's threads."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import User
from feedback.models import Kind, Thread, Topic

DOMAIN = "bench.invalid"
OTHERS = 1000
BATCH = 5000
STATUSES = list(Thread.Status)
KINDS = list(Kind)


class Command(BaseCommand):
    help = (
        "Build (once, set-based) a data set of feedback threads and print how long the admin inbox's "
        "first page and a customer's thread list take, with their query counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threads", type=int, default=100_000, help="Threads in the inbox (default 100,000)."
        )
        parser.add_argument(
            "--customer-threads",
            type=int,
            default=1000,
            help="Threads of the measured customer (default 1,000).",
        )
        parser.add_argument("--runs", type=int, default=3, help="Requests per page; the best is printed.")
        parser.add_argument("--clean", action="store_true", help="Delete the bench data set and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clean"]:
            self._clean()
            return
        total, own = options["threads"], options["customer_threads"]
        if own < 0 or total < own:
            raise CommandError("--threads must be at least --customer-threads, and both zero or more.")
        admin, customer = self._data(total=total, own=own)
        host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
        client = Client(HTTP_HOST=host, secure=bool(settings.SECURE_SSL_REDIRECT))
        inbox_total = Thread.objects.count()
        client.force_login(admin)
        self._measure(
            client, "/admin/feedback/thread/", f"admin inbox, {inbox_total:,} threads", options["runs"]
        )
        client.force_login(customer)
        self._measure(client, "/feedback/", f"customer's thread list, {own:,} threads", options["runs"])

    def _measure(self, client: Client, path: str, label: str, runs: int) -> None:
        best, queries, status = float("inf"), 0, 0
        for _ in range(max(runs, 1)):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
            best, queries, status = min(best, elapsed), len(captured), response.status_code
        self.stdout.write(f"{label}: first page in {best * 1000:.0f} ms, {queries} queries (HTTP {status})")

    def _data(self, *, total: int, own: int) -> tuple[User, User]:
        password = make_password(None)
        admin, _ = User.objects.get_or_create(
            email=f"bench-admin@{DOMAIN}",
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "password": password,
                "full_name": "Bench Admin",
            },
        )
        customer, _ = User.objects.get_or_create(
            email=f"bench-customer@{DOMAIN}", defaults={"password": password, "full_name": "Bench Customer"}
        )
        existing = set(
            User.objects.filter(email__startswith="bench-", email__endswith=f"@{DOMAIN}").values_list(
                "email", flat=True
            )
        )
        User.objects.bulk_create(
            [
                User(email=f"bench-{n}@{DOMAIN}", password=password)
                for n in range(OTHERS)
                if f"bench-{n}@{DOMAIN}" not in existing
            ]
        )
        others = list(
            User.objects.filter(email__regex=rf"^bench-[0-9]+@{DOMAIN}$").values_list("pk", flat=True)
        )
        topic = Topic.objects.order_by("pk").first() or Topic.objects.create(
            key="bench", name_en="Bench", name_de="Bench"
        )
        self._fill(customer_ids=[customer.pk], wanted=own, topic=topic)
        bench_customers = [*others, customer.pk]
        have = Thread.objects.filter(customer_id__in=bench_customers).count()
        self._fill(customer_ids=others, wanted=max(total - have, 0), topic=topic, add=True)
        return admin, customer

    def _fill(self, *, customer_ids: list[int], wanted: int, topic: Topic, add: bool = False) -> None:
        missing = wanted if add else wanted - Thread.objects.filter(customer_id__in=customer_ids).count()
        now = timezone.now()
        made = 0
        while made < missing:
            rows = []
            for n in range(made, min(missing, made + BATCH)):
                created = now - timedelta(minutes=7 * n)
                status = STATUSES[n % len(STATUSES)]
                replied = status != Thread.Status.RECEIVED
                rows.append(
                    Thread(
                        customer_id=customer_ids[n % len(customer_ids)],
                        kind=KINDS[n % len(KINDS)],
                        topic=topic,
                        summary=f"Bench thread {n}: a parcel that did not arrive on time",
                        status=status,
                        created_at=created,
                        last_message_at=created,
                        promise_days=2,
                        due_at=created + timedelta(days=2),
                        promise=Thread.Promise.KEPT if replied else Thread.Promise.OPEN,
                        first_reply_at=created + timedelta(hours=5) if replied else None,
                    )
                )
            with transaction.atomic():
                Thread.objects.bulk_create(rows)
            made += len(rows)
        if missing > 0:
            self.stdout.write(f"created {missing:,} bench threads")

    def _clean(self) -> None:
        bench = User.objects.filter(email__endswith=f"@{DOMAIN}")
        deleted, _ = Thread.objects.filter(customer__in=bench).delete()
        people, _ = bench.delete()
        self.stdout.write(f"deleted {deleted:,} bench rows and {people:,} rows of bench users")
