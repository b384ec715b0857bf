"""The privacy center shows every consent change as proof, and hands out a consent receipt."""

import json
from http import HTTPStatus

import pytest
from django.test import Client

from customers.consents import ConsentChange, consent_change
from customers.models import ConsentRecord, Purpose, User
from customers.purposes import purpose_save
from tests.factories import agent, customer

pytestmark = pytest.mark.django_db

CENTER = ConsentRecord.Source.PRIVACY_CENTER


def _change(person: User, purpose: str, channel: str, granted: bool, **kwargs: object) -> None:
    consent_change(
        customer=person,
        changes=[ConsentChange(purpose, channel, granted)],
        source=kwargs.pop("source", CENTER),  # type: ignore[arg-type]
        actor=kwargs.pop("actor", person),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_history_shows_every_change_newest_first_with_source_and_text_version(client: Client) -> None:
    alice, alex = customer(), agent(full_name="Alex Agent")
    _change(alice, "surveys", "email", True)
    _change(
        alice, "surveys", "email", False, source=ConsentRecord.Source.STAFF, actor=alex, reason="Phoned us"
    )
    client.force_login(alice)

    page = client.get("/privacy/").content.decode()

    history = page[page.index('id="history"') :]
    assert history.index("withdrawn") < history.index("granted")
    assert "staff on the customer&#x27;s behalf (Alex Agent)" in history
    assert "Reason: Phoned us" in history
    assert "version 1" in history


def test_the_history_names_the_text_version_the_customer_saw_not_the_current_one(client: Client) -> None:
    alice = customer()
    _change(alice, "surveys", "email", True)
    surveys = Purpose.objects.get(key="surveys")
    surveys.title_en = "Surveys, research and panels"
    purpose_save(purpose=surveys)
    client.force_login(alice)

    history = client.get("/privacy/").content.decode().split('id="history"')[1]

    assert "Surveys and research" in history
    assert "version 1" in history


def test_a_long_history_is_paged_with_plain_links(client: Client) -> None:
    alice = customer()
    for number in range(30):
        _change(alice, "surveys", "phone", number % 2 == 0)
    client.force_login(alice)

    first = client.get("/privacy/").content.decode()
    second = client.get("/privacy/?history=2").content.decode()

    assert 'href="?history=2#history"' in first
    assert "Page 2 of 2" in second
    assert second.split('id="history"')[1].count("<tr>") == 1 + 5  # header + the 5 oldest


def test_the_consent_receipt_is_a_json_download_with_the_kantara_fields(client: Client) -> None:
    alice = customer(email="alice@example.com")
    _change(alice, "surveys", "email", True)
    client.force_login(alice)

    response = client.get("/privacy/receipt/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="consent-receipt-')
    assert response["Cache-Control"] == "no-store"
    receipt = json.loads(response.content)
    assert receipt["version"] == "KI-CR-v1.1.0"
    assert receipt["consentReceiptID"]
    assert isinstance(receipt["consentTimestamp"], int)
    assert receipt["collectionMethod"] == "privacy center"
    assert receipt["piiPrincipalId"] == "alice@example.com"
    assert receipt["piiControllers"][0]["piiController"] == "Example Company GmbH"
    purposes = {p["purposeCategory"][0]: p for p in receipt["services"][0]["purposes"]}
    assert purposes["surveys"]["consentType"] == "EXPLICIT"
    assert purposes["service"]["consentType"] == "NOT-APPLICABLE"
    assert purposes["partners"]["thirdPartyDisclosure"] is True
    email = next(c for c in purposes["surveys"]["channels"] if c["channel"] == "email")
    assert (email["state"], email["textVersion"]) == ("granted", 1)


def test_each_receipt_has_its_own_id(client: Client) -> None:
    client.force_login(customer())

    first = json.loads(client.get("/privacy/receipt/").content)["consentReceiptID"]
    second = json.loads(client.get("/privacy/receipt/").content)["consentReceiptID"]

    assert first != second


def test_the_receipt_needs_a_sign_in(client: Client) -> None:
    response = client.get("/privacy/receipt/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
