"""The trust app's models, one module per topic."""

from trust.models.accounts import Account, AccountDecay, Band, Dashboard
from trust.models.configuration import TrustSettings
from trust.models.event_types import EventType, Nature
from trust.models.followups import FollowUp
from trust.models.ledger import LedgerEntry
from trust.models.runs import DailyStat, RecomputeChunk, RecomputeRun

__all__ = [
    "Account",
    "AccountDecay",
    "Band",
    "DailyStat",
    "Dashboard",
    "EventType",
    "FollowUp",
    "LedgerEntry",
    "Nature",
    "RecomputeChunk",
    "RecomputeRun",
    "TrustSettings",
]
