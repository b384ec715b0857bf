"""Where a customer's personal data lives, app by app.

Every app that stores data about a customer registers a
:class:`PersonalDataSource` in its ``AppConfig.ready()``. The privacy
center uses the registry for all three of its data rights, so no app's data
can be forgotten by one of them and the privacy center never imports the apps:

- *what we hold* (``/privacy/data/``) shows each source's label and count,
  and the stored values themselves where the source offers ``values``;
- the *export* writes one ``<key>.json`` per source, and explains its fields
  in the ZIP's README.txt;
- the *erasure* calls each source's ``erase`` inside the erasure's
  transaction, before the user row is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

# A customers.models.User (the plumbing imports no app).
Customer = Any


@dataclass(frozen=True)
class PersonalDataSource:
    key: str  # file name in the export: <key>.json
    label: str | Promise  # shown to the customer
    explanation: str | Promise  # what the fields mean, for the export's README.txt
    count: Callable[[Customer], int]
    export: Callable[[Customer], Any]  # JSON-serialisable
    erase: Callable[[Customer], None]  # delete or anonymise; runs inside the erasure transaction
    order: int = 100
    # Optional: a few stored values, labelled, shown on /privacy/data/ (e.g. the profile's fields).
    values: Callable[[Customer], list[tuple[str, Any]]] | None = None


_sources: dict[str, PersonalDataSource] = {}


def personal_data_register(source: PersonalDataSource) -> None:
    """Add (or replace) a source of personal data."""
    _sources[source.key] = source


def personal_data_sources() -> list[PersonalDataSource]:
    """All registered sources, in order."""
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))
