"""Reads of the trust account: explanations, history, bands for lists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from customers.models import User
from plumbing.sources import source_admin_url
from trust.configuration import trust_settings
from trust.models import Account, Band, FollowUp, LedgerEntry, Nature
from trust.scoring import NEUTRAL, Rules, band_of, contribution, score_of


@dataclass(frozen=True)
class ExplainedEntry:
    """One ledger entry with what it adds to the score now."""

    entry: LedgerEntry
    contribution: float
    source_url: str | None


@dataclass(frozen=True)
class Explanation:
    """Everything needed to add the score up by hand."""

    account: Account | None
    entries: list[ExplainedEntry]
    decayed: float
    score: int
    band: Band
    negatives: int
    alarm: bool
    rules: Rules
    now: datetime
    deeds: float = 0.0  # what the company's deeds count today
    signals: float = 0.0  # what the customer's signals count today


def account_explanation(*, customer: User, now: datetime | None = None) -> Explanation:
    """The customer's ledger, newest first, each entry with its current contribution."""
    now = now or timezone.now()
    rules = Rules.of(trust_settings())
    entries = list(
        LedgerEntry.objects.filter(customer=customer)
        .select_related("event_type", "actor", "reversal_of")
        .order_by("-occurred_at", "-pk")
    )
    explained = [
        ExplainedEntry(
            entry,
            contribution(
                points=entry.points,
                occurred_at=entry.occurred_at,
                half_life_days=entry.event_type.half_life_days,
                now=now,
            ),
            source_admin_url(entry.source),
        )
        for entry in entries
    ]
    decayed = sum(item.contribution for item in explained)
    signals = sum(item.contribution for item in explained if item.entry.event_type.nature == Nature.SIGNAL)
    window_start = now - timedelta(days=rules.alarm_window_days)
    negatives = sum(entry.alarm_weight for entry in entries if entry.occurred_at >= window_start)
    alarm = negatives >= rules.alarm_negatives
    score = score_of(decayed, scale=rules.score_scale)
    return Explanation(
        account=Account.objects.filter(pk=customer.pk).first(),
        entries=explained,
        decayed=decayed,
        score=score,
        band=band_of(score, alarm=alarm, rules=rules),
        negatives=negatives,
        alarm=alarm,
        rules=rules,
        now=now,
        deeds=decayed - signals,
        signals=signals,
    )


def score_history(
    *, customer: User, months: int = 12, now: datetime | None = None
) -> list[tuple[datetime, int]]:
    """The customer's score at the end of each of the last ``months`` months, and now.

    Computed from the ledger with today's weights: an entry counts from when
    it occurred, a reversal from when it was booked (the past is not rewritten).
    """
    now = now or timezone.now()
    rules = Rules.of(trust_settings())
    rows = list(
        LedgerEntry.objects.filter(customer=customer).values_list(
            "points", "occurred_at", "booked_at", "reversal_of_id", "event_type__half_life_days"
        )
    )
    points_in_time = [now - timedelta(days=30 * back) for back in range(months, 0, -1)] + [now]
    history = []
    for moment in points_in_time:
        decayed = sum(
            contribution(points=points, occurred_at=occurred_at, half_life_days=half_life, now=moment)
            for points, occurred_at, booked_at, reversal_of, half_life in rows
            if occurred_at <= moment and (reversal_of is None or booked_at <= moment)
        )
        history.append((moment, score_of(decayed, scale=rules.score_scale)))
    return history


def bands_for(customer_ids: Iterable[int]) -> dict[int, Band]:
    """Each customer's band; a customer without entries sits in the middle.

    For other apps' admin pages (e.g. the feedback inbox) that want to show
    a customer's band next to their name, in one query for a whole page.
    """
    ids = list(customer_ids)
    found = {pk: Band(band) for pk, band in Account.objects.filter(pk__in=ids).values_list("pk", "band")}
    neutral = band_of(NEUTRAL, alarm=False, rules=Rules.of(trust_settings()))
    return {pk: found.get(pk, neutral) for pk in ids}


def open_follow_ups(*, customer: User) -> list[FollowUp]:
    """The customer's open follow-ups, the most urgent first."""
    return list(
        FollowUp.objects.filter(customer=customer, status=FollowUp.Status.OPEN)
        .select_related("assigned_to")
        .order_by("due_at")
    )
