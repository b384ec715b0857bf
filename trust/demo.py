"""Demo data: a year of touchpoints for the demo customers, so bands and the dashboard look alive.

Idempotent: a customer who has demo entries gets none again; the recompute,
the history and the sample outcomes only change what changed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from customers.models import User
from plumbing.roles import SUPPORT_AGENT
from trust.accounts import accounts_open_from_ledger
from trust.daily_stats import daily_stat_backfill
from trust.models import EventType, FollowUp, LedgerEntry
from trust.outcomes import followup_record_outcome
from trust.recompute import recompute_all

# What each kind of relationship is made of (event type keys, drawn at random).
PROFILES: dict[str, tuple[int, list[str]]] = {
    "happy": (
        45,
        ["praise", "promise_kept", "issue_resolved", "survey_good", "nps_promoter", "idea_voted",
         "consent_granted", "export_on_time", "feedback_given", "idea_shipped", "survey_neutral"],
    ),
    "mixed": (
        30,
        ["praise", "complaint", "promise_kept", "promise_broken", "issue_resolved", "survey_good",
         "survey_bad", "nps_passive", "feedback_given", "issue_reopened", "goodwill"],
    ),
    "troubled": (
        15,
        ["complaint", "promise_broken", "survey_bad", "nps_detractor", "data_request_overdue",
         "issue_reopened", "complaint", "feedback_given", "data_incident", "incident_acknowledged"],
    ),
    "silent": (10, ["consent_granted", "feedback_given", "praise"]),
}  # fmt: skip


def seed(*, customers: list[User], rng: random.Random) -> None:
    """Book demo histories for ``customers`` (once each), recompute, and fill the dashboard's history."""
    now = timezone.now()
    types = {kind.key: kind for kind in EventType.objects.all()}
    seeded = set(
        LedgerEntry.objects.filter(key__startswith="demo:").values_list("customer_id", flat=True).distinct()
    )
    names = list(PROFILES)
    weights = [PROFILES[name][0] for name in names]
    entries = []
    for customer in customers:
        profile = rng.choices(names, weights=weights)[0]
        if customer.pk in seeded:
            continue
        pool = PROFILES[profile][1]
        count = rng.randint(1, 3) if profile == "silent" else rng.randint(4, 14)
        oldest = 365 if profile != "silent" else 365 + 200
        newest = 120 if profile == "silent" else 0
        for number in range(count):
            kind = types[rng.choice(pool)]
            occurred_at = now - timedelta(days=rng.uniform(newest, oldest))
            entries.append(
                LedgerEntry(
                    customer=customer,
                    event_type=kind,
                    points=kind.points,
                    alarm_weight=1 if kind.points < 0 and kind.counts_for_alarm else 0,
                    occurred_at=occurred_at,
                    booked_at=occurred_at,
                    key=f"demo:{customer.pk}:{number}",
                    note="demo",
                )
            )
    LedgerEntry.objects.bulk_create(entries, ignore_conflicts=True, batch_size=1000)
    accounts_open_from_ledger()
    recompute_all(now=now, rebuild=True)  # bulk-loaded entries: their stored sums come from the ledger
    for weeks_back in range(52, 0, -1):
        daily_stat_backfill(at=now - timedelta(weeks=weeks_back))
    _sample_outcomes()
    _some_overdue(now)


def _sample_outcomes() -> None:
    """Let the demo agent work a few follow-ups (once), so closed ones with outcomes show too."""
    if FollowUp.objects.exclude(outcome__in=["", FollowUp.Outcome.RECOVERED]).exists():
        return
    agent = User.objects.filter(
        groups=Group.objects.filter(name=SUPPORT_AGENT).first(), is_active=True
    ).first()
    if agent is None:
        return
    outcomes = [FollowUp.Outcome.CONTACTED, FollowUp.Outcome.GOODWILL, FollowUp.Outcome.NO_ANSWER]
    open_ones = FollowUp.objects.filter(status=FollowUp.Status.OPEN).order_by("pk")[: len(outcomes)]
    for follow_up, outcome in zip(list(open_ones), outcomes, strict=False):
        followup_record_outcome(
            followup_id=follow_up.pk, outcome=outcome, note="Demo: called the customer.", actor=agent
        )


def _some_overdue(now: datetime) -> None:
    """Let a few follow-ups be overdue (once), as they would be on a busy week."""
    open_ones = FollowUp.objects.filter(status=FollowUp.Status.OPEN)
    if open_ones.filter(due_at__lt=now).exists():
        return
    for days, follow_up in enumerate(list(open_ones.order_by("pk")[3:8]), start=1):
        FollowUp.objects.filter(pk=follow_up.pk).update(
            due_at=now - timedelta(days=days), opened_at=now - timedelta(days=days + 3)
        )
