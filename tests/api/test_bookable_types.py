"""Systems book only what they may: the event types staff open to integrations, narrowed per key."""

from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client

from api.models import ApiKey, Scope
from tests.api.credentials import api_key, key_auth
from tests.factories import customer
from trust.models import EventType, LedgerEntry

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
EVENTS = "/api/v1/trust/events/"
BULK = "/api/v1/trust/events/bulk/"


def _book(client: Client, key: str, body: object, path: str = EVENTS, idempotency: str = "k-1") -> Any:
    return client.post(
        path, body, content_type="application/json", headers={**key_auth(key), "Idempotency-Key": idempotency}
    )


@pytest.fixture
def key() -> str:
    return api_key(scopes=[Scope.TRUST_WRITE])


@pytest.mark.parametrize("kind", ["goodwill", "data_incident", "adjustment", "promise_kept"])
def test_a_type_integrations_may_not_book_is_a_403_naming_it(client: Client, key: str, kind: str) -> None:
    response = _book(client, key, {"customer": customer().pk, "event_type": kind, "reference": "R1"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("/forbidden/")
    assert f"“{kind}”" in response.json()["detail"]
    assert not LedgerEntry.objects.exists()


def test_the_types_a_shop_witnesses_are_open_by_default(client: Client, key: str) -> None:
    alice = customer()

    for number, kind in enumerate(["praise", "complaint", "issue_resolved"]):
        response = _book(
            client,
            key,
            {"customer": alice.pk, "event_type": kind, "reference": f"R{number}"},
            idempotency=f"k{number}",
        )
        assert response.status_code == HTTPStatus.CREATED, response.content


def test_a_key_narrowed_to_some_types_may_book_only_those(client: Client, key: str) -> None:
    ApiKey.objects.get().event_types.set(EventType.objects.filter(key="complaint"))
    alice = customer()

    complaint = _book(client, key, {"customer": alice.pk, "event_type": "complaint", "reference": "R1"})
    praise = _book(
        client, key, {"customer": alice.pk, "event_type": "praise", "reference": "R2"}, idempotency="k-2"
    )

    assert complaint.status_code == HTTPStatus.CREATED
    assert praise.status_code == HTTPStatus.FORBIDDEN
    assert "“praise”" in praise.json()["detail"]


def test_a_batch_with_one_forbidden_type_books_nothing_and_names_it(client: Client, key: str) -> None:
    alice = customer()
    events = [
        {"customer": alice.pk, "event_type": "complaint", "reference": "A1"},
        {"customer": alice.pk, "event_type": "goodwill", "reference": "A2"},
    ]

    response = _book(client, key, {"events": events}, path=BULK)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "“goodwill”" in response.json()["detail"]
    assert not LedgerEntry.objects.exists()


def test_staff_open_a_type_to_integrations_in_the_event_types_admin(client: Client, key: str) -> None:
    EventType.objects.filter(key="goodwill").update(api_bookable=True)

    response = _book(client, key, {"customer": customer().pk, "event_type": "goodwill", "reference": "R1"})

    assert response.status_code == HTTPStatus.CREATED
