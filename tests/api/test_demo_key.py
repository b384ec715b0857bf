"""The demo API key of `make run`: with DEBUG only, created once, printed, working with every scope."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django import Settings

from api.demo import DEMO_API_KEY, demo_api_key_ensure
from api.models import ApiKey, Scope, System
from tests.api.credentials import key_auth
from tests.factories import customer

pytestmark = pytest.mark.django_db


def test_the_demo_key_exists_once_with_every_scope_and_works(settings: Settings, client: Client) -> None:
    settings.DEBUG = True

    demo_api_key_ensure()
    ApiKey.objects.update(scopes=[])  # however it was left, seeding again repairs it
    demo_api_key_ensure()

    key = ApiKey.objects.get()
    assert sorted(key.scopes) == sorted(Scope.values)
    assert System.objects.count() == 1
    response = client.get(f"/api/v1/customers/{customer().pk}/", headers=key_auth(DEMO_API_KEY))
    assert response.status_code == 200


def test_there_is_no_demo_key_with_debug_off(settings: Settings) -> None:
    settings.DEBUG = False

    call_command("seed_demo", customers=0, force=True, stdout=StringIO())

    assert not ApiKey.objects.exists()


def test_the_banner_prints_the_demo_key(settings: Settings) -> None:
    settings.DEBUG = True
    out = StringIO()

    call_command("seed_demo", customers=0, stdout=out)

    assert DEMO_API_KEY in out.getvalue()
    assert ApiKey.objects.filter(prefix=DEMO_API_KEY.split("_")[1]).exists()
