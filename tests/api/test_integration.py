"""Integration endpoints: find customers, store external ids, and the consent check."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from api.external_ids import external_id_store
from api.models import ApiKey, ExternalId, Scope
from customers.consents import ConsentChange, consent_change
from customers.models import ConsentRecord, StaffAccess, Suppression
from customers.suppression import suppression_hash
from tests.api.credentials import api_key, key_auth, system
from tests.factories import agent, customer

pytestmark = pytest.mark.django_db

CENTER = ConsentRecord.Source.PRIVACY_CENTER


def _key_of(plaintext: str) -> ApiKey:
    return ApiKey.objects.select_related("system").get(prefix=plaintext.split("_")[1])


def test_a_customer_is_found_by_email_whatever_its_case(client: Client) -> None:
    alice = customer(email="alice@example.com", full_name="Alice")
    key = api_key(scopes=[Scope.CUSTOMERS_READ])

    response = client.get("/api/v1/customers/lookup/?email=ALICE@Example.com", headers=key_auth(key))

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "id": alice.pk,
        "email": "alice@example.com",
        "full_name": "Alice",
        "language": "en",
        "external_id": None,
    }


def test_a_lookup_is_written_to_the_customers_access_log_under_the_systems_name(client: Client) -> None:
    alice = customer()
    shop = system("Shop")
    key = api_key(on=shop)

    client.get(f"/api/v1/customers/lookup/?email={alice.email}", headers=key_auth(key))
    client.get(f"/api/v1/customers/{alice.pk}/", headers=key_auth(key))

    accesses = StaffAccess.objects.filter(customer=alice).order_by("pk")
    assert [(a.staff, a.who, a.view) for a in accesses] == [
        (None, "System: Shop", "api:customer-lookup"),
        (None, "System: Shop", "api:customer"),
    ]


def test_each_system_sees_only_its_own_external_ids(client: Client) -> None:
    alice = customer()
    shop, call_center = system("Shop"), system("Call center")
    external_id_store(system=shop, customer=alice, value="SHOP-1")
    shop_key, call_center_key = api_key(on=shop), api_key(on=call_center)

    by_shop = client.get("/api/v1/customers/lookup/?external_id=SHOP-1", headers=key_auth(shop_key))
    by_call_center = client.get(
        "/api/v1/customers/lookup/?external_id=SHOP-1", headers=key_auth(call_center_key)
    )
    detail = client.get(f"/api/v1/customers/{alice.pk}/", headers=key_auth(call_center_key))

    assert by_shop.json()["id"] == alice.pk
    assert by_shop.json()["external_id"] == "SHOP-1"
    assert by_call_center.status_code == HTTPStatus.NOT_FOUND
    assert detail.json()["external_id"] is None


@pytest.mark.parametrize(
    "query", ["", "?email=a@example.com&external_id=X", "?customer=1", "?email=not-an-address", "?name=alice"]
)
def test_a_lookup_needs_exactly_one_valid_way_to_name_the_customer(client: Client, query: str) -> None:
    response = client.get(f"/api/v1/customers/lookup/{query}", headers=key_auth(api_key()))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/problem+json"


def test_staff_and_unknown_people_are_not_found(client: Client) -> None:
    alex = agent()
    headers = key_auth(api_key())

    assert client.get(f"/api/v1/customers/lookup/?email={alex.email}", headers=headers).status_code == 404
    assert (
        client.get("/api/v1/customers/lookup/?email=nobody@example.com", headers=headers).status_code == 404
    )
    assert client.get(f"/api/v1/customers/{alex.pk}/", headers=headers).status_code == 404
    assert not StaffAccess.objects.exists()


def test_a_system_stores_and_replaces_its_external_id(client: Client) -> None:
    alice = customer()
    key = api_key(scopes=[Scope.EXTERNAL_IDS_WRITE])
    path = f"/api/v1/customers/{alice.pk}/external-id/"

    first = client.put(path, {"value": "SHOP-1"}, content_type="application/json", headers=key_auth(key))
    second = client.put(path, {"value": "SHOP-2"}, content_type="application/json", headers=key_auth(key))

    assert first.status_code == second.status_code == HTTPStatus.OK
    assert second.json()["value"] == "SHOP-2"
    assert list(ExternalId.objects.values_list("value", flat=True)) == ["SHOP-2"]


def test_an_external_id_the_system_uses_for_another_customer_is_a_409(client: Client) -> None:
    alice, bob = customer(), customer()
    key = api_key()
    external_id_store(system=_key_of(key).system, customer=alice, value="SHOP-1")

    response = client.put(
        f"/api/v1/customers/{bob.pk}/external-id/",
        {"value": "SHOP-1"},
        content_type="application/json",
        headers=key_auth(key),
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert response["Content-Type"] == "application/problem+json"
    assert ExternalId.objects.get().customer == alice


def test_two_systems_may_use_the_same_external_id(client: Client) -> None:
    alice, bob = customer(), customer()
    external_id_store(system=system(), customer=alice, value="1001")
    key = api_key()

    response = client.put(
        f"/api/v1/customers/{bob.pk}/external-id/",
        {"value": "1001"},
        content_type="application/json",
        headers=key_auth(key),
    )

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "body", [{}, {"value": ""}, {"value": 1001}, {"value": "x" * 201}, {"value": "a", "b": 1}]
)
def test_a_bad_external_id_is_a_400_and_stores_nothing(client: Client, body: dict[str, object]) -> None:
    alice = customer()

    response = client.put(
        f"/api/v1/customers/{alice.pk}/external-id/",
        body,
        content_type="application/json",
        headers=key_auth(api_key()),
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ExternalId.objects.exists()


def test_an_external_id_for_a_staff_member_or_nobody_is_a_404(client: Client) -> None:
    headers = key_auth(api_key())

    for pk in (agent().pk, 999_999):
        response = client.put(
            f"/api/v1/customers/{pk}/external-id/",
            {"value": "X"},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ExternalId.objects.exists()


def test_a_system_forgets_its_external_id(client: Client) -> None:
    alice = customer()
    key = api_key()
    external_id_store(system=_key_of(key).system, customer=alice, value="SHOP-1")

    response = client.delete(f"/api/v1/customers/{alice.pk}/external-id/", headers=key_auth(key))

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not ExternalId.objects.exists()


def _check(client: Client, key: str, query: str) -> dict[str, object]:
    response = client.get(f"/api/v1/consent-check/?{query}", headers=key_auth(key))
    assert response.status_code == HTTPStatus.OK, response.content
    body: dict[str, object] = response.json()
    return body


def test_the_consent_check_answers_from_the_current_state(client: Client) -> None:
    alice = customer()
    key = api_key(scopes=[Scope.CONSENT_CHECK])
    query = f"customer={alice.pk}&purpose=surveys&channel=email"

    before = _check(client, key, query)
    consent_change(customer=alice, changes=[ConsentChange("surveys", "email", True)], source=CENTER)
    granted = _check(client, key, query)
    consent_change(customer=alice, changes=[ConsentChange("surveys", "email", False)], source=CENTER)
    withdrawn = _check(client, key, query)

    assert before == {"allowed": False, "reason": "not_granted"}
    assert granted == {"allowed": True, "reason": "granted"}
    assert withdrawn == {"allowed": False, "reason": "not_granted"}


def test_the_consent_check_finds_the_customer_by_email_or_external_id(client: Client) -> None:
    alice = customer(email="alice@example.com")
    consent_change(customer=alice, changes=[ConsentChange("surveys", "email", True)], source=CENTER)
    key = api_key()
    external_id_store(system=_key_of(key).system, customer=alice, value="SHOP-7")

    by_email = _check(client, key, "email=Alice@example.com&purpose=surveys&channel=email")
    by_external_id = _check(client, key, "external_id=SHOP-7&purpose=surveys&channel=email")

    assert by_email == by_external_id == {"allowed": True, "reason": "granted"}


def test_a_pending_double_opt_in_answers_no(client: Client) -> None:
    alice = customer()
    consent_change(customer=alice, changes=[ConsentChange("newsletter", "email", True)], source=CENTER)

    answer = _check(client, api_key(), f"customer={alice.pk}&purpose=newsletter&channel=email")

    assert answer == {"allowed": False, "reason": "not_granted"}


def test_an_erased_address_answers_no(client: Client) -> None:
    Suppression.objects.create(email_hash=suppression_hash("gone@example.com"))

    answer = _check(client, api_key(), "email=Gone@example.com&purpose=service&channel=email")

    assert answer == {"allowed": False, "reason": "suppressed"}


def test_an_unknown_customer_answers_no(client: Client) -> None:
    key = api_key()

    assert _check(client, key, "customer=999999&purpose=service&channel=email") == {
        "allowed": False,
        "reason": "unknown_customer",
    }
    assert (
        _check(client, key, "external_id=NOPE&purpose=service&channel=email")["reason"] == "unknown_customer"
    )
    assert (
        _check(client, key, f"customer={agent().pk}&purpose=service&channel=email")["reason"]
        == "unknown_customer"
    )


def test_a_required_purpose_is_allowed_only_on_the_channels_it_is_offered_on(client: Client) -> None:
    alice = customer()
    key = api_key()

    by_email = _check(client, key, f"customer={alice.pk}&purpose=service&channel=email")
    by_sms = _check(client, key, f"customer={alice.pk}&purpose=service&channel=sms")

    assert by_email == {"allowed": True, "reason": "granted"}
    assert by_sms == {"allowed": False, "reason": "channel_not_offered"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("purpose=telepathy&channel=email", "purpose"),
        ("purpose=surveys&channel=pigeon", "channel"),
        ("channel=email", "purpose"),
        ("purpose=surveys", "channel"),
    ],
)
def test_an_unknown_purpose_or_channel_is_a_400_naming_it(client: Client, query: str, field: str) -> None:
    response = client.get(
        f"/api/v1/consent-check/?customer={customer().pk}&{query}", headers=key_auth(api_key())
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in [error["field"] for error in response.json()["errors"]]


def test_a_customer_id_beyond_any_id_is_a_400_not_a_crash(client: Client) -> None:
    response = client.get(
        f"/api/v1/consent-check/?customer={2**63}&purpose=surveys&channel=email", headers=key_auth(api_key())
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [error["field"] for error in response.json()["errors"]] == ["customer"]


def test_the_consent_check_is_not_a_staff_access_and_writes_nothing(
    client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    alice = customer()
    key = api_key()
    path = f"/api/v1/consent-check/?customer={alice.pk}&purpose=surveys&channel=email"
    client.get(path, headers=key_auth(key))  # notes the key's last use

    # the key; then the purpose, channel, customer, newest record and suppression list at once
    with django_assert_max_num_queries(2):
        assert client.get(path, headers=key_auth(key)).status_code == HTTPStatus.OK
    assert not StaffAccess.objects.exists()
