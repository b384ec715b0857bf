"""Row locks of the feedback aggregates: each is locked here only, several rows always in pk order."""

from __future__ import annotations

from customers.models import User
from feedback.models import Idea, Thread


def writer_lock(person: User) -> None:
    """Lock a customer's row: their new threads and ideas are written one after the other."""
    User.objects.select_for_update().filter(pk=person.pk).first()


def thread_lock(thread_id: int) -> Thread:
    """Lock one thread for a write."""
    return Thread.objects.select_for_update().get(pk=thread_id)


def threads_lock(*thread_ids: int) -> list[Thread]:
    """Lock threads for a write, in pk order: two writers of several threads never wait on each other."""
    return list(Thread.objects.select_for_update().filter(pk__in=thread_ids).order_by("pk"))


def ideas_lock(*idea_ids: int) -> list[Idea]:
    """Lock ideas for a write, in pk order (a merge locks two)."""
    return list(Idea.objects.select_for_update().filter(pk__in=idea_ids).order_by("pk"))
