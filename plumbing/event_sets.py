"""Domain events for set-based writers, straight from SQL: a recompute that moves a hundred thousand
accounts announces their band changes with one ``INSERT … SELECT`` and one dispatch job per
5,000 events, not one look-up, insert and job per hundred (``events_publish_many``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from plumbing.events import about_check, jobs_sender_after_commit
from plumbing.models import Job

# Events handed to subscribers by one job of a publish from SQL.
PER_RANGE_JOB = 5_000


def sql_json_object(pairs: dict[str, str]) -> str:
    """An SQL expression building a JSON object (as text) from ``{key: column expression}``."""
    items = ", ".join(f"'{key}', {column}" for key, column in pairs.items())
    if connection.vendor == "postgresql":
        return f"json_build_object({items})::text"
    return f"json_object({items})"


def events_publish_select(
    *, name: str, rows: str, params: Sequence[Any], about: type[Model], occurred_at: datetime
) -> int:
    """Record one event called ``name`` per row of the query ``rows`` and return how many are new.

    ``rows`` yields ``customer_id``, ``key``, ``about_id`` (the pk of the ``about`` row the event
    is about) and ``payload`` (JSON text). A key published before is skipped. The new events are
    dispatched by one job per :data:`PER_RANGE_JOB` of them (by id range), published after the
    commit; dispatching stays idempotent, so a job run again skips what it handled.
    """
    about_check(name, about)
    payload = "CAST(r.payload AS jsonb)" if connection.vendor == "postgresql" else "r.payload"
    sql = (
        "INSERT INTO portal_event (name, customer_id, key, source, payload, occurred_at) "  # noqa: S608 (a query of ours)
        f"SELECT %s, r.customer_id, r.key, %s || CAST(r.about_id AS TEXT), {payload}, %s FROM ({rows}) r "
        "WHERE 1 = 1 ON CONFLICT (key) DO NOTHING RETURNING id"
    )
    at = connection.ops.adapt_datetimefield_value(occurred_at)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [name, f"{about._meta.label_lower}:", at, *params])
        ids = sorted(row[0] for row in cursor.fetchall())
        if not ids:
            return 0
        ranges = [
            (ids[first], ids[min(first + PER_RANGE_JOB, len(ids)) - 1])
            for first in range(0, len(ids), PER_RANGE_JOB)
        ]
        jobs = [
            Job(task="portal.dispatch_event_range", args=[name, low, high], key=f"events:{name}:{low}-{high}")
            for low, high in ranges
        ]
        Job.objects.bulk_create(jobs, ignore_conflicts=True)
        job_ids = list(Job.objects.filter(key__in=[job.key for job in jobs]).values_list("pk", flat=True))
        transaction.on_commit(jobs_sender_after_commit(job_ids), robust=True)
    return len(ids)
