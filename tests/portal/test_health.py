"""/healthz reports each dependency and answers 503 when one is down."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from plumbing.models import Worker


@pytest.mark.django_db
def test_healthz_answers_503_and_names_the_worker_when_no_worker_is_alive(client: Client) -> None:
    # The fast lane has a broker in memory and no worker process at all.
    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "error": "no worker alive"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_a_worker_counts_as_alive_while_its_heartbeat_is_fresh(client: Client) -> None:
    now = timezone.now()
    beat = timedelta(seconds=settings.PORTAL_WORKER_HEARTBEAT_SECONDS)
    Worker.objects.create(boot="fresh", hostname="celery@a", pid=1, seen_at=now - beat)
    Worker.objects.create(boot="gone", hostname="celery@b", pid=2, seen_at=now - 4 * beat)

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["checks"]["worker"] == {"ok": True, "alive": 1}


@pytest.mark.django_db
def test_a_worker_that_missed_three_heartbeats_no_longer_counts(client: Client) -> None:
    beat = timedelta(seconds=settings.PORTAL_WORKER_HEARTBEAT_SECONDS)
    Worker.objects.create(boot="gone", hostname="celery@b", pid=2, seen_at=timezone.now() - 3 * beat - beat)

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"]["worker"] == {"ok": False, "error": "no worker alive"}
