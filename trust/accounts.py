"""The account aggregate: lock it (one helper, one order) and refresh what derives from the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from customers.models import User
from trust.models import Account, Band
from trust.scoring import NEUTRAL as NEUTRAL_SCORE
from trust.scoring import EntryFacts, Rules, Scored, band_of


class BookingRefused(Exception):
    """A booking that cannot be made; the message is readable by staff."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def account_lock(*, customer_id: int, rules: Rules) -> Account:
    """Lock the customer's account for the current transaction, opening it on first use.

    Every write to an account goes through here (or :func:`accounts_lock`),
    so concurrent bookings for one customer queue up instead of losing an
    update. Refuses customers that do not exist (any more) and staff.
    """
    account = _account_locked(customer_id)
    if account is not None:
        return account
    # First booking: hold the customer row so an erasure cannot slip in between.
    customer = User.objects.select_for_update(no_key=True).filter(pk=customer_id).first()
    if customer is None:
        raise BookingRefused(_("This customer does not exist or was erased."), code="erased")
    if customer.is_staff or customer.is_superuser:
        raise BookingRefused(_("Staff members have no trust account."), code="staff")
    band = band_of(NEUTRAL_SCORE, alarm=False, rules=rules)
    Account.objects.bulk_create(
        [Account(customer_id=customer_id, score=NEUTRAL_SCORE, band=band)], ignore_conflicts=True
    )
    account = _account_locked(customer_id)
    assert account is not None
    return account


_LOCKED_FIELDS = ("balance", "entry_count", "score", "band", "negatives", "alarm", "last_touch_at")


def _account_locked(customer_id: int) -> Account | None:
    # Raw SQL on the booking's hot path: the ORM's query compilation costs more than the query.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(_LOCKED_FIELDS)} FROM trust_account WHERE customer_id = %s{lock}",  # noqa: S608
            [customer_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    fields = dict(zip(_LOCKED_FIELDS, row, strict=True))
    fields["alarm"] = bool(fields["alarm"])
    if fields["last_touch_at"] is not None:
        fields["last_touch_at"] = _aware(fields["last_touch_at"])
    account = Account(customer_id=customer_id, **fields)
    account._state.adding = False
    return account


def accounts_lock(*, customer_ids: list[int]) -> list[Account]:
    """Lock several existing accounts, always in id order (no deadlock between two lockers)."""
    return list(Account.objects.select_for_update().filter(pk__in=customer_ids).order_by("pk"))


@dataclass(frozen=True)
class AccountChange:
    """An account's state before and after a refresh."""

    customer_id: int
    before_band: str
    before_alarm: bool
    after: Scored

    @property
    def dropped(self) -> bool:
        """Fell into "at risk" or "critical", or from "at risk" to "critical"."""
        return self.after.band in (Band.AT_RISK, Band.CRITICAL) and Band.rank(self.after.band) > Band.rank(
            self.before_band
        )

    @property
    def alarm_fired(self) -> bool:
        return self.after.alarm and not self.before_alarm

    @property
    def recovered(self) -> bool:
        """Back to "healthy" or "watch" from "at risk" or "critical"."""
        return self.after.band in (Band.HEALTHY, Band.WATCH) and self.before_band in (
            Band.AT_RISK,
            Band.CRITICAL,
        )


def _aware(value: datetime | str) -> datetime:
    """A datetime read by a raw cursor: SQLite gives naive UTC (or text), PostgreSQL aware."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    assert moment is not None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def entry_facts(*, customer_id: int) -> list[EntryFacts]:
    """What the score reads of each of the customer's entries (one index range, no ORM on the hot path)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.points, e.occurred_at, t.half_life_days, e.alarm_weight FROM trust_ledgerentry e "
            "JOIN trust_eventtype t ON t.id = e.event_type_id WHERE e.customer_id = %s",
            [customer_id],
        )
        rows = cursor.fetchall()
    return [
        EntryFacts(points, _aware(occurred_at), half_life, weight)
        for points, occurred_at, half_life, weight in rows
    ]


def accounts_open_from_ledger() -> int:
    """Open accounts for customers whose entries were loaded in bulk (demo data, the benchmark).

    Bookings open their account themselves; this is for ledgers written by
    one INSERT. Balance, entry count and last touchpoint come from the
    entries (set-based); scores follow with the next recompute.
    """
    neutral = band_of(NEUTRAL_SCORE, alarm=False, rules=Rules())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO trust_account (customer_id, balance, entry_count, score, band, negatives, alarm, "
            "last_touch_at, care_mail_key) "
            "SELECT e.customer_id, SUM(e.points), COUNT(*), %s, %s, 0, %s, "
            "MAX(CASE WHEN t.touchpoint THEN e.occurred_at END), '' "
            "FROM trust_ledgerentry e JOIN trust_eventtype t ON t.id = e.event_type_id "
            "WHERE NOT EXISTS (SELECT 1 FROM trust_account a WHERE a.customer_id = e.customer_id) "
            "GROUP BY e.customer_id",
            [NEUTRAL_SCORE, neutral.value, False],
        )
        return int(cursor.rowcount)
