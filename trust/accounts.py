"""The account aggregate: lock it (one helper, one order) and refresh what derives from the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from customers.models import User
from trust.models import Account, Band
from trust.scoring import NEUTRAL as NEUTRAL_SCORE
from trust.scoring import EntryFacts, Rules, Scored, band_of, contribution, score_entries, sql_decay


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


@dataclass(frozen=True)
class Statement:
    """One SQL statement with its parameters."""

    sql: str
    params: list[Any]


@dataclass(frozen=True)
class AccountBooking:
    """What booking one more entry does to a locked account, and the two writes that record it."""

    change: AccountChange
    points: int
    last_touch_at: datetime | None
    update: Statement  # the account: balance, entry count, last touchpoint, score, band, alarm
    decay: Statement  # the stored sum of the entry's half-life, rolled to now, plus the entry


def account_book(
    *,
    account: Account,
    entry: EntryFacts,
    touch_at: datetime | None,
    rules: Rules,
    now: datetime,
    guard: str = "1 = 1",
) -> AccountBooking:
    """Compute the locked account with one more entry; return the writes for the caller to run.

    The score comes from all of the customer's entries (a few dozen rows
    through the covering index) plus the new one, so a booking leaves its
    account exact. ``guard`` is an SQL condition both writes are made
    conditional on (the ledger runs them only if the entry was inserted).
    """
    scored = score_entries([*entry_facts(customer_id=account.pk), entry], rules=rules, now=now)
    change = AccountChange(account.pk, account.band, account.alarm, scored)
    moved = (scored.score, scored.band.value, scored.alarm) != (account.score, account.band, account.alarm)
    last_touch = account.last_touch_at
    if touch_at is not None and (last_touch is None or touch_at > last_touch):
        last_touch = touch_at
    at = connection.ops.adapt_datetimefield_value
    update = Statement(
        "UPDATE trust_account SET balance = balance + %s, entry_count = entry_count + 1, score = %s, "  # noqa: S608
        "band = %s, negatives = %s, negatives_oldest_at = %s, alarm = %s, last_touch_at = %s, "
        f"changed_at = CASE WHEN %s THEN %s ELSE changed_at END WHERE customer_id = %s AND {guard}",
        [
            entry.points,
            scored.score,
            scored.band.value,
            scored.negatives,
            at(scored.oldest_negative_at),
            scored.alarm,
            at(last_touch),
            moved,
            at(now),
            account.pk,
        ],
    )
    rolled, rolled_params = sql_decay(
        connection,
        amount="trust_accountdecay.total",
        half_life="trust_accountdecay.half_life_days",
        since="trust_accountdecay.as_of",
        now=now,
    )
    amount = contribution(
        points=entry.points, occurred_at=entry.occurred_at, half_life_days=entry.half_life_days, now=now
    )
    decay = Statement(
        "INSERT INTO trust_accountdecay (customer_id, half_life_days, total, as_of) "
        f"SELECT %s, %s, %s, %s WHERE {guard} ON CONFLICT (customer_id, half_life_days) DO UPDATE "
        f"SET total = {rolled} + excluded.total, as_of = excluded.as_of",
        [account.pk, entry.half_life_days, amount, at(now), *rolled_params],
    )
    return AccountBooking(change, entry.points, last_touch, update, decay)


def account_booked(*, account: Account, booking: AccountBooking) -> None:
    """Bring the locked account's object up to date after its writes ran."""
    scored = booking.change.after
    account.balance += booking.points
    account.entry_count += 1
    account.last_touch_at = booking.last_touch_at
    account.score, account.band, account.alarm = scored.score, scored.band.value, scored.alarm
    account.negatives, account.negatives_oldest_at = scored.negatives, scored.oldest_negative_at


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
