"""The job outbox: how every app asks Celery to do something without losing it.

A service calls :func:`job_enqueue` inside its transaction. The job row
commits with the change that caused it; only then is it published to the
broker (``transaction.on_commit``). The worker's signals record when the task
started, finished or failed. The periodic :func:`jobs_sweep` publishes again
every job that is due and not done: never sent because the broker was down,
lost with the broker's memory, or interrupted with its worker — also a worker
killed outright, whose jobs :func:`jobs_reclaim` makes due again once no
live worker lists them in its heartbeat (:mod:`plumbing.workers`). Tasks are idempotent, so a job that runs
twice does its work once.

Sending claims the job with a conditional UPDATE first, so the request's
``on_commit`` and a concurrent sweep never both publish the same attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from celery import current_app, signals
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import KombuError

from plumbing.models import Job
from plumbing.workers import workers_running

logger = logging.getLogger(__name__)

TASK_ID_PREFIX = "job-"
_PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def job_enqueue(
    *,
    task: str,
    key: str,
    args: Sequence[int | str] = (),
    run_after: datetime | None = None,
) -> Job:
    """Record a job in the current transaction; publish it once that commits.

    ``key`` makes the request idempotent: a second call with the same key
    returns the first job and publishes nothing. ``run_after`` delays the job
    (the sweep publishes it when due), so long delays never sit in a broker.
    """
    now = timezone.now()
    job, created = Job.objects.get_or_create(
        key=key,
        defaults={"task": task, "args": list(args), "next_attempt_at": run_after or now},
    )
    if created and job.next_attempt_at <= now:
        _send_on_commit(job.pk)
    return job


def _send_on_commit(job_id: int) -> None:
    def send_job() -> None:
        job_send(job_id=job_id)

    # robust: a failure to publish must not turn the committed request into an error.
    transaction.on_commit(send_job, robust=True)


def job_send(*, job_id: int) -> bool:
    """Claim a due job and publish it; return whether it was published.

    A broker that is down is logged, not raised: the claim moved the job's
    next attempt a grace period ahead, and the sweep tries again then.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.PENDING, next_attempt_at__lte=now).update(
        attempts=F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=settings.PORTAL_JOB_START_GRACE),
    )
    if claimed != 1:
        return False
    job = Job.objects.get(pk=job_id)
    if job.attempts > settings.PORTAL_JOB_MAX_ATTEMPTS:
        Job.objects.filter(pk=job_id).update(state=Job.State.FAILED)
        logger.error("job %s (%s) failed %s times; parked as failed", job.pk, job.task, job.attempts - 1)
        return False
    try:
        current_app.tasks[job.task].apply_async(
            args=job.args,
            task_id=f"{TASK_ID_PREFIX}{job.pk}",
            retry=True,
            retry_policy=_PUBLISH_RETRY,
        )
    except (KombuError, OSError):
        logger.warning("could not publish job %s (%s); the sweep will retry", job.pk, job.task, exc_info=True)
        return False
    return True


def jobs_sweep(*, limit: int = 500) -> int:
    """Publish every job that is due and not done; return how many were published."""
    due = list(
        Job.objects.filter(state=Job.State.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(job_send(job_id=pk) for pk in due)


def jobs_reclaim(*, now: datetime | None = None) -> int:
    """Make due again every started job that no live worker runs any more; return how many.

    A worker killed outright (SIGKILL of the whole node, a lost machine)
    leaves its job marked started, protected from the sweep until its time
    limit has passed, and its message unacknowledged in the broker. Each live
    node lists what it runs in its heartbeat row (:mod:`plumbing.workers`); a
    job started more than ``PORTAL_JOB_START_GRACE`` seconds ago that no live
    node runs is sent again at once. A job reclaimed by mistake (a node that
    missed its heartbeats but lives) runs twice, which every task allows.
    """
    now = now or timezone.now()
    started_before = now - timedelta(seconds=settings.PORTAL_JOB_START_GRACE)
    candidates = list(
        Job.objects.filter(
            state=Job.State.PENDING, started_at__lt=started_before, next_attempt_at__gt=now
        ).values_list("pk", flat=True)
    )
    if not candidates:
        return 0
    running = workers_running(now)
    orphans = [pk for pk in candidates if f"{TASK_ID_PREFIX}{pk}" not in running]
    if not orphans:
        return 0
    reclaimed = Job.objects.filter(
        pk__in=orphans, state=Job.State.PENDING, started_at__lt=started_before
    ).update(next_attempt_at=now, started_at=None)
    logger.warning("%s started jobs no live worker runs (worker lost); sending them again", reclaimed)
    return reclaimed


def jobs_purge(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete finished jobs older than ``older_than``; failed ones stay for an operator."""
    deleted, _ = Job.objects.filter(state=Job.State.DONE, done_at__lt=timezone.now() - older_than).delete()
    return deleted


def job_retry(*, job_id: int) -> None:
    """Put a failed job back in the queue with a fresh attempt count (admin action)."""
    Job.objects.filter(pk=job_id).exclude(state=Job.State.DONE).update(
        state=Job.State.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    _send_on_commit(job_id)


def _job_id(task_id: str | None) -> int | None:
    if not task_id or not task_id.startswith(TASK_ID_PREFIX):
        return None
    try:
        return int(task_id.removeprefix(TASK_ID_PREFIX))
    except ValueError:
        return None


def _on_task_prerun(task_id: str | None = None, **_: Any) -> None:
    job_id = _job_id(task_id)
    if job_id is None:
        return
    now = timezone.now()
    # While it runs, the sweep leaves it alone until its time limit has passed.
    running_until = now + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    Job.objects.filter(pk=job_id, state=Job.State.PENDING).update(
        started_at=now, next_attempt_at=running_until
    )


def _on_task_success(sender: Any = None, **_: Any) -> None:
    job_id = _job_id(getattr(getattr(sender, "request", None), "id", None))
    if job_id is None:
        return
    Job.objects.filter(pk=job_id).update(state=Job.State.DONE, done_at=timezone.now(), last_error="")


def _on_task_failure(task_id: str | None = None, exception: BaseException | None = None, **_: Any) -> None:
    job_id = _job_id(task_id)
    if job_id is None:
        return
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return
    backoff = min(3600, 30 * 2 ** max(job.attempts - 1, 0))
    state = Job.State.FAILED if job.attempts >= settings.PORTAL_JOB_MAX_ATTEMPTS else Job.State.PENDING
    Job.objects.filter(pk=job_id).update(
        state=state,
        next_attempt_at=timezone.now() + timedelta(seconds=backoff),
        last_error=repr(exception)[:2000],
    )


def connect_signals() -> None:
    """Let the worker report on jobs (called once from the portal's AppConfig)."""
    signals.task_prerun.connect(_on_task_prerun, dispatch_uid="plumbing.jobs.prerun")
    signals.task_success.connect(_on_task_success, dispatch_uid="plumbing.jobs.success")
    signals.task_failure.connect(_on_task_failure, dispatch_uid="plumbing.jobs.failure")
