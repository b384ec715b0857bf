"""Tasks of the API: each takes ids, re-reads its rows and is safe to run twice."""

from celery import shared_task

from api import idempotency, webhooks


@shared_task(name="api.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str:
    """Send one webhook delivery if it is due (a claim makes a second run a no-op)."""
    return webhooks.webhook_deliver(delivery_id=delivery_id)


@shared_task(name="api.purge_idempotency_records", expires=3600)
def purge_idempotency_records() -> int:
    """Forget stored Idempotency-Key responses older than PORTAL_API_IDEMPOTENCY_HOURS."""
    return idempotency.idempotency_records_purge()
