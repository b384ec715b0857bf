"""External ids: the number a system knows a customer by, one per system and customer.

Also how a system finds a customer: by the portal's id, by email address or
by its own external id. Only customers are found, never staff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ExternalId, System
from customers.models import User


class ExternalIdTaken(Exception):
    """The system already uses this external id for another customer."""

    def __init__(self) -> None:
        super().__init__(_("This external id already belongs to another customer of this system."))


@dataclass(frozen=True)
class CustomerRef:
    """How a system names a customer in a request: exactly one of the three."""

    customer_id: int | None = None
    email: str | None = None
    external_id: str | None = None


def customer_find(*, system: System, ref: CustomerRef) -> User | None:
    """Return the customer a system means, or None (unknown, or not a customer)."""
    customers = User.objects.customers()
    if ref.customer_id is not None:
        return customers.filter(pk=ref.customer_id).first()
    if ref.email is not None:
        # Matches the case-insensitive unique index on LOWER(email).
        return (
            customers.alias(email_lower=Lower("email")).filter(email_lower=ref.email.strip().lower()).first()
        )
    if ref.external_id is not None:
        return customers.filter(external_ids__system=system, external_ids__value=ref.external_id).first()
    return None


def customers_find_many(*, system: System, refs: Sequence[CustomerRef]) -> list[int | None]:
    """The customer id each ref means (None where unknown): three queries at most, for any number."""
    customers = User.objects.customers()
    ids = {ref.customer_id for ref in refs if ref.customer_id is not None}
    emails = {ref.email.strip().lower() for ref in refs if ref.email is not None}
    externals = {ref.external_id for ref in refs if ref.external_id is not None}
    known_ids = set(customers.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    by_email: dict[str, int] = (
        dict(
            customers.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .values_list("email_lower", "pk")
        )
        if emails
        else {}
    )
    by_external: dict[str, int] = (
        dict(
            ExternalId.objects.filter(system=system, value__in=externals, customer__in=customers).values_list(
                "value", "customer_id"
            )
        )
        if externals
        else {}
    )
    found: list[int | None] = []
    for ref in refs:
        if ref.customer_id is not None:
            found.append(ref.customer_id if ref.customer_id in known_ids else None)
        elif ref.email is not None:
            found.append(by_email.get(ref.email.strip().lower()))
        elif ref.external_id is not None:
            found.append(by_external.get(ref.external_id))
        else:
            found.append(None)
    return found


def external_id_of(*, system: System, customer: User) -> str | None:
    return ExternalId.objects.filter(system=system, customer=customer).values_list("value", flat=True).first()


def external_id_store(*, system: System, customer: User, value: str) -> ExternalId:
    """Store (or replace) the system's external id for the customer."""
    if ExternalId.objects.filter(system=system, value=value).exclude(customer=customer).exists():
        raise ExternalIdTaken()
    try:
        with transaction.atomic():
            external, _created = ExternalId.objects.update_or_create(
                system=system, customer=customer, defaults={"value": value, "updated_at": timezone.now()}
            )
    except IntegrityError:
        raise ExternalIdTaken() from None  # taken by a concurrent request meanwhile
    return external


def external_id_remove(*, system: System, customer: User) -> bool:
    """Forget the system's external id for the customer; False if there was none."""
    deleted, _by_model = ExternalId.objects.filter(system=system, customer=customer).delete()
    return bool(deleted)
