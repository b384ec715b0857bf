"""What moved a score: its change over the last 7 and 30 days with the entries that moved it most,
and every band crossing with its cause, each linked to its source — "why is this customer at
risk?" answered from one screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models.functions import Abs
from django.utils.translation import gettext as _

from customers.models import User
from plumbing.events import EventName
from plumbing.models import Event
from plumbing.sources import source_admin_url
from trust.models import Band, DailyStat, LedgerEntry
from trust.scoring import EntryFacts, score_entries
from trust.selectors import ExplainedEntry, Explanation

WINDOWS = (7, 30)
MOVERS = 3
CROSSINGS = 20


@dataclass(frozen=True)
class ScoreMove:
    """The score ``days`` ago and now, and the entries of those days that moved it most."""

    days: int
    before: int
    after: int
    movers: list[ExplainedEntry]

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class BandCrossing:
    """One move from a band to another, and what caused it."""

    at: datetime
    customer: User
    before: Band
    after: Band
    cause: str
    entry: LedgerEntry | None
    url: str | None

    @property
    def worse(self) -> bool:
        order = [Band.HEALTHY, Band.WATCH, Band.AT_RISK, Band.CRITICAL]
        return order.index(self.after) > order.index(self.before)


def score_moves(*, explanation: Explanation) -> list[ScoreMove]:
    """The score's change over each window, from the same entries the explanation adds up."""
    facts = [
        (
            item,
            EntryFacts(
                item.entry.points,
                item.entry.occurred_at,
                item.entry.event_type.half_life_days,
                item.entry.alarm_weight,
            ),
        )
        for item in explanation.entries
    ]
    moves = []
    for days in WINDOWS:
        then = explanation.now - timedelta(days=days)
        before = score_entries(
            [fact for _item, fact in facts if fact.occurred_at <= then], rules=explanation.rules, now=then
        )
        recent = [item for item, fact in facts if fact.occurred_at > then and item.entry.points]
        recent.sort(key=lambda item: abs(item.contribution), reverse=True)
        moves.append(ScoreMove(days, before.score, explanation.score, recent[:MOVERS]))
    return moves


def band_crossings(*, customer: User | None = None, limit: int = CROSSINGS) -> list[BandCrossing]:
    """The latest band crossings (of one customer, or of all), newest first, with cause and source."""
    events_of = Event.objects.filter(name=EventName.TRUST_BAND_CHANGED).select_related("customer")
    if customer is not None:
        events_of = events_of.filter(customer=customer)
    events = list(events_of.order_by("-occurred_at", "-pk")[:limit])
    entry_ids = {_entry_id(event.key) for event in events} - {None}
    entries = LedgerEntry.objects.select_related("event_type").in_bulk(entry_ids)
    crossings = []
    for event in events:
        entry = entries.get(_entry_id(event.key))
        if entry is not None:
            cause, url = entry.event_type.label, source_admin_url(entry.source)
        else:
            cause, url = _("entries fading over time (the nightly recompute)"), None
        crossings.append(
            BandCrossing(
                event.occurred_at,
                event.customer,
                Band(event.payload.get("previous_band", Band.WATCH)),
                Band(event.payload.get("band", Band.WATCH)),
                cause,
                entry,
                url,
            )
        )
    return crossings


def _entry_id(key: str) -> int | None:
    """The ledger entry a band change names in its key (``trust.band_changed:<customer>:entry:<id>``)."""
    _customer, _sep, cause = key.partition(":")[2].partition(":")
    kind, _colon, pk = cause.partition(":")
    return int(pk) if kind == "entry" and pk.isdigit() else None


@dataclass(frozen=True)
class ScoresMoved:
    """The dashboard's view: the average score now and 7 and 30 days ago, the entries of the last
    7 days that moved scores most, and the latest band crossings with their causes."""

    average_now: float | None
    averages_then: list[tuple[int, float | None]]
    movers: list[tuple[LedgerEntry, str | None]]
    crossings: list[BandCrossing]


def scores_moved(*, now: datetime, listed: int = 10) -> ScoresMoved:
    stats = {
        stat.day: stat.average_score
        for stat in DailyStat.objects.filter(day__gte=(now - timedelta(days=max(WINDOWS) + 1)).date())
    }
    today = now.date()
    movers = list(
        LedgerEntry.objects.filter(occurred_at__gt=now - timedelta(days=min(WINDOWS)))
        .exclude(points=0)
        .select_related("customer", "event_type")
        .order_by(Abs("points").desc(), "-occurred_at")[:listed]
    )
    return ScoresMoved(
        stats.get(today),
        [(days, stats.get(today - timedelta(days=days))) for days in WINDOWS],
        [(entry, source_admin_url(entry.source)) for entry in movers],
        band_crossings(limit=listed),
    )
