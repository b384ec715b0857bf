"""Worker liveness: every Celery worker node writes a heartbeat row, the sweep and ``/healthz`` read it.

A node's main process starts a thread (the :class:`Heartbeat` bootstep) that
writes its :class:`~plumbing.models.Worker` row at once and then every
``PORTAL_WORKER_HEARTBEAT_SECONDS``, with the ids and names of the tasks the
node is executing (Celery's own record of its active requests, the one
``inspect().active()`` answers from). A node that stops cleanly deletes its
row; a node killed outright stops writing, and after three missed beats it
counts as gone. This works the same on every broker, the embedded one
(which has no broadcast for Celery's remote control) included.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

from celery import bootsteps
from celery.worker import state
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import QuerySet
from django.utils import timezone

from plumbing.models import Worker

logger = logging.getLogger(__name__)

# Missed beats after which a node counts as gone.
MISSED_BEATS = 3


def workers_alive_since(now: datetime | None = None) -> datetime:
    """The moment after which a node must have written its row to count as alive."""
    now = now or timezone.now()
    return now - timedelta(seconds=settings.PORTAL_WORKER_HEARTBEAT_SECONDS * MISSED_BEATS)


def workers_alive(now: datetime | None = None) -> QuerySet[Worker]:
    """The live worker nodes."""
    return Worker.objects.filter(seen_at__gte=workers_alive_since(now))


def workers_running(now: datetime | None = None) -> set[str]:
    """The ids of the tasks the live worker nodes are executing."""
    return {
        str(task.get("id"))
        for running in workers_alive(now).values_list("running", flat=True)
        for task in running
        if isinstance(task, dict)
    }


def workers_purge(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete the rows of nodes not seen for ``older_than`` (killed nodes leave theirs behind)."""
    deleted, _ = Worker.objects.filter(seen_at__lt=timezone.now() - older_than).delete()
    return deleted


def _active_tasks() -> list[dict[str, str]]:
    # list() copies the set in one step under the GIL while the consumer adds to it.
    return [{"id": str(request.id), "task": str(request.name)} for request in list(state.active_requests)]


class _Beat(threading.Thread):
    def __init__(self, *, hostname: str) -> None:
        super().__init__(name="portal-heartbeat", daemon=True)
        self.hostname = hostname
        self.boot = uuid.uuid4().hex
        self.stopping = threading.Event()

    def run(self) -> None:
        interval = settings.PORTAL_WORKER_HEARTBEAT_SECONDS
        try:
            while True:
                self.beat()
                if self.stopping.wait(interval):
                    break
        finally:
            connection.close()

    def beat(self) -> None:
        try:
            # A connection the database dropped (a restart, pg_terminate_backend) is replaced.
            close_old_connections()
            Worker.objects.update_or_create(
                boot=self.boot,
                defaults={
                    "hostname": self.hostname,
                    "pid": os.getpid(),
                    "seen_at": timezone.now(),
                    "running": _active_tasks(),
                },
            )
        except Exception:
            # The next beat tries again; three missed ones let the sweep hand this node's jobs on.
            logger.warning("could not write the heartbeat of worker %s", self.hostname, exc_info=True)

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=10)
        try:
            close_old_connections()
            Worker.objects.filter(boot=self.boot).delete()
        except Exception:
            logger.warning("could not remove the heartbeat of worker %s", self.hostname, exc_info=True)


class Heartbeat(bootsteps.StartStopStep):
    """The worker bootstep that keeps the node's :class:`~plumbing.models.Worker` row fresh."""

    requires = ("celery.worker.components:Pool",)

    def create(self, worker: Any) -> Any:
        # StartStopStep starts this object with the worker and stops it (warm or cold) with it.
        return _Beat(hostname=str(worker.hostname))
