"""Which event types a system may book: those staff opened to integrations, narrowed per API key."""

from __future__ import annotations

from django.utils.translation import gettext as _

from api.models import ApiKey
from api.problems import Problem
from trust.models import EventType


def may_book(key: ApiKey, types: list[str]) -> None:
    """Refuse (403) a booking of an event type integrations, or this key, may not book.

    Unknown types are left to the booking, which names them in a 400.
    """
    bookable = dict(EventType.objects.filter(key__in=set(types)).values_list("key", "api_bookable"))
    narrowed = set(key.event_types.values_list("key", flat=True))
    refused = sorted(
        name
        for name, open_to_systems in bookable.items()
        if not open_to_systems or (narrowed and name not in narrowed)
    )
    if refused:
        raise Problem(
            _(
                "This API key may not book the event type %(types)s; "
                "staff decide which types systems may book."
            )
            % {"types": ", ".join(f"“{name}”" for name in refused)},
            problem="forbidden",
        )
