"""The channel's timings as staff set them in admin (one row, defaults from a migration).

Read once per request or operation, where it starts, and handed down to the
services it calls as ``settings=`` (those read it themselves when called
alone): no cache outlives the request, so an admin change counts at once.
"""

from __future__ import annotations

from feedback.models import FeedbackSettings


def feedback_settings(*, lock: bool = False) -> FeedbackSettings:
    """Return the settings row, creating it with the defaults if a test emptied the table.

    ``lock=True`` (inside a transaction) also locks the row: its holder runs alone.
    """
    rows = FeedbackSettings.objects.select_for_update() if lock else FeedbackSettings.objects.all()
    row, _ = rows.get_or_create(pk=FeedbackSettings.SINGLETON_PK)
    return row
