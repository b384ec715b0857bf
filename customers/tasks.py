"""Tasks of the customers app: each takes ids, re-reads its rows and is safe to run twice."""

from celery import shared_task

from customers.links import consent_confirm_url
from customers.mailing import mail_send
from customers.models import ConsentRecord


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
