"""``make bench-broker``: the embedded broker beside kombu's filesystem transport, and a real worker's drain.

1. Both transports at kombu's level, on throwaway folders: ``producers``
   processes put ``messages`` each (1 to 20 KB, like task messages with their
   arguments) while one consumer takes and acknowledges them; put and drain
   rates, and whether every message came once and whole.
2. A real worker (``celery worker -c 2``, as ``make run`` starts it) on the
   embedded default (SQLite, the embedded broker) drains ``jobs`` typical jobs:
   domain events published one commit each, each booked into a trust ledger.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kombu import Connection

from portal.broker import Transport
from portal.devserver import ROOT

POLLING = 0.05


def _connection(kind: str, folder: Path) -> Connection:
    if kind == "filesystem":
        queue = str(folder / "queue")
        options = {"data_folder_in": queue, "data_folder_out": queue, "polling_interval": POLLING}
        return Connection("filesystem://", transport_options={**options, "control_folder": str(folder / "c")})
    return Connection(f"sqlite:///{folder / 'broker.sqlite3'}", transport=Transport)


def _produce(kind: str, folder: Path, who: int, messages: int) -> None:
    with _connection(kind, folder) as connection:
        queue = connection.SimpleQueue("bench")
        for n in range(messages):
            queue.put({"who": who, "n": n, "pad": "x" * (1000 + (n % 7) * 3000)})
        queue.close()


def _consume(kind: str, folder: Path, total: int, out: Any) -> None:
    seen: list[tuple[int, int]] = []
    errors = 0
    started = time.monotonic()
    with _connection(kind, folder) as connection:
        queue = connection.SimpleQueue("bench")
        while len(seen) < total and time.monotonic() - started < 300:
            try:
                message = queue.get(block=True, timeout=1)
            except queue.Empty:
                continue
            except Exception:  # a half-written message: counted, as a worker would have died of it
                errors += 1
                continue
            seen.append((message.payload["who"], message.payload["n"]))
            message.ack()
    out.put((seen, errors, time.monotonic() - started))


@dataclass
class TransportFigures:
    kind: str
    put_per_second: float
    drain_per_second: float
    taken: int
    unique: int
    errors: int


def transport_figures(kind: str, folder: Path, *, producers: int, messages: int) -> TransportFigures:
    """Put ``producers`` times ``messages`` concurrently while one consumer drains; the figures."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "queue").mkdir(exist_ok=True)
    total = producers * messages
    out: Any = multiprocessing.Queue()
    consumer = multiprocessing.Process(target=_consume, args=(kind, folder, total, out))
    consumer.start()
    workers = [
        multiprocessing.Process(target=_produce, args=(kind, folder, n, messages)) for n in range(producers)
    ]
    started = time.monotonic()
    for process in workers:
        process.start()
    for process in workers:
        process.join()
    put_seconds = time.monotonic() - started
    seen, errors, drain_seconds = out.get()
    consumer.join()
    return TransportFigures(
        kind=kind,
        put_per_second=total / put_seconds,
        drain_per_second=len(seen) / drain_seconds,
        taken=len(seen),
        unique=len(set(seen)),
        errors=errors,
    )


_PUBLISH = """
from django.db import transaction
from customers.models import User
from plumbing.events import EventName, event_publish
customers = list(User.objects.customers().values_list("pk", flat=True)[:50])
with transaction.atomic():  # published together when this commits: a backlog, as a burst of requests leaves
    for n in range({jobs}):
        event_publish(name=EventName.IDEA_VOTED, customer_id=customers[n % len(customers)],
                      key=f"bench-drain:{{n}}", payload={{"idea_id": 1}})
"""
# The bench's jobs: one dispatch job per event, keyed by the event's id.
_JOBS = """
SELECT count(*), sum(job.state = 'done'), min(job.created_at), max(job.done_at)
FROM portal_job job JOIN portal_event event ON job.key = 'event:' || event.id
WHERE event.key LIKE 'bench-drain:%'
"""


@dataclass
class Drain:
    jobs: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.jobs / self.seconds


def worker_drain(var: Path, *, jobs: int) -> Drain:
    """How fast a ``make run`` worker drains ``jobs`` typical jobs on the embedded default.

    From the first job's creation to the last one's end, read from the jobs' own rows.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "DATABASE_"))}
    env.update(DEBUG="1", PORTAL_VAR_DIR=str(var))

    def manage(*args: str) -> None:
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
        )

    def state() -> tuple[int, int, str, str]:
        with sqlite3.connect(f"file:{var / 'db.sqlite3'}?mode=ro", uri=True, timeout=20) as db:
            return db.execute(_JOBS).fetchone()  # type: ignore[no-any-return]

    manage("migrate", "--noinput")
    manage("seed_demo", "--customers", "50", "--quiet-banner")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--concurrency=2", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        manage("shell", "-c", _PUBLISH.format(jobs=jobs))
        deadline = time.monotonic() + 600
        while (found := state())[1] != jobs:
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError(f"the worker drained {found[1]} of {jobs} jobs")
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    first, last = (datetime.fromisoformat(stamp) for stamp in found[2:])
    return Drain(jobs=jobs, seconds=(last - first).total_seconds())
