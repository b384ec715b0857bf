"""Adversarial: a customer who does every self-service thing as often as the limits allow, every day
for a month, gains at most what the caps allow.

The bound over any 30 days, from the seeded caps: praise once (5), feedback given twice
(1 each), three idea votes (1 each), one delivered export (3), and each consent granted
once per purpose and channel ever (1 point per pair) — 13 points plus one per pair.
Withdrawing is worth 0, so toggling earns nothing.
"""

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from customers.consents import ConsentChange, consent_change, consent_confirm
from customers.exports import export_build
from customers.models import ConsentRecord, Purpose
from customers.requests import DataRequestRefused, data_request_export
from feedback.ideas import idea_vote
from feedback.models import Kind
from feedback.refusals import FeedbackRefused
from feedback.staff_settings import feedback_settings
from feedback.threads import thread_submit
from tests.factories import customer
from tests.feedback.factories import published_idea, topic
from trust.models import Account, LedgerEntry
from trust.scoring import score_of

pytestmark = pytest.mark.django_db
DAYS = 30


def _pairs() -> list[tuple[str, str]]:
    return [
        (purpose.key, channel.key)
        for purpose in Purpose.objects.filter(active=True, required=False).prefetch_related("channels")
        for channel in purpose.channels.all()
    ]


def _a_day_of_everything(alice: Any, day: int, ideas: list[Any], pairs: list[tuple[str, str]]) -> None:
    for number in range(feedback_settings().threads_per_hour):
        kind = Kind.PRAISE if number % 2 else Kind.QUESTION
        try:
            thread_submit(customer=alice, kind=kind, topic=topic(), text=f"Day {day}, note {number}: great!")
        except FeedbackRefused:
            break  # the flood limit
    for idea in ideas:
        for vote in (True, False, True):
            with contextlib.suppress(FeedbackRefused):  # voted already, or not yet
                idea_vote(idea_id=idea.pk, customer=alice, vote=vote)
    for granted in (True, False, True):
        records = consent_change(
            customer=alice,
            changes=[ConsentChange(purpose, channel, granted) for purpose, channel in pairs],
            source=ConsentRecord.Source.PRIVACY_CENTER,
        )
        for record in records:
            if record.state == ConsentRecord.State.PENDING:
                consent_confirm(record_id=record.pk)  # clicks the double opt-in link at once
    with contextlib.suppress(DataRequestRefused):  # one open request at a time
        export_build(request_id=data_request_export(customer=alice).pk)


def test_a_month_of_every_self_service_action_gains_at_most_the_caps(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    alice = customer()
    ideas = [published_idea(customer(), title=f"Idea {number}") for number in range(5)]
    pairs = _pairs()
    bound = 5 + 2 + 3 + 3 + len(pairs)
    start = timezone.now().replace(hour=10, minute=0)

    for day in range(DAYS):
        with (
            time_machine.travel(start + timedelta(days=day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            _a_day_of_everything(alice, day, ideas, pairs)

    account = Account.objects.get(pk=alice.pk)
    entries = LedgerEntry.objects.filter(customer=alice)
    assert entries.count() > 100  # every click is in the history ...
    assert entries.filter(capped_points__isnull=False).count() > 80  # ... most of them over their caps
    assert account.balance == bound  # reached on the first day, and never passed in a month
    assert account.score <= score_of(bound, scale=15)
