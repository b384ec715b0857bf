"""What the trust app tells others: a band changed, a follow-up was opened (domain events).

Published in the transaction that makes the change, through the event
outbox; the API turns them into the webhooks ``band.changed`` and
``followup.created``. Each fact has one key, so announcing it again does
nothing: a re-evaluation that changes nothing announces nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from plumbing.events import EventName, NewEvent, event_publish, events_publish_many
from trust.models import Account, FollowUp


def band_change_announce(*, customer_id: int, band: str, previous_band: str, cause: str) -> None:
    """Announce that an account moved from ``previous_band`` to ``band``; ``cause`` makes the key unique."""
    if band == previous_band:
        return
    event_publish(
        name=EventName.TRUST_BAND_CHANGED,
        customer_id=customer_id,
        key=f"trust.band_changed:{customer_id}:{cause}",
        payload={"band": str(band), "previous_band": str(previous_band)},
        about=Account,
        about_id=customer_id,
    )


def followup_created_announce(*, follow_up: FollowUp) -> None:
    """Announce a follow-up that was just opened (once per follow-up)."""
    event_publish(
        name=EventName.TRUST_FOLLOWUP_CREATED,
        customer_id=follow_up.customer_id,
        key=f"trust.followup_created:{follow_up.pk}",
        payload={"followup_id": follow_up.pk, "reason": str(follow_up.reason)},
        about=follow_up,
        occurred_at=follow_up.opened_at,
    )


def band_changes_announce_set(*, changed_table: str, now: datetime) -> int:
    """Announce every band change in ``changed_table`` (customer_id, prev_band, band); set-based writers."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT customer_id, prev_band, band FROM {changed_table} WHERE band <> prev_band"  # noqa: S608 (a table name of ours)
        )
        rows = cursor.fetchall()
    cause = now.isoformat()
    events = [
        NewEvent(
            customer_id,
            f"trust.band_changed:{customer_id}:recompute:{cause}",
            {"band": band, "previous_band": previous_band},
            about_id=customer_id,
        )
        for customer_id, previous_band, band in rows
    ]
    return events_publish_many(
        name=EventName.TRUST_BAND_CHANGED, events=events, about=Account, occurred_at=now
    )


def followups_created_announce_set(*, opened_at: datetime, customer_ids_table: str) -> int:
    """Announce the follow-ups a set-based run opened at ``opened_at`` for the customers in a table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.id, f.customer_id, f.reason FROM trust_followup f "  # noqa: S608 (a table name of ours)
            f"WHERE f.opened_at = %s AND f.triggers = 1 AND f.status = 'open' "
            f"AND f.customer_id IN (SELECT customer_id FROM {customer_ids_table})",
            [connection.ops.adapt_datetimefield_value(opened_at)],
        )
        rows = cursor.fetchall()
    events = [
        NewEvent(
            customer_id, f"trust.followup_created:{pk}", {"followup_id": pk, "reason": reason}, about_id=pk
        )
        for pk, customer_id, reason in rows
    ]
    return events_publish_many(
        name=EventName.TRUST_FOLLOWUP_CREATED, events=events, about=FollowUp, occurred_at=opened_at
    )
