"""What we hold about you: the register that privacy officers keep, next to the stored values."""

from collections.abc import Iterator
from datetime import datetime
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from customers.consents import ConsentChange, consent_change
from customers.models import ConsentRecord, ProcessingActivity
from plumbing.personal_data_registry import PersonalDataSource, _sources, personal_data_register
from tests.factories import customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_app_source() -> Iterator[None]:
    """A source registered by another app (as feedback and trust do in their ready())."""
    personal_data_register(
        PersonalDataSource(
            key="test_threads",
            label="Feedback threads",
            explanation="Your messages.",
            count=lambda user: 3,
            export=lambda user: [],
            erase=lambda user: None,
        )
    )
    yield
    _sources.pop("test_threads", None)


def test_what_we_hold_needs_a_sign_in(client: Client) -> None:
    response = client.get("/privacy/data/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_the_register_is_shown_next_to_the_customers_values_and_counts(client: Client) -> None:
    alice = customer(email="alice@example.com", full_name="Alice Example")
    consent_change(
        customer=alice,
        changes=[ConsentChange("surveys", "email", True), ConsentChange("surveys", "phone", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )
    client.force_login(alice)

    page = client.get("/privacy/data/").content.decode()

    profile = page[
        page.index("Your account and profile") : page.index("Your consents and their full history")
    ]
    assert "alice@example.com" in profile
    assert "Alice Example" in profile
    assert "Contract (Art. 6(1)(b) GDPR)" in profile
    assert "As long as you have an account" in profile
    consents = page[page.index("Your consents and their full history") :]
    assert "2 entries" in consents
    assert "Legal obligation (Art. 6(1)(c) GDPR)" in consents


def test_the_register_speaks_the_customers_language(client: Client) -> None:
    client.force_login(customer(language="de"))

    page = client.get("/privacy/data/").content.decode()

    assert "Solange Sie ein Konto haben" in page
    assert "Ihr Konto und Ihr Profil" in page


def test_sources_of_other_apps_are_listed_too(client: Client, other_app_source: None) -> None:
    client.force_login(customer())

    page = client.get("/privacy/data/").content.decode()

    assert "Feedback threads" in page
    assert "3 entries" in page
    assert "have not described this area in the register yet" in page


def test_an_officers_entry_for_an_area_without_a_source_is_still_shown(client: Client) -> None:
    ProcessingActivity.objects.create(
        source_key="paper_archive",
        category_en="Paper archive",
        category_de="Papierarchiv",
        fields_en="Signed contracts",
        fields_de="Unterschriebene Verträge",
        purpose_en="Proof",
        purpose_de="Nachweis",
        legal_basis="legal_obligation",
        retention_en="10 years",
        retention_de="10 Jahre",
    )
    client.force_login(customer())

    page = client.get("/privacy/data/").content.decode()

    assert "Paper archive" in page
    assert "10 years" in page


def test_an_inactive_register_entry_is_not_shown(client: Client) -> None:
    ProcessingActivity.objects.filter(source_key="mails").update(active=False)
    client.force_login(customer())

    page = client.get("/privacy/data/").content.decode()

    assert "To send each mail once only" not in page


def test_every_area_of_the_customers_app_is_in_the_seeded_register() -> None:
    described = set(ProcessingActivity.objects.values_list("source_key", flat=True))

    assert {source for source in _sources if not source.startswith("test_")} <= described


def test_the_dates_we_hold_are_shown_in_the_customers_date_format(client: Client) -> None:
    joined = datetime(2026, 3, 5, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    client.force_login(customer(language="de", date_joined=joined))

    page = client.get("/privacy/data/").content.decode()

    assert "5. März 2026 09:30" in page
    assert "2026-03-05" not in page
