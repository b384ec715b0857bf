"""Data incidents: declare, name the affected customers, tell each of them once, note the acknowledgement.

A privacy officer drafts an incident in admin and names the affected
customers (a CSV of addresses or an admin action on the customer list).
Declaring it announces ``incident.affected`` per customer and enqueues the
mail job; customers added later are announced and mailed the same way.
Each customer is mailed once (one mail key per notice) and sees the notice
on their privacy center until they acknowledge it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from customers.mailing import mail_send
from customers.models import Incident, IncidentNotice, User
from plumbing.events import EventName, event_publish
from plumbing.jobs import job_enqueue

CHUNK = 500  # ids or addresses per IN (...) list


@dataclass(frozen=True)
class AddressList:
    """The customers a CSV names, and the addresses that name nobody (or are not addresses)."""

    customers: list[User]
    unknown: list[str]


def incident_addresses_read(text: str) -> AddressList:
    """Read addresses from CSV text (the first column; a header line is skipped)."""
    addresses: list[str] = []
    for row in csv.reader(io.StringIO(text)):
        if not row or not row[0].strip():
            continue
        value = row[0].strip().lower()
        if value in {"email", "e-mail", "email address"}:
            continue
        addresses.append(value)
    unique = list(dict.fromkeys(addresses))
    found: dict[str, User] = {}
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        found |= {user.email.lower(): user for user in User.objects.customers().filter(email__in=chunk)}
    unknown = []
    for address in unique:
        try:
            validate_email(address)
        except ValidationError:
            unknown.append(address)
            continue
        if address not in found:
            unknown.append(address)
    return AddressList(customers=[found[a] for a in unique if a in found], unknown=unknown)


def _announce(incident: Incident, notices: Iterable[IncidentNotice]) -> None:
    for notice in notices:
        event_publish(
            name=EventName.INCIDENT_AFFECTED,
            customer_id=notice.customer_id,
            key=f"incident:{incident.pk}:affected:{notice.customer_id}",
            about=incident,
            payload={"incident_id": incident.pk},
            occurred_at=incident.declared_at,
        )
    last = IncidentNotice.objects.filter(incident=incident).aggregate(last=Max("pk"))["last"]
    if last is not None:
        job_enqueue(
            task="customers.notify_incident", args=[incident.pk], key=f"incident:{incident.pk}:notify:{last}"
        )


def _chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def incident_customers_add(*, incident: Incident, customer_ids: Iterable[int]) -> int:
    """Name customers as affected (staff are ignored); return how many were new.

    If the incident is declared already, the new ones are announced and
    mailed. Ids are handled in chunks, so a whole customer base fits.
    """
    ids = sorted(set(customer_ids))
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        incident.refresh_from_db()
        new_ids: list[int] = []
        for chunk in _chunks(ids):
            new_ids += (
                User.objects.customers()
                .filter(pk__in=chunk)
                .exclude(incident_notices__incident=incident)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        IncidentNotice.objects.bulk_create(
            [IncidentNotice(incident=incident, customer_id=pk) for pk in new_ids], batch_size=CHUNK
        )
        if new_ids and incident.declared_at is not None:
            for chunk in _chunks(new_ids):
                _announce(incident, IncidentNotice.objects.filter(incident=incident, customer_id__in=chunk))
    return len(new_ids)


def incident_declare(*, incident_id: int, staff: User) -> bool:
    """Declare a drafted incident: announce it to every affected customer; False if declared already."""
    with transaction.atomic():
        declared = Incident.objects.filter(pk=incident_id, declared_at__isnull=True).update(
            declared_at=timezone.now(), declared_by=staff
        )
        if declared != 1:
            return False
        incident = Incident.objects.get(pk=incident_id)
        _announce(incident, IncidentNotice.objects.filter(incident=incident).order_by("pk"))
    return True


def incident_notify(*, incident_id: int) -> int:
    """Mail every affected customer not mailed yet (a legal notice: no consent needed); return how many."""
    incident = Incident.objects.filter(pk=incident_id, declared_at__isnull=False).first()
    if incident is None:
        return 0
    sent = 0
    notices = (
        IncidentNotice.objects.filter(incident=incident, mailed_at__isnull=True)
        .select_related("customer")
        .order_by("pk")
    )
    for notice in notices.iterator(chunk_size=500):
        mail_send(
            key=f"incident-notice:{notice.pk}",
            customer=notice.customer,
            template="customers/mail/incident_notice",
            context={"incident": incident, "controller_contact": settings.PORTAL_CONTROLLER_CONTACT},
        )
        sent += IncidentNotice.objects.filter(pk=notice.pk, mailed_at__isnull=True).update(
            mailed_at=timezone.now()
        )
    return sent


def incident_notices_open(*, customer: User) -> QuerySet[IncidentNotice]:
    """The declared incidents the customer has not acknowledged yet, newest first."""
    return (
        IncidentNotice.objects.filter(
            customer=customer, incident__declared_at__isnull=False, acknowledged_at__isnull=True
        )
        .select_related("incident")
        .order_by("-incident__declared_at", "-pk")
    )


def incident_notices_of(*, customer: User) -> QuerySet[IncidentNotice]:
    """Every declared incident that affected the customer, acknowledged or not, newest first."""
    return (
        IncidentNotice.objects.filter(customer=customer, incident__declared_at__isnull=False)
        .select_related("incident")
        .order_by("-incident__declared_at")
    )


def incident_acknowledge(*, customer: User, notice_id: int) -> bool:
    """Note that the customer read the notice; False if it was acknowledged already."""
    with transaction.atomic():
        notice = IncidentNotice.objects.filter(
            pk=notice_id, customer=customer, incident__declared_at__isnull=False
        ).first()
        if notice is None:
            raise IncidentNotice.DoesNotExist
        now = timezone.now()
        acknowledged = IncidentNotice.objects.filter(pk=notice.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now
        )
        if acknowledged != 1:
            return False
        event_publish(
            name=EventName.INCIDENT_ACKNOWLEDGED,
            customer_id=customer.pk,
            key=f"incident:{notice.incident_id}:acknowledged:{customer.pk}",
            about=Incident,
            about_id=notice.incident_id,
            payload={"incident_id": notice.incident_id},
            occurred_at=now,
        )
    return True
