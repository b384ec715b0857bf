"""One error format for every error under /api/: RFC 9457 problem documents, and nothing written."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from pytest_django import Settings

from api.problems import PROBLEM_TYPES, REFUSALS
from customers.models import ConsentRecord
from tests.api.credentials import api_key, key_auth, token_auth
from tests.factories import customer

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
CONSENTS = "/api/v1/me/consents/"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["status"] == status
    return body


def test_an_unknown_url_under_the_api_is_a_404_problem(client: Client) -> None:
    body = _problem(client.get("/api/v1/no-such-thing/"), HTTPStatus.NOT_FOUND)

    assert body["type"] == "/api/v1/problems/not-found/"
    assert body["instance"] == "/api/v1/no-such-thing/"


def test_pages_outside_the_api_keep_their_html_error_pages(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("text/html")


def test_a_method_the_endpoint_does_not_offer_is_a_405_with_allow(client: Client) -> None:
    response = client.delete("/api/v1/me/", headers=token_auth(customer()))

    _problem(response, HTTPStatus.METHOD_NOT_ALLOWED)
    assert response["Allow"] == "GET, PATCH"


def test_malformed_json_is_a_400_and_records_nothing(client: Client) -> None:
    alice = customer()

    response = client.post(
        CONSENTS, b'{"changes": [', content_type="application/json", headers=token_auth(alice)
    )

    assert _problem(response, HTTPStatus.BAD_REQUEST)["type"] == "/api/v1/problems/malformed/"
    assert not ConsentRecord.objects.exists()


def test_unknown_fields_and_wrong_types_are_listed_field_by_field_and_record_nothing(client: Client) -> None:
    body = {"changes": [{"purpose": 5, "channel": "email", "granted": "yes", "colour": "red"}], "extra": 1}

    response = client.post(CONSENTS, body, content_type="application/json", headers=token_auth(customer()))

    problem = _problem(response, HTTPStatus.BAD_REQUEST)
    assert problem["type"] == "/api/v1/problems/invalid/"
    assert {(e["field"], e["code"]) for e in problem["errors"]} == {
        ("changes.0.purpose", "wrong_type"),
        ("changes.0.granted", "wrong_type"),
        ("changes.0.colour", "unknown"),
        ("extra", "unknown"),
    }
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize("body", [[], "changes", 42, None])
def test_a_body_that_is_not_an_object_is_a_400(client: Client, body: object) -> None:
    import json

    response = client.post(
        CONSENTS, json.dumps(body), content_type="application/json", headers=token_auth(customer())
    )

    _problem(response, HTTPStatus.BAD_REQUEST)


def test_a_read_only_field_is_refused_not_ignored(client: Client) -> None:
    alice = customer()

    response = client.patch(
        "/api/v1/me/",
        {"email": "new@example.com"},
        content_type="application/json",
        headers=token_auth(alice),
    )

    problem = _problem(response, HTTPStatus.BAD_REQUEST)
    assert problem["errors"] == [
        {"field": "email", "detail": "This field is read-only.", "code": "read_only"}
    ]
    alice.refresh_from_db()
    assert alice.email != "new@example.com"


def test_an_oversize_body_is_a_413_before_anything_reads_it(client: Client, settings: Settings) -> None:
    settings.PORTAL_API_MAX_BODY_BYTES = 2048
    changes = [{"purpose": "surveys", "channel": "email", "granted": True}] * 100

    response = client.post(
        CONSENTS, {"changes": changes}, content_type="application/json", headers=token_auth(customer())
    )

    assert _problem(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)["type"] == "/api/v1/problems/too-large/"
    assert not ConsentRecord.objects.exists()


def test_a_body_that_is_not_json_is_a_415(client: Client) -> None:
    response = client.post(
        CONSENTS,
        "purpose=surveys",
        content_type="application/x-www-form-urlencoded",
        headers=token_auth(customer()),
    )

    _problem(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)


def test_a_crash_is_a_500_problem_that_tells_nothing_internal(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(**kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("api.customer_views.consent_matrix", explode)
    client = Client(raise_request_exception=False)

    response = client.get(CONSENTS, headers=token_auth(customer()))

    body = _problem(response, HTTPStatus.INTERNAL_SERVER_ERROR)
    assert "secret" not in response.content.decode()
    assert body["type"] == "/api/v1/problems/server-error/"


def test_too_many_requests_is_a_429_with_retry_after(client: Client, settings: Settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "2/day", "person": "2/day"},
    }
    headers = key_auth(api_key())
    path = f"/api/v1/consent-check/?customer={customer().pk}&purpose=newsletter&channel=email"

    statuses = [client.get(path, headers=headers).status_code for _ in range(3)]
    response = client.get(path, headers=headers)

    assert statuses == [200, 200, 429]
    _problem(response, HTTPStatus.TOO_MANY_REQUESTS)
    assert 0 < int(response["Retry-After"]) <= 86400


@pytest.mark.usefixtures("unreachable_cache")
def test_while_the_cache_is_unreachable_the_api_keeps_answering(
    client: Client, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.REST_FRAMEWORK = {  # low enough that every request goes to the shared counter
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "50/day", "person": "50/day"},
    }
    headers = key_auth(api_key())
    path = f"/api/v1/consent-check/?customer={customer().pk}&purpose=newsletter&channel=email"

    statuses = {client.get(path, headers=headers).status_code for _ in range(3)}

    assert statuses == {HTTPStatus.OK}
    assert "the cache is unreachable" in caplog.text


def test_the_limit_is_per_key_and_per_person(client: Client, settings: Settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "1/day", "person": "1/day"},
    }
    path = f"/api/v1/consent-check/?customer={customer().pk}&purpose=newsletter&channel=email"
    first, second = key_auth(api_key()), key_auth(api_key())
    alice, bob = token_auth(customer()), token_auth(customer())

    assert client.get(path, headers=first).status_code == 200
    assert client.get(path, headers=second).status_code == 200
    assert client.get(path, headers=first).status_code == 429
    assert client.get("/api/v1/me/", headers=alice).status_code == 200
    assert client.get("/api/v1/me/", headers=bob).status_code == 200
    assert client.get("/api/v1/me/", headers=alice).status_code == 429


def test_problems_speak_the_callers_language(client: Client) -> None:
    response = client.get("/api/v1/me/", headers={"Accept-Language": "de"})

    body = _problem(response, HTTPStatus.UNAUTHORIZED)
    assert body["title"] == "Anmeldung nötig"


def test_every_problem_type_url_describes_itself(client: Client) -> None:
    body = _problem(client.get("/api/v1/me/"), HTTPStatus.UNAUTHORIZED)

    description = client.get(str(body["type"]))

    assert description.status_code == HTTPStatus.OK
    assert description.json()["title"] == body["title"]
    assert description.json()["status"] == 401
    _problem(client.get("/api/v1/problems/no-such-problem/"), HTTPStatus.NOT_FOUND)


def test_every_refusal_row_names_a_problem_type_and_no_earlier_row_hides_it() -> None:
    for index, row in enumerate(REFUSALS):
        assert row.problem in PROBLEM_TYPES, row
        for earlier in REFUSALS[:index]:
            hides = issubclass(row.refusal, earlier.refusal) and earlier.code in (None, row.code)
            assert not hides, f"{earlier} comes first and answers every refusal of {row}"


def test_a_busy_key_is_counted_in_batches_and_still_limited_exactly_in_one_process(
    client: Client, settings: Settings
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "400/day", "person": "300/day"},  # batches of 4
    }
    headers = key_auth(api_key())
    path = f"/api/v1/customers/{customer().pk}/"

    statuses = [client.get(path, headers=headers).status_code for _ in range(410)]

    assert statuses.count(200) == 400
    assert set(statuses[400:]) == {429}
