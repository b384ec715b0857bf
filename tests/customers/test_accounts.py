"""Accounts through allauth: sign-up with verification, sign-in, reset, MFA, admin login."""

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client

from customers.models import User
from tests.factories import PASSWORD, agent, customer, totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-Long-pass-2026!"


def _link(body: object) -> str:
    match = re.search(r"http://testserver(/\S+)", str(body))
    assert match, body
    return match.group(1)


def _sign_up(client: Client, email: str) -> None:
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/confirm-email/"


def test_sign_up_needs_the_emailed_link_before_the_customer_is_signed_in(client: Client) -> None:
    _sign_up(client, "nina@example.com")

    assert not client.get("/accounts/email/").wsgi_request.user.is_authenticated
    assert len(mail.outbox) == 1
    confirm_url = _link(mail.outbox[0].body)
    assert "Trust Portal" in mail.outbox[0].body

    response = client.post(confirm_url)

    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(email="nina@example.com").verified
    assert str(client.get("/").wsgi_request.user) == "nina@example.com"


def test_a_new_customer_cannot_sign_in_before_verifying(client: Client) -> None:
    _sign_up(client, "otto@example.com")
    client.logout()

    response = client.post("/accounts/login/", {"login": "otto@example.com", "password": NEW_PASSWORD})

    assert response["Location"] == "/accounts/confirm-email/"
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_signing_up_again_with_a_used_address_creates_nothing_and_reveals_nothing(client: Client) -> None:
    customer(email="taken@example.com")

    _sign_up(client, "Taken@Example.com")

    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    assert not client.get("/").wsgi_request.user.is_authenticated
    # The owner of the address learns that someone tried.
    assert [message.to for message in mail.outbox] == [["taken@example.com"]]
    assert "already" in str(mail.outbox[0].body)


def test_a_wrong_verification_link_says_it_is_invalid(client: Client) -> None:
    response = client.get("/accounts/confirm-email/not-a-real-key/")

    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert b"expired or is invalid" in response.content


def test_sign_up_in_german_remembers_german_for_the_profile_and_mails(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})

    _sign_up(client, "jana@example.com")

    assert User.objects.get(email="jana@example.com").language == "de"
    assert "Hallo" in mail.outbox[0].body


def test_password_reset_works_once_and_an_expired_link_says_so(client: Client) -> None:
    customer(email="reset@example.com")
    client.post("/accounts/password/reset/", {"email": "reset@example.com"})
    reset_url = _link(mail.outbox[0].body)

    form_url = client.get(reset_url)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get(email="reset@example.com").check_password(NEW_PASSWORD)

    client.logout()
    again = client.get(reset_url, follow=True)
    assert again.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert b"Bad Token" in again.content or b"invalid" in again.content


def test_totp_makes_sign_in_ask_for_a_code(client: Client) -> None:
    person = customer(email="mfa@example.com")
    client.post("/accounts/login/", {"login": "mfa@example.com", "password": PASSWORD})
    # Turning MFA on asks for the password again, however recent the sign-in.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == HTTPStatus.OK
    secret = page.context["form"].secret
    code = totp_code(secret)

    response = client.post("/accounts/2fa/totp/activate/", {"code": code})

    assert response.status_code == HTTPStatus.FOUND
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.RECOVERY_CODES).exists()

    client.logout()
    response = client.post("/accounts/login/", {"login": "mfa@example.com", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client: Client) -> None:
    customer(email="target@example.com")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "target@example.com", "password": "wrong"})

    # Even the right password is refused until the lock expires.
    response = client.post("/accounts/login/", {"login": "target@example.com", "password": PASSWORD})

    assert b"Too many failed login attempts" in response.content
    assert not response.wsgi_request.user.is_authenticated


def test_flooding_the_login_form_from_one_address_answers_429(client: Client) -> None:
    statuses = {
        client.post("/accounts/login/", {"login": f"x{n}@example.com", "password": "wrong"}).status_code
        for n in range(31)
    }

    assert HTTPStatus.TOO_MANY_REQUESTS in statuses


def test_the_admin_login_is_allauths_login(client: Client) -> None:
    response = client.get("/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/")
    login = client.get(response["Location"])
    assert login["Location"].startswith("/accounts/login/?next=")


def test_an_agent_signs_in_to_the_admin(client: Client) -> None:
    staff_member = agent(email="agent@example.com")

    client.post("/accounts/login/", {"login": staff_member.email, "password": PASSWORD})

    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_customer_is_refused_by_the_admin(client: Client) -> None:
    client.force_login(customer())

    assert client.get("/admin/login/").status_code == HTTPStatus.FORBIDDEN


def test_the_email_address_can_be_changed_after_verifying_the_new_one(client: Client) -> None:
    person = customer(email="old@example.com")
    client.force_login(person)

    response = client.post("/accounts/email/", {"action_add": "", "email": "new@example.com"})
    assert response.status_code == HTTPStatus.FOUND
    client.post(_link(mail.outbox[-1].body))

    person.refresh_from_db()
    assert person.email == "new@example.com"
