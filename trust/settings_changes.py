"""Change the trust settings and event types (staff edit both in admin).

A change that moves scores or bands (thresholds, scale, alarm rule,
half-lives) starts a full recompute in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trust.configuration import trust_settings
from trust.models import EventType, TrustSettings
from trust.recompute_runs import recompute_start


def _recompute_later(*, reason: str, rebuild: bool) -> None:
    recompute_start(key=f"settings:{timezone.now().isoformat()}", reason=reason, rebuild=rebuild)


def trust_settings_save(*, changed: TrustSettings) -> TrustSettings:
    """Validate and save the settings; recompute every account if scoring changed."""
    changed.full_clean()
    with transaction.atomic():
        current = TrustSettings.objects.select_for_update().filter(pk=1).first()
        changed.pk = 1
        changed.follow_up_cursor = current.follow_up_cursor if current else 0
        changed.save()
        if current is None or any(
            getattr(current, field) != getattr(changed, field) for field in TrustSettings.SCORING_FIELDS
        ):
            # The stored sums do not depend on the settings; the alarm counts depend on the window.
            window_changed = current is None or current.alarm_window_days != changed.alarm_window_days
            _recompute_later(reason="trust settings changed", rebuild=window_changed)
    return changed


def event_type_save(*, event_type: EventType) -> EventType:
    """Validate and save an event type; rebuild every account from the ledger if its half-life changed.

    Points apply to entries booked from now on (entries keep the points they
    were booked with), so a change of points alone needs no recompute.
    """
    event_type.full_clean()
    limit = trust_settings().max_points
    if abs(event_type.points) > limit:
        raise ValidationError(
            {"points": _("Points must lie between -%(limit)s and %(limit)s.") % {"limit": limit}}
        )
    with transaction.atomic():
        before = (
            EventType.objects.select_for_update().filter(pk=event_type.pk).first() if event_type.pk else None
        )
        event_type.save()
        if before is not None and before.half_life_days != event_type.half_life_days:
            _recompute_later(reason=f"half-life of {event_type.key} changed", rebuild=True)
    return event_type
