"""The consent check: "may we contact this customer about this purpose on this channel?"

Answered from the current state by the privacy center's own services
(``consent_allows``, ``address_suppressed``), so a system asking the API and
the portal's own mailings can never disagree. "No" is the safe answer: an
unknown customer, an erased (suppressed) address and a channel the purpose
is not offered on all answer no.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from customers.consents import address_suppressed, consent_allows
from customers.models import Channel, Purpose, User
from portal.api.external_ids import CustomerRef


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


def _purpose_offered_on(purpose_key: str, channel_key: str) -> bool:
    """Whether the active purpose is offered on the active channel; raises for unknown keys."""
    offered = (
        Purpose.objects.filter(key=purpose_key, active=True)
        .annotate(
            offered=Exists(
                Purpose.channels.through.objects.filter(
                    purpose_id=OuterRef("pk"), channel__key=channel_key, channel__active=True
                )
            )
        )
        .values_list("offered", flat=True)
        .first()
    )
    if offered is None:
        raise UnknownPurposeOrChannel("purpose")
    if not offered and not Channel.objects.filter(key=channel_key, active=True).exists():
        raise UnknownPurposeOrChannel("channel")
    return bool(offered)


def consent_check(
    *, customer: User | None, ref: CustomerRef, purpose_key: str, channel_key: str
) -> ConsentAnswer:
    """Answer the check for a customer found from ``ref`` (None: nobody was found)."""
    offered = _purpose_offered_on(purpose_key, channel_key)
    email = customer.email if customer is not None else ref.email
    if email is not None and address_suppressed(email):
        return ConsentAnswer(False, Reason.SUPPRESSED)
    if customer is None:
        return ConsentAnswer(False, Reason.UNKNOWN_CUSTOMER)
    if not offered:
        return ConsentAnswer(False, Reason.CHANNEL_NOT_OFFERED)
    if consent_allows(customer_id=customer.pk, purpose_key=purpose_key, channel_key=channel_key):
        return ConsentAnswer(True, Reason.GRANTED)
    return ConsentAnswer(False, Reason.NOT_GRANTED)
