"""Integrated systems, API keys and personal tokens for the API tests."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import count

from django.test import Client

from api.keys import api_key_issue, personal_token_create
from api.models import ApiKey, Scope, System
from customers.models import User
from tests.factories import customer

ALL_SCOPES = tuple(Scope.values)
_numbers = count(1)


def system(name: str | None = None) -> System:
    """Create an integrated system."""
    return System.objects.create(name=name or f"System {next(_numbers)}")


def api_key(*, scopes: Iterable[str] = ALL_SCOPES, on: System | None = None) -> str:
    """Issue a key (to a new system unless ``on`` is given) and return its plaintext."""
    key = ApiKey(system=on or system(), name=f"key {next(_numbers)}", scopes=list(scopes))
    return api_key_issue(key=key)


def key_auth(plaintext: str) -> dict[str, str]:
    return {"Authorization": f"Api-Key {plaintext}"}


def token_auth(person: User) -> dict[str, str]:
    """Make a personal token for the person and return the header that sends it."""
    _token, plaintext = personal_token_create(customer=person, name="test app")
    return {"Authorization": f"Bearer {plaintext}"}


def signed_in(client: Client) -> User:
    """A customer signed in to the browser session of ``client``."""
    person = customer()
    client.force_login(person)
    return person
