"""When an account is erased or disabled, every one of its sessions ends at the next request."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from customers.erasure import erasure_run
from customers.models import DataRequest, User
from customers.requests import data_request_erasure
from tests.factories import PASSWORD, customer

pytestmark = pytest.mark.django_db


def _signed_in_twice(person: User) -> list[Client]:
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
        assert browser.get("/privacy/").status_code == HTTPStatus.OK
    return browsers


def _signed_out(browser: Client) -> bool:
    response = browser.get("/privacy/")
    return response.status_code == HTTPStatus.FOUND and response["Location"].startswith("/accounts/login/")


def test_an_erased_customer_is_signed_out_everywhere() -> None:
    alice = customer()
    browsers = _signed_in_twice(alice)
    keys = [browser.session.session_key for browser in browsers]
    request = data_request_erasure(customer=alice)
    DataRequest.objects.filter(pk=request.pk).update(erase_after=timezone.now() - timedelta(seconds=1))

    assert erasure_run(request_id=request.pk)

    assert all(_signed_out(browser) for browser in browsers)
    assert not Session.objects.filter(session_key__in=keys).exists()


def test_a_disabled_account_is_signed_out_everywhere() -> None:
    alice = customer()
    browsers = _signed_in_twice(alice)

    alice.is_active = False
    alice.save(update_fields=["is_active"])

    assert all(_signed_out(browser) for browser in browsers)
    assert not Client().login(email=alice.email, password=PASSWORD)


def test_enabling_the_account_again_does_not_revive_its_old_sessions() -> None:
    alice = customer()
    browsers = _signed_in_twice(alice)
    alice.is_active = False
    alice.save()

    alice.is_active = True
    alice.save()

    assert all(_signed_out(browser) for browser in browsers)


def test_disabling_in_the_admin_signs_the_customer_out(admin_client: Client) -> None:
    alice = customer()
    browsers = _signed_in_twice(alice)
    form = admin_client.get(f"/admin/customers/user/{alice.pk}/change/").context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        is_active="", groups=[], user_permissions=[], date_joined_0="2026-01-01", date_joined_1="10:00"
    )

    response = admin_client.post(f"/admin/customers/user/{alice.pk}/change/", data)

    assert response.status_code == HTTPStatus.FOUND, (
        response.context and response.context["adminform"].form.errors
    )
    assert all(_signed_out(browser) for browser in browsers)
