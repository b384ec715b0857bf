"""The privacy officers' queue: overdue first, filters, extensions the customer sees, overdue events."""

from datetime import datetime, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from customers.models import DataRequest, Notification, StaffAccess, User
from customers.requests import (
    DataRequestRefused,
    data_request_export,
    data_request_extend,
    data_requests_flag_overdue,
    months_after,
)
from plumbing.models import Event
from tests.factories import agent, customer, privacy_officer

pytestmark = pytest.mark.django_db

QUEUE = "/admin/customers/datarequest/"


def _request(person: User, *, days_ago: int, kind: str = DataRequest.Kind.EXPORT) -> DataRequest:
    received = timezone.now() - timedelta(days=days_ago)
    return DataRequest.objects.create(
        customer=person, kind=kind, received_at=received, due_at=months_after(received, 1)
    )


def _ids_in_page(page: str, requests: list[DataRequest]) -> list[int]:
    return sorted(
        (r.pk for r in requests), key=lambda pk: page.index(f"/admin/customers/datarequest/{pk}/change/")
    )


def test_the_queue_lists_overdue_requests_first_then_by_due_date(client: Client) -> None:
    fresh, older, overdue = (
        _request(customer(), days_ago=1),
        _request(customer(), days_ago=10),
        _request(customer(), days_ago=40),
    )
    done = _request(customer(), days_ago=50)
    DataRequest.objects.filter(pk=done.pk).update(status="completed", completed_at=timezone.now())
    client.force_login(privacy_officer())

    page = client.get(QUEUE).content.decode()

    assert _ids_in_page(page, [fresh, older, overdue, done]) == [overdue.pk, older.pk, fresh.pk, done.pk]


def test_the_queue_filters_by_type_status_and_overdue(client: Client) -> None:
    export = _request(customer(), days_ago=40)
    erasure = _request(customer(), days_ago=1, kind=DataRequest.Kind.ERASURE)
    client.force_login(privacy_officer())

    overdue_page = client.get(QUEUE, {"overdue": "yes"}).content.decode()
    erasure_page = client.get(QUEUE, {"kind__exact": "erasure"}).content.decode()

    assert f"/{export.pk}/change/" in overdue_page
    assert f"/{erasure.pk}/change/" not in overdue_page
    assert f"/{erasure.pk}/change/" in erasure_page
    assert f"/{export.pk}/change/" not in erasure_page
    assert client.get(QUEUE, {"status__exact": "received"}).status_code == HTTPStatus.OK


def test_an_officer_extends_a_request_with_a_reason_the_customer_sees(client: Client) -> None:
    alice = customer()
    request = _request(alice, days_ago=5)
    client.force_login(privacy_officer())

    response = client.post(
        f"{QUEUE}{request.pk}/change/", {"extension_reason": "Your data is in our archive."}
    )

    assert response.status_code == HTTPStatus.FOUND
    request.refresh_from_db()
    assert request.due_at == months_after(request.received_at, 3)
    assert request.extension_reason == "Your data is in our archive."
    assert Notification.objects.get(customer=alice).title == "We need more time for your request"
    customer_client = Client()
    customer_client.force_login(alice)
    assert "Your data is in our archive." in customer_client.get("/privacy/requests/").content.decode()


def test_a_request_is_extended_only_once_and_only_with_a_reason() -> None:
    request = _request(customer(), days_ago=5)

    with pytest.raises(DataRequestRefused):
        data_request_extend(request_id=request.pk, reason="  ")
    data_request_extend(request_id=request.pk, reason="Archive")
    with pytest.raises(DataRequestRefused):
        data_request_extend(request_id=request.pk, reason="Again")


def test_a_finished_request_cannot_be_extended(client: Client) -> None:
    request = _request(customer(), days_ago=5)
    DataRequest.objects.filter(pk=request.pk).update(status="completed", completed_at=timezone.now())

    with pytest.raises(DataRequestRefused):
        data_request_extend(request_id=request.pk, reason="Archive")


def test_opening_a_request_in_admin_is_logged_for_the_customer(client: Client) -> None:
    alice = customer()
    request = _request(alice, days_ago=1)
    officer = privacy_officer(full_name="Petra Officer")
    client.force_login(officer)

    assert client.get(f"{QUEUE}{request.pk}/change/").status_code == HTTPStatus.OK

    [access] = StaffAccess.objects.filter(customer=alice)
    assert (access.staff_name, access.view) == ("Petra Officer", "admin:data_request")


def test_support_agents_do_not_see_the_queue(client: Client) -> None:
    client.force_login(agent())

    assert client.get(QUEUE).status_code == HTTPStatus.FORBIDDEN


def test_an_overdue_request_is_announced_once_per_due_date() -> None:
    alice = customer()
    request = _request(alice, days_ago=40)

    assert data_requests_flag_overdue() == 1
    assert data_requests_flag_overdue() == 0
    event = Event.objects.get(name="data_request.overdue")
    assert (event.customer_id, event.payload) == (alice.pk, {"request_id": request.pk, "kind": "export"})


def test_an_extended_request_is_overdue_again_only_after_its_new_date() -> None:
    request = _request(customer(), days_ago=40)
    data_requests_flag_overdue()

    data_request_extend(request_id=request.pk, reason="Archive")

    assert data_requests_flag_overdue() == 0
    DataRequest.objects.filter(pk=request.pk).update(due_at=timezone.now() - timedelta(days=1))
    assert data_requests_flag_overdue() == 1
    assert Event.objects.filter(name="data_request.overdue").count() == 2


def test_requests_in_time_and_finished_ones_are_not_overdue() -> None:
    data_request_export(customer=customer())
    done = _request(customer(), days_ago=40)
    DataRequest.objects.filter(pk=done.pk).update(status="completed", completed_at=timezone.now())

    assert data_requests_flag_overdue() == 0


def test_the_new_due_date_is_told_in_the_customers_date_format() -> None:
    received = datetime(2026, 1, 10, 10, tzinfo=ZoneInfo("Europe/Berlin"))
    request = DataRequest.objects.create(
        customer=customer(language="de"), received_at=received, due_at=months_after(received, 1)
    )

    data_request_extend(request_id=request.pk, reason="Archiv")

    assert Notification.objects.get(customer=request.customer).body.startswith("Neue Frist: 10. April 2026.")
