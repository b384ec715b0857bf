"""Global Privacy Control: honoured once per customer, visible on the page, announced publicly."""

from http import HTTPStatus

import pytest
from django.test import Client

from customers.consents import ConsentChange, consent_allows, consent_change
from customers.models import ConsentRecord, GpcSignal, User
from tests.factories import PASSWORD, agent, customer

pytestmark = pytest.mark.django_db

GPC = {"Sec-GPC": "1"}


def _share_everywhere(person: User) -> None:
    consent_change(
        customer=person,
        changes=[ConsentChange("partners", channel, True) for channel in ("email", "sms", "phone", "post")]
        + [ConsentChange("surveys", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )


def _gpc_records(person: User) -> int:
    return ConsentRecord.objects.filter(customer=person, source=ConsentRecord.Source.GPC).count()


def test_a_signed_in_request_with_gpc_withdraws_sale_and_sharing_on_every_channel(client: Client) -> None:
    alice = customer()
    _share_everywhere(alice)
    client.force_login(alice)

    response = client.get("/privacy/", headers=GPC)

    assert response.status_code == HTTPStatus.OK
    assert _gpc_records(alice) == 4
    assert not consent_allows(customer_id=alice.pk, purpose_key="partners", channel_key="sms")
    assert consent_allows(customer_id=alice.pk, purpose_key="surveys", channel_key="email")
    assert "Global Privacy Control signal" in response.content.decode()


def test_the_signal_is_recorded_once_not_on_every_request(client: Client) -> None:
    alice = customer()
    _share_everywhere(alice)
    client.force_login(alice)
    client.get("/privacy/", headers=GPC)

    for _ in range(3):
        client.get("/privacy/", headers=GPC)
    new_session = Client()
    new_session.force_login(alice)
    new_session.get("/privacy/", headers=GPC)

    assert _gpc_records(alice) == 4
    assert GpcSignal.objects.filter(customer=alice).count() == 1


def test_a_customer_who_opts_in_again_after_gpc_keeps_that_choice(client: Client) -> None:
    alice = customer()
    _share_everywhere(alice)
    client.force_login(alice)
    client.get("/privacy/", headers=GPC)

    consent_change(
        customer=alice,
        changes=[ConsentChange("partners", "post", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )
    other_browser = Client()
    other_browser.force_login(alice)
    other_browser.get("/privacy/", headers=GPC)

    assert consent_allows(customer_id=alice.pk, purpose_key="partners", channel_key="post")


def test_the_page_says_it_was_applied_even_when_nothing_was_granted(client: Client) -> None:
    client.force_login(customer())

    page = client.get("/privacy/", headers=GPC).content.decode()

    assert "We applied it on" in page
    assert GpcSignal.objects.get().withdrawn == 0


def test_signing_in_with_the_signal_applies_it() -> None:
    alice = customer(email="gpc@example.com")
    _share_everywhere(alice)
    browser = Client(headers=GPC)

    browser.post("/accounts/login/", {"login": "gpc@example.com", "password": PASSWORD})

    assert _gpc_records(alice) == 4


def test_without_the_signal_nothing_changes(client: Client) -> None:
    alice = customer()
    _share_everywhere(alice)
    client.force_login(alice)

    client.get("/privacy/", headers={"Sec-GPC": "0"})

    assert _gpc_records(alice) == 0
    assert not GpcSignal.objects.exists()


def test_staff_members_are_not_customers_and_are_left_alone(client: Client) -> None:
    client.force_login(agent())

    client.get("/privacy/", headers=GPC)

    assert not GpcSignal.objects.exists()


def test_any_page_honours_the_signal(client: Client) -> None:
    alice = customer()
    _share_everywhere(alice)
    client.force_login(alice)

    client.get("/", headers=GPC)

    assert _gpc_records(alice) == 4


def test_the_well_known_file_announces_gpc_support(client: Client) -> None:
    response = client.get("/.well-known/gpc.json")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["gpc"] is True
    assert response.json()["lastUpdate"]
