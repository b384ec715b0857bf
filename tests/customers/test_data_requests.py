"""Data requests: a copy of one's data, erasure with re-authentication, status and due dates."""

import io
import json
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.template.defaultfilters import date as date_format
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format as localized

from customers.exports import export_build, export_path, exports_purge
from customers.models import DataRequest, Notification, OutgoingMail, User
from customers.requests import (
    DataRequestRefused,
    data_request_cancel,
    data_request_erasure,
    data_request_export,
    months_after,
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


# --- Due dates ---------------------------------------------------------------------------


def test_the_legal_due_date_is_one_calendar_month_after_receipt() -> None:
    assert months_after(datetime(2026, 3, 15, 10, tzinfo=BERLIN), 1) == datetime(
        2026, 4, 15, 10, tzinfo=BERLIN
    )
    assert months_after(datetime(2026, 1, 31, 10, tzinfo=BERLIN), 1).date().isoformat() == "2026-02-28"
    assert months_after(datetime(2026, 11, 30, 10, tzinfo=BERLIN), 3).date().isoformat() == "2027-02-28"


def test_the_page_needs_a_sign_in(client: Client) -> None:
    response = client.get("/privacy/requests/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


# --- Copy of the data ---------------------------------------------------------------------


def test_requesting_a_copy_builds_a_zip_with_one_file_per_source_and_a_readme(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    alice = customer(email="alice@example.com", full_name="Alice Example")
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/privacy/requests/")

    assert response.status_code == HTTPStatus.FOUND
    request = DataRequest.objects.get(customer=alice)
    assert request.status == DataRequest.Status.COMPLETED
    archive = zipfile.ZipFile(export_path(request))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "profile.json",
        "consents.json",
        "staff_accesses.json",
        "data_requests.json",
    } <= names
    assert json.loads(archive.read("profile.json"))["full_name"] == "Alice Example"
    readme = archive.read("README.txt").decode()
    assert "profile.json — Your account and profile" in readme
    assert "Example Company GmbH" in readme


def test_the_customer_is_told_by_mail_and_in_the_portal_once(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    alice = customer()
    request = _export(alice, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.subject == "Your copy of your data is ready"
    assert "/privacy/requests/" in message.body
    assert request.download_token not in message.body  # the link to the file never leaves the portal
    assert "List-Unsubscribe" not in message.extra_headers  # transactional
    assert OutgoingMail.objects.get(customer=alice).key == f"export-ready:{request.pk}"
    assert Notification.objects.get(customer=alice).title == "Your copy of your data is ready"
    event = Event.objects.get(name="export.delivered")
    assert event.payload == {"request_id": request.pk, "on_time": True}


def test_building_twice_delivers_once(django_capture_on_commit_callbacks: Capture) -> None:
    alice = customer()
    request = _export(alice, django_capture_on_commit_callbacks)

    assert export_build(request_id=request.pk) is False
    assert Event.objects.filter(name="export.delivered").count() == 1
    assert len(mail.outbox) == 1


def test_asking_twice_while_the_first_is_open_answers_409_and_makes_one_request(client: Client) -> None:
    alice = customer()
    client.force_login(alice)
    client.post("/privacy/requests/")  # the job is not run: the request stays open

    response = client.post("/privacy/requests/")

    assert response.status_code == HTTPStatus.CONFLICT
    assert "already asked for a copy" in response.content.decode()
    assert DataRequest.objects.filter(customer=alice).count() == 1
    assert Job.objects.filter(task="customers.build_export").count() == 1


def test_the_list_shows_status_and_legal_due_date(client: Client) -> None:
    alice = customer()
    request = data_request_export(customer=alice)
    client.force_login(alice)

    page = client.get("/privacy/requests/").content.decode()

    row = page[page.index(f'id="request-{request.pk}"') :]
    assert "Received, in progress" in row
    assert date_format(timezone.localtime(request.due_at), "DATE_FORMAT") in row


def test_the_owner_downloads_the_zip_uncached_as_an_attachment(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    alice = customer()
    request = _export(alice, django_capture_on_commit_callbacks)
    client.force_login(alice)

    response = client.get(_download_path(request))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    assert zipfile.is_zipfile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]


def test_another_customer_gets_404_for_the_download(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    request = _export(customer(), django_capture_on_commit_callbacks)
    client.force_login(customer())

    assert client.get(_download_path(request)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "tamper", [lambda token: token[:-1] + ("y" if token.endswith("x") else "x"), lambda token: "ä" + token]
)
def test_a_tampered_token_gets_404(
    client: Client, django_capture_on_commit_callbacks: Capture, tamper: Callable[[str], str]
) -> None:
    alice = customer()
    request = _export(alice, django_capture_on_commit_callbacks)
    client.force_login(alice)

    response = client.get(f"/privacy/requests/{request.pk}/download/{tamper(request.download_token)}/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_downloading_needs_a_sign_in(client: Client, django_capture_on_commit_callbacks: Capture) -> None:
    request = _export(customer(), django_capture_on_commit_callbacks)

    response = client.get(_download_path(request))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_an_expired_link_answers_410_and_the_periodic_task_deletes_the_file(
    client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    alice = customer()
    request = _export(alice, django_capture_on_commit_callbacks)
    DataRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(alice)

    assert client.get(_download_path(request)).status_code == HTTPStatus.GONE
    assert exports_purge() == 1
    assert not export_path(request).exists()
    request.refresh_from_db()
    assert (request.file_name, request.file_deleted_at is not None) == ("", True)
    assert exports_purge() == 0
    assert "The download has expired" in client.get("/privacy/requests/").content.decode()


def test_a_fresh_export_is_not_purged(django_capture_on_commit_callbacks: Capture) -> None:
    request = _export(customer(), django_capture_on_commit_callbacks)

    assert exports_purge() == 0
    assert export_path(request).exists()


# --- Erasure ------------------------------------------------------------------------------


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


def test_a_copy_is_dated_in_the_customers_date_format(django_capture_on_commit_callbacks: Capture) -> None:
    alice = customer(language="de")

    request = _export(alice, django_capture_on_commit_callbacks)

    assert request.expires_at is not None
    with translation.override("de"):
        expires = localized(timezone.localtime(request.expires_at), "DATETIME_FORMAT")
        today = localized(timezone.localdate(), "DATE_FORMAT")
    assert f"Laden Sie sie vor dem {expires} herunter" in Notification.objects.get(customer=alice).body
    readme = zipfile.ZipFile(export_path(request)).read("README.txt").decode()
    assert f"Erstellt für {alice.email} am {today} " in readme
