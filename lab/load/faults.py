"""The faults of ``make chaos``, injected while the load runs, in this order.

1. A full trust recompute (a rebuild from the ledger, in id-range chunks) is
   started; once a worker runs a chunk, that worker node is killed with
   SIGKILL (main process and pool together, as the OOM killer or a lost
   machine would) and started again.
2. The follow-up mail batch is asked for; once it has sent some mails, the
   node running it is killed the same way and started again.
3. The private Redis (broker and cache, nothing on disk) is restarted:
   everything queued in it is gone.
4. Every PostgreSQL connection to the run's database is terminated
   (``pg_terminate_backend``), in the middle of requests and tasks.

Which node runs what is asked of the workers themselves (``inspect().active()``).
Every wait polls with a deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import connections, transaction
from django.utils import timezone

from lab.load.mailsink import mail_records
from lab.localservers import database_disconnect, process_kill, process_stop

if TYPE_CHECKING:
    from lab.load.stack import Options, Say, Stack

CHUNK_SIZE = 2000
WAIT = 45.0


def _running(task: str) -> str | None:
    """The name of the worker node running ``task`` right now, if any."""
    from portal.celery import app

    try:
        active = app.control.inspect(timeout=1.0).active() or {}
    except Exception:
        return None
    for hostname, tasks in active.items():
        if any(entry.get("name") == task for entry in tasks):
            return str(hostname).split("@", 1)[0]
    return None


def _poll(what: Callable[[], str | None], seconds: float) -> str | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.2)
    return None


def _kill_and_restart(stack: Stack, node: str, options: Options) -> None:
    process_kill(stack.processes.pop(node))
    time.sleep(1)
    stack.worker(node, options.worker_concurrency)


def faults_run(*, stack: Stack, options: Options, database: dict[str, Any], say: Say) -> list[str]:
    """Inject the faults while the load runs; return what was done, for the report."""
    from plumbing.jobs import job_enqueue
    from trust.recompute_runs import recompute_start

    events: list[str] = []

    def note(text: str) -> None:
        events.append(text)
        say(f"chaos: {text}")

    time.sleep(min(8, options.seconds / 6))  # the customers are arriving
    stamp = timezone.now().strftime("%H%M%S")
    run = recompute_start(key=f"chaos:{stamp}", reason="chaos run", rebuild=True, chunk_size=CHUNK_SIZE)
    node = _poll(lambda: _running("trust.recompute_chunk"), WAIT)
    if node:
        _kill_and_restart(stack, node, options)
        note(f"kill -9 of {node} while it recomputed a chunk of run {run.pk}; restarted")
    else:
        note("no recompute chunk seen running: no kill")

    sink = stack.workdir / "mails.jsonl"
    before = len(mail_records(sink))
    with transaction.atomic():
        job_enqueue(task="trust.send_follow_up_mails", key=f"chaos:follow-up-mails:{stamp}")

    def batch_midway() -> str | None:
        node = _running("trust.send_follow_up_mails")
        return node if node and len(mail_records(sink)) - before >= 15 else None

    node = _poll(batch_midway, WAIT)
    if node:
        sent = len(mail_records(sink)) - before
        _kill_and_restart(stack, node, options)
        note(f"kill -9 of {node} in the follow-up mail batch ({sent} mails out); restarted")
    else:
        note("no follow-up mail batch seen running: no kill")

    process_stop(stack.processes.pop("redis"), timeout=5)
    time.sleep(2)
    stack.redis()
    note(f"Redis on 127.0.0.1:{stack.redis_port} restarted (2 s down, memory-only: its queues are gone)")

    time.sleep(5)
    terminated = database_disconnect(database)
    connections.close_all()
    note(f"pg_terminate_backend: {terminated} connections to {database['NAME']} terminated")
    return events
