"""What the API keeps about a customer is in the privacy center's overview, export and erasure."""

from __future__ import annotations

import json

import pytest

from api.external_ids import external_id_store
from api.keys import personal_token_create
from api.models import ExternalId, PersonalToken, WebhookDelivery, WebhookEndpoint
from api.webhooks import webhook_deliveries_create
from plumbing.personal_data_registry import PersonalDataSource, personal_data_sources
from tests.api.credentials import system
from tests.api.webhook_testing import withdrawn_event
from tests.factories import customer

pytestmark = pytest.mark.django_db

KEYS = {"external_ids", "api_tokens", "webhook_deliveries"}


def _sources() -> dict[str, PersonalDataSource]:
    return {source.key: source for source in personal_data_sources() if source.key in KEYS}


def test_external_ids_tokens_and_webhooks_sent_are_counted_exported_and_erased() -> None:
    alice, bob = customer(), customer()
    shop = system("Shop")
    for person in (alice, bob):
        external_id_store(system=shop, customer=person, value=f"SHOP-{person.pk}")
        personal_token_create(customer=person, name="app")
    WebhookEndpoint.objects.create(system=shop, url="https://shop.example.com/", events=["consent.withdrawn"])
    webhook_deliveries_create(withdrawn_event(alice))
    secret_hash = PersonalToken.objects.get(customer=alice).hashed
    sources = _sources()

    counts = {key: source.count(alice) for key, source in sources.items()}
    exported = json.dumps({key: source.export(alice) for key, source in sources.items()})
    for source in sources.values():
        source.erase(alice)

    assert set(sources) == KEYS
    assert counts == {"external_ids": 1, "api_tokens": 1, "webhook_deliveries": 1}
    assert f"SHOP-{alice.pk}" in exported
    assert "consent.withdrawn" in exported
    assert "Shop" in exported
    assert secret_hash not in exported
    assert not ExternalId.objects.filter(customer=alice).exists()
    assert not PersonalToken.objects.filter(customer=alice).exists()
    assert not WebhookDelivery.objects.filter(customer=alice).exists()
    assert ExternalId.objects.filter(customer=bob).exists()
    assert PersonalToken.objects.filter(customer=bob).exists()
