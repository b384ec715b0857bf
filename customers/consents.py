"""Consent: change it, prove it, and answer "may we contact this customer?".

Writes append a :class:`ConsentRecord` per actual change, in one transaction
with the domain event (``consent.granted`` / ``consent.withdrawn``) or the
double opt-in mail job. Reads derive the current state from the newest
record per (purpose, channel) in a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from customers.models import Channel, ConsentRecord, Purpose, PurposeVersion, User
from plumbing.events import EventName, event_publish
from plumbing.jobs import job_enqueue

EMAIL = "email"


class ConsentRefused(Exception):
    """A consent change that cannot be made; the message is for the customer."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class StaleConsentForm(ConsentRefused):
    """The purpose's text changed after the customer's page was rendered."""


@dataclass(frozen=True)
class ConsentChange:
    """One requested change: grant or withdraw ``purpose`` on ``channel``.

    ``shown_version`` is the text version the customer saw; ``None`` means
    the current one (API calls, staff, mail links).
    """

    purpose: str
    channel: str
    granted: bool
    shown_version: int | None = None


@dataclass(frozen=True)
class ConsentState:
    """The current state of one cell of the consent matrix."""

    purpose: Purpose
    channel: Channel
    record: ConsentRecord | None

    @property
    def state(self) -> str:
        if self.purpose.required:
            return ConsentRecord.State.GRANTED
        if self.record is not None:
            return self.record.state
        return ConsentRecord.State.GRANTED if self.purpose.default_granted else ConsentRecord.State.WITHDRAWN

    @property
    def allowed(self) -> bool:
        return self.state == ConsentRecord.State.GRANTED

    @property
    def pending(self) -> bool:
        return self.state == ConsentRecord.State.PENDING

    @property
    def needs_reconfirm(self) -> bool:
        """Granted, but for an older text than the one in force now."""
        return (
            self.record is not None
            and self.record.state == ConsentRecord.State.GRANTED
            and self.record.purpose_version.version < self.purpose.version
        )

    @property
    def editable(self) -> bool:
        return not self.purpose.required


def needs_double_opt_in(purpose: Purpose, channel: Channel) -> bool:
    """Marketing by email is granted only once the customer confirms by mail."""
    return purpose.is_marketing and channel.key == EMAIL


