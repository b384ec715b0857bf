"""The job outbox: a job commits with its cause, runs once, and is never lost."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from plumbing.jobs import job_enqueue, job_retry, jobs_purge, jobs_reclaim, jobs_sweep
from plumbing.models import Job, Worker
from portal.celery import app

RUNS: list[str] = []


@app.task(name="tests.record_run")
def record_run(label: str) -> None:
    RUNS.append(label)


@app.task(name="tests.always_fails")
def always_fails(label: str) -> None:
    raise RuntimeError(f"cannot do {label}")


@pytest.fixture(autouse=True)
def _no_runs() -> Iterator[None]:
    RUNS.clear()
    yield
    RUNS.clear()


pytestmark = pytest.mark.django_db(transaction=True)


def test_a_job_runs_after_its_transaction_commits_and_is_marked_done() -> None:
    with transaction.atomic():
        job = job_enqueue(task="tests.record_run", args=["a"], key="run:a")
        assert RUNS == []  # nothing leaves before the commit

    assert RUNS == ["a"]
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.attempts == 1
    assert job.done_at is not None


def test_a_job_asked_for_twice_with_one_key_runs_once() -> None:
    job_enqueue(task="tests.record_run", args=["b"], key="run:b")
    job_enqueue(task="tests.record_run", args=["b"], key="run:b")

    assert RUNS == ["b"]
    assert Job.objects.filter(key="run:b").count() == 1


def _enqueue_then_fail() -> None:
    with transaction.atomic():
        job_enqueue(task="tests.record_run", args=["c"], key="run:c")
        raise RuntimeError("the request failed")


def test_a_job_of_a_rolled_back_transaction_never_exists() -> None:
    with pytest.raises(RuntimeError):
        _enqueue_then_fail()

    assert RUNS == []
    assert not Job.objects.filter(key="run:c").exists()


def test_a_delayed_job_waits_for_the_sweep_once_it_is_due() -> None:
    job = job_enqueue(
        task="tests.record_run", args=["d"], key="run:d", run_after=timezone.now() + timedelta(hours=24)
    )
    assert jobs_sweep() == 0
    assert RUNS == []

    Job.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert jobs_sweep() == 1
    assert RUNS == ["d"]


def test_the_sweep_sends_again_a_job_whose_message_was_lost() -> None:
    # As if published, then lost with the broker's memory before a worker took it.
    job = Job.objects.create(
        task="tests.record_run", args=["e"], key="run:e", attempts=1,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )  # fmt: skip

    assert jobs_sweep() == 1
    job.refresh_from_db()
    assert RUNS == ["e"]
    assert job.state == Job.State.DONE
    assert job.attempts == 2


@pytest.fixture
def errors_stay_in_the_worker() -> Iterator[None]:
    """A worker keeps a task's exception to itself; make the eager lane do the same."""
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.mark.usefixtures("errors_stay_in_the_worker")
def test_a_failing_job_backs_off_and_is_parked_after_the_last_attempt() -> None:
    job = Job.objects.create(task="tests.always_fails", args=["f"], key="run:f")

    jobs_sweep()
    job.refresh_from_db()
    assert job.state == Job.State.PENDING
    assert "cannot do f" in job.last_error
    assert job.next_attempt_at > timezone.now() + timedelta(seconds=20)

    Job.objects.filter(pk=job.pk).update(attempts=7, next_attempt_at=timezone.now())
    jobs_sweep()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED


def test_retrying_a_failed_job_runs_it_again_from_a_fresh_count() -> None:
    job = Job.objects.create(
        task="tests.record_run", args=["g"], key="run:g", state=Job.State.FAILED, attempts=9
    )

    job_retry(job_id=job.pk)

    job.refresh_from_db()
    assert RUNS == ["g"]
    assert (job.state, job.attempts) == (Job.State.DONE, 1)


def test_purging_removes_old_finished_jobs_only() -> None:
    old = timezone.now() - timedelta(days=8)
    Job.objects.create(task="t", key="old-done", state=Job.State.DONE, done_at=old)
    Job.objects.create(task="t", key="old-failed", state=Job.State.FAILED, next_attempt_at=old)
    Job.objects.create(task="t", key="new-done", state=Job.State.DONE, done_at=timezone.now())

    assert jobs_purge() == 1
    assert set(Job.objects.values_list("key", flat=True)) == {"old-failed", "new-done"}


def _started(key: str, *, seconds_ago: int) -> Job:
    """A job a worker started ``seconds_ago`` (protected from the sweep while it runs)."""
    now = timezone.now()
    return Job.objects.create(
        task="tests.record_run", args=[key], key=key, attempts=1,
        started_at=now - timedelta(seconds=seconds_ago), next_attempt_at=now + timedelta(minutes=31),
    )  # fmt: skip


def _worker(*, running: list[Job], seen_seconds_ago: int = 1) -> Worker:
    """A worker node's heartbeat row, listing the jobs it runs."""
    return Worker.objects.create(
        boot=f"boot-{Worker.objects.count()}", hostname="celery@test", pid=1,
        seen_at=timezone.now() - timedelta(seconds=seen_seconds_ago),
        running=[{"id": f"job-{job.pk}", "task": job.task} for job in running],
    )  # fmt: skip


def test_a_started_job_whose_worker_was_killed_is_sent_again_by_the_sweep() -> None:
    lost = _started("run:lost", seconds_ago=600)
    running = _started("run:running", seconds_ago=600)
    just_started = _started("run:new", seconds_ago=1)
    _worker(running=[running])

    assert jobs_reclaim() == 1
    assert jobs_sweep() == 1

    assert RUNS == ["run:lost"]
    lost.refresh_from_db()
    assert lost.state == Job.State.DONE
    for job in (running, just_started):
        job.refresh_from_db()
        assert job.state == Job.State.PENDING
        assert job.started_at is not None


def test_the_jobs_of_a_worker_that_stopped_writing_its_heartbeat_are_sent_again() -> None:
    held = _started("run:held", seconds_ago=600)
    # The node listed the job, then went silent for longer than three heartbeats.
    _worker(running=[held], seen_seconds_ago=3 * settings.PORTAL_WORKER_HEARTBEAT_SECONDS + 1)

    assert jobs_reclaim() == 1
    assert jobs_sweep() == 1
    assert RUNS == ["run:held"]


def test_a_job_a_live_worker_runs_is_left_alone_however_long_it_takes() -> None:
    job = _started("run:long", seconds_ago=3600)
    _worker(running=[job])

    assert jobs_reclaim() == 0
    assert jobs_sweep() == 0
    job.refresh_from_db()
    assert job.started_at is not None
    assert RUNS == []
