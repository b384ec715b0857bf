"""Demo data: every demo login works, and loading it twice duplicates nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from customers.demo import DEMO_LOGINS, DEMO_PASSWORD
from customers.models import User

pytestmark = pytest.mark.django_db


def _seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", customers=20, force=True, stdout=out, **options)
    return out.getvalue()


def test_seeding_twice_creates_everything_once() -> None:
    _seed()
    counts = User.objects.count()

    _seed()

    assert User.objects.count() == counts
    assert User.objects.customers().count() >= 21


def test_the_banner_prints_the_url_and_every_demo_login() -> None:
    output = _seed()

    assert "http://127.0.0.1:8000/" in output
    for login in DEMO_LOGINS:
        assert login.email in output


@pytest.mark.parametrize("login", DEMO_LOGINS, ids=lambda login: login.role)
def test_every_demo_login_signs_in(login: object, client: Client) -> None:
    _seed()

    response = client.post("/accounts/login/", {"login": login.email, "password": DEMO_PASSWORD})  # type: ignore[attr-defined]

    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.is_authenticated


def test_demo_customers_speak_german_and_english() -> None:
    _seed()

    languages = set(User.objects.customers().values_list("language", flat=True))

    assert languages == {"de", "en"}


def test_demo_logins_are_refused_with_debug_off_unless_forced() -> None:
    with pytest.raises(CommandError, match="Refusing to create demo logins"):
        call_command("seed_demo", customers=1, stdout=StringIO())
