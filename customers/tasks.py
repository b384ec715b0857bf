"""Tasks of the customers app: each takes ids, re-reads its rows and is safe to run twice."""

from celery import shared_task
from django.urls import reverse

from customers import erasure, exports, incidents, requests
from customers.links import absolute, consent_confirm_url
from customers.mailing import mail_send
from customers.models import ConsentRecord, DataRequest


@shared_task(name="customers.send_consent_confirmation")
def send_consent_confirmation(record_id: int) -> None:
    """Mail the double opt-in link for a pending consent (once per record)."""
    record = (
        ConsentRecord.objects.select_related("customer", "purpose_version", "channel")
        .filter(pk=record_id, state=ConsentRecord.State.PENDING)
        .first()
    )
    if record is None:
        return
    mail_send(
        key=f"consent-confirm:{record.pk}",
        customer=record.customer,
        template="customers/mail/consent_confirm",
        context={"record": record, "confirm_url": consent_confirm_url(record_id=record.pk)},
    )


@shared_task(name="customers.build_export")
def build_export(request_id: int) -> None:
    """Build the ZIP of a requested copy of a customer's data (a no-op once delivered)."""
    exports.export_build(request_id=request_id)


@shared_task(name="customers.send_export_ready")
def send_export_ready(request_id: int) -> None:
    """Tell the customer by mail that their copy is ready (transactional, once per request)."""
    request = (
        DataRequest.objects.select_related("customer")
        .filter(pk=request_id, kind=DataRequest.Kind.EXPORT, status=DataRequest.Status.COMPLETED)
        .first()
    )
    if request is None or request.customer is None:
        return
    mail_send(
        key=f"export-ready:{request.pk}",
        customer=request.customer,
        template="customers/mail/export_ready",
        context={"request": request, "requests_url": absolute(reverse("customers:data_requests"))},
    )


@shared_task(name="customers.erase_customer")
def erase_customer(request_id: int) -> None:
    """Erase the customer of a scheduled erasure once its grace period is over."""
    erasure.erasure_run(request_id=request_id)


@shared_task(name="customers.notify_incident")
def notify_incident(incident_id: int) -> int:
    """Mail the legal notice of a declared incident to every affected customer not mailed yet."""
    return incidents.incident_notify(incident_id=incident_id)


@shared_task(name="customers.purge_exports", expires=3000)
def purge_exports() -> int:
    """Delete the exports whose download link expired."""
    return exports.exports_purge()


@shared_task(name="customers.flag_overdue_requests", expires=3000)
def flag_overdue_requests() -> int:
    """Announce the data requests that passed their legal due date."""
    return requests.data_requests_flag_overdue()
