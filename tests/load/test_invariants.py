"""The chaos run's checker: it finds what was lost or done twice (planted here), and passes what is right."""

import time
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from customers.consents import ConsentChange, consent_change
from customers.mailing import mail_send
from customers.models import ConsentRecord, OutgoingMail
from feedback.models import Kind, Message, Topic
from feedback.threads import thread_submit
from lab.load.invariants import (
    check_balances,
    check_consents,
    check_feedback,
    check_jobs,
    check_mails,
    check_single_bookings,
    check_votes,
)
from plumbing.models import Job
from tests.factories import customer
from trust.ledger import ledger_book
from trust.models import Account, FollowUp

pytestmark = pytest.mark.django_db


def _accepted(kind: str, started: float, **what: Any) -> dict[str, Any]:
    return {"kind": kind, "t0": started, "t1": time.time(), **what}


def test_a_stored_consent_change_passes_and_a_lost_one_fails() -> None:
    alice = customer()
    started = time.time()
    consent_change(
        customer=alice,
        changes=[ConsentChange(purpose="care", channel="email", granted=True, shown_version=1)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
        actor=alice,
    )
    stored = _accepted(
        "consent", started, customer_id=alice.pk, purpose="care", channel="email", granted=True
    )
    assert check_consents([stored]).ok
    lost = {**stored, "granted": False}
    verdict = check_consents([stored, lost])
    assert (verdict.checked, verdict.failed) == (2, 1)
    assert "withdrawn" in verdict.failures[0]
    long_ago = {**stored, "t0": started - 3600, "t1": started - 3500}
    assert not check_consents([long_ago]).ok


def test_feedback_is_found_by_its_text_and_customer() -> None:
    alice, bob = customer(), customer()
    topic = Topic.objects.filter(active=True).first()
    assert topic is not None
    thread_submit(customer=alice, kind=Kind.QUESTION, topic=topic, text="Load feedback 1")
    assert Message.objects.filter(text="Load feedback 1").exists()
    started = time.time()
    assert check_feedback([_accepted("feedback", started, customer_id=alice.pk, text="Load feedback 1")]).ok
    assert not check_feedback([_accepted("feedback", started, customer_id=bob.pk, text="Load feedback 1")]).ok


def test_the_last_accepted_vote_must_be_the_stored_state() -> None:
    alice = customer()
    started = time.time()
    verdict = check_votes([_accepted("vote", started, customer_id=alice.pk, idea_id=1, vote=True)])
    assert not verdict.ok
    later = _accepted("vote", started + 1, customer_id=alice.pk, idea_id=1, vote=False)
    later["t1"] = started + 2
    assert check_votes([_accepted("vote", started, customer_id=alice.pk, idea_id=1, vote=True), later]).ok


def test_an_unanswered_attempt_after_the_last_accepted_vote_may_be_the_stored_state() -> None:
    alice = customer()
    voted = {"t0": 100.0, "t1": 101.0, "kind": "vote", "customer_id": alice.pk, "idea_id": 1, "vote": True}
    # The unvote went through, but the page it led to failed: the load generator never saw it accepted.
    unvote = {**voted, "kind": "unanswered", "of": "vote", "t0": 105.0, "t1": 106.0, "vote": False}

    assert not check_votes([voted]).ok
    assert check_votes([voted, unvote]).ok


def test_an_unanswered_attempt_that_ended_before_the_last_accepted_began_excuses_nothing() -> None:
    alice = customer()
    voted = {"t0": 100.0, "t1": 101.0, "kind": "vote", "customer_id": alice.pk, "idea_id": 1, "vote": True}
    earlier = {**voted, "kind": "unanswered", "of": "vote", "t0": 90.0, "t1": 95.0, "vote": False}
    elsewhere = {**voted, "kind": "unanswered", "of": "vote", "t0": 105.0, "idea_id": 2, "vote": False}

    assert not check_votes([voted, earlier, elsewhere]).ok


def test_a_planted_duplicate_booking_of_one_source_event_is_found() -> None:
    alice = customer()
    at = timezone.now()
    ledger_book(
        customer_id=alice.pk, event_type="praise", key="k1", source="feedback.thread:1", occurred_at=at
    )
    # The same thread praised again later is another fact; so is another customer's booking.
    later = at + timedelta(seconds=1)
    ledger_book(
        customer_id=alice.pk, event_type="praise", key="k2", source="feedback.thread:1", occurred_at=later
    )
    assert check_single_bookings().ok
    ledger_book(
        customer_id=alice.pk, event_type="praise", key="k3", source="feedback.thread:1", occurred_at=at
    )
    verdict = check_single_bookings()
    assert not verdict.ok
    assert f"feedback.thread:1 booked 2 times for customer {alice.pk}" in verdict.failures[0]


def test_a_balance_that_is_not_the_sum_of_its_entries_is_found() -> None:
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="praise", key="k1")
    ledger_book(customer_id=alice.pk, event_type="complaint", key="k2")
    assert check_balances().ok
    Account.objects.filter(pk=alice.pk).update(balance=F("balance") + 1)
    verdict = check_balances()
    assert (verdict.checked, verdict.failed) == (1, 1)


