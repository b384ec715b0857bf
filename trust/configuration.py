"""Read the trust settings (one row; staff change it through ``trust.settings_changes``)."""

from __future__ import annotations

from trust.models import TrustSettings


def trust_settings() -> TrustSettings:
    """Return the settings row, created with the defaults if missing."""
    found, _created = TrustSettings.objects.get_or_create(pk=1)
    return found
