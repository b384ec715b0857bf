"""What the trust tests of the service lane need, made per test (transactional tests empty the tables)."""

from __future__ import annotations

import importlib

from django.apps import apps

from trust.models import TrustSettings


def trust_world_create(**settings: object) -> TrustSettings:
    """Seed channels, purposes, roles and event types as the migrations do; set trust settings."""
    importlib.import_module("customers.migrations.0002_staff_roles").create_roles(apps, None)
    importlib.import_module("customers.migrations.0004_seed_purposes").seed(apps, None)
    importlib.import_module("trust.migrations.0002_seed_event_types").seed(apps, None)
    importlib.import_module("trust.migrations.0003_staff_roles").grant(apps, None)
    importlib.import_module("trust.migrations.0006_caps_deeds_and_bookable").seed(apps, None)
    found, _ = TrustSettings.objects.update_or_create(pk=1, defaults=settings)
    return found
