"""Admin: keys issued to a system and shown once, revoked by action; webhooks and their delivery log."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from api.keys import api_key_authenticate
from api.models import ApiKey, WebhookDelivery, WebhookEndpoint
from api.webhooks import webhook_deliveries_create
from tests.api.credentials import api_key, system
from tests.api.webhook_testing import withdrawn_event
from tests.factories import agent, customer, privacy_officer, staff

pytestmark = pytest.mark.django_db

ADD = "/admin/api/apikey/add/"


def _issue(client: Client) -> tuple[str, ApiKey, object]:
    shop = system("Shop")
    response = client.post(
        ADD, {"system": shop.pk, "name": "shop sync", "scopes": ["consent:check", "customers:read"]}
    )
    assert response.status_code == HTTPStatus.OK, response.content
    plaintext = re.search(r'<code id="issued-key">([^<]+)</code>', response.content.decode())
    assert plaintext is not None
    return plaintext.group(1), ApiKey.objects.get(), response


def test_a_superuser_issues_a_key_that_is_shown_once_and_stored_hashed(client: Client) -> None:
    admin = staff(None)
    client.force_login(admin)

    plaintext, key, response = _issue(client)

    assert api_key_authenticate(plaintext=plaintext) == key
    assert (key.system.name, key.name, key.created_by) == ("Shop", "shop sync", admin)
    assert sorted(key.scopes) == ["consent:check", "customers:read"]
    assert "no-store" in response["Cache-Control"]  # type: ignore[index]
    assert not list(get_messages(response.wsgi_request))  # type: ignore[attr-defined]
    # Never again: not on the key's page, not in the list.
    assert plaintext not in client.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()
    assert plaintext not in client.get("/admin/api/apikey/").content.decode()
    assert f"tpk_{key.prefix}_" in client.get("/admin/api/apikey/").content.decode()


def test_a_key_needs_at_least_one_scope(client: Client) -> None:
    client.force_login(staff(None))

    response = client.post(ADD, {"system": system().pk, "name": "no scopes"})

    assert response.status_code == HTTPStatus.OK
    assert not ApiKey.objects.exists()


def test_revoking_keys_stops_them_at_once(client: Client) -> None:
    plaintext = api_key()
    key = ApiKey.objects.get()
    client.force_login(staff(None))

    client.post("/admin/api/apikey/", {"action": "revoke", "_selected_action": [key.pk]})

    key.refresh_from_db()
    assert key.revoked_at is not None
    assert api_key_authenticate(plaintext=plaintext) is None
    assert client.get(f"/admin/api/apikey/{key.pk}/delete/").status_code == HTTPStatus.FORBIDDEN


def test_a_privacy_officer_sees_systems_keys_and_webhooks_but_changes_nothing(client: Client) -> None:
    api_key()
    key = ApiKey.objects.get()
    endpoint = WebhookEndpoint.objects.create(
        system=key.system, url="https://hooks.example.com/", events=["consent.withdrawn"]
    )
    client.force_login(privacy_officer())

    assert client.get("/admin/api/apikey/").status_code == HTTPStatus.OK
    assert client.get("/admin/api/system/").status_code == HTTPStatus.OK
    assert client.get(ADD).status_code == HTTPStatus.FORBIDDEN
    endpoint_page = client.get(f"/admin/api/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint_page.status_code == HTTPStatus.OK
    assert endpoint.secret not in endpoint_page.content.decode()
    client.post("/admin/api/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is None


def test_a_support_agent_sees_nothing_of_the_api(client: Client) -> None:
    client.force_login(agent())

    assert client.get("/admin/api/apikey/").status_code == HTTPStatus.FORBIDDEN
    assert client.get("/admin/api/webhookdelivery/").status_code == HTTPStatus.FORBIDDEN


def test_a_superuser_sees_the_endpoints_signing_secret(client: Client) -> None:
    endpoint = WebhookEndpoint.objects.create(
        system=system(), url="https://hooks.example.com/", events=["consent.withdrawn"]
    )
    client.force_login(staff(None))

    assert endpoint.secret in client.get(f"/admin/api/webhookendpoint/{endpoint.pk}/change/").content.decode()


def test_an_endpoint_is_added_with_its_events_and_checked(client: Client) -> None:
    shop = system()
    client.force_login(staff(None))

    refused = client.post(
        "/admin/api/webhookendpoint/add/",
        {"system": shop.pk, "url": "http://shop.example.com/", "events": ["band.changed"], "active": "on"},
    )
    added = client.post(
        "/admin/api/webhookendpoint/add/",
        {"system": shop.pk, "url": "https://shop.example.com/", "events": ["band.changed"], "active": "on"},
    )

    assert refused.status_code == HTTPStatus.OK
    assert added.status_code == HTTPStatus.FOUND
    assert WebhookEndpoint.objects.get().events == ["band.changed"]


def test_the_delivery_log_resends_for_superusers_only(client: Client) -> None:
    WebhookEndpoint.objects.create(
        system=system(), url="https://hooks.example.com/", events=["consent.withdrawn"]
    )
    [delivery] = webhook_deliveries_create(withdrawn_event(customer()))
    WebhookDelivery.objects.update(state=WebhookDelivery.State.DEAD)
    client.force_login(privacy_officer())

    assert client.get(f"/admin/api/webhookdelivery/{delivery.pk}/change/").status_code == HTTPStatus.OK
    client.post("/admin/api/webhookdelivery/", {"action": "resend", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.DEAD

    client.force_login(staff(None))
    client.post("/admin/api/webhookdelivery/", {"action": "resend", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.PENDING
