"""The service lane: PostgreSQL, Redis and a real Celery worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from django.conf import settings
from django.db import connection, connections
from kombu.exceptions import ChannelError

from portal.celery import app

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]


def in_parallel(workers: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(0..workers-1)`` in threads released at once; return what they raised."""
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            start.wait()
            work(number)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def wait_for(condition: Callable[[], T], *, timeout: float = 30.0, what: str = "condition") -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


# The node of this session's worker, once a test has started it.
_started: list[str] = []


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup: None, django_db_blocker: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Start a real worker on this session's queue and test database; yield its node name."""
    database = connection.settings_dict
    db_url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"
    )
    queue = str(settings.CELERY_TASK_DEFAULT_QUEUE)
    node = f"{queue}@localhost"
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PORTAL_TEST_LANE": "service",
        "PORTAL_TEST_WORKER": "1",
        "DATABASE_URL": db_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # Each test empties the tables, its heartbeat row included: the worker writes it again soon.
        "PORTAL_WORKER_HEARTBEAT_SECONDS": "1",
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "portal", "worker",
                "-Q", queue, "-n", node, "--concurrency=2", "--loglevel=INFO",
                "--without-gossip", "--without-mingle",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log_path.read_text()[-4000:]}")
        _started.append(node)
        yield node
    finally:
        _started.clear()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _worker_idle(node: str, queue: str) -> bool:
    """Nothing waits in the session's queue and the worker runs and holds nothing."""
    with app.connection_for_read() as conn:
        try:
            declared = conn.default_channel.queue_declare(queue=queue, passive=True)  # type: ignore[attr-defined]
            waiting = declared.message_count
        except ChannelError:  # Redis keeps no empty queue
            waiting = 0
    if waiting:
        return False
    inspector = app.control.inspect(destination=[node], timeout=1.0)
    busy = [*(inspector.active() or {}).get(node, []), *(inspector.reserved() or {}).get(node, [])]
    return not busy


@pytest.fixture(autouse=True)
def _worker_settles() -> Iterator[None]:
    """Once the session's worker runs, let it finish what each test started.

    The transactional test case empties the tables afterwards; a task still
    running then (a band change's event, a webhook) would hold locks the
    truncation waits for, or write rows into the next test. Tests that do not
    ask for the worker publish jobs too (a booking's events), so every test
    waits once the worker is up.
    """
    yield
    if not _started:
        return
    node = _started[0]
    queue = str(settings.CELERY_TASK_DEFAULT_QUEUE)
    wait_for(lambda: _worker_idle(node, queue) and _worker_idle(node, queue), what="the worker to settle")
