"""Who may call what: every endpoint tried by every persona.

Integration endpoints need an API key with their scope; customer endpoints
need a signed-in person. Nobody gets 401, the wrong kind of caller 403,
and every refusal is a problem document that changes nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from api.keys import api_key_authenticate, api_key_cache_forget, api_keys_revoke, secret_hash
from api.models import ApiKey, ExternalId, PersonalToken, Scope
from tests.api.credentials import api_key, key_auth, system, token_auth
from tests.factories import agent, customer

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"

# (method, path template, the scope it needs); {pk} is a real customer.
INTEGRATION = [
    ("get", "/api/v1/customers/lookup/?email=someone@example.com", Scope.CUSTOMERS_READ),
    ("get", "/api/v1/customers/{pk}/", Scope.CUSTOMERS_READ),
    ("put", "/api/v1/customers/{pk}/external-id/", Scope.EXTERNAL_IDS_WRITE),
    ("delete", "/api/v1/customers/{pk}/external-id/", Scope.EXTERNAL_IDS_WRITE),
    ("get", "/api/v1/consent-check/?customer={pk}&purpose=newsletter&channel=email", Scope.CONSENT_CHECK),
    ("post", "/api/v1/trust/events/", Scope.TRUST_WRITE),
    ("post", "/api/v1/trust/events/bulk/", Scope.TRUST_WRITE),
    ("get", "/api/v1/trust/accounts/", Scope.TRUST_READ),
    ("get", "/api/v1/trust/accounts/{pk}/", Scope.TRUST_READ),
    ("get", "/api/v1/trust/followups/", Scope.TRUST_READ),
    ("post", "/api/v1/trust/followups/{pk}/outcome/", Scope.FOLLOWUPS_WRITE),
]
# Integration endpoints with an id in the path: an id that names nothing is a 404, also with every scope.
UNKNOWN_ID = [
    ("get", "/api/v1/customers/{pk}/"),
    ("put", "/api/v1/customers/{pk}/external-id/"),
    ("delete", "/api/v1/customers/{pk}/external-id/"),
    ("get", "/api/v1/trust/accounts/{pk}/"),
    ("post", "/api/v1/trust/followups/{pk}/outcome/"),
]
CUSTOMER = [
    ("get", "/api/v1/me/"),
    ("patch", "/api/v1/me/"),
    ("get", "/api/v1/me/consents/"),
    ("post", "/api/v1/me/consents/"),
    ("get", "/api/v1/me/consents/history/"),
    ("get", "/api/v1/me/consents/history/1/"),
    ("get", "/api/v1/me/notifications/"),
    ("get", "/api/v1/me/notifications/1/"),
    ("post", "/api/v1/me/notifications/read/"),
    ("get", "/api/v1/me/consents/receipt/"),
    ("get", "/api/v1/me/data-requests/"),
    ("post", "/api/v1/me/data-requests/"),
    ("get", "/api/v1/me/data-requests/1/"),
    ("post", "/api/v1/me/data-requests/1/cancel/"),
    ("get", "/api/v1/me/data-requests/1/download/"),
    ("get", "/api/v1/me/feedback/topics/"),
    ("get", "/api/v1/me/feedback/threads/"),
    ("post", "/api/v1/me/feedback/threads/"),
    ("get", "/api/v1/me/feedback/threads/1/"),
    ("post", "/api/v1/me/feedback/threads/1/replies/"),
    ("post", "/api/v1/me/feedback/threads/1/resolve/"),
    ("post", "/api/v1/me/feedback/threads/1/reopen/"),
    ("get", "/api/v1/me/ideas/"),
    ("post", "/api/v1/me/ideas/1/vote/"),
    ("delete", "/api/v1/me/ideas/1/vote/"),
]
BODIES = {
    "put": {"value": "SHOP-1"},
    "patch": {"full_name": "Changed"},
    "post": {"changes": [{"purpose": "surveys", "channel": "email", "granted": True}]},
}


def _call(
    client: Client, method: str, path: str, headers: dict[str, str] | None = None, body: object = None
) -> Any:
    body = body or BODIES.get(method)
    kwargs: dict[str, object] = {"headers": headers or {}}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    return getattr(client, method)(path, **kwargs)


def _assert_problem(response: Any, status: int) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == status


@pytest.mark.parametrize(("method", "path", "scope"), INTEGRATION)
def test_an_integration_endpoint_refuses_nobody_with_401(
    client: Client, method: str, path: str, scope: str
) -> None:
    response = _call(client, method, path.format(pk=customer().pk))

    _assert_problem(response, HTTPStatus.UNAUTHORIZED)
    assert response["WWW-Authenticate"] == 'Api-Key realm="api"'


@pytest.mark.parametrize(("method", "path", "scope"), INTEGRATION)
def test_an_integration_endpoint_refuses_a_key_without_its_scope_with_403(
    client: Client, method: str, path: str, scope: str
) -> None:
    others = [other for other in Scope.values if other != scope]
    key = api_key(scopes=others)

    response = _call(client, method, path.format(pk=customer().pk), key_auth(key))

    _assert_problem(response, HTTPStatus.FORBIDDEN)
    assert scope in response.json()["detail"]
    assert not ExternalId.objects.exists()


@pytest.mark.parametrize(("method", "path", "scope"), INTEGRATION)
def test_an_integration_endpoint_refuses_a_revoked_key_with_401(
    client: Client, method: str, path: str, scope: str
) -> None:
    key = api_key()
    ApiKey.objects.update(revoked_at=timezone.now())

    response = _call(client, method, path.format(pk=customer().pk), key_auth(key))

    _assert_problem(response, HTTPStatus.UNAUTHORIZED)
    assert not ExternalId.objects.exists()


@pytest.mark.parametrize(("method", "path"), UNKNOWN_ID)
def test_an_integration_endpoint_answers_an_unknown_id_with_404(
    client: Client, method: str, path: str
) -> None:
    staff_member = agent()  # exists, but is no customer: as unknown to the API as a free id
    headers = {**key_auth(api_key()), "Idempotency-Key": "unknown-id"}

    for pk in (staff_member.pk, 987654):
        response = _call(client, method, path.format(pk=pk), headers, body=UNKNOWN_ID_BODIES.get(method))

        _assert_problem(response, HTTPStatus.NOT_FOUND)
    assert not ExternalId.objects.exists()


UNKNOWN_ID_BODIES = {"post": {"outcome": "contacted"}}


@pytest.mark.parametrize(("method", "path", "scope"), INTEGRATION)
def test_an_integration_endpoint_refuses_a_customer_with_403(
    client: Client, method: str, path: str, scope: str
) -> None:
    alice = customer()
    client.force_login(alice)

    by_session = _call(client, method, path.format(pk=alice.pk))
    by_token = _call(Client(), method, path.format(pk=alice.pk), token_auth(alice))

    _assert_problem(by_session, HTTPStatus.FORBIDDEN)
    _assert_problem(by_token, HTTPStatus.FORBIDDEN)


@pytest.mark.parametrize(("method", "path"), CUSTOMER)
def test_a_customer_endpoint_refuses_nobody_with_401(client: Client, method: str, path: str) -> None:
    response = _call(client, method, path)

    _assert_problem(response, HTTPStatus.UNAUTHORIZED)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(("method", "path"), CUSTOMER)
def test_a_customer_endpoint_refuses_an_api_key_with_403(client: Client, method: str, path: str) -> None:
    response = _call(client, method, path, key_auth(api_key()))

    _assert_problem(response, HTTPStatus.FORBIDDEN)


@pytest.mark.parametrize(("method", "path"), CUSTOMER)
def test_a_customer_endpoint_refuses_a_revoked_token_with_401(client: Client, method: str, path: str) -> None:
    headers = token_auth(customer())
    PersonalToken.objects.update(revoked_at=timezone.now())

    _assert_problem(_call(client, method, path, headers), HTTPStatus.UNAUTHORIZED)


@pytest.mark.parametrize(
    "authorization",
    [
        "Api-Key",
        "Api-Key tpk_x",
        "Api-Key tpk_nope_nope",
        "Api-Key a b",
        "Bearer tpu_nope_nope",
        "Bearer tpk_x_y",
    ],
)
def test_a_malformed_or_unknown_secret_is_a_401(client: Client, authorization: str) -> None:
    response = client.get("/api/v1/me/", headers={"Authorization": authorization})

    _assert_problem(response, HTTPStatus.UNAUTHORIZED)


def test_a_token_of_a_deactivated_person_no_longer_works(client: Client) -> None:
    alice = customer()
    headers = token_auth(alice)
    alice.is_active = False
    alice.save()

    _assert_problem(client.get("/api/v1/me/", headers=headers), HTTPStatus.UNAUTHORIZED)


def test_a_session_write_without_the_csrf_token_is_refused() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer())

    response = client.patch("/api/v1/me/", {"full_name": "X"}, content_type="application/json")

    _assert_problem(response, HTTPStatus.FORBIDDEN)
    assert "CSRF" in response.json()["detail"]


def test_a_key_is_stored_only_as_a_hash_and_found_by_its_prefix() -> None:
    plaintext = api_key()
    key = ApiKey.objects.get()

    assert plaintext.startswith(f"tpk_{key.prefix}_")
    assert key.hashed == secret_hash(plaintext)
    assert plaintext not in {key.hashed, key.prefix, key.name}
    assert api_key_authenticate(plaintext=plaintext) == key
    assert api_key_authenticate(plaintext=plaintext[:-1] + "x") is None


def test_last_use_is_written_at_most_once_a_minute(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    plaintext = api_key(on=system())
    api_key_authenticate(plaintext=plaintext)
    first = ApiKey.objects.get().last_used_at
    assert first is not None

    with django_assert_num_queries(0):  # verified a moment ago in this process: no query at all
        api_key_authenticate(plaintext=plaintext)
    api_key_cache_forget()
    with django_assert_num_queries(1):
        api_key_authenticate(plaintext=plaintext)
    assert ApiKey.objects.get().last_used_at == first

    ApiKey.objects.update(last_used_at=first - timedelta(minutes=2))
    api_key_cache_forget()
    api_key_authenticate(plaintext=plaintext)
    later = ApiKey.objects.get().last_used_at
    assert later is not None
    assert later > first


PUBLIC = {("get", "/api/v1/ping/"), ("get", "/api/v1/problems/{slug}/")}


def _template(path: str) -> str:
    return re.sub(r"/\d+/", "/{id}/", path.split("?")[0])


def test_every_operation_of_the_schema_is_in_the_persona_tables_above(client: Client) -> None:
    schema = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    documented = {(method, path) for path, operations in schema["paths"].items() for method in operations}
    tried = (
        {(method, _template(path)) for method, path, _scope in INTEGRATION}
        | {(method, _template(path)) for method, path in CUSTOMER}
        | PUBLIC
    )

    assert documented - {(m, p.replace("{pk}", "{id}")) for m, p in tried} == set()


def test_a_revoked_key_stops_working_at_once_here_and_within_the_cache_time_elsewhere(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api import keys

    plaintext = api_key()
    path = f"/api/v1/customers/{customer().pk}/"
    assert client.get(path, headers=key_auth(plaintext)).status_code == HTTPStatus.OK
    # Revoked by another process (no signal here): this process trusts its check a little longer...
    ApiKey.objects.all().update(revoked_at=timezone.now())
    assert client.get(path, headers=key_auth(plaintext)).status_code == HTTPStatus.OK
    clock = keys.monotonic() + settings.PORTAL_API_KEY_CACHE_SECONDS
    monkeypatch.setattr(keys, "monotonic", lambda: clock)

    # ...but no longer than PORTAL_API_KEY_CACHE_SECONDS.
    _assert_problem(client.get(path, headers=key_auth(plaintext)), HTTPStatus.UNAUTHORIZED)


def test_a_key_revoked_in_this_process_stops_working_at_once(client: Client) -> None:
    plaintext = api_key()
    path = f"/api/v1/customers/{customer().pk}/"
    assert client.get(path, headers=key_auth(plaintext)).status_code == HTTPStatus.OK

    api_keys_revoke(keys=ApiKey.objects.all())

    _assert_problem(client.get(path, headers=key_auth(plaintext)), HTTPStatus.UNAUTHORIZED)


def test_a_wrong_secret_with_a_remembered_prefix_is_refused(client: Client) -> None:
    plaintext = api_key()
    path = f"/api/v1/customers/{customer().pk}/"
    assert client.get(path, headers=key_auth(plaintext)).status_code == HTTPStatus.OK

    _assert_problem(client.get(path, headers=key_auth(plaintext[:-1] + "x")), HTTPStatus.UNAUTHORIZED)
