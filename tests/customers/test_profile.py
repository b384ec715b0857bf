"""Rectification: the customer corrects their name and language on the profile page."""

from http import HTTPStatus

import pytest
from django.test import Client

from tests.factories import customer

pytestmark = pytest.mark.django_db


def test_the_profile_needs_a_sign_in(client: Client) -> None:
    response = client.get("/privacy/profile/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_the_customer_corrects_name_and_language(client: Client) -> None:
    alice = customer(full_name="Alise Exampel", language="en")
    client.force_login(alice)

    response = client.post("/privacy/profile/", {"full_name": "  Alice   Example ", "language": "de"})

    assert response.status_code == HTTPStatus.FOUND
    alice.refresh_from_db()
    assert (alice.full_name, alice.language) == ("Alice Example", "de")
    assert client.get("/privacy/profile/")["Content-Language"] == "de"


def test_an_unknown_language_is_refused_with_a_readable_400(client: Client) -> None:
    alice = customer(language="en")
    client.force_login(alice)

    response = client.post("/privacy/profile/", {"full_name": "Alice", "language": "xx"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Select a valid choice" in response.content.decode()
    alice.refresh_from_db()
    assert alice.language == "en"


def test_the_account_settings_link_to_the_profile(client: Client) -> None:
    client.force_login(customer())

    page = client.get("/accounts/email/").content.decode()

    assert 'href="/privacy/profile/"' in page