def _follow_up(person: Any, reason: str = FollowUp.Reason.BAND, **fields: Any) -> FollowUp:
    now = timezone.now()
    return FollowUp.objects.create(
        customer=person,
        reason=reason,
        band="at_risk",
        suggested_action=FollowUp.Action.REACH_OUT,
        due_at=now,
        opened_at=now,
        updated_at=now,
        **fields,
    )


def _follow_up_mailed(person: Any, key: str) -> FollowUp:
    follow_up = _follow_up(person, mail_key=key, mail_state=FollowUp.MailState.SENT, mailed_at=timezone.now())
    mail_send(
        key=key, customer=person, template="trust/mail/care_re_engage", context={"follow_up": follow_up}
    )
    return follow_up


def test_a_mail_delivered_twice_or_not_at_all_is_found() -> None:
    alice = customer()
    follow_up = _follow_up_mailed(alice, "trust.care:1:band:1")
    message_id = OutgoingMail.objects.get(key="trust.care:1:band:1").message_id
    once = [{"message_id": message_id}]
    assert check_mails(once, [follow_up.pk]).ok
    twice = check_mails(once * 2, [follow_up.pk])
    assert not twice.ok
    assert "delivered 2 times" in twice.failures[0]
    never = check_mails([], [follow_up.pk])
    assert not never.ok
    assert "delivered 0 times" in never.failures[0]


def test_a_follow_up_of_the_batch_left_without_its_mail_is_found() -> None:
    alice = customer()
    follow_up = _follow_up_mailed(alice, "trust.care:2:band:1")
    FollowUp.objects.filter(pk=follow_up.pk).update(mail_state=FollowUp.MailState.PENDING)
    verdict = check_mails([], [follow_up.pk])
    assert f"follow-up {follow_up.pk}: mail pending" in verdict.failures


def test_a_follow_up_mail_waiting_for_the_customers_interval_is_no_loss() -> None:
    alice = customer()
    _follow_up_mailed(alice, "trust.care:3:band:1")
    Account.objects.create(customer=alice, care_mail_at=timezone.now(), care_mail_key="trust.care:3:band:1")
    waiting = _follow_up(alice, FollowUp.Reason.ALARM)
    assert waiting.mail_state == FollowUp.MailState.PENDING
    message_id = OutgoingMail.objects.get(key="trust.care:3:band:1").message_id
    assert check_mails([{"message_id": message_id}], [waiting.pk]).ok
    Account.objects.filter(pk=alice.pk).update(care_mail_key="")
    assert not check_mails([{"message_id": message_id}], [waiting.pk]).ok


def test_a_failed_or_forgotten_job_is_found() -> None:
    assert check_jobs().ok
    Job.objects.create(task="portal.ping", key="forgotten", next_attempt_at=timezone.now())
    assert "1 jobs still running or due" in check_jobs().failures
    Job.objects.filter(key="forgotten").update(state=Job.State.FAILED, last_error="boom")
    assert not check_jobs().ok
