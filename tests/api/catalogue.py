"""Purposes and channels for tests whose database starts empty (the service lane flushes seeded rows)."""

from __future__ import annotations

from typing import Any

from customers.models import Channel, Purpose
from customers.purposes import purpose_save


def consent_catalogue() -> None:
    """Create email and sms, a required purpose, a marketing one and a plain consent one (if missing)."""
    email, _ = Channel.objects.get_or_create(key="email", defaults={"name_en": "Email", "name_de": "E-Mail"})
    sms, _ = Channel.objects.get_or_create(
        key="sms", defaults={"name_en": "SMS", "name_de": "SMS", "order": 1}
    )
    specs: list[tuple[str, dict[str, Any], list[Channel]]] = [
        ("service", {"legal_basis": "contract", "required": True, "default_granted": True}, [email]),
        ("newsletter", {"legal_basis": "consent", "is_marketing": True}, [email, sms]),
        ("surveys", {"legal_basis": "consent"}, [email]),
    ]
    for key, rules, channels in specs:
        if Purpose.objects.filter(key=key).exists():
            continue
        purpose = Purpose(
            key=key,
            title_en=key.title(),
            title_de=key.title(),
            description_en=f"About {key}.",
            description_de=f"Über {key}.",
            required_reason_en="Needed." if rules.get("required") else "",
            required_reason_de="Nötig." if rules.get("required") else "",
            **rules,
        )
        purpose_save(purpose=purpose)
        purpose.channels.set(channels)
