"""After N requests the next one is refused: sign-in, sign-up, feedback, and the signed mail links.

Sign-in and sign-up are allauth's limits (ACCOUNT_RATE_LIMITS at its
defaults), feedback is counted in the database (feedback/flooding.py), the
API has DRF throttles (api/throttling.py, tested in tests/api), and
the links that need no sign-in are limited per client address
(plumbing/link_limits.py).
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from feedback.models import Thread
from feedback.staff_settings import feedback_settings
from plumbing import link_limits
from plumbing.link_limits import LINK_LIMIT
from tests.factories import PASSWORD, customer
from tests.feedback.factories import topic
from tests.security.test_signed_links import LINKS

pytestmark = pytest.mark.django_db

LOGIN_ATTEMPTS = 5  # allauth's default: failed sign-ins per address and 5 minutes
SIGNUPS_PER_MINUTE = 20  # allauth's default per client address


def test_after_five_failed_sign_ins_even_the_right_password_is_refused(client: Client) -> None:
    alice = customer()
    for _attempt in range(LOGIN_ATTEMPTS):
        wrong = client.post("/accounts/login/", {"login": alice.email, "password": "guess"})
        assert wrong.status_code == HTTPStatus.OK

    right = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in right.content.decode()


def test_after_twenty_sign_ups_a_minute_the_next_is_refused_with_429(client: Client) -> None:
    for number in range(SIGNUPS_PER_MINUTE):
        response = client.post(
            "/accounts/signup/",
            {"email": f"new{number}@example.com", "password1": "Fresh-Pass-2026!", "password2": "x"},
        )
        assert response.status_code == HTTPStatus.OK  # a form error, still counted

    refused = client.post(
        "/accounts/signup/",
        {"email": "late@example.com", "password1": "Fresh-Pass-2026!", "password2": "Fresh-Pass-2026!"},
    )

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many attempts" in refused.content.decode()


def test_feedback_beyond_the_hourly_maximum_is_refused_with_429(client: Client) -> None:
    alice = customer()
    client.force_login(alice)
    limit = feedback_settings().threads_per_hour
    form = {"kind": "question", "topic": topic().pk}
    for number in range(limit):  # different words each time: the same words again are one thread
        sent = client.post("/feedback/new/", {**form, "text": f"Where is parcel {number}?"})
        assert sent.status_code == HTTPStatus.FOUND

    refused = client.post("/feedback/new/", {**form, "text": "And where is the last one?"})

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert Thread.objects.filter(customer=alice).count() == limit


@pytest.mark.parametrize("name", sorted(LINKS))
def test_a_mail_link_opened_too_often_is_refused_with_a_readable_429(
    client: Client, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One window for the whole test: a fixed window's boundary must not fall between the requests.
    monkeypatch.setattr(link_limits, "LINK_WINDOW_SECONDS", 10**9)
    link = LINKS[name]
    payload, _snapshot = link.make()
    url = reverse(name, args=[signing.dumps(payload, salt=link.salt)])
    for _attempt in range(LINK_LIMIT):
        assert client.get(url).status_code == HTTPStatus.OK

    refused = client.get(url)
    forged = client.post(reverse(name, args=["guessed-token"]), link.body)

    assert refused.status_code == forged.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    other_address = client.get(url, REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == HTTPStatus.OK


@pytest.mark.parametrize("name", sorted(LINKS))
@pytest.mark.usefixtures("unreachable_cache")
def test_a_mail_link_still_works_while_the_cache_is_unreachable(
    client: Client, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    link = LINKS[name]
    payload, _snapshot = link.make()

    opened = client.get(reverse(name, args=[signing.dumps(payload, salt=link.salt)]))

    assert opened.status_code == HTTPStatus.OK
    assert "the cache is unreachable" in caplog.text


@pytest.mark.usefixtures("unreachable_cache")
def test_signing_in_works_while_the_cache_is_unreachable(client: Client) -> None:
    alice = customer()

    signed_in = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})

    assert signed_in.status_code == HTTPStatus.FOUND
    assert client.get("/privacy/").status_code == HTTPStatus.OK
