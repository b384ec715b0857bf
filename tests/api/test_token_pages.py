"""Account settings → API tokens: made and revoked by the person, shown once."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.test import Client

from api.keys import personal_token_authenticate, personal_token_create
from api.models import PersonalToken
from tests.factories import customer

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"


def test_the_page_needs_a_sign_in(client: Client) -> None:
    response = client.get(PAGE)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_the_account_settings_link_to_the_page(client: Client) -> None:
    client.force_login(customer())

    assert f'href="{PAGE}"' in client.get("/accounts/email/").content.decode()


def test_a_new_token_is_shown_once_and_works_for_the_api(client: Client) -> None:
    alice = customer()
    client.force_login(alice)

    response = client.post(PAGE, {"name": "budget app"})

    page = response.content.decode()
    plaintext = re.search(r'<code class="pre-wrap" id="new-token">([^<]+)</code>', page)
    assert plaintext is not None
    token = PersonalToken.objects.get()
    assert (token.customer, token.name) == (alice, "budget app")
    assert personal_token_authenticate(plaintext=plaintext.group(1)) == token
    assert "no-store" in response["Cache-Control"]
    assert plaintext.group(1) not in client.get(PAGE).content.decode()
    api = Client().get("/api/v1/me/", headers={"Authorization": f"Bearer {plaintext.group(1)}"})
    assert api.json()["id"] == alice.pk


def test_a_token_needs_a_name(client: Client) -> None:
    client.force_login(customer())

    response = client.post(PAGE, {"name": ""})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not PersonalToken.objects.exists()


def test_the_person_revokes_their_token(client: Client) -> None:
    alice = customer()
    token, plaintext = personal_token_create(customer=alice, name="old app")
    client.force_login(alice)

    response = client.post(PAGE, {"revoke": token.pk})

    assert response.status_code == HTTPStatus.FOUND
    assert personal_token_authenticate(plaintext=plaintext) is None
    assert "revoked" in client.get(PAGE).content.decode()


def test_another_persons_token_cannot_be_revoked_or_seen(client: Client) -> None:
    alice, bob = customer(), customer()
    token, plaintext = personal_token_create(customer=alice, name="alice's app")
    client.force_login(bob)

    assert "alice&#x27;s app" not in client.get(PAGE).content.decode()
    assert client.post(PAGE, {"revoke": token.pk}).status_code == HTTPStatus.NOT_FOUND
    assert client.post(PAGE, {"revoke": "x"}).status_code == HTTPStatus.NOT_FOUND
    assert personal_token_authenticate(plaintext=plaintext) == token


def test_a_person_has_at_most_twenty_live_tokens(client: Client) -> None:
    alice = customer()
    for number in range(20):
        personal_token_create(customer=alice, name=f"app {number}")
    client.force_login(alice)

    response = client.post(PAGE, {"name": "one more"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert PersonalToken.objects.count() == 20
