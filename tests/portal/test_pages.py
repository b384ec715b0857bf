"""Pages: accessible landmarks, no external assets, a strict Content Security Policy."""

import re
from http import HTTPStatus

import pytest
from django.test import Client

from tests.factories import customer

pytestmark = pytest.mark.django_db


def test_the_home_page_says_what_the_portal_offers_and_links_its_parts(client: Client) -> None:
    page = client.get("/").content.decode()

    assert "Privacy center" in page
    assert "Feedback" in page
    assert 'href="/accounts/signup/"' in page


def test_pages_have_landmarks_a_skip_link_and_a_language(client: Client) -> None:
    page = client.get("/").content.decode()

    assert '<html lang="en">' in page
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in page
    assert 'class="skip-link" href="#main"' in page


def test_every_asset_is_served_by_the_portal_itself(client: Client) -> None:
    page = client.get("/").content.decode()

    external = re.findall(r'(?:src|href)="(https?://[^"]+|//[^"]+)"', page)
    assert external == []
    stylesheet = re.search(r'href="(/static/portal/site\.css)"', page)
    assert stylesheet
    assert client.get(stylesheet.group(1)).status_code == HTTPStatus.OK


def test_the_content_security_policy_forbids_inline_scripts(client: Client) -> None:
    policy = client.get("/")["Content-Security-Policy"]

    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_a_signed_in_customer_sees_sign_out_as_a_form(client: Client) -> None:
    client.force_login(customer())

    page = client.get("/").content.decode()

    assert 'action="/accounts/logout/"' in page
    assert "Sign in" not in page


def test_an_unknown_page_answers_404_with_the_portals_layout(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.content.decode()
