"""The customer's data requests and consent receipt through the API: the privacy center's rules."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from customers.models import DataRequest, User
from customers.requests import data_request_erasure, data_request_export
from tests.api.credentials import signed_in, token_auth
from tests.factories import PASSWORD, customer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

Capture = Callable[..., AbstractContextManager[Any]]
REQUESTS = "/api/v1/me/data-requests/"


def _ready_export(person: User, capture: Capture) -> DataRequest:
    with capture(execute=True):
        request = data_request_export(customer=person)
    request.refresh_from_db()
    assert request.downloadable
    return request


def test_asking_for_a_copy_creates_one_request_and_a_second_is_a_409(client: Client) -> None:
    alice = signed_in(client)

    first = client.post(REQUESTS, {"kind": "export"}, content_type="application/json")
    second = client.post(REQUESTS, {"kind": "export"}, content_type="application/json")

    assert first.status_code == HTTPStatus.CREATED, first.content
    assert (first.json()["kind"], first.json()["status"]) == ("export", "received")
    assert second.status_code == HTTPStatus.CONFLICT
    assert DataRequest.objects.filter(customer=alice).count() == 1


def test_erasure_needs_the_password_again_then_can_be_cancelled(client: Client) -> None:
    alice = signed_in(client)

    wrong = client.post(
        REQUESTS, {"kind": "erasure", "password": "wrong", "confirm": True}, content_type="application/json"
    )
    unconfirmed = client.post(
        REQUESTS, {"kind": "erasure", "password": PASSWORD}, content_type="application/json"
    )
    assert wrong.status_code == unconfirmed.status_code == HTTPStatus.BAD_REQUEST
    assert not DataRequest.objects.exists()

    scheduled = client.post(
        REQUESTS, {"kind": "erasure", "password": PASSWORD, "confirm": True}, content_type="application/json"
    )
    assert scheduled.status_code == HTTPStatus.CREATED, scheduled.content
    assert scheduled.json()["status"] == "scheduled"
    pk = scheduled.json()["id"]

    cancelled = client.post(f"{REQUESTS}{pk}/cancel/")
    again = client.post(f"{REQUESTS}{pk}/cancel/")

    assert cancelled.json()["status"] == "cancelled"
    assert again.status_code == HTTPStatus.CONFLICT
    assert DataRequest.objects.get(customer=alice).status == DataRequest.Status.CANCELLED


def test_the_owner_lists_and_downloads_a_ready_copy_uncached_as_an_attachment(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    alice = customer()
    request = _ready_export(alice, django_capture_on_commit_callbacks)
    headers = token_auth(alice)

    listed = client.get(REQUESTS, headers=headers).json()
    detail = client.get(f"{REQUESTS}{request.pk}/", headers=headers).json()
    response = client.get(detail["download"], headers=headers)

    assert [row["id"] for row in listed["results"]] == [request.pk]
    assert detail["downloadable"] is True
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    assert zipfile.is_zipfile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]


def test_an_expired_copy_is_gone(client: Client, django_capture_on_commit_callbacks: Capture) -> None:
    alice = customer()
    request = _ready_export(alice, django_capture_on_commit_callbacks)
    DataRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(f"{REQUESTS}{request.pk}/download/", headers=token_auth(alice))

    assert response.status_code == HTTPStatus.GONE
    assert response["Content-Type"] == "application/problem+json"


def test_another_customers_request_is_a_404_everywhere(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    request = _ready_export(customer(), django_capture_on_commit_callbacks)
    signed_in(client)

    for method, path in [
        ("get", f"{REQUESTS}{request.pk}/"),
        ("get", f"{REQUESTS}{request.pk}/download/"),
        ("post", f"{REQUESTS}{request.pk}/cancel/"),
    ]:
        response = getattr(client, method)(path)

        assert response.status_code == HTTPStatus.NOT_FOUND, path
    assert client.get(REQUESTS).json()["results"] == []


def test_cancelling_another_customers_scheduled_erasure_is_a_404_and_changes_nothing(
    client: Client,
) -> None:
    request = data_request_erasure(customer=customer())
    signed_in(client)

    response = client.post(f"{REQUESTS}{request.pk}/cancel/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/problem+json"
    request.refresh_from_db()
    assert request.status == DataRequest.Status.SCHEDULED


def test_cancelling_ones_finished_copy_of_the_data_is_a_409(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    alice = signed_in(client)
    request = _ready_export(alice, django_capture_on_commit_callbacks)

    response = client.post(f"{REQUESTS}{request.pk}/cancel/")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["type"] == "/api/v1/problems/conflict/"
    request.refresh_from_db()
    assert request.status == DataRequest.Status.COMPLETED


def test_bad_input_is_a_400(client: Client) -> None:
    signed_in(client)

    for body in ({"kind": "everything"}, {}, {"kind": "export", "password": "x"}, {"kind": 1}):
        response = client.post(REQUESTS, body, content_type="application/json")

        assert response.status_code == HTTPStatus.BAD_REQUEST, body
    assert not DataRequest.objects.exists()


def test_the_consent_receipt_is_an_uncached_json_attachment(client: Client) -> None:
    signed_in(client)

    response = client.get("/api/v1/me/consents/receipt/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith('attachment; filename="consent-receipt-')
    assert response["Cache-Control"] == "no-store"
    assert response.json()["version"] == "KI-CR-v1.1.0"
