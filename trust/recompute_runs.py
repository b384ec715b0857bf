"""Recompute runs: one run fanned out over id-range chunks, its progress, and its end.

Chunks are claimed under a row lock and marked done in their transaction,
so sending a chunk twice (a retry, a sweep after a lost worker) does its work once,
and the run's progress (chunks done of all) is visible in the admin. The
last chunk to finish closes the run and records the day's figures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from customers.models import User
from plumbing.jobs import job_enqueue, job_retry
from plumbing.models import Job
from trust.daily_stats import daily_stat_record
from trust.models import RecomputeChunk, RecomputeRun
from trust.recompute import CHUNK_SIZE, recompute_range, recompute_ranges


def recompute_start(
    *,
    key: str,
    reason: str,
    rebuild: bool = False,
    requested_by: User | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> RecomputeRun:
    """Record a run with its chunks and enqueue its coordinator (once per ``key``)."""
    return _run_start(
        key=key,
        reason=reason,
        rebuild=rebuild,
        requested_by=requested_by,
        ranges=lambda: recompute_ranges(chunk_size=chunk_size),
    )[0]


def _run_start(
    *,
    key: str,
    reason: str,
    rebuild: bool,
    requested_by: User | None,
    ranges: Callable[[], list[tuple[int, int]]],
) -> tuple[RecomputeRun, bool]:
    with transaction.atomic():
        run, created = RecomputeRun.objects.get_or_create(
            key=key[:100], defaults={"reason": reason[:200], "rebuild": rebuild, "requested_by": requested_by}
        )
        if created:
            RecomputeChunk.objects.bulk_create(
                [RecomputeChunk(run=run, first_id=first, last_id=last) for first, last in ranges()]
            )
            job_enqueue(task="trust.recompute", args=[run.pk, 0], key=f"trust.recompute:{run.pk}")
    return run, created


def _key_while_pending(base: str, latest: Job | RecomputeRun | None, pending: bool) -> str:
    """The key of ``latest`` (the newest with ``base``) while it waits, so asking again adds nothing;
    once it is done, a key after it. Two requests at once compute the same key: one of them wins."""
    if latest is not None and pending:
        return latest.key
    return f"{base}:after:{latest.pk if latest is not None else 0}"


def _newest(model: type[Job] | type[RecomputeRun], base: str) -> Any:
    return model.objects.filter(Q(key=base) | Q(key__startswith=f"{base}:")).order_by("-pk").first()


def recompute_accounts_start(*, customer_ids: Sequence[int], requested_by: User) -> tuple[RecomputeRun, bool]:
    """Rebuild these accounts from the ledger in the background: a run of one chunk per account.

    Asking again for the same accounts while their run is unfinished returns that run
    (``created`` False) and queues nothing.
    """
    ids = sorted(set(customer_ids))
    base = "accounts:" + hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32]
    latest: RecomputeRun | None = _newest(RecomputeRun, base)
    return _run_start(
        key=_key_while_pending(base, latest, latest is not None and latest.finished_at is None),
        reason=f"{len(ids)} accounts selected in the admin",
        rebuild=True,
        requested_by=requested_by,
        ranges=lambda: [(pk, pk) for pk in ids],
    )


def recompute_send_again(*, run_id: int) -> bool:
    """Send an unfinished run's open chunks again; False when a send is still waiting (nothing added).

    The chunks whose jobs failed for good are put back in the queue too (the coordinator's
    fan-out alone would not: each chunk's job has one key for ever).
    """
    base = f"trust.recompute:{run_id}"
    latest: Job | None = _newest(Job, base)
    key = _key_while_pending(base, latest, latest is not None and latest.state == Job.State.PENDING)
    if latest is not None and key == latest.key:
        return False
    open_chunks = RecomputeChunk.objects.filter(run_id=run_id, done_at__isnull=True).values_list(
        "pk", flat=True
    )
    failed = Job.objects.filter(
        key__in=[_chunk_job_key(chunk_id) for chunk_id in open_chunks], state=Job.State.FAILED
    ).values_list("pk", flat=True)
    with transaction.atomic():
        for job_id in failed:
            job_retry(job_id=job_id)
        job_enqueue(task="trust.recompute", args=[run_id, 0], key=key)
    return True


def _chunk_job_key(chunk_id: int) -> str:
    return f"trust.recompute-chunk:{chunk_id}"


def recompute_fan_out(*, run_id: int, check: int = 0) -> int:
    """Enqueue one job per unfinished chunk of a run; return how many chunks were open.

    Each chunk is a job of the outbox (one key per chunk), published as its
    own message, so the workers share the chunks, and a chunk whose message
    the broker lost (a restarted Redis) or whose worker was killed is sent
    again by the sweep, like every other job. Safe to repeat: a chunk asked
    for twice is one job, and a chunk run twice is done once. ``check`` is
    kept for messages of older runs still in a queue.
    """
    open_chunks = list(
        RecomputeChunk.objects.filter(run_id=run_id, done_at__isnull=True).values_list("pk", flat=True)
    )
    if not open_chunks:
        recompute_finish(run_id=run_id)
        return 0
    with transaction.atomic():
        for chunk_id in open_chunks:
            job_enqueue(task="trust.recompute_chunk", args=[chunk_id], key=_chunk_job_key(chunk_id))
    return len(open_chunks)


def recompute_chunk_run(*, chunk_id: int) -> bool:
    """Recompute one chunk unless it is done; close the run if it was the last. True if it ran now."""
    with transaction.atomic():
        chunk = (
            RecomputeChunk.objects.select_for_update()
            .select_related("run")
            .filter(pk=chunk_id, done_at__isnull=True)
            .first()
        )
        if chunk is None:
            return False
        chunk.changed = recompute_range(
            first_id=chunk.first_id, last_id=chunk.last_id, rebuild=chunk.run.rebuild
        )
        chunk.done_at = timezone.now()
        chunk.save(update_fields=["changed", "done_at"])
    recompute_finish(run_id=chunk.run_id)
    return True


def recompute_finish(*, run_id: int) -> bool:
    """Close a run whose chunks are all done (once) and record today's figures."""
    if RecomputeChunk.objects.filter(run_id=run_id, done_at__isnull=True).exists():
        return False
    changed = RecomputeChunk.objects.filter(run_id=run_id).aggregate(total=Sum("changed"))["total"] or 0
    now = timezone.now()
    if RecomputeRun.objects.filter(pk=run_id, finished_at__isnull=True).update(
        finished_at=now, changed=changed
    ):
        daily_stat_record(day=timezone.localdate(now))
        return True
    return False
