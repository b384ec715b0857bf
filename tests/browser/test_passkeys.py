"""Passkeys: a customer adds one (Chromium's virtual authenticator) and signs in with it alone."""

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session

from customers.models import User
from tests.factories import PASSWORD, customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page: Any) -> None:
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def _sign_in_with_password(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.locator("main form#login_form button[type=submit], main form button[type=submit]").first.click()
    page.get_by_role("button", name="Sign out").wait_for()


def test_a_customer_adds_a_passkey_and_signs_in_with_it(live_server: Any, page: Any, screenshot: Any) -> None:
    person: User = customer(email="passkey@example.com")
    _virtual_authenticator(page)
    _sign_in_with_password(page, live_server.url, person.email)

    page.goto(f"{live_server.url}/accounts/2fa/webauthn/add/?passwordless")
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password:").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
    page.get_by_label("Name:").fill("My laptop")
    page.get_by_label("Passwordless").check()
    screenshot("passkey-add")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)

    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.WEBAUTHN).exists()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").first.wait_for()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#passkey_login").click()
    page.get_by_role("button", name="Sign out").wait_for()

    session_id = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    assert Session.objects.get(session_key=session_id).get_decoded()["_auth_user_id"] == str(person.pk)
