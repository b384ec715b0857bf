"""Idempotency-Key: a retried POST returns the first response and does nothing twice."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api.idempotency import idempotency_records_purge
from api.models import IdempotencyRecord
from customers.models import ConsentRecord
from plumbing.models import Event
from tests.api.credentials import token_auth
from tests.factories import customer

pytestmark = pytest.mark.django_db

CONSENTS = "/api/v1/me/consents/"
GRANT = {"changes": [{"purpose": "surveys", "channel": "email", "granted": True}]}
WITHDRAW = {"changes": [{"purpose": "surveys", "channel": "email", "granted": False}]}


def _post(client: Client, headers: dict[str, str], body: object, key: str | None = "retry-1") -> Any:
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(CONSENTS, body, content_type="application/json", headers=headers)


def test_the_same_key_and_body_replay_the_first_response_and_record_once(client: Client) -> None:
    headers = token_auth(customer())

    first = _post(client, headers, GRANT)
    # Meanwhile the customer withdrew on the web page: a replay must not grant again.
    _post(client, headers, WITHDRAW, key=None)
    retry = _post(client, headers, GRANT)

    assert first.status_code == retry.status_code == HTTPStatus.OK
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert [r.state for r in ConsentRecord.objects.order_by("pk")] == ["granted", "withdrawn"]
    assert Event.objects.filter(name="consent.granted").count() == 1


def test_key_order_and_whitespace_do_not_make_another_request(client: Client) -> None:
    headers = {**token_auth(customer()), "Idempotency-Key": "k"}
    client.post(
        CONSENTS,
        '{"changes":[{"purpose":"surveys","channel":"email","granted":true}]}',
        content_type="application/json",
        headers=headers,
    )

    retry = client.post(
        CONSENTS,
        '{ "changes": [ {"granted": true, "channel": "email", "purpose": "surveys"} ] }',
        content_type="application/json",
        headers=headers,
    )

    assert retry["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_a_409_and_does_nothing(client: Client) -> None:
    headers = token_auth(customer())
    _post(client, headers, GRANT)

    response = _post(client, headers, WITHDRAW)

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["type"] == "/api/v1/problems/idempotency-key-reused/"
    assert list(ConsentRecord.objects.values_list("state", flat=True)) == ["granted"]


def test_keys_belong_to_their_caller(client: Client) -> None:
    alice, bob = customer(), customer()

    _post(client, token_auth(alice), GRANT)
    bobs = _post(client, token_auth(bob), WITHDRAW)

    assert bobs.status_code == HTTPStatus.OK
    assert "Idempotent-Replayed" not in bobs
    assert IdempotencyRecord.objects.count() == 2


def test_a_refused_request_stores_nothing_so_a_corrected_retry_can_use_the_key(client: Client) -> None:
    headers = token_auth(customer())
    bad = {"changes": [{"purpose": "telepathy", "channel": "email", "granted": True}]}

    refused = _post(client, headers, bad)
    corrected = _post(client, headers, GRANT)

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert corrected.status_code == HTTPStatus.OK
    assert "Idempotent-Replayed" not in corrected


def test_malformed_json_with_a_key_claims_nothing(client: Client) -> None:
    headers = {**token_auth(customer()), "Idempotency-Key": "k"}

    response = client.post(CONSENTS, b"{", content_type="application/json", headers=headers)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "ümlaut"])
def test_an_unusable_key_is_a_400(client: Client, key: str) -> None:
    response = _post(client, token_auth(customer()), GRANT, key=key)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not ConsentRecord.objects.exists()


def test_stored_responses_are_purged_after_their_time() -> None:
    alice = customer()
    old = IdempotencyRecord.objects.create(user=alice, key="old", request_hash="h")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    IdempotencyRecord.objects.create(user=alice, key="new", request_hash="h")

    assert idempotency_records_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
