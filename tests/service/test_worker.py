"""A real worker on PostgreSQL and Redis: jobs run, lost jobs come back, health is green."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from plumbing.jobs import job_enqueue, jobs_sweep
from plumbing.models import Job
from tests.service.conftest import wait_for

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


def _done(job: Job) -> bool:
    job.refresh_from_db()
    return job.state == Job.State.DONE


def test_a_job_enqueued_through_the_outbox_is_run_by_the_worker(celery_worker: str) -> None:
    job = job_enqueue(task="portal.ping", key="ping:1")

    wait_for(lambda: _done(job), what="the worker to run the job")
    assert job.attempts == 1
    assert job.started_at is not None


def test_the_sweep_recovers_a_job_whose_broker_message_was_lost(celery_worker: str) -> None:
    # Published once, then lost (e.g. Redis restarted without persistence).
    job = Job.objects.create(
        task="portal.ping", key="ping:lost", attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )

    assert jobs_sweep() == 1

    wait_for(lambda: _done(job), what="the swept job to run")
    assert job.attempts == 2


def test_healthz_is_green_with_database_broker_and_worker_up(celery_worker: str, client: Client) -> None:
    # The worker proves it lives by its heartbeat row, which the previous test's cleanup removed.
    wait_for(lambda: client.get("/healthz").status_code == HTTPStatus.OK, what="the worker's heartbeat")

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK, response.content
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": True, "vendor": "postgresql"}
    assert checks["broker"]["ok"] is True
    assert checks["worker"] == {"ok": True, "alive": 1}
