"""One submission, one record: the same feedback, reply, idea or comment sent again within a few
minutes (a double click, a browser retry, a second tab) returns the first instead of a second.

The caller holds the lock that serialises such writes (the customer's row for new threads
and ideas, the thread for replies, the idea for comments) and asks here before it checks the
flood limit, so two identical requests at once find each other and the repeat counts for
nothing. The second request then gets the same answer as the first (the same redirect).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F

from customers.models import User
from feedback.models import Idea, IdeaComment, Message, Thread, Topic

RESUBMIT_WINDOW = timedelta(minutes=10)


def thread_resubmitted(*, customer: User, kind: str, topic: Topic, text: str, now: datetime) -> Thread | None:
    """The customer's thread of the last minutes that began with this very text, if any."""
    first = (
        Message.objects.filter(
            author=customer,
            text=text,
            created_at__gte=now - RESUBMIT_WINDOW,
            created_at=F("thread__created_at"),
            thread__customer=customer,
            thread__kind=kind,
            thread__topic=topic,
        )
        .select_related("thread")
        .order_by("pk")
        .first()
    )
    return first.thread if first is not None else None


def reply_resubmitted(
    *, thread: Thread, author: User, text: str, internal: bool, now: datetime
) -> Message | None:
    return (
        Message.objects.filter(
            thread=thread, author=author, text=text, internal=internal, created_at__gte=now - RESUBMIT_WINDOW
        )
        .order_by("pk")
        .first()
    )


def idea_resubmitted(*, author: User, title: str, description: str, now: datetime) -> Idea | None:
    return (
        Idea.objects.filter(
            author=author, title=title, description=description, created_at__gte=now - RESUBMIT_WINDOW
        )
        .order_by("pk")
        .first()
    )


def comment_resubmitted(*, idea: Idea, author: User, text: str, now: datetime) -> IdeaComment | None:
    return (
        IdeaComment.objects.filter(idea=idea, author=author, text=text, created_at__gte=now - RESUBMIT_WINDOW)
        .order_by("pk")
        .first()
    )
