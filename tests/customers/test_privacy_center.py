"""The privacy center page and the links in mails: unsubscribe and double opt-in."""

from http import HTTPStatus

import pytest
from django.test import Client

from customers.consents import ConsentChange, consent_allows, consent_change
from customers.links import consent_confirm_url, unsubscribe_url
from customers.models import ConsentRecord, Purpose, User
from tests.factories import customer

pytestmark = pytest.mark.django_db


def _allows(person: User, purpose: str, channel: str = "email") -> bool:
    return consent_allows(customer_id=person.pk, purpose_key=purpose, channel_key=channel)


def _path(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def _versions() -> dict[str, str]:
    return {f"version-{p.key}": str(p.version) for p in Purpose.objects.all()}


def test_the_privacy_center_needs_a_sign_in(client: Client) -> None:
    response = client.get("/privacy/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_the_matrix_shows_every_purpose_and_locks_the_required_one(client: Client) -> None:
    client.force_login(customer())

    page = client.get("/privacy/").content.decode()

    for title in (
        "Service messages",
        "Newsletter",
        "Personalised offers",
        "Surveys and research",
        "Sharing with partners",
    ):
        assert title in page
    assert 'name="consent-service-email" checked disabled' in page
    assert 'name="consent-surveys-email">' in page


def test_saving_the_matrix_grants_ticked_and_withdraws_unticked_in_one_action(client: Client) -> None:
    alice = customer()
    consent_change(customer=alice, changes=[ConsentChange("offers", "sms", True)], source="privacy_center")
    client.force_login(alice)

    response = client.post(
        "/privacy/", {**_versions(), "consent-surveys-email": "on", "consent-surveys-phone": "on"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert _allows(alice, "surveys")
    assert _allows(alice, "surveys", "phone")
    assert not _allows(alice, "offers", "sms")


def test_a_stale_form_answers_409_and_changes_nothing(client: Client) -> None:
    alice = customer()
    client.force_login(alice)
    stale = {**_versions(), "version-surveys": "0", "consent-surveys-email": "on"}

    response = client.post("/privacy/", stale)

    assert response.status_code == HTTPStatus.CONFLICT
    assert "changed since you opened the page" in response.content.decode()
    assert not ConsentRecord.objects.filter(customer=alice).exists()


def test_withdraw_all_is_one_click(client: Client) -> None:
    alice = customer()
    consent_change(customer=alice, changes=[ConsentChange("surveys", "phone", True)], source="privacy_center")
    client.force_login(alice)

    client.post("/privacy/", {"withdraw_all": "1"})

    assert not _allows(alice, "surveys", "phone")


def test_following_an_unsubscribe_link_changes_nothing() -> None:
    alice = customer()
    consent_change(customer=alice, changes=[ConsentChange("surveys", "email", True)], source="privacy_center")
    scanner = Client()

    response = scanner.get(_path(unsubscribe_url(customer_id=alice.pk, purpose_key="surveys")))

    assert response.status_code == HTTPStatus.OK
    assert "Yes, unsubscribe me" in response.content.decode()
    assert _allows(alice, "surveys")


def test_the_one_click_post_withdraws_only_that_purpose_by_email_without_login_or_cookies() -> None:
    alice = customer()
    consent_change(
        customer=alice,
        changes=[
            ConsentChange("surveys", "email", True),
            ConsentChange("surveys", "phone", True),
            ConsentChange("care", "email", True),
        ],
        source="privacy_center",
    )
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        _path(unsubscribe_url(customer_id=alice.pk, purpose_key="surveys")), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == HTTPStatus.OK
    assert not _allows(alice, "surveys")
    assert _allows(alice, "surveys", "phone")
    assert _allows(alice, "care")
    record = ConsentRecord.objects.filter(customer=alice).latest("id")
    assert record.source == ConsentRecord.Source.EMAIL_LINK


def test_a_tampered_unsubscribe_link_is_refused(client: Client) -> None:
    alice = customer()
    path = _path(unsubscribe_url(customer_id=alice.pk, purpose_key="surveys"))

    response = client.post(path.replace("/unsubscribe/", "/unsubscribe/x"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "not valid" in response.content.decode()


def test_the_double_opt_in_link_asks_on_get_and_confirms_on_post(client: Client) -> None:
    alice = customer()
    [pending] = consent_change(
        customer=alice, changes=[ConsentChange("newsletter", "email", True)], source="privacy_center"
    )
    path = _path(consent_confirm_url(record_id=pending.pk))

    assert client.get(path).status_code == HTTPStatus.OK
    assert not _allows(alice, "newsletter")

    response = client.post(path)

    assert response.status_code == HTTPStatus.OK
    assert _allows(alice, "newsletter")


def test_a_tampered_confirmation_link_is_refused(client: Client) -> None:
    assert client.get("/privacy/confirm/forged-token/").status_code == HTTPStatus.BAD_REQUEST
