"""The notifications page: listed newest first, read one by one or all at once, only one's own."""

from http import HTTPStatus

import pytest
from django.test import Client

from customers.models import Notification
from customers.notifications import notification_create
from tests.factories import customer

pytestmark = pytest.mark.django_db


def test_the_page_needs_a_sign_in(client: Client) -> None:
    response = client.get("/privacy/notifications/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_the_customer_sees_their_notifications_newest_first_and_is_pointed_there(client: Client) -> None:
    alice = customer()
    notification_create(customer=alice, key="a", title=lambda: "First notice")
    notification_create(customer=alice, key="b", title=lambda: "Second notice", url="/privacy/requests/")
    notification_create(customer=customer(), key="c", title=lambda: "Someone else's")
    client.force_login(alice)

    page = client.get("/privacy/notifications/").content.decode()

    assert page.index("Second notice") < page.index("First notice")
    assert 'href="/privacy/requests/"' in page
    assert "Someone else&#x27;s" not in page
    assert "You have 2 unread notifications." in client.get("/privacy/").content.decode()


def test_one_notification_is_marked_read(client: Client) -> None:
    alice = customer()
    first = notification_create(customer=alice, key="a", title=lambda: "First")
    second = notification_create(customer=alice, key="b", title=lambda: "Second")
    client.force_login(alice)

    response = client.post(f"/privacy/notifications/{first.pk}/read/")

    assert response.status_code == HTTPStatus.FOUND
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_all_are_marked_read_at_once(client: Client) -> None:
    alice = customer()
    notification_create(customer=alice, key="a", title=lambda: "First")
    notification_create(customer=alice, key="b", title=lambda: "Second")
    client.force_login(alice)

    client.post("/privacy/notifications/")

    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "unread notification" not in client.get("/privacy/").content.decode()


def test_another_customers_notification_is_404(client: Client) -> None:
    notice = notification_create(customer=customer(), key="a", title=lambda: "Private")
    client.force_login(customer())

    response = client.post(f"/privacy/notifications/{notice.pk}/read/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_read_needs_a_post(client: Client) -> None:
    alice = customer()
    notice = notification_create(customer=alice, key="a", title=lambda: "x")
    client.force_login(alice)

    assert (
        client.get(f"/privacy/notifications/{notice.pk}/read/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    )
