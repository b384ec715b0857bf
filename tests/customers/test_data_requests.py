"""Data requests: a copy of one's data, its download and expiry, status and due dates."""

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
from django.core import mail
from django.template.defaultfilters import date as date_format
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format as localized

from customers.exports import export_build, export_path, exports_purge
from customers.models import DataRequest, Notification, OutgoingMail, User
from customers.requests import (
    data_request_export,
    months_after,
)
from plumbing.models import Event, Job
from tests.factories import customer

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
