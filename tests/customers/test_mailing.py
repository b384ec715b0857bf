"""The one mail helper: consent at sending time, one-click unsubscribe, exactly once per key."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from customers.consents import ConsentChange, consent_change
from customers.mailing import CLAIM_TIMEOUT, MailBeingSent, MailOutcome, mail_send, message_id_for
from customers.models import ConsentRecord, OutgoingMail, User
from tests.factories import customer

pytestmark = pytest.mark.django_db

TEMPLATE = "customers/mail/consent_confirm"  # any template of ours renders the same way


def _grant_surveys(person: User) -> None:
    consent_change(
        customer=person,
        changes=[ConsentChange("surveys", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )


def _send(person: User, key: str = "k1", purpose: str | None = "surveys") -> MailOutcome:
    context = {"record": ConsentRecord.objects.filter(customer=person).first(), "confirm_url": "x"}
    return mail_send(key=key, customer=person, template=TEMPLATE, context=context, purpose_key=purpose)


def test_a_mail_for_a_purpose_carries_the_one_click_unsubscribe_headers_and_link() -> None:
    alice = customer()
    _grant_surveys(alice)

    assert _send(alice) == MailOutcome.SENT

    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8000/privacy/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"] == message_id_for("k1")


def test_a_mail_for_a_purpose_the_customer_did_not_allow_is_not_sent() -> None:
    alice = customer()

    assert _send(alice) == MailOutcome.NOT_ALLOWED
    assert mail.outbox == []
    assert not OutgoingMail.objects.exists()


def test_the_same_key_sends_once() -> None:
    alice = customer()
    _grant_surveys(alice)

    outcomes = [_send(alice), _send(alice)]

    assert outcomes == [MailOutcome.SENT, MailOutcome.ALREADY_SENT]
    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.get(key="k1").sent_at is not None


def test_a_mail_another_attempt_is_sending_right_now_is_left_to_it() -> None:
    alice = customer()
    _grant_surveys(alice)
    OutgoingMail.objects.create(key="k1", customer=alice, template=TEMPLATE, message_id="m")

    with pytest.raises(MailBeingSent):
        _send(alice)
    assert mail.outbox == []


def test_a_claim_left_by_a_dead_attempt_is_taken_over() -> None:
    alice = customer()
    _grant_surveys(alice)
    OutgoingMail.objects.create(
        key="k1",
        customer=alice,
        template=TEMPLATE,
        message_id="m",
        claimed_at=timezone.now() - CLAIM_TIMEOUT * 2,
    )

    assert _send(alice) == MailOutcome.SENT
    assert len(mail.outbox) == 1


def test_transactional_mail_needs_no_consent_and_has_no_unsubscribe_link() -> None:
    alice = customer()

    assert _send(alice, purpose=None) == MailOutcome.SENT

    [message] = mail.outbox
    assert "List-Unsubscribe" not in message.extra_headers


def test_mail_speaks_the_customers_language() -> None:
    alice = customer(language="de")

    _send(alice, purpose=None)

    assert "Hallo" in str(mail.outbox[0].body)


def test_a_failed_send_releases_the_claim_for_the_next_attempt(settings: object) -> None:
    alice = customer()
    settings.EMAIL_BACKEND = "tests.customers.test_mailing.BrokenBackend"  # type: ignore[attr-defined]

    with pytest.raises(ConnectionError):
        _send(alice, purpose=None)

    claim = OutgoingMail.objects.get(key="k1")
    assert claim.sent_at is None
    assert claim.claimed_at < timezone.now() - timedelta(seconds=CLAIM_TIMEOUT.total_seconds())


class BrokenBackend:
    """A mail server that refuses the connection."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionError("SMTP server down")
