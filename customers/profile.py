"""Rectification: the customer corrects their own profile."""

from __future__ import annotations

from django.conf import settings

from customers.models import User
from customers.models.users import time_zones


def profile_update(
    *, customer: User, full_name: str, language: str, time_zone: str | None = None
) -> list[str]:
    """Change the customer's name, language and time zone (None: keep it); return what changed."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if time_zone and time_zone not in time_zones():
        raise ValueError(f"unknown time zone {time_zone!r}")
    changed = []
    full_name = " ".join(full_name.split())
    if customer.full_name != full_name:
        customer.full_name = full_name
        changed.append("full_name")
    if customer.language != language:
        customer.language = language
        changed.append("language")
    if time_zone is not None and customer.time_zone != time_zone:
        customer.time_zone = time_zone
        changed.append("time_zone")
    if changed:
        customer.save(update_fields=changed)
    return changed
