"""Erasure: when the grace period ends, everything about the customer goes, in one transaction.

Every registered personal-data source erases (deletes or anonymises) its
part (the profile's ends every session), the address is kept only as a hash so it is never contacted again,
the user row is deleted, and the request itself stays as the non-personal
record that an erasure happened (what was erased, counted per source).
"""

from __future__ import annotations

from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import connection, transaction
from django.utils import timezone

from customers.exports import export_path
from customers.models import DataRequest, Suppression, User
from customers.suppression import suppression_hash
from plumbing.personal_data_registry import personal_data_sources

# The consent records' guard trigger (PostgreSQL) lets rows go only while this is on.
ERASURE_FLAG = "customers.erasure"


def erasure_allow_consent_deletion() -> None:
    """Tell the consent records' guard trigger that this transaction is an erasure."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [ERASURE_FLAG])


def erasure_run(*, request_id: int) -> bool:
    """Erase the customer of a scheduled erasure whose grace period is over; return whether it ran.

    A cancelled, finished or not yet due request makes it a no-op, so the
    job may run any number of times.
    """
    pending = DataRequest.objects.filter(
        pk=request_id,
        kind=DataRequest.Kind.ERASURE,
        status=DataRequest.Status.SCHEDULED,
        erase_after__lte=timezone.now(),
        customer__isnull=False,
    ).first()
    if pending is None or pending.customer_id is None:
        return False
    files: list[Path] = []
    with transaction.atomic():
        customer = User.objects.select_for_update().filter(pk=pending.customer_id).first()
        request = DataRequest.objects.select_for_update().filter(pk=request_id).first()
        if customer is None or request is None or request.status != DataRequest.Status.SCHEDULED:
            return False
        erasure_allow_consent_deletion()
        files = [
            export_path(export)
            for export in DataRequest.objects.filter(customer=customer, kind=DataRequest.Kind.EXPORT)
            if export.file_name
        ]
        addresses = {
            customer.email,
            *EmailAddress.objects.filter(user=customer).values_list("email", flat=True),
        }
        counts: dict[str, int] = {}
        for source in personal_data_sources():
            counts[source.key] = source.count(customer)
            source.erase(customer)
        for address in sorted(addresses):
            Suppression.objects.get_or_create(email_hash=suppression_hash(address))
        now = timezone.now()
        DataRequest.objects.filter(customer=customer, kind=DataRequest.Kind.EXPORT).exclude(
            file_name=""
        ).update(file_name="", file_deleted_at=now)
        # Nothing is left to send or to answer: other open requests end with the customer.
        DataRequest.objects.filter(customer=customer, status__in=DataRequest.OPEN).exclude(
            pk=request.pk
        ).update(status=DataRequest.Status.CANCELLED, cancelled_at=now)
        DataRequest.objects.filter(pk=request.pk).update(
            status=DataRequest.Status.COMPLETED, completed_at=now, erased_counts=counts
        )
        customer.delete()  # the requests stay, unlinked: customer becomes NULL

        def delete_files() -> None:
            for path in files:
                path.unlink(missing_ok=True)

        transaction.on_commit(delete_files)
    return True
