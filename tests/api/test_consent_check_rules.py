"""The API's consent check and the portal's own ``consent_allows`` give the same answer in every state."""

from __future__ import annotations

from itertools import product

import pytest

from api.consent_check import Reason, consent_check
from api.external_ids import CustomerRef
from customers.consents import consent_allows
from customers.models import Channel, ConsentRecord, Purpose, PurposeVersion
from tests.api.credentials import system
from tests.factories import customer

pytestmark = pytest.mark.django_db

HISTORIES = [
    [],
    ["granted"],
    ["withdrawn"],
    ["pending"],
    ["granted", "withdrawn"],
    ["withdrawn", "granted"],
    ["granted", "pending"],
    ["pending", "withdrawn"],
]
RULES = list(product([False, True], [False, True]))  # (required, granted by default)


@pytest.mark.parametrize(("required", "default_granted"), RULES)
def test_the_api_answers_like_consent_allows_for_every_history(required: bool, default_granted: bool) -> None:
    channel = Channel.objects.create(key="pigeon", name_en="Pigeon", name_de="Taube")
    purpose = Purpose.objects.create(
        key="rules",
        title_en="t",
        title_de="t",
        description_en="d",
        description_de="d",
        legal_basis="contract",
        required=required,
        default_granted=default_granted,
    )
    purpose.channels.add(channel)
    version = PurposeVersion.objects.create(
        purpose=purpose, version=1, title_en="t", title_de="t", description_en="d", description_de="d"
    )
    shop = system()

    for history in HISTORIES:
        person = customer()
        for state in history:
            ConsentRecord.objects.create(
                customer=person,
                purpose=purpose,
                channel=channel,
                purpose_version=version,
                state=state,
                source="api",
            )
        portal = consent_allows(customer_id=person.pk, purpose_key="rules", channel_key="pigeon")
        for ref in (CustomerRef(customer_id=person.pk), CustomerRef(email=person.email.upper())):
            answer = consent_check(system_id=shop.pk, ref=ref, purpose_key="rules", channel_key="pigeon")
            assert answer.allowed == portal, (required, default_granted, history)
            assert answer.reason == (Reason.GRANTED if portal else Reason.NOT_GRANTED)
            assert answer.customer_id == person.pk
