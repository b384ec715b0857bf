"""The channel's timings as staff set them in admin (one row, defaults from a migration)."""

from __future__ import annotations

from feedback.models import FeedbackSettings


def feedback_settings() -> FeedbackSettings:
    """Return the settings row, creating it with the defaults if a test emptied the table."""
    row, _ = FeedbackSettings.objects.get_or_create(pk=FeedbackSettings.SINGLETON_PK)
    return row
