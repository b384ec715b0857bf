"""What we hold about you: the processing register next to the customer's actual data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from customers.models import ProcessingActivity, User
from plumbing.personal_data_registry import personal_data_sources


@dataclass
class DataArea:
    """One area of data: what the register says about it, and what is stored about this customer."""

    key: str
    label: str | Promise
    count: int | None
    values: list[tuple[str, Any]]
    entries: list[ProcessingActivity] = field(default_factory=list)


def data_overview(*, customer: User) -> list[DataArea]:
    """Return every registered data source with its register entries, count and values.

    Register entries that name no registered source (an app not installed,
    or a register kept ahead of the code) are shown too, without values.
    """
    entries = list(ProcessingActivity.objects.filter(active=True))
    areas = []
    for source in personal_data_sources():
        areas.append(
            DataArea(
                key=source.key,
                label=source.label,
                count=source.count(customer),
                values=source.values(customer) if source.values else [],
                entries=[entry for entry in entries if entry.source_key == source.key],
            )
        )
    known = {area.key for area in areas}
    for entry in entries:
        if entry.source_key not in known:
            areas.append(
                DataArea(key=entry.source_key, label=entry.category, count=None, values=[], entries=[entry])
            )
    return areas
