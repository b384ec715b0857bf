"""Proof of consent for the customer: the full history, and a consent receipt to keep.

The receipt follows the Kantara Initiative's Consent Receipt Specification
(v1.1): receipt id, timestamp, collection method, controller, and per
purpose the consent type, state and the exact text version consented to.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from customers.consents import ConsentMatrix, consent_matrix
from customers.links import absolute
from customers.models import ConsentRecord, Purpose, User

RECEIPT_VERSION = "KI-CR-v1.1.0"


def consent_history(*, customer: User) -> QuerySet[ConsentRecord]:
    """Every consent change of the customer, newest first, with what it needs to be shown."""
    return (
        ConsentRecord.objects.filter(customer=customer)
        .select_related("purpose", "channel", "purpose_version", "actor")
        .order_by("-id")
    )


def _consent_type(purpose: Purpose) -> str:
    return "EXPLICIT" if purpose.legal_basis == Purpose.LegalBasis.CONSENT else "NOT-APPLICABLE"


def consent_receipt(*, customer: User, matrix: ConsentMatrix | None = None) -> dict[str, Any]:
    """Return the customer's consent receipt: the current state of every purpose, with its proof."""
    matrix = matrix or consent_matrix(customer=customer)
    now = timezone.now()
    newest = max(
        (state.record for state in matrix.states() if state.record is not None),
        key=lambda record: record.pk,
        default=None,
    )
    purposes = []
    for row in matrix.rows:
        purpose = row.purpose
        channels = []
        for state in row.states:
            record = state.record
            channels.append(
                {
                    "channel": state.channel.key,
                    "state": state.state,
                    "since": record.created_at.isoformat() if record else None,
                    "collectionMethod": record.get_source_display() if record else None,
                    "textVersion": record.purpose_version.version if record else purpose.version,
                    "recordId": record.pk if record else None,
                }
            )
        purposes.append(
            {
                "purpose": purpose.title,
                "purposeCategory": [purpose.key],
                "consentType": _consent_type(purpose),
                "legalBasis": purpose.legal_basis,
                "primaryPurpose": purpose.required,
                "termination": absolute(reverse("customers:privacy_center")),
                "thirdPartyDisclosure": purpose.is_sale_sharing,
                "textVersion": purpose.version,
                "channels": channels,
            }
        )
    return {
        "version": RECEIPT_VERSION,
        "jurisdiction": "EU (GDPR)",
        "consentTimestamp": int(now.timestamp()),
        "consentReceiptID": str(uuid.uuid4()),
        "collectionMethod": newest.get_source_display() if newest else "privacy center",
        "language": customer.language or settings.LANGUAGE_CODE,
        "piiPrincipalId": customer.email,
        "piiControllers": [
            {
                "piiController": settings.PORTAL_CONTROLLER_NAME,
                "contact": settings.PORTAL_CONTROLLER_CONTACT,
                "email": settings.PORTAL_CONTROLLER_CONTACT,
                "onBehalf": False,
            }
        ],
        "policyUrl": absolute(reverse("customers:data_overview")),
        "services": [{"service": settings.PORTAL_CONTROLLER_NAME, "purposes": purposes}],
        "sensitive": False,
        "spiCat": [],
    }


def consent_receipt_response(*, customer: User) -> HttpResponse:
    """The receipt as an uncached JSON download: the same file from the privacy center and the API."""
    receipt = consent_receipt(customer=customer)
    response = HttpResponse(
        json.dumps(receipt, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="consent-receipt-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response
