"""Writing one ledger entry: the one transaction every booking is.

:func:`booking_write` locks the customer's account, inserts the entry, adds
its points to the balance, refreshes the score and the stored decayed sum,
opens follow-ups and announces a band change — all in one transaction, so
the balance always equals the sum of the entries, also when bookings for
one customer arrive concurrently. An entry over its type's cap is decided
under the same lock: written, worth 0, with what it would have been worth.
``trust.ledger`` checks a booking and calls it; nothing else writes an entry
(besides the set-based inactivity run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from trust.accounts import AccountChange, BookingRefused, account_lock, entry_facts
from trust.announcements import band_change_announce
from trust.followups import followups_apply
from trust.models import Account, EventType, LedgerEntry, TrustSettings
from trust.scoring import EntryFacts, Rules, contribution, score_entries, sql_decay


@dataclass(frozen=True)
class Booking:
    """The entry a booking returns; ``created`` is False when the key was booked before."""

    entry: LedgerEntry
    created: bool
    change: AccountChange | None = None


def booking_existing(key: str, customer_id: int) -> Booking | None:
    entry = LedgerEntry.objects.filter(key=key).first()
    if entry is None:
        return None
    if entry.customer_id != customer_id:
        raise BookingRefused(_("This idempotency key was already used for another customer."), code="key")
    return Booking(entry, created=False)


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


def _account_statements(
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


def _account_update(*, account: Account, booking: AccountBooking) -> None:
    """Bring the locked account's object up to date after its writes ran."""
    scored = booking.change.after
    account.balance += booking.points
    account.entry_count += 1
    account.last_touch_at = booking.last_touch_at
    account.score, account.band, account.alarm = scored.score, scored.band.value, scored.alarm
    account.negatives, account.negatives_oldest_at = scored.negatives, scored.oldest_negative_at


def _insert_statement(entry: LedgerEntry) -> tuple[str, list[Any]]:
    at = connection.ops.adapt_datetimefield_value
    return (
        "INSERT INTO trust_ledgerentry (customer_id, event_type_id, points, alarm_weight, occurred_at, "
        "booked_at, key, source, note, actor_id, reversal_of_id, cap_scope, capped_points, cap_limit, "
        "cap_days) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (key) DO NOTHING RETURNING id",
        [
            entry.customer_id,
            entry.event_type_id,
            entry.points,
            entry.alarm_weight,
            at(entry.occurred_at),
            at(entry.booked_at),
            entry.key,
            entry.source,
            entry.note,
            entry.actor_id,
            entry.reversal_of_id,
            entry.cap_scope,
            entry.capped_points,
            entry.cap_limit,
            entry.cap_days,
        ],
    )


def _write(
    entry: LedgerEntry,
    account: Account,
    facts: EntryFacts,
    *,
    touch_at: datetime | None,
    rules: Rules,
    now: datetime,
) -> AccountBooking | None:
    """Insert the entry and record it on the locked account; None if its key was booked meanwhile.

    On PostgreSQL the three writes (entry, account, stored sum) are one
    statement, a round trip per booking counts; elsewhere three.
    """
    insert, insert_params = _insert_statement(entry)
    postgres = connection.vendor == "postgresql"
    # Computed from the entries read before the insert, plus this one.
    booking = _account_statements(
        account=account,
        entry=facts,
        touch_at=touch_at,
        rules=rules,
        now=now,
        guard="EXISTS (SELECT 1 FROM booked)" if postgres else "1 = 1",
    )
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                f"WITH booked AS ({insert}), account AS ({booking.update.sql} RETURNING 1), "  # noqa: S608
                f"decay AS ({booking.decay.sql}) SELECT id FROM booked",
                [*insert_params, *booking.update.params, *booking.decay.params],
            )
            row = cursor.fetchone()
        else:
            cursor.execute(insert, insert_params)
            row = cursor.fetchone()
            if row is not None:
                cursor.execute(booking.update.sql, booking.update.params)
                cursor.execute(booking.decay.sql, booking.decay.params)
    if row is None:
        return None
    entry.pk = row[0]
    entry._state.adding = False
    _account_update(account=account, booking=booking)
    return booking


@dataclass(frozen=True)
class Cap:
    """An event type's cap: it counts at most ``count`` times within ``days`` (None: ever)."""

    count: int
    days: int | None

    @classmethod
    def of(cls, kind: EventType) -> Cap | None:
        return cls(kind.cap_count, kind.cap_days) if kind.cap_count else None


def _counted(entry: LedgerEntry, cap: Cap) -> int:
    """How many entries of the type the cap counted for this customer (and scope) in its window.

    The window reaches ``days`` to either side of the entry: bookings that waited for the lock
    may arrive a little out of the order they happened in (and a late one may be backdated).
    """
    counted = LedgerEntry.objects.filter(
        customer_id=entry.customer_id,
        event_type_id=entry.event_type_id,
        cap_scope=entry.cap_scope,
        capped_points__isnull=True,
        reversal_of__isnull=True,
    ).exclude(reversals__isnull=False)
    if cap.days is not None:
        reach = timedelta(days=cap.days)
        counted = counted.filter(
            occurred_at__gt=entry.occurred_at - reach, occurred_at__lt=entry.occurred_at + reach
        )
    return counted.count()


def _cap_apply(entry: LedgerEntry, cap: Cap) -> None:
    """Over the cap, the entry is still written, worth nothing and saying why (the account is locked)."""
    if entry.points == 0 or _counted(entry, cap) < cap.count:
        return
    entry.capped_points, entry.points, entry.alarm_weight = entry.points, 0, 0
    entry.cap_limit, entry.cap_days = cap.count, cap.days


def booking_write(
    entry: LedgerEntry,
    *,
    half_life_days: int,
    settings: TrustSettings,
    touch_at: datetime | None,
    now: datetime,
    cap: Cap | None = None,
) -> Booking:
    rules = Rules.of(settings)
    with transaction.atomic():
        account = account_lock(customer_id=entry.customer_id, rules=rules)
        if cap is not None:
            _cap_apply(entry, cap)
        facts = EntryFacts(entry.points, entry.occurred_at, half_life_days, entry.alarm_weight)
        booking = _write(entry, account, facts, touch_at=touch_at, rules=rules, now=now)
        if booking is None:
            # The same key committed meanwhile (a concurrent attempt of the same booking).
            found = booking_existing(entry.key, entry.customer_id)
            assert found is not None
            return found
        followups_apply(change=booking.change, account=account, settings=settings, now=now)
        band_change_announce(
            customer_id=entry.customer_id,
            band=booking.change.after.band,
            previous_band=booking.change.before_band,
            cause=f"entry:{entry.pk}",
        )
    return Booking(entry, created=True, change=booking.change)