def _latest_records(customer_id: int) -> dict[tuple[int, int], ConsentRecord]:
    latest_ids = (
        ConsentRecord.objects.filter(customer_id=customer_id)
        .values("purpose_id", "channel_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    records = ConsentRecord.objects.filter(id__in=latest_ids).select_related("purpose_version")
    return {(record.purpose_id, record.channel_id): record for record in records}


def _active_purposes() -> list[Purpose]:
    channels = Prefetch("channels", queryset=Channel.objects.filter(active=True))
    return list(Purpose.objects.filter(active=True).prefetch_related(channels))


@dataclass(frozen=True)
class ConsentRow:
    """One purpose with its cells, aligned with the matrix's channels (None: not offered)."""

    purpose: Purpose
    cells: list[ConsentState | None]

    @property
    def states(self) -> list[ConsentState]:
        return [cell for cell in self.cells if cell is not None]


@dataclass(frozen=True)
class ConsentMatrix:
    """Purposes by channels: what the customer allowed, cell by cell."""

    channels: list[Channel]
    rows: list[ConsentRow]

    def states(self) -> list[ConsentState]:
        return [state for row in self.rows for state in row.states]


def consent_matrix(*, customer: User) -> ConsentMatrix:
    """Return the customer's consent matrix in three queries, however long the history."""
    latest = _latest_records(customer.pk)
    purposes = _active_purposes()
    channels = sorted(
        {channel for purpose in purposes for channel in purpose.channels.all()},
        key=lambda channel: (channel.order, channel.key),
    )
    rows = []
    for purpose in purposes:
        offered = set(purpose.channels.all())
        cells = [
            ConsentState(purpose, channel, latest.get((purpose.pk, channel.pk)))
            if channel in offered
            else None
            for channel in channels
        ]
        rows.append(ConsentRow(purpose, cells))
    return ConsentMatrix(channels, rows)


def _offered_purpose(purpose_key: str, channel_key: str) -> Purpose | None:
    """The active purpose, if it is offered on this active channel (else no one may be contacted)."""
    return Purpose.objects.filter(
        key=purpose_key, active=True, channels__key=channel_key, channels__active=True
    ).first()


def consent_allows(*, customer_id: int, purpose_key: str, channel_key: str) -> bool:
    """May the company contact this customer about this purpose on this channel?

    Not on a channel the purpose is not offered on (the customer could not choose there), as the
    API's consent check answers.
    """
    purpose = _offered_purpose(purpose_key, channel_key)
    if purpose is None:
        return False
    if purpose.required:
        return True
    state = (
        ConsentRecord.objects.filter(customer_id=customer_id, purpose=purpose, channel__key=channel_key)
        .order_by("-id")
        .values_list("state", flat=True)
        .first()
    )
    if state is None:
        return purpose.default_granted
    return state == ConsentRecord.State.GRANTED


def customers_consenting(*, purpose_key: str, channel_key: str) -> QuerySet[User]:
    """The customers whom ``consent_allows`` lets the company contact about this purpose on this channel.

    The same rule as one query for a whole set: an unknown or inactive purpose,
    or one not offered on the channel, allows nobody and a required one
    everybody; otherwise the newest record of
    the cell decides (so withdrawals, GPC withdrawals and unconfirmed double
    opt-ins count), and the purpose's default where there is none.
    """
    customers = User.objects.customers()
    purpose = _offered_purpose(purpose_key, channel_key)
    if purpose is None:
        return customers.none()
    if purpose.required:
        return customers
    newest_state = Subquery(
        ConsentRecord.objects.filter(customer=OuterRef("pk"), purpose=purpose, channel__key=channel_key)
        .order_by("-id")
        .values("state")[:1]
    )
    allowed = Q(consent_state=ConsentRecord.State.GRANTED)
    if purpose.default_granted:
        allowed |= Q(consent_state__isnull=True)
    return customers.alias(consent_state=newest_state).filter(allowed)


def _current_versions(purposes: Iterable[Purpose]) -> dict[int, PurposeVersion]:
    wanted = {(purpose.pk, purpose.version) for purpose in purposes}
    versions = PurposeVersion.objects.filter(purpose_id__in={pk for pk, _ in wanted})
    return {
        version.purpose_id: version for version in versions if (version.purpose_id, version.version) in wanted
    }


def _validate(
    changes: Sequence[ConsentChange], purposes: dict[str, Purpose], channels: dict[str, Channel]
) -> None:
    for change in changes:
        purpose = purposes.get(change.purpose)
        if purpose is None:
            raise ConsentRefused(
                _("Unknown purpose “%(key)s”.") % {"key": change.purpose}, code="unknown_purpose"
            )
        channel = channels.get(change.channel)
        if channel is None or channel not in purpose.channels.all():
            raise ConsentRefused(
                _("“%(purpose)s” cannot be chosen for the channel “%(channel)s”.")
                % {"purpose": purpose.title, "channel": change.channel},
                code="unknown_channel",
            )
        if purpose.required and not change.granted:
            raise ConsentRefused(
                _("“%(purpose)s” is required for the service and cannot be switched off.")
                % {"purpose": purpose.title},
                code="required",
            )
        if change.shown_version is not None and change.shown_version != purpose.version:
            raise StaleConsentForm(
                _(
                    "The text of “%(purpose)s” changed since you opened the page. "
                    "Please read it and save again."
                )
                % {"purpose": purpose.title},
                code="stale",
            )


def consent_change(
    *,
    customer: User,
    changes: Sequence[ConsentChange],
    source: str,
    actor: User | None = None,
    reason: str = "",
) -> list[ConsentRecord]:
    """Record the changes that change something; return the new records.

    Granting a marketing purpose by email records a *pending* consent and
    mails a confirmation link (double opt-in). Saving the same choices twice
    records nothing the second time. All or nothing: one bad change refuses
    the whole request.
    """
    if source == ConsentRecord.Source.STAFF and not reason.strip():
        raise ConsentRefused(_("A change on a customer's behalf needs a reason."), code="reason_required")
    channel_filter = Prefetch("channels", queryset=Channel.objects.filter(active=True))
    purposes = {
        purpose.key: purpose
        for purpose in Purpose.objects.filter(
            key__in={c.purpose for c in changes}, active=True
        ).prefetch_related(channel_filter)
    }
    channels = {c.key: c for c in Channel.objects.filter(key__in={c.channel for c in changes}, active=True)}
    _validate(changes, purposes, channels)

    created: list[ConsentRecord] = []
    with transaction.atomic():
        # One customer's changes are serialised: a double submit cannot record twice.
        User.objects.select_for_update().filter(pk=customer.pk).first()
        latest = _latest_records(customer.pk)
        versions = _current_versions(purposes.values())
        for change in changes:
            purpose, channel = purposes[change.purpose], channels[change.channel]
            current = latest.get((purpose.pk, channel.pk))
            state = _next_state(change, purpose, channel, current, source)
            if state is None:
                continue
            record = ConsentRecord.objects.create(
                customer=customer,
                purpose=purpose,
                channel=channel,
                purpose_version=versions[purpose.pk],
                state=state,
                source=source,
                actor=actor,
                reason=reason,
            )
            latest[(purpose.pk, channel.pk)] = record
            created.append(record)
            consent_announce(record)
    return created


def _next_state(
    change: ConsentChange, purpose: Purpose, channel: Channel, current: ConsentRecord | None, source: str
) -> str | None:
    """Return the state to record, or None when the change changes nothing."""
    current_state = ConsentState(purpose, channel, current)
    if not change.granted:
        return None if current_state.state == ConsentRecord.State.WITHDRAWN else ConsentRecord.State.WITHDRAWN
    if current_state.allowed and not current_state.needs_reconfirm:
        return None
    if current_state.allowed:
        return ConsentRecord.State.GRANTED  # a reconfirmation of the new text
    if needs_double_opt_in(purpose, channel) and source != ConsentRecord.Source.EMAIL_LINK:
        return None if current_state.pending else ConsentRecord.State.PENDING
    return ConsentRecord.State.GRANTED


def consent_announce(record: ConsentRecord) -> None:
    """Publish the record's domain event, or enqueue the double opt-in mail of a pending one."""
    if record.state == ConsentRecord.State.PENDING:
        job_enqueue(
            task="customers.send_consent_confirmation", args=[record.pk], key=f"consent-confirm:{record.pk}"
        )
        return
    event_publish(
        name=EventName.CONSENT_GRANTED
        if record.state == ConsentRecord.State.GRANTED
        else EventName.CONSENT_WITHDRAWN,
        customer_id=record.customer_id,
        key=f"consent:{record.pk}",
        about=record,
        payload={"purpose": record.purpose.key, "channel": record.channel.key, "source": record.source},
        occurred_at=record.created_at,
    )


def consent_withdraw_all(
    *, customer: User, source: str, actor: User | None = None, reason: str = ""
) -> list[ConsentRecord]:
    """Withdraw every optional purpose on every channel: as easy as giving."""
    changes = [
        ConsentChange(purpose=state.purpose.key, channel=state.channel.key, granted=False)
        for state in consent_matrix(customer=customer).states()
        if state.editable and state.state != ConsentRecord.State.WITHDRAWN
    ]
    return consent_change(customer=customer, changes=changes, source=source, actor=actor, reason=reason)


def consent_confirm(*, record_id: int) -> ConsentRecord | None:
    """Turn a pending double opt-in into a grant; None if it was withdrawn or confirmed meanwhile."""
    with transaction.atomic():
        pending = (
            ConsentRecord.objects.select_related("purpose", "channel", "purpose_version")
            .filter(pk=record_id, state=ConsentRecord.State.PENDING)
            .first()
        )
        if pending is None:
            raise ConsentRefused(_("This confirmation link is not valid."), code="invalid_link")
        User.objects.select_for_update().filter(pk=pending.customer_id).first()
        newest = (
            ConsentRecord.objects.filter(
                customer_id=pending.customer_id, purpose_id=pending.purpose_id, channel_id=pending.channel_id
            )
            .order_by("-id")
            .first()
        )
        if newest is None or newest.pk != pending.pk:
            return None
        record = ConsentRecord.objects.create(
            customer_id=pending.customer_id,
            purpose=pending.purpose,
            channel=pending.channel,
            purpose_version=pending.purpose_version,
            state=ConsentRecord.State.GRANTED,
            source=ConsentRecord.Source.EMAIL_LINK,
            actor_id=pending.customer_id,
        )
        consent_announce(record)
    return record
