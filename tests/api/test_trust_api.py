"""The trust endpoints: book touchpoints (one, or a batch all or none), read accounts, work follow-ups."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api.external_ids import external_id_store
from api.models import ApiKey, IdempotencyRecord, Scope
from customers.models import StaffAccess, User
from tests.api.credentials import api_key, key_auth
from tests.factories import customer
from trust.ledger import ledger_book
from trust.models import Account, EventType, FollowUp, LedgerEntry

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/trust/events/"
BULK = "/api/v1/trust/events/bulk/"
PROBLEM = "application/problem+json"


def _headers(plaintext: str, idempotency_key: str | None = "k-1") -> dict[str, str]:
    headers = key_auth(plaintext)
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return headers


def _post(client: Client, path: str, body: object, headers: dict[str, str]) -> Any:
    return client.post(path, body, content_type="application/json", headers=headers)


def _fields(response: Any) -> dict[str | None, str]:
    assert response["Content-Type"] == PROBLEM
    return {error["field"]: error["code"] for error in response.json()["errors"]}


@pytest.fixture
def key() -> str:
    return api_key(scopes=[Scope.TRUST_WRITE, Scope.TRUST_READ, Scope.FOLLOWUPS_WRITE])


def test_a_touchpoint_is_booked_for_a_customer_named_by_external_id(client: Client, key: str) -> None:
    alice = customer()
    external_id_store(system=ApiKey.objects.get().system, customer=alice, value="SHOP-1")
    body = {"external_id": "SHOP-1", "event_type": "complaint", "reference": "TICKET-1", "note": "Late."}

    response = _post(client, EVENTS, body, _headers(key))

    assert response.status_code == HTTPStatus.CREATED, response.content
    entry = LedgerEntry.objects.get()
    assert (entry.customer_id, entry.event_type.key, entry.points, entry.note) == (
        alice.pk,
        "complaint",
        -8,
        "Late.",
    )
    data = response.json()
    assert data["entry"] == entry.pk
    assert data["created"] is True
    assert data["account"]["balance"] == -8 == Account.objects.get(pk=alice.pk).balance


@pytest.mark.parametrize("name", ["customer", "email"])
def test_a_customer_can_be_named_by_id_or_email(client: Client, key: str, name: str) -> None:
    alice = customer(email="Alice@Example.com")
    ref: dict[str, object] = {"customer": alice.pk} if name == "customer" else {"email": "alice@example.com"}

    response = _post(client, EVENTS, {**ref, "event_type": "praise", "reference": "R"}, _headers(key))

    assert response.status_code == HTTPStatus.CREATED, response.content
    assert LedgerEntry.objects.get().customer_id == alice.pk


def test_a_retried_request_replays_the_first_answer_and_books_once(client: Client, key: str) -> None:
    body = {"customer": customer().pk, "event_type": "praise", "reference": "R1"}

    first = _post(client, EVENTS, body, _headers(key))
    again = _post(client, EVENTS, body, _headers(key))

    assert first.status_code == again.status_code == HTTPStatus.CREATED
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_a_409(client: Client, key: str) -> None:
    alice = customer()
    _post(client, EVENTS, {"customer": alice.pk, "event_type": "praise", "reference": "R1"}, _headers(key))

    response = _post(
        client, EVENTS, {"customer": alice.pk, "event_type": "complaint", "reference": "R2"}, _headers(key)
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["type"].endswith("/idempotency-key-reused/")
    assert LedgerEntry.objects.count() == 1


def test_a_reference_booked_before_is_not_booked_again_under_a_new_idempotency_key(
    client: Client, key: str
) -> None:
    body = {"customer": customer().pk, "event_type": "praise", "reference": "R1"}
    _post(client, EVENTS, body, _headers(key, "first"))

    response = _post(client, EVENTS, body, _headers(key, "second"))

    assert response.status_code == HTTPStatus.OK
    assert response.json()["created"] is False
    assert LedgerEntry.objects.count() == 1


def test_a_booking_needs_an_idempotency_key(client: Client, key: str) -> None:
    body = {"customer": customer().pk, "event_type": "praise", "reference": "R1"}

    response = _post(client, EVENTS, body, _headers(key, None))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Idempotency-Key" in _fields(response)
    assert not LedgerEntry.objects.exists()


def _bad_bodies(alice: User) -> list[tuple[dict[str, object], str]]:
    future = (timezone.now() + timedelta(days=2)).isoformat()
    return [
        ({"customer": alice.pk, "event_type": "no_such_type", "reference": "R"}, "event_type"),
        ({"customer": alice.pk, "event_type": "adjustment", "reference": "R"}, "event_type"),
        ({"customer": alice.pk, "event_type": "inactive", "reference": "R"}, "event_type"),
        ({"customer": 987654, "event_type": "praise", "reference": "R"}, "customer"),
        ({"customer": 2**63, "event_type": "praise", "reference": "R"}, "customer"),
        ({"email": "nobody@example.com", "event_type": "praise", "reference": "R"}, "email"),
        ({"external_id": "NOPE", "event_type": "praise", "reference": "R"}, "external_id"),
        (
            {"customer": alice.pk, "event_type": "praise", "reference": "R", "occurred_at": future},
            "occurred_at",
        ),
        ({"event_type": "praise", "reference": "R"}, "customer"),
        ({"customer": alice.pk, "email": alice.email, "event_type": "praise", "reference": "R"}, "customer"),
        ({"customer": alice.pk, "event_type": "praise"}, "reference"),
        ({"customer": alice.pk, "event_type": "praise", "reference": "R", "points": 99}, "points"),
        ({"customer": "1", "event_type": "praise", "reference": "R"}, "customer"),
    ]


def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written(client: Client, key: str) -> None:
    alice = customer()
    EventType.objects.filter(key="goodwill").update(key="inactive", active=False)
    # Integrations may book them (staff said so): what is wrong with them is still a 400.
    EventType.objects.filter(key__in=["inactive", "adjustment"]).update(api_bookable=True)

    for number, (body, field) in enumerate(_bad_bodies(alice)):
        response = _post(client, EVENTS, body, _headers(key, f"bad-{number}"))

        assert response.status_code == HTTPStatus.BAD_REQUEST, (body, response.content)
        assert field in _fields(response), (body, response.json())
    assert not LedgerEntry.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_a_batch_is_booked_in_the_order_sent(client: Client, key: str) -> None:
    alice, bob = customer(), customer()
    events = [
        {"customer": bob.pk, "event_type": "complaint", "reference": "B1"},
        {"customer": alice.pk, "event_type": "praise", "reference": "A1"},
        {"email": bob.email, "event_type": "praise", "reference": "B2"},
    ]

    response = _post(client, BULK, {"events": events}, _headers(key))

    assert response.status_code == HTTPStatus.CREATED, response.content
    data = response.json()
    assert data["booked"] == 3
    assert [(row["customer"], row["reference"]) for row in data["results"]] == [
        (bob.pk, "B1"),
        (alice.pk, "A1"),
        (bob.pk, "B2"),
    ]
    assert Account.objects.get(pk=bob.pk).balance == -3


def test_a_batch_with_bad_items_books_nothing_and_names_every_bad_item(client: Client, key: str) -> None:
    alice = customer()
    EventType.objects.filter(key="adjustment").update(api_bookable=True)
    events = [
        {"customer": alice.pk, "event_type": "praise", "reference": "A1"},
        {"customer": alice.pk, "event_type": "no_such_type", "reference": "A2"},
        {"customer": 987654, "event_type": "praise", "reference": "A3"},
        {"customer": alice.pk, "event_type": "adjustment", "reference": "A4"},
    ]

    response = _post(client, BULK, {"events": events}, _headers(key))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(_fields(response)) == {"events.2.customer"}  # unknown customers are found first
    del events[2]

    response = _post(client, BULK, {"events": events}, _headers(key, "k-2"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(_fields(response)) == {"events.1.event_type", "events.2.event_type"}
    assert not LedgerEntry.objects.exists()
    assert not Account.objects.exists()


def test_a_refused_item_of_a_batch_has_the_same_code_as_a_refused_single_booking(
    client: Client, key: str
) -> None:
    alice = customer()
    event = {"customer": alice.pk, "event_type": "no_such_type", "reference": "A1"}

    single = _post(client, EVENTS, event, _headers(key, "k-1"))
    batch = _post(client, BULK, {"events": [event]}, _headers(key, "k-2"))

    assert _fields(single) == {"event_type": "unknown_type"}
    assert _fields(batch) == {"events.0.event_type": "unknown_type"}


def test_a_batch_is_idempotent_and_a_too_large_one_is_refused(client: Client, key: str) -> None:
    alice = customer()
    events = [{"customer": alice.pk, "event_type": "praise", "reference": f"A{n}"} for n in range(3)]
    first = _post(client, BULK, {"events": events}, _headers(key))
    again = _post(client, BULK, {"events": events}, _headers(key))
    too_many = [{"customer": alice.pk, "event_type": "praise", "reference": f"X{n}"} for n in range(1001)]

    refused = _post(client, BULK, {"events": too_many}, _headers(key, "k-2"))

    assert again.json() == first.json()
    assert LedgerEntry.objects.count() == 3
    assert refused.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert refused["Content-Type"] == PROBLEM
    assert _post(client, BULK, {"events": []}, _headers(key, "k-3")).status_code == HTTPStatus.BAD_REQUEST


def test_an_account_is_read_and_the_read_is_logged(client: Client, key: str) -> None:
    alice, bob = customer(), customer()
    ledger_book(customer_id=alice.pk, event_type="complaint", key="c")

    booked = client.get(f"/api/v1/trust/accounts/{alice.pk}/", headers=key_auth(key)).json()
    neutral = client.get(f"/api/v1/trust/accounts/{bob.pk}/", headers=key_auth(key)).json()

    assert booked["balance"] == -8
    assert booked["negatives_90d"] == 1
    assert booked["band"] == Account.objects.get(pk=alice.pk).band
    assert (neutral["score"], neutral["balance"], neutral["band"]) == (50, 0, "healthy")
    assert StaffAccess.objects.filter(customer=alice, by_system=True).count() == 1


def test_accounts_are_listed_by_band_in_cursor_pages(client: Client, key: str) -> None:
    falling, fine = customer(), customer()
    ledger_book(customer_id=falling.pk, event_type="data_request_overdue", key="o")
    ledger_book(customer_id=fine.pk, event_type="praise", key="p")

    at_risk = client.get("/api/v1/trust/accounts/?band=at_risk", headers=key_auth(key)).json()
    first_page = client.get("/api/v1/trust/accounts/?page_size=1", headers=key_auth(key)).json()
    bad = client.get("/api/v1/trust/accounts/?band=splendid", headers=key_auth(key))

    assert [row["customer"] for row in at_risk["results"]] == [falling.pk]
    assert len(first_page["results"]) == 1
    assert first_page["next"]
    assert bad.status_code == HTTPStatus.BAD_REQUEST


def test_follow_ups_are_listed_with_filters_and_their_outcome_recorded(client: Client, key: str) -> None:
    alice, bob = customer(), customer()
    for person in (alice, bob):
        ledger_book(customer_id=person.pk, event_type="data_request_overdue", key=f"o{person.pk}")
    late = FollowUp.objects.get(customer=bob)
    FollowUp.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    headers = {**key_auth(key), "Idempotency-Key": "outcome-1"}

    overdue = client.get("/api/v1/trust/followups/?overdue=true", headers=key_auth(key)).json()
    recorded = client.post(
        f"/api/v1/trust/followups/{late.pk}/outcome/",
        {"outcome": "resolved", "note": "Parcel replaced."},
        content_type="application/json",
        headers=headers,
    )
    again = client.post(
        f"/api/v1/trust/followups/{late.pk}/outcome/",
        {"outcome": "contacted"},
        content_type="application/json",
        headers=key_auth(key),
    )
    closed = client.get("/api/v1/trust/followups/?state=closed&reason=band", headers=key_auth(key)).json()

    assert [row["id"] for row in overdue["results"]] == [late.pk]
    assert overdue["results"][0]["overdue"] is True
    assert recorded.status_code == HTTPStatus.OK, recorded.content
    assert recorded.json()["outcome"] == "resolved"
    assert LedgerEntry.objects.filter(customer=bob, event_type__key="issue_resolved").count() == 1
    assert again.status_code == HTTPStatus.CONFLICT
    assert [row["id"] for row in closed["results"]] == [late.pk]


def test_the_outcome_of_an_unknown_follow_up_is_a_404_and_stores_nothing(client: Client, key: str) -> None:
    response = client.post(
        "/api/v1/trust/followups/987654/outcome/",
        {"outcome": "resolved"},
        content_type="application/json",
        headers={**key_auth(key), "Idempotency-Key": "outcome-unknown"},
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "This follow-up does not exist."
    assert not IdempotencyRecord.objects.exists()
