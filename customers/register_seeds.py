"""Data-migration helpers: each app describes its own data in the processing register.

An app that registers a personal-data source also seeds the register entries
describing it (privacy officers edit them afterwards), through these two
functions, so every app's migration does it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps.registry import Apps


def processing_activities_seed(apps: Apps, entries: Iterable[dict[str, Any]]) -> None:
    """Create the register entries whose source is not described yet (staff edits are kept)."""
    ProcessingActivity = apps.get_model("customers", "ProcessingActivity")
    for entry in entries:
        if not ProcessingActivity.objects.filter(source_key=entry["source_key"]).exists():
            ProcessingActivity.objects.create(**entry)


def processing_activities_unseed(apps: Apps, entries: Iterable[dict[str, Any]]) -> None:
    """Remove the entries a migration seeded (its reverse)."""
    apps.get_model("customers", "ProcessingActivity").objects.filter(
        source_key__in=[entry["source_key"] for entry in entries]
    ).delete()
