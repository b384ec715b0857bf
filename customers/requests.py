"""Data requests: ask for a copy or an erasure, cancel, extend, and watch the legal deadline.

A request is due one month after it was received (Art. 12(3) GDPR); a
privacy officer may extend that by two further months, with a reason the
customer sees. Every write takes the customer's row lock first (then the
request's), commits with its job or domain event, and refuses with a
readable message instead of writing half.
"""

from __future__ import annotations

import calendar
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from customers.models import DataRequest, User
from customers.notifications import notification_create
from plumbing.events import EventName, event_publish
from plumbing.jobs import job_enqueue

LEGAL_MONTHS = 1
EXTENDED_MONTHS = 3  # one month plus the two further months Art. 12(3) allows


class DataRequestRefused(Exception):
    """A request that cannot be made or changed; the message is for the customer or officer."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def erasure_grace() -> timedelta:
    """How long an erasure waits and can be cancelled (``PORTAL_ERASURE_GRACE_DAYS``, default 14)."""
    return timedelta(days=settings.PORTAL_ERASURE_GRACE_DAYS)


def export_lifetime() -> timedelta:
    """How long an export can be downloaded before it is deleted (``PORTAL_EXPORT_DAYS``, default 7)."""
    return timedelta(days=settings.PORTAL_EXPORT_DAYS)


def months_after(moment: datetime, months: int) -> datetime:
    """Return the same local time ``months`` calendar months later (31 Jan + 1 → 28/29 Feb)."""
    local = timezone.localtime(moment)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def _lock_customer(customer_id: int) -> User:
    """Lock the customer's row: their requests are decided one at a time."""
    return User.objects.select_for_update().get(pk=customer_id)


def data_requests_of(*, customer: User) -> QuerySet[DataRequest]:
    """The customer's requests, newest first."""
    return DataRequest.objects.filter(customer=customer).order_by("-received_at", "-pk")


def data_request_export(*, customer: User) -> DataRequest:
    """Ask for a copy of all of the customer's data; a worker builds the ZIP."""
    with transaction.atomic():
        _lock_customer(customer.pk)
        if DataRequest.objects.filter(
            customer=customer, kind=DataRequest.Kind.EXPORT, status__in=DataRequest.OPEN
        ).exists():
            raise DataRequestRefused(
                _("You have already asked for a copy of your data. We are preparing it."),
                code="already_open",
            )
        now = timezone.now()
        request = DataRequest.objects.create(
            customer=customer,
            kind=DataRequest.Kind.EXPORT,
            received_at=now,
            due_at=months_after(now, LEGAL_MONTHS),
            download_token=secrets.token_urlsafe(32),
        )
        job_enqueue(task="customers.build_export", args=[request.pk], key=f"export:{request.pk}")
    return request


def data_request_erasure(*, customer: User) -> DataRequest:
    """Schedule the erasure of the customer after the grace period (re-authentication is the caller's).

    The erasure job waits in the outbox until the grace period ends; a
    cancelled request makes it a no-op.
    """
    if customer.is_staff:
        raise DataRequestRefused(
            _("Staff accounts are closed by an administrator, not through the privacy center."),
            code="staff",
        )
    with transaction.atomic():
        _lock_customer(customer.pk)
        if DataRequest.objects.filter(
            customer=customer, kind=DataRequest.Kind.ERASURE, status__in=DataRequest.OPEN
        ).exists():
            raise DataRequestRefused(_("You have already asked us to erase your data."), code="already_open")
        now = timezone.now()
        request = DataRequest.objects.create(
            customer=customer,
            kind=DataRequest.Kind.ERASURE,
            status=DataRequest.Status.SCHEDULED,
            received_at=now,
            due_at=months_after(now, LEGAL_MONTHS),
            erase_after=now + erasure_grace(),
        )
        event_publish(
            name=EventName.ERASURE_REQUESTED,
            customer_id=customer.pk,
            key=f"data_request:{request.pk}:erasure_requested",
            about=request,
            payload={"request_id": request.pk},
            occurred_at=now,
        )
        job_enqueue(
            task="customers.erase_customer",
            args=[request.pk],
            key=f"erasure:{request.pk}",
            run_after=request.erase_after,
        )
    return request


def data_request_cancel(*, customer: User, request_id: int) -> DataRequest:
    """Cancel a scheduled erasure during its grace period.

    Refuses with ``unknown`` an id that is not one of the customer's requests
    (another customer's is unknown too), and with ``not_cancellable`` one of
    theirs that is not a scheduled erasure (any more).
    """
    with transaction.atomic():
        _lock_customer(customer.pk)
        cancelled = DataRequest.objects.filter(
            pk=request_id,
            customer=customer,
            kind=DataRequest.Kind.ERASURE,
            status=DataRequest.Status.SCHEDULED,
        ).update(status=DataRequest.Status.CANCELLED, cancelled_at=timezone.now())
        if cancelled != 1:
            if not DataRequest.objects.filter(pk=request_id, customer=customer).exists():
                raise DataRequestRefused(_("There is no such request."), code="unknown")
            raise DataRequestRefused(_("This request can no longer be cancelled."), code="not_cancellable")
    return DataRequest.objects.get(pk=request_id)


def data_request_extend(*, request_id: int, reason: str) -> DataRequest:
    """Extend an open request's due date by two months, telling the customer why."""
    reason = reason.strip()
    if not reason:
        raise DataRequestRefused(_("An extension needs a reason the customer can read."), code="reason")
    request = DataRequest.objects.filter(pk=request_id).first()
    if request is None or request.customer_id is None:
        raise DataRequestRefused(_("This request no longer exists."), code="gone")
    with transaction.atomic():
        customer = _lock_customer(request.customer_id)
        extended = DataRequest.objects.filter(
            pk=request_id, status__in=DataRequest.OPEN, extended_at__isnull=True
        ).update(
            due_at=months_after(request.received_at, EXTENDED_MONTHS),
            extended_at=timezone.now(),
            extension_reason=reason,
            overdue_at=None,
        )
        if extended != 1:
            raise DataRequestRefused(
                _("Only an open request that was not extended yet can be extended."), code="not_extendable"
            )
        request.refresh_from_db()
        notification_create(
            customer=customer,
            key=f"data_request:{request.pk}:extended",
            title=lambda: _("We need more time for your request"),
            body=lambda: (
                _("New due date: %(date)s. Reason: %(reason)s")
                % {"date": date_format(timezone.localtime(request.due_at), "DATE_FORMAT"), "reason": reason}
            ),
            url=reverse("customers:data_requests"),
        )
    return request


def data_requests_flag_overdue() -> int:
    """Announce each open request that passed its due date, once per due date; return how many."""
    now = timezone.now()
    flagged = 0
    overdue = DataRequest.objects.filter(
        status__in=DataRequest.OPEN, due_at__lt=now, overdue_at__isnull=True, customer__isnull=False
    ).order_by("pk")
    for request in overdue:
        with transaction.atomic():
            # Re-checked in the claim: a request completed or erased since the scan is not overdue.
            claimed = DataRequest.objects.filter(
                pk=request.pk, overdue_at__isnull=True, status__in=DataRequest.OPEN, customer__isnull=False
            ).update(overdue_at=now)
            if claimed != 1 or request.customer_id is None:
                continue
            event_publish(
                name=EventName.DATA_REQUEST_OVERDUE,
                customer_id=request.customer_id,
                key=f"data_request:{request.pk}:overdue:{request.due_at:%Y%m%d}",
                about=request,
                payload={"request_id": request.pk, "kind": request.kind},
                occurred_at=now,
            )
            flagged += 1
    return flagged
