"""What the API keeps about a customer, for the privacy center's overview, export and erasure."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from api.models import ExternalId, PersonalToken, WebhookDelivery
from customers.models import User
from plumbing.personal_data_registry import PersonalDataSource, personal_data_register


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _external_ids(customer: User) -> list[dict[str, Any]]:
    return [
        {
            "system": external.system.name,
            "external_id": external.value,
            "updated_at": _iso(external.updated_at),
        }
        for external in ExternalId.objects.filter(customer=customer).select_related("system").order_by("pk")
    ]


def _tokens(customer: User) -> list[dict[str, Any]]:
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": _iso(token.created_at),
            "last_used_at": _iso(token.last_used_at),
            "revoked_at": _iso(token.revoked_at),
        }
        for token in PersonalToken.objects.filter(customer=customer).order_by("pk")
    ]


def _deliveries(customer: User) -> list[dict[str, Any]]:
    return [
        {
            "system": delivery.endpoint.system.name,
            "event": delivery.event,
            "created_at": _iso(delivery.created_at),
            "delivered_at": _iso(delivery.delivered_at),
            "payload": delivery.payload,
        }
        for delivery in WebhookDelivery.objects.filter(customer=customer)
        .select_related("endpoint__system")
        .order_by("pk")
    ]


def _external_ids_erase(customer: User) -> None:
    ExternalId.objects.filter(customer=customer).delete()


def _tokens_erase(customer: User) -> None:
    PersonalToken.objects.filter(customer=customer).delete()


def _deliveries_erase(customer: User) -> None:
    WebhookDelivery.objects.filter(customer=customer).delete()


def personal_data_connect() -> None:
    """Register the API's personal data (called from the app's ready())."""
    personal_data_register(
        PersonalDataSource(
            key="external_ids",
            label=_("Ids other systems of the company know you by"),
            explanation=_(
                "system: the company's system (shop, call center...); external_id: your number there; "
                "updated_at: when it was last stored."
            ),
            count=lambda customer: ExternalId.objects.filter(customer=customer).count(),
            export=_external_ids,
            erase=_external_ids_erase,
            order=80,
        )
    )
    personal_data_register(
        PersonalDataSource(
            key="api_tokens",
            label=_("Your API tokens"),
            explanation=_(
                "name: the name you gave the token; prefix: its public start; created_at, last_used_at, "
                "revoked_at: when. The secret itself is never stored."
            ),
            count=lambda customer: PersonalToken.objects.filter(customer=customer).count(),
            export=_tokens,
            erase=_tokens_erase,
            order=81,
        )
    )
    personal_data_register(
        PersonalDataSource(
            key="webhook_deliveries",
            label=_("Notices about you sent to other systems of the company"),
            explanation=_(
                "system: who was told; event: what happened (e.g. consent.withdrawn); created_at, "
                "delivered_at: when; payload: exactly what was sent."
            ),
            count=lambda customer: WebhookDelivery.objects.filter(customer=customer).count(),
            export=_deliveries,
            erase=_deliveries_erase,
            order=82,
        )
    )
