"""The consent check: "may we contact this customer about this purpose on this channel?"

Other systems ask before every mail, text or call, so this is the API's
hottest path. It reads everything it needs in one statement — the purpose's
rules, whether it is offered on the channel, the customer, the newest
consent record of that cell and the suppression list — and then decides
with the privacy center's own rule objects:
:class:`customers.consents.ConsentState` (the rule behind the consent matrix
and ``consent_allows``) and :func:`customers.suppression.suppression_hash`. A
test holds this answer equal to ``consent_allows`` for every state a cell
can be in, so a system asking the API and the portal's own mailings never
disagree.

"No" is the safe answer: an unknown customer, an erased (suppressed)
address and a channel the purpose is not offered on all answer no.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from api.external_ids import CustomerRef
from api.models import ExternalId
from customers.consents import ConsentState
from customers.models import Channel, ConsentRecord, Purpose, Suppression, User
from customers.suppression import suppression_hash


class Reason(models.TextChoices):
    GRANTED = "granted", _("The customer allows it (or the purpose is required for the service).")
    NOT_GRANTED = (
        "not_granted",
        _("The customer has not allowed it, withdrew it or has not confirmed it yet."),
    )
    CHANNEL_NOT_OFFERED = "channel_not_offered", _("The purpose is not offered on this channel.")
    UNKNOWN_CUSTOMER = "unknown_customer", _("No customer is known by this id, address or external id.")
    SUPPRESSED = "suppressed", _("The address belongs to an erased customer and must never be contacted.")


class UnknownPurposeOrChannel(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class ConsentAnswer:
    allowed: bool
    reason: Reason
    customer_id: int | None = None


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _statement(condition: str) -> str:
    purpose_channels = _table(Purpose.channels.through)
    return (
        "SELECT p.id, p.required, p.default_granted, c.id, "  # noqa: S608  (only table names are formatted in)
        f"EXISTS (SELECT 1 FROM {purpose_channels} pc WHERE pc.purpose_id = p.id AND pc.channel_id = c.id), "
        "u.id, "
        f"(SELECT r.state FROM {_table(ConsentRecord)} r "
        " WHERE r.customer_id = u.id AND r.purpose_id = p.id AND r.channel_id = c.id "
        " ORDER BY r.id DESC LIMIT 1), "
        f"EXISTS (SELECT 1 FROM {_table(Suppression)} s WHERE s.email_hash = %s) "
        f"FROM {_table(Purpose)} p CROSS JOIN {_table(Channel)} c "
        f"LEFT JOIN {_table(User)} u ON {condition} AND u.is_staff = %s AND u.is_superuser = %s "
        "WHERE p.key = %s AND p.active = %s AND c.key = %s AND c.active = %s"
    )


@functools.cache
def _by_external_id() -> str:
    external = _table(ExternalId)
    return f"u.id = (SELECT e.customer_id FROM {external} e WHERE e.system_id = %s AND e.value = %s)"  # noqa: S608


def _customer_condition(system_id: int, ref: CustomerRef) -> tuple[str, list[int | str | None]]:
    if ref.customer_id is not None:
        return "u.id = %s", [ref.customer_id]
    if ref.email is not None:
        # Matches the case-insensitive unique index on LOWER(email).
        return "LOWER(u.email) = %s", [ref.email.strip().lower()]
    return _by_external_id(), [system_id, ref.external_id]


def consent_check(*, system_id: int, ref: CustomerRef, purpose_key: str, channel_key: str) -> ConsentAnswer:
    """Answer for the customer a system names in ``ref``; raises for an unknown purpose or channel.

    An address is checked against the suppression list when the system names
    the customer by it: an erased customer's account is gone, so their address
    is found only there (and signing up again with it lifts the suppression).
    """
    condition, params = _customer_condition(system_id, ref)
    email_hash = suppression_hash(ref.email) if ref.email is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            _statement(condition), [email_hash, *params, False, False, purpose_key, True, channel_key, True]
        )
        row = cursor.fetchone()
    if row is None:  # say which key is unknown (the error path may take another query)
        purpose_known = Purpose.objects.filter(key=purpose_key, active=True).exists()
        raise UnknownPurposeOrChannel("channel" if purpose_known else "purpose")
    purpose_id, required, default_granted, channel_id, offered, customer_id, state, suppressed = row
    if suppressed:
        return ConsentAnswer(False, Reason.SUPPRESSED, customer_id)
    if customer_id is None:
        return ConsentAnswer(False, Reason.UNKNOWN_CUSTOMER)
    if not offered:
        return ConsentAnswer(False, Reason.CHANNEL_NOT_OFFERED, customer_id)
    cell = ConsentState(
        purpose=_rules(purpose_id, bool(required), bool(default_granted)),
        channel=_channel(channel_id, channel_key),
        record=None if state is None else _record(state),
    )
    return ConsentAnswer(cell.allowed, Reason.GRANTED if cell.allowed else Reason.NOT_GRANTED, customer_id)


# ConsentState only reads these; one instance per distinct value saves building models per request.
@functools.lru_cache(maxsize=256)
def _rules(purpose_id: int, required: bool, default_granted: bool) -> Purpose:
    return Purpose(id=purpose_id, required=required, default_granted=default_granted)


@functools.lru_cache(maxsize=64)
def _channel(channel_id: int, key: str) -> Channel:
    return Channel(id=channel_id, key=key)


@functools.lru_cache(maxsize=8)
def _record(state: str) -> ConsentRecord:
    return ConsentRecord(state=state)
