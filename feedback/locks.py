"""Row locks of the feedback aggregates: each is locked here only, several rows always in pk order."""

from __future__ import annotations

from feedback.models import Thread


def thread_lock(thread_id: int) -> Thread:
    """Lock one thread for a write."""
    return Thread.objects.select_for_update().get(pk=thread_id)


def threads_lock(*thread_ids: int) -> list[Thread]:
    """Lock threads for a write, in pk order: two writers of several threads never wait on each other."""
    return list(Thread.objects.select_for_update().filter(pk__in=thread_ids).order_by("pk"))
