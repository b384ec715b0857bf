"""Rectification: the customer corrects their own profile."""

from __future__ import annotations

from django.conf import settings

from customers.models import User


def profile_update(*, customer: User, full_name: str, language: str) -> list[str]:
    """Change the customer's name and language; return the fields that changed."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    changed = []
    full_name = " ".join(full_name.split())
    if customer.full_name != full_name:
        customer.full_name = full_name
        changed.append("full_name")
    if customer.language != language:
        customer.language = language
        changed.append("language")
    if changed:
        customer.save(update_fields=changed)
    return changed
