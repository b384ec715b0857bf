"""Erasure requests: re-authentication, the grace period, cancelling, and how the date is announced."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format as localized

from customers.models import DataRequest, User
from customers.requests import (
    DataRequestRefused,
    data_request_cancel,
    data_request_erasure,
    data_request_export,
)
from plumbing.models import Event, Job
from tests.factories import PASSWORD, customer, totp_code

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[Any]]
BERLIN = ZoneInfo("Europe/Berlin")


def _export(person: User, capture: Capture) -> DataRequest:
    with capture(execute=True):
        request = data_request_export(customer=person)
    request.refresh_from_db()
    return request


def _download_path(request: DataRequest) -> str:
    return f"/privacy/requests/{request.pk}/download/{request.download_token}/"


def _erasure_form(**fields: str) -> dict[str, str]:
    return {"confirm": "on", **fields}


def test_erasure_without_re_authentication_is_refused_and_writes_nothing(client: Client) -> None:
    alice = customer()
    client.force_login(alice)

    response = client.post("/privacy/requests/erasure/", _erasure_form())

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "enter your password" in response.content.decode()
    assert not DataRequest.objects.exists()
    assert not Job.objects.exists()


def test_erasure_with_a_wrong_password_is_refused(client: Client) -> None:
    client.force_login(customer())

    response = client.post("/privacy/requests/erasure/", _erasure_form(password="wrong-password"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "not correct" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_erasure_needs_the_confirmation_tick(client: Client) -> None:
    client.force_login(customer())

    response = client.post("/privacy/requests/erasure/", {"password": PASSWORD})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not DataRequest.objects.exists()


def test_erasure_with_the_password_starts_a_grace_period_and_is_announced(client: Client) -> None:
    alice = customer()
    client.force_login(alice)

    response = client.post("/privacy/requests/erasure/", _erasure_form(password=PASSWORD))

    assert response.status_code == HTTPStatus.FOUND
    request = DataRequest.objects.get(customer=alice)
    assert request.status == DataRequest.Status.SCHEDULED
    assert request.erase_after is not None
    assert timedelta(days=13, hours=23) < request.erase_after - request.received_at <= timedelta(days=14)
    job = Job.objects.get(task="customers.erase_customer")
    assert (job.args, job.next_attempt_at) == ([request.pk], request.erase_after)
    assert Event.objects.get(name="erasure.requested").payload == {"request_id": request.pk}
    assert "You can still cancel" in client.get("/privacy/").content.decode()


def test_the_grace_period_is_a_setting(client: Client, settings: Any) -> None:
    settings.PORTAL_ERASURE_GRACE_DAYS = 3
    alice = customer()
    client.force_login(alice)

    client.post("/privacy/requests/erasure/", _erasure_form(password=PASSWORD))

    request = DataRequest.objects.get(customer=alice)
    assert request.erase_after is not None
    assert request.erase_after - request.received_at == timedelta(days=3)


def test_erasure_with_a_code_from_the_authenticator_app(client: Client) -> None:
    alice = customer()
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(alice, secret)
    client.force_login(alice)
    code = totp_code(secret)

    response = client.post("/privacy/requests/erasure/", _erasure_form(code=code))

    assert response.status_code == HTTPStatus.FOUND
    assert DataRequest.objects.filter(customer=alice, kind="erasure").exists()


def test_a_wrong_code_is_refused(client: Client) -> None:
    alice = customer()
    TOTP.activate(alice, "JBSWY3DPEHPK3PXP")
    client.force_login(alice)

    response = client.post("/privacy/requests/erasure/", _erasure_form(code="000000"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not DataRequest.objects.exists()


def test_asking_for_erasure_twice_keeps_one_request(client: Client) -> None:
    alice = customer()
    client.force_login(alice)
    client.post("/privacy/requests/erasure/", _erasure_form(password=PASSWORD))

    response = client.post("/privacy/requests/erasure/", _erasure_form(password=PASSWORD))

    assert response.status_code == HTTPStatus.CONFLICT
    assert "already asked us to erase your data" in response.content.decode()
    assert DataRequest.objects.filter(customer=alice).count() == 1
    assert Event.objects.filter(name="erasure.requested").count() == 1


def test_the_customer_cancels_during_the_grace_period(client: Client) -> None:
    alice = customer()
    client.force_login(alice)
    client.post("/privacy/requests/erasure/", _erasure_form(password=PASSWORD))
    request = DataRequest.objects.get(customer=alice)

    response = client.post(f"/privacy/requests/{request.pk}/cancel/")

    assert response.status_code == HTTPStatus.FOUND
    request.refresh_from_db()
    assert request.status == DataRequest.Status.CANCELLED
    again = client.post(f"/privacy/requests/{request.pk}/cancel/")
    assert again.status_code == HTTPStatus.CONFLICT
    assert "can no longer be cancelled" in again.content.decode()


def test_another_customer_cannot_cancel_it(client: Client) -> None:
    alice = customer()
    alice_client = Client()
    alice_client.force_login(alice)
    alice_client.post("/privacy/requests/erasure/", _erasure_form(password=PASSWORD))
    request = DataRequest.objects.get(customer=alice)
    client.force_login(customer())

    response = client.post(f"/privacy/requests/{request.pk}/cancel/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    request.refresh_from_db()
    assert request.status == DataRequest.Status.SCHEDULED


def test_cancelling_an_unknown_request_is_404(client: Client) -> None:
    client.force_login(customer())

    assert client.post("/privacy/requests/999999/cancel/").status_code == HTTPStatus.NOT_FOUND


def test_cancelling_another_customers_request_is_refused_as_unknown_and_changes_nothing() -> None:
    request = data_request_erasure(customer=customer())

    with pytest.raises(DataRequestRefused) as refused:
        data_request_cancel(customer=customer(), request_id=request.pk)

    assert refused.value.code == "unknown"
    request.refresh_from_db()
    assert request.status == DataRequest.Status.SCHEDULED


def test_cancelling_ones_own_finished_request_is_refused_as_not_cancellable(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    alice = customer()
    client.force_login(alice)
    request = _export(alice, django_capture_on_commit_callbacks)

    with pytest.raises(DataRequestRefused) as refused:
        data_request_cancel(customer=alice, request_id=request.pk)
    response = client.post(f"/privacy/requests/{request.pk}/cancel/")

    assert refused.value.code == "not_cancellable"
    assert response.status_code == HTTPStatus.CONFLICT
    assert "can no longer be cancelled" in response.content.decode()


def test_the_erasure_date_is_announced_in_the_customers_date_format(client: Client) -> None:
    alice = customer(language="de")
    client.force_login(alice)

    page = client.post("/privacy/requests/erasure/", _erasure_form(password=PASSWORD), follow=True)

    erase_after = timezone.localtime(DataRequest.objects.get(customer=alice).erase_after)
    with translation.override("de"):
        german = localized(erase_after, "DATETIME_FORMAT")
    assert f"Wir löschen Ihr Konto und Ihre Daten am {german}." in page.content.decode()
    assert erase_after.strftime("%Y-%m-%d") not in page.content.decode()
