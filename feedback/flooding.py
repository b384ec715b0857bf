"""Protection against flooding: how much one customer may write per hour.

Counted in the database, not a cache: every process sees the same numbers,
and the count is of what was actually saved.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import User
from feedback.models import FeedbackSettings, Idea, IdeaComment, Message, Thread
from feedback.refusals import Flooded
from feedback.staff_settings import feedback_settings

WINDOW = timedelta(hours=1)
REPLIES_PER_HOUR = 30
IDEAS_PER_HOUR = 5
COMMENTS_PER_HOUR = 20


class Writing(StrEnum):
    THREAD = "thread"
    REPLY = "reply"
    IDEA = "idea"
    COMMENT = "comment"


def flood_check(
    *, customer: User, what: Writing, now: datetime | None = None, settings: FeedbackSettings | None = None
) -> None:
    """Raise :class:`Flooded` if the customer already wrote the hour's maximum of ``what``."""
    if customer.is_staff:
        return
    since = (now or timezone.now()) - WINDOW
    if what is Writing.THREAD:
        limit = (settings or feedback_settings()).threads_per_hour
        written = Thread.objects.filter(customer=customer, created_at__gt=since).count()
    elif what is Writing.REPLY:
        limit = REPLIES_PER_HOUR
        written = Message.objects.filter(author=customer, from_staff=False, created_at__gt=since).count()
    elif what is Writing.IDEA:
        limit = IDEAS_PER_HOUR
        written = Idea.objects.filter(author=customer, created_at__gt=since).count()
    else:
        limit = COMMENTS_PER_HOUR
        written = IdeaComment.objects.filter(author=customer, created_at__gt=since).count()
    if written >= limit:
        raise Flooded(
            _(
                "You have sent a lot in the last hour (at most %(limit)d). "
                "Please wait a while and try again; nothing was saved."
            )
            % {"limit": limit},
            code="flooded",
        )
