"""Every page of the privacy center: no JavaScript needed, nothing inline, labelled, in both languages."""

import re
from http import HTTPStatus

import pytest
from django.test import Client

from customers.models import User
from customers.requests import data_request_export
from tests.factories import customer

pytestmark = pytest.mark.django_db

PAGES = [
    "/privacy/",
    "/privacy/data/",
    "/privacy/requests/",
    "/privacy/requests/erasure/",
    "/privacy/notifications/",
    "/privacy/profile/",
    "/privacy/staff-access/",
    "/transparency/",
]


def _signed_in(language: str) -> tuple[Client, User]:
    person = customer(language=language)
    data_request_export(customer=person)
    client = Client()
    client.force_login(person)
    return client, person


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("path", PAGES)
def test_the_page_has_no_inline_script_or_style_and_labels_every_field(path: str, language: str) -> None:
    client, _ = _signed_in(language)

    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Language"] == language
    page = response.content.decode()
    assert "<script" not in page
    assert " style=" not in page
    assert "<style" not in page
    assert '<main id="main"' in page
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page):
        assert f'for="{field_id}"' in page, f"{path}: field {field_id} has no label"


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/transparency/"])
def test_the_page_sends_an_anonymous_visitor_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
