"""Every form refuses a POST without its CSRF token, except the deliberate, documented doors.

The URL conf is walked (admin aside: Django's own, staff only): each
route is POSTed to without a token by a signed-in customer, with the
checks the browser-facing middleware really does (``enforce_csrf_checks``).

The exceptions, and why:

- ``customers:unsubscribe``: RFC 8058 one-click unsubscribe. Mail
  programs POST ``List-Unsubscribe=One-Click`` without cookies; the signed
  token is what authorises, and it can only withdraw.
- API calls with an API key or personal token: no cookie is involved, so
  nothing can be forged by another site (DRF checks CSRF only for the
  session). A session-authenticated API call is checked like a form.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from api.models import ExternalId
from customers.consents import ConsentChange, consent_change
from customers.links import unsubscribe_token
from customers.models import ConsentRecord
from tests.api.catalogue import consent_catalogue
from tests.api.credentials import api_key, key_auth, token_auth
from tests.factories import customer
from tests.security.test_object_access import EXCLUDED, EXCLUDED_MODULES, OWNED
from tests.security.test_signed_links import LINKS
from tests.security.urlconf import routes

pytestmark = pytest.mark.django_db

EXEMPT = {"customers:unsubscribe": "RFC 8058 one-click unsubscribe (tested below)"}


def _walked() -> list[str]:
    names = []
    for route in routes():
        if route.name.startswith("admin:") or not route.name or route.name in EXEMPT:
            continue
        if route.arguments and (
            route.name in EXCLUDED or any(route.module.startswith(m) for m in EXCLUDED_MODULES)
        ):
            continue
        names.append(route.name)
    return sorted(set(names))


def _url(name: str) -> str:
    if name in OWNED:
        kwargs, _snapshot = OWNED[name].make(customer())
        return reverse(name, kwargs=kwargs)
    if name in LINKS:
        payload, _snapshot = LINKS[name].make()
        return reverse(name, args=[signing.dumps(payload, salt=LINKS[name].salt)])
    return reverse(name)


@pytest.mark.parametrize("name", _walked())
def test_a_post_without_the_csrf_token_is_refused(name: str) -> None:
    url = _url(name)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer())

    response = browser.post(url, {"text": "forged"})

    # 405: a read-only API route that takes no POST at all (and changes nothing).
    assert response.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.METHOD_NOT_ALLOWED}, url
    if not url.startswith("/api/"):
        assert response.status_code == HTTPStatus.FORBIDDEN, url


def test_one_click_unsubscribe_works_without_cookies_or_token(client: Client) -> None:
    alice = customer()
    consent_catalogue()
    consent_change(
        customer=alice,
        changes=[ConsentChange("surveys", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(
        reverse(
            "customers:unsubscribe", args=[unsubscribe_token(customer_id=alice.pk, purpose_key="surveys")]
        ),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == HTTPStatus.OK
    latest = ConsentRecord.objects.filter(customer=alice, purpose_version__purpose__key="surveys").latest(
        "pk"
    )
    assert latest.state == ConsentRecord.State.WITHDRAWN


def test_the_api_with_a_key_or_token_needs_no_csrf_token_but_with_a_session_it_does() -> None:
    alice = customer()
    program = Client(enforce_csrf_checks=True)

    with_key = program.put(
        f"/api/v1/customers/{alice.pk}/external-id/",
        {"value": "SHOP-1"},
        content_type="application/json",
        headers=key_auth(api_key()),
    )
    with_token = program.patch(
        "/api/v1/me/", {"full_name": "Alice"}, content_type="application/json", headers=token_auth(alice)
    )
    program.force_login(alice)
    with_session = program.patch("/api/v1/me/", {"full_name": "Mallory"}, content_type="application/json")

    assert with_key.status_code in {HTTPStatus.OK, HTTPStatus.CREATED}
    assert ExternalId.objects.filter(customer=alice).exists()
    assert with_token.status_code == HTTPStatus.OK
    assert with_session.status_code == HTTPStatus.FORBIDDEN
    alice.refresh_from_db()
    assert alice.full_name == "Alice"
