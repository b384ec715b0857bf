"""/healthz reports each dependency and answers 503 when one is down."""

from http import HTTPStatus

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_503_and_names_the_worker_when_no_worker_answers(client: Client) -> None:
    # The fast lane has a broker in memory and no worker process at all.
    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "error": "no worker answered"}
    assert response["Cache-Control"].startswith("max-age=0")
