"""Booking the ledger: what may be booked, checked before anything is written.

A booking that passes is written by :func:`trust.booking.booking_write`, in
one transaction with its account. The idempotency key is unique: booking a
key again returns the first entry and books nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import User
from trust.accounts import BookingRefused
from trust.booking import Booking, Cap, booking_existing, booking_write
from trust.configuration import trust_settings
from trust.models import EventType, LedgerEntry, TrustSettings

# Clocks differ a little between machines; an entry further in the future is a mistake.
FUTURE_TOLERANCE = timedelta(minutes=5)

__all__ = [
    "Booking",
    "BookingRefused",
    "BookingRequest",
    "BookingsRefused",
    "ledger_book",
    "ledger_book_many",
    "ledger_check",
    "ledger_reverse",
]


def _points(event_type: EventType, points: int | None, note: str, settings: TrustSettings) -> int:
    if event_type.custom_points:
        if not points:
            raise BookingRefused(_("Enter the points for this entry (not zero)."), code="points")
        if not note.strip():
            raise BookingRefused(_("An adjustment needs a reason."), code="reason")
    elif points is not None and points != event_type.points:
        raise BookingRefused(
            _("“%(type)s” is worth %(points)s points; they cannot be changed per booking.")
            % {"type": event_type.label, "points": event_type.points},
            code="points",
        )
    value = event_type.points if points is None else points
    if abs(value) > settings.max_points:
        raise BookingRefused(
            _("Points must lie between -%(limit)s and %(limit)s.") % {"limit": settings.max_points},
            code="points",
        )
    return value


def ledger_book(
    *,
    customer_id: int,
    event_type: str,
    key: str,
    occurred_at: datetime | None = None,
    points: int | None = None,
    source: str = "",
    note: str = "",
    actor: User | None = None,
    now: datetime | None = None,
    cap_scope: str = "",
) -> Booking:
    """Book one touchpoint for a customer; see the module's doc.

    ``event_type`` is the type's key; ``points`` only for types whose points
    are set per booking (adjustments); ``cap_scope`` what the type's cap counts
    within besides customer and type (a consent's purpose and channel). Raises :class:`BookingRefused` for an
    unknown or inactive type, points out of range, a date in the future, or a
    customer who does not exist (any more).
    """
    now = now or timezone.now()
    try:
        entry, kind, settings = _prepare(
            customer_id=customer_id,
            event_type=event_type,
            key=key,
            occurred_at=occurred_at,
            points=points,
            source=source,
            note=note,
            actor=actor,
            now=now,
        )
    except BookingRefused:
        # A key booked before returns its entry, even if the booking would be refused today.
        found = booking_existing(key, customer_id) if key else None
        if found is not None:
            return found
        raise
    entry.cap_scope = cap_scope[:100]
    touch_at = entry.occurred_at if kind.touchpoint else None
    return booking_write(
        entry,
        half_life_days=kind.half_life_days,
        settings=settings,
        touch_at=touch_at,
        now=now,
        cap=Cap.of(kind),
    )


def ledger_check(
    *,
    customer_id: int,
    event_type: str,
    key: str,
    points: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Refuse a booking :func:`ledger_book` would refuse, writing nothing (a form asks before a save)."""
    _prepare(
        customer_id=customer_id,
        event_type=event_type,
        key=key,
        occurred_at=None,
        points=points,
        source="",
        note=note,
        actor=None,
        now=now or timezone.now(),
    )


def _prepare(
    *,
    customer_id: int,
    event_type: str,
    key: str,
    occurred_at: datetime | None,
    points: int | None,
    source: str,
    note: str,
    actor: User | None,
    now: datetime,
) -> tuple[LedgerEntry, EventType, TrustSettings]:
    """Validate a booking and build its entry (nothing is written)."""
    if not key or len(key) > 255:
        raise BookingRefused(_("A booking needs an idempotency key of at most 255 characters."), code="key")
    kind, settings = _type_and_settings(event_type)
    if kind is None:
        raise BookingRefused(_("Unknown event type “%(key)s”.") % {"key": event_type}, code="unknown_type")
    if not kind.active:
        raise BookingRefused(
            _("The event type “%(type)s” is inactive.") % {"type": kind.label}, code="inactive_type"
        )
    value = _points(kind, points, note, settings)
    occurred_at = occurred_at or now
    if occurred_at > now + FUTURE_TOLERANCE:
        raise BookingRefused(_("An entry cannot be dated in the future."), code="future")
    occurred_at = min(occurred_at, now)  # another machine's clock a little ahead: it happened now
    entry = LedgerEntry(
        customer_id=customer_id,
        event_type=kind,
        points=value,
        alarm_weight=1 if value < 0 and kind.counts_for_alarm else 0,
        occurred_at=occurred_at,
        booked_at=now,
        key=key,
        source=source[:200],
        note=note,
        actor=actor,
    )
    return entry, kind, settings


_TYPE_FIELDS = [field.attname for field in EventType._meta.concrete_fields]
_SETTINGS_FIELDS = [field.attname for field in TrustSettings._meta.concrete_fields]


# Event types and settings read once for a whole batch (ledger_book_many), by key.
_batch_types: ContextVar[dict[str, tuple[EventType | None, TrustSettings]] | None] = ContextVar(
    "trust_batch_types", default=None
)


def _type_and_settings(key: str) -> tuple[EventType | None, TrustSettings]:
    """The event type and the settings in one query (raw: this is every booking's hot path)."""
    batch = _batch_types.get()
    if batch is not None and key in batch:
        return batch[key]
    columns = [f"t.{name}" for name in _TYPE_FIELDS] + [f"s.{name}" for name in _SETTINGS_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM trust_eventtype t, trust_trustsettings s "  # noqa: S608
            "WHERE t.key = %s AND s.id = 1",
            [key],
        )
        row = cursor.fetchone()
    if row is None:
        return EventType.objects.filter(key=key).first(), trust_settings()
    kind = EventType.from_db("default", _TYPE_FIELDS, row[: len(_TYPE_FIELDS)])
    settings = TrustSettings.from_db("default", _SETTINGS_FIELDS, row[len(_TYPE_FIELDS) :])
    return kind, settings


@dataclass(frozen=True)
class BookingRequest:
    """One booking of a batch (see :func:`ledger_book_many`)."""

    customer_id: int
    event_type: str
    key: str
    occurred_at: datetime | None = None
    source: str = ""
    note: str = ""


class BookingsRefused(Exception):
    """Some bookings of a batch were refused, so none was made; ``refusals`` maps index → refusal."""

    def __init__(self, refusals: dict[int, BookingRefused]) -> None:
        super().__init__(f"{len(refusals)} booking(s) refused")
        self.refusals = refusals


def ledger_book_many(*, requests: Sequence[BookingRequest], now: datetime | None = None) -> list[Booking]:
    """Book a batch of touchpoints all or nothing, in one transaction; return them in the given order.

    Each is booked as :func:`ledger_book` would; the accounts are taken in
    customer id order, so two batches never wait for each other in a circle.
    If any booking is refused, nothing is booked and :class:`BookingsRefused`
    names every refused one.
    """
    now = now or timezone.now()
    settings = trust_settings()
    keys = {request.event_type for request in requests}
    found = {kind.key: kind for kind in EventType.objects.filter(key__in=keys)}
    batch = _batch_types.set({key: (found.get(key), settings) for key in keys})
    try:
        return _book_in_order(requests, now)
    finally:
        _batch_types.reset(batch)


def _book_in_order(requests: Sequence[BookingRequest], now: datetime) -> list[Booking]:
    order = sorted(range(len(requests)), key=lambda index: (requests[index].customer_id, index))
    done: dict[int, Booking] = {}
    refusals: dict[int, BookingRefused] = {}
    with transaction.atomic():
        for index in order:
            try:
                done[index] = ledger_book(**asdict(requests[index]), now=now)
            except BookingRefused as refused:
                refusals[index] = refused
        if refusals:
            raise BookingsRefused(refusals)  # leaves the atomic block: everything is rolled back
    return [done[index] for index in range(len(requests))]


def ledger_reverse(*, entry_id: int, reason: str, actor: User | None = None) -> Booking:
    """Cancel an entry with a reversing one (same date and type, opposite points); once per entry.

    The reversal is dated like the original, so at every moment its
    contribution cancels the original's exactly; it does not end a silence.
    """
    original = LedgerEntry.objects.select_related("event_type").filter(pk=entry_id).first()
    if original is None:
        raise BookingRefused(_("This entry does not exist."), code="unknown_entry")
    if original.reversal_of_id is not None:
        raise BookingRefused(_("A reversal cannot be reversed; book a new entry instead."), code="reversal")
    if not reason.strip():
        raise BookingRefused(_("A reversal needs a reason."), code="reason")
    now = timezone.now()
    entry = LedgerEntry(
        customer_id=original.customer_id,
        event_type=original.event_type,
        points=-original.points,
        alarm_weight=-original.alarm_weight,
        occurred_at=original.occurred_at,
        booked_at=now,
        key=f"reversal:{original.pk}",
        source=original.source,
        note=reason,
        actor=actor,
        reversal_of=original,
    )
    return booking_write(
        entry,
        half_life_days=original.event_type.half_life_days,
        settings=trust_settings(),
        touch_at=None,
        now=now,
    )
