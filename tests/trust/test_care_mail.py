"""Automatic follow-up mails: consent, one per customer per 14 days, never in quiet hours, exactly once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from customers.consents import ConsentChange, consent_change
from customers.mailing import CLAIM_TIMEOUT, message_id_for
from customers.models import ConsentRecord, OutgoingMail, User
from plumbing.jobs import jobs_sweep
from plumbing.models import Job
from tests.factories import customer
from trust.care_mail import (
    CareMailOutcome,
    care_mail_key,
    followup_mail_send,
    followup_mails_send,
    quiet_hours_end,
)
from trust.configuration import trust_settings
from trust.ledger import ledger_book
from trust.models import Account, FollowUp, TrustSettings

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def _day(hour: int, days: int = 0) -> datetime:
    today = timezone.localdate()
    return datetime(today.year, today.month, today.day, hour, tzinfo=BERLIN) + timedelta(days=days)


def _allow_care(person: User, granted: bool = True) -> None:
    consent_change(
        customer=person,
        changes=[ConsentChange("care", "email", granted)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )


def _fall(person: User, kind: str = "data_request_overdue", key: str = "fall") -> FollowUp:
    ledger_book(customer_id=person.pk, event_type=kind, key=f"{person.pk}:{key}")
    return FollowUp.objects.filter(customer=person, status="open").latest("pk")


def test_a_follow_up_mail_goes_once_with_the_one_click_unsubscribe_for_care() -> None:
    alice = customer(language="de")
    _allow_care(alice)
    follow_up = _fall(alice)

    first = followup_mail_send(followup_id=follow_up.pk, now=_day(10))
    again = followup_mail_send(followup_id=follow_up.pk, now=_day(10))

    assert (first, again) == (CareMailOutcome.SENT, CareMailOutcome.NOT_NEEDED)
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert "/privacy/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Datenanfrage überfällig" in str(message.body)  # what went wrong, in her language
    outgoing = OutgoingMail.objects.get(customer=alice)
    assert (outgoing.purpose_key, outgoing.sent_at is not None) == ("care", True)
    follow_up.refresh_from_db()
    assert follow_up.mail_state == FollowUp.MailState.SENT


def test_no_mail_without_consent_for_care_by_email() -> None:
    alice = customer()
    follow_up = _fall(alice)

    assert followup_mail_send(followup_id=follow_up.pk, now=_day(10)) == CareMailOutcome.NO_CONSENT

    assert mail.outbox == []
    follow_up.refresh_from_db()
    assert follow_up.mail_state == FollowUp.MailState.NO_CONSENT
    assert Account.objects.get(pk=alice.pk).care_mail_at is None


def test_a_withdrawn_consent_stops_the_mail() -> None:
    alice = customer()
    _allow_care(alice)
    _allow_care(alice, granted=False)

    assert followup_mail_send(followup_id=_fall(alice).pk, now=_day(10)) == CareMailOutcome.NO_CONSENT
    assert mail.outbox == []


def test_no_mail_in_quiet_hours_and_it_waits_for_their_end() -> None:
    alice = customer()
    _allow_care(alice)
    follow_up = _fall(alice)

    assert followup_mail_send(followup_id=follow_up.pk, now=_day(22)) == CareMailOutcome.QUIET_HOURS
    assert followup_mail_send(followup_id=follow_up.pk, now=_day(7)) == CareMailOutcome.QUIET_HOURS
    assert mail.outbox == []
    assert quiet_hours_end(trust_settings(), _day(22)) == _day(8, days=1)

    assert followup_mail_send(followup_id=follow_up.pk, now=_day(8)) == CareMailOutcome.SENT


def test_the_job_of_a_follow_up_opened_in_quiet_hours_waits_until_they_end() -> None:
    alice = customer()
    follow_up = _fall(alice)

    job = Job.objects.get(key=f"trust.follow-up-mail:{follow_up.pk}")

    expected = quiet_hours_end(trust_settings(), follow_up.opened_at) or follow_up.opened_at
    assert abs((job.next_attempt_at - expected).total_seconds()) < 1


def test_at_most_one_follow_up_mail_per_customer_in_14_days_whatever_the_reason() -> None:
    alice = customer()
    _allow_care(alice)
    band = _fall(alice)
    followup_mail_send(followup_id=band.pk, now=_day(10))
    alarm = _fall(alice, "complaint", key="c1")
    ledger_book(customer_id=alice.pk, event_type="complaint", key=f"{alice.pk}:c2")
    alarm = FollowUp.objects.get(customer=alice, reason="alarm")

    too_soon = followup_mail_send(followup_id=alarm.pk, now=_day(10, days=13))
    later = followup_mail_send(followup_id=alarm.pk, now=_day(10, days=14))

    assert (too_soon, later) == (CareMailOutcome.TOO_SOON, CareMailOutcome.SENT)
    assert len(mail.outbox) == 2


def test_a_retried_attempt_whose_claim_is_left_sends_nothing_twice() -> None:
    alice = customer()
    _allow_care(alice)
    follow_up = _fall(alice)
    followup_mail_send(followup_id=follow_up.pk, now=_day(10))
    # A second worker ran the same job before the first one marked the follow-up.
    FollowUp.objects.filter(pk=follow_up.pk).update(mail_state=FollowUp.MailState.PENDING)

    assert followup_mail_send(followup_id=follow_up.pk, now=_day(10)) == CareMailOutcome.ALREADY_SENT
    assert len(mail.outbox) == 1


def test_a_silent_customer_gets_the_re_engagement_mail() -> None:
    alice = customer()
    _allow_care(alice)
    follow_up = _fall(alice)
    Account.objects.filter(pk=alice.pk).update(last_touch_at=timezone.now() - timedelta(days=200))

    followup_mail_send(followup_id=follow_up.pk, now=_day(10))

    assert "heard from you" in str(mail.outbox[0].subject)


def test_the_beat_task_sends_every_waiting_mail_and_skips_quiet_hours() -> None:
    people = [customer() for _ in range(3)]
    for person in people:
        _allow_care(person)
        _fall(person)

    assert followup_mails_send(now=_day(23)) == 0
    assert followup_mails_send(now=_day(11)) == 3
    assert followup_mails_send(now=_day(12)) == 0
    assert len(mail.outbox) == 3


def test_follow_ups_scheduled_by_staff_send_no_automatic_mail() -> None:
    alice = customer()
    _allow_care(alice)
    follow_up = FollowUp.objects.create(
        customer=alice,
        reason="manual",
        band="healthy",
        suggested_action="as_noted",
        due_at=timezone.now(),
        mail_state=FollowUp.MailState.NONE,
    )

    assert followup_mail_send(followup_id=follow_up.pk, now=_day(10)) == CareMailOutcome.NOT_NEEDED


def test_a_mail_a_killed_attempt_claimed_is_sent_through_the_outbox_once_the_claim_expires() -> None:
    alice = customer()
    _allow_care(alice)
    follow_up = _fall(alice)
    TrustSettings.objects.filter(pk=1).update(quiet_hours_start=0, quiet_hours_end=0)
    # A worker claimed the mail (and the customer's slot), then was killed before sending it.
    key = care_mail_key(follow_up, trust_settings())
    now = timezone.now()
    FollowUp.objects.filter(pk=follow_up.pk).update(mail_key=key)
    Account.objects.filter(pk=alice.pk).update(care_mail_at=now, care_mail_key=key)
    OutgoingMail.objects.create(
        key=key, customer=alice, template="trust/mail/care_recovery", purpose_key="care",
        message_id=message_id_for(key), claimed_at=now,
    )  # fmt: skip

    assert followup_mails_send(now=now) == 0  # the batch leaves it to the claim's holder ...
    [retry] = Job.objects.filter(task="trust.send_follow_up_mail", key__contains=":after-claim:")
    assert retry.next_attempt_at == now + CLAIM_TIMEOUT  # ... and tries again when the claim expires
    assert mail.outbox == []

    OutgoingMail.objects.filter(key=key).update(claimed_at=now - CLAIM_TIMEOUT * 2)
    Job.objects.filter(pk=retry.pk).update(next_attempt_at=timezone.now())
    jobs_sweep()  # the retry, and the follow-up's own first job (never sent in this lane): one mail

    assert len(mail.outbox) == 1
    follow_up.refresh_from_db()
    assert follow_up.mail_state == FollowUp.MailState.SENT
