"""Erasure: every source erased in one transaction, the address suppressed, a non-personal record kept."""

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from customers.access import staff_access_record
from customers.consents import ConsentChange, consent_change
from customers.erasure import erasure_run
from customers.exports import export_path
from customers.models import ConsentRecord, DataRequest, Notification, Suppression, User
from customers.notifications import notification_create
from customers.requests import DataRequestRefused, data_request_erasure, data_request_export
from customers.suppression import address_suppressed
from plumbing.personal_data_registry import PersonalDataSource, _sources, personal_data_register
from tests.factories import agent, customer

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[Any]]
erased_by_other_app: list[int] = []


@pytest.fixture
def other_app_source() -> Iterator[None]:
    """A source registered by another app: it must be erased in the same run."""
    erased_by_other_app.clear()
    personal_data_register(
        PersonalDataSource(
            key="test_ledger",
            label="Ledger",
            explanation="Entries.",
            count=lambda user: 2,
            export=lambda user: [],
            erase=lambda user: erased_by_other_app.append(user.pk),
        )
    )
    yield
    _sources.pop("test_ledger", None)


def _due(request: DataRequest) -> DataRequest:
    DataRequest.objects.filter(pk=request.pk).update(erase_after=timezone.now() - timedelta(seconds=1))
    request.refresh_from_db()
    return request


def _customer_with_data(capture: Capture) -> User:
    alice = customer(email="Alice@Example.com")
    consent_change(
        customer=alice,
        changes=[ConsentChange("surveys", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )
    staff_access_record(staff=agent(), customer=alice, view="admin:customer")
    notification_create(customer=alice, key="n", title=lambda: "Hello")
    with capture(execute=True):
        data_request_export(customer=alice)
    return alice


def test_the_erasure_erases_every_source_and_keeps_a_non_personal_record(
    django_capture_on_commit_callbacks: Capture, other_app_source: None
) -> None:
    alice = _customer_with_data(django_capture_on_commit_callbacks)
    export = DataRequest.objects.get(customer=alice, kind="export")
    request = _due(data_request_erasure(customer=alice))

    with django_capture_on_commit_callbacks(execute=True):
        assert erasure_run(request_id=request.pk) is True

    assert not User.objects.filter(pk=alice.pk).exists()
    assert not ConsentRecord.objects.exists()
    assert not Notification.objects.exists()
    assert erased_by_other_app == [alice.pk]
    assert not export_path(export).exists()
    request.refresh_from_db()
    assert (request.customer, request.status) == (None, DataRequest.Status.COMPLETED)
    assert request.erased_counts["consents"] == 1
    assert request.erased_counts["test_ledger"] == 2
    assert request.erased_counts["staff_accesses"] == 1
    export.refresh_from_db()
    assert (export.customer, export.file_name) == (None, "")
    assert address_suppressed("alice@example.com")
    assert Suppression.objects.count() == 1


def test_a_cancelled_erasure_does_nothing() -> None:
    alice = customer()
    request = _due(data_request_erasure(customer=alice))
    DataRequest.objects.filter(pk=request.pk).update(status=DataRequest.Status.CANCELLED)

    assert erasure_run(request_id=request.pk) is False
    assert User.objects.filter(pk=alice.pk).exists()


def test_nothing_is_erased_before_the_grace_period_ends() -> None:
    alice = customer()
    request = data_request_erasure(customer=alice)

    assert erasure_run(request_id=request.pk) is False
    assert User.objects.filter(pk=alice.pk).exists()


def test_running_the_erasure_twice_erases_once() -> None:
    alice = customer()
    request = _due(data_request_erasure(customer=alice))

    assert erasure_run(request_id=request.pk) is True
    assert erasure_run(request_id=request.pk) is False
    assert DataRequest.objects.get(pk=request.pk).status == DataRequest.Status.COMPLETED


def test_a_failing_source_leaves_everything_as_it_was() -> None:
    alice = customer()
    request = _due(data_request_erasure(customer=alice))

    def fail(user: User) -> None:
        raise RuntimeError("ledger down")

    personal_data_register(
        PersonalDataSource(
            key="test_broken", label="x", explanation="x", count=lambda u: 0, export=lambda u: [], erase=fail
        )
    )
    try:
        with pytest.raises(RuntimeError):
            erasure_run(request_id=request.pk)
    finally:
        _sources.pop("test_broken", None)

    assert User.objects.filter(pk=alice.pk).exists()
    assert DataRequest.objects.get(pk=request.pk).status == DataRequest.Status.SCHEDULED
    assert not Suppression.objects.exists()


def test_staff_accounts_are_not_erased_through_the_privacy_center() -> None:
    with pytest.raises(DataRequestRefused):
        data_request_erasure(customer=agent())


def test_a_customer_cannot_be_deleted_by_hand_in_admin(client: Client) -> None:
    alice = customer()
    client.force_login(User.objects.create_superuser("root@example.com", "x"))

    response = client.get(f"/admin/customers/user/{alice.pk}/delete/")

    assert response.status_code == HTTPStatus.FORBIDDEN


def _link(body: object) -> str:
    match = re.search(r"http://testserver(/\S+)", str(body))
    assert match, body
    return match.group(1)


def test_a_new_sign_up_with_an_erased_address_is_allowed_and_lifts_the_suppression(client: Client) -> None:
    alice = customer(email="back@example.com")
    erasure_run(request_id=_due(data_request_erasure(customer=alice)).pk)
    assert address_suppressed("back@example.com")

    password = "a-Long-pass-2026!"
    client.post(
        "/accounts/signup/", {"email": "back@example.com", "password1": password, "password2": password}
    )
    assert address_suppressed("back@example.com")  # not before the owner proved the address
    client.post(_link(mail.outbox[-1].body))

    assert EmailAddress.objects.get(email="back@example.com").verified
    assert not address_suppressed("back@example.com")


def test_allauths_mails_never_reach_an_erased_address(client: Client) -> None:
    alice = customer(email="gone@example.com")
    erasure_run(request_id=_due(data_request_erasure(customer=alice)).pk)
    mail.outbox.clear()

    client.post("/accounts/password/reset/", {"email": "gone@example.com"})

    assert mail.outbox == []


def test_an_export_still_being_built_is_closed_with_the_erasure() -> None:
    alice = customer()
    export = data_request_export(customer=alice)  # its job has not run
    request = _due(data_request_erasure(customer=alice))

    erasure_run(request_id=request.pk)

    export.refresh_from_db()
    assert (export.customer, export.status) == (None, DataRequest.Status.CANCELLED)
