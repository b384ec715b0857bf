"""What the trust app tells others: a band changed, a follow-up was opened (domain events).

Published in the transaction that makes the change, through the event
outbox; the API turns them into the webhooks ``band.changed`` and
``followup.created``. Each fact has one key, so announcing it again does
nothing: a re-evaluation that changes nothing announces nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from plumbing.event_sets import events_publish_select, sql_json_object
from plumbing.events import EventName, event_publish
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
    payload = sql_json_object({"band": "c.band", "previous_band": "c.prev_band"})
    rows = (
        "SELECT c.customer_id AS customer_id, "  # noqa: S608 (a table name of ours)
        "'trust.band_changed:' || CAST(c.customer_id AS TEXT) || ':recompute:' || %s AS key, "
        f"c.customer_id AS about_id, {payload} AS payload FROM {changed_table} c WHERE c.band <> c.prev_band"
    )
    return events_publish_select(
        name=EventName.TRUST_BAND_CHANGED, rows=rows, params=[now.isoformat()], about=Account, occurred_at=now
    )


def followups_created_announce_set(*, opened_at: datetime, customer_ids_table: str) -> int:
    """Announce the follow-ups a set-based run opened at ``opened_at`` for the customers in a table."""
    payload = sql_json_object({"followup_id": "f.id", "reason": "f.reason"})
    rows = (
        "SELECT f.customer_id AS customer_id, "  # noqa: S608 (a table name of ours)
        "'trust.followup_created:' || CAST(f.id AS TEXT) AS key, f.id AS about_id, "
        f"{payload} AS payload FROM trust_followup f "
        "WHERE f.opened_at = %s AND f.triggers = 1 AND f.status = 'open' "
        f"AND f.customer_id IN (SELECT customer_id FROM {customer_ids_table})"
    )
    return events_publish_select(
        name=EventName.TRUST_FOLLOWUP_CREATED,
        rows=rows,
        params=[connection.ops.adapt_datetimefield_value(opened_at)],
        about=FollowUp,
        occurred_at=opened_at,
    )
