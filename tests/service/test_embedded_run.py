"""``make run``'s embedded default under work: web, a real worker and beat on the embedded broker.

The whole run is started as ``make run`` starts it (``python -m portal.devserver``:
migrate, demo data, the three processes) on a fresh ``var/``, SQLite and the
embedded broker; jobs are published one commit at a time while ``/healthz``
is asked again and again.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.service.conftest import ROOT, wait_for

pytestmark = pytest.mark.service

JOBS = 150
# Variables of the test process that must not leak into the embedded run.
_TEST_ONLY = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "EMAIL_URL")


@dataclass
class Run:
    """The running ``make run``: its port, its ``var/`` and everything it printed."""

    popen: subprocess.Popen[str]
    port: int
    var: Path
    env: dict[str, str]
    lines: list[str] = field(default_factory=list)

    def said(self, name: str) -> list[str]:
        return [line.split("| ", 1)[1] for line in self.lines if re.match(rf"\S+ {name}\s+\| ", line)]

    def ready(self) -> bool:
        return any(line.startswith("ready: ") for line in self.said("make run"))

    def exits(self) -> list[str]:
        return [line for line in self.said("make run") if " exited " in line or line.startswith("stopped")]

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        with sqlite3.connect(f"file:{self.var / 'db.sqlite3'}?mode=ro", uri=True, timeout=20) as db:
            return db.execute(sql, params).fetchall()

    def manage(self, code: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=self.env, check=True,
            capture_output=True,
        )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    var = tmp_path_factory.mktemp("embedded") / "var"
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _TEST_ONLY and not key.startswith(("CELERY_", "PORTAL_"))
    }
    env.update(DEBUG="1", PORT=str(port), PORTAL_VAR_DIR=str(var), PORTAL_WORKER_HEARTBEAT_SECONDS="1")
    popen = subprocess.Popen(
        [sys.executable, "-m", "portal.devserver"], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    started = Run(popen=popen, port=port, var=var, env=env)

    def relay() -> None:
        assert popen.stdout is not None
        started.lines.extend(line.rstrip("\n") for line in popen.stdout)

    threading.Thread(target=relay, daemon=True).start()
    try:
        wait_for(
            lambda: started.ready() or popen.poll() is not None,
            timeout=180,
            what="make run to say it is ready",
        )
        assert popen.poll() is None, "\n".join(started.lines[-60:])
        yield started
    finally:
        popen.send_signal(signal.SIGTERM)
        try:
            popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(popen.pid, signal.SIGKILL)
            popen.wait()


def _health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_every_job_runs_once_while_health_is_asked_and_no_process_dies(run: Run) -> None:
    answers: list[int] = []
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            answers.append(_health(run.port))
            time.sleep(0.05)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    try:
        # Each job is its own commit, so each is published on its own, as requests publish them.
        run.manage(
            "from django.db import transaction\n"
            "from plumbing.jobs import job_enqueue\n"
            f"for n in range({JOBS}):\n"
            "    with transaction.atomic():\n"
            "        job_enqueue(task='portal.ping', key=f'embedded-ping-{n}')\n"
        )
        wait_for(
            lambda: (
                run.query(
                    "SELECT count(*) FROM portal_job WHERE key LIKE 'embedded-ping-%' AND state = 'done'"
                )
                == [(JOBS,)]
            ),
            timeout=120,
            what=f"the worker to run {JOBS} jobs",
        )
    finally:
        done.set()
        asker.join()

    jobs = run.query("SELECT id, attempts FROM portal_job WHERE key LIKE 'embedded-ping-%'")
    assert {attempts for _id, attempts in jobs} == {1}
    ran = Counter(re.findall(r"Task portal\.ping\[job-(\d+)\] succeeded", "\n".join(run.said("worker"))))
    job_ids = [str(job_id) for job_id, _attempts in jobs]
    assert {job_id: ran[job_id] for job_id in job_ids} == dict.fromkeys(job_ids, 1)
    assert len(answers) >= 10
    assert set(answers) == {200}, Counter(answers)
    assert run.exits() == []
    assert run.popen.poll() is None


def test_a_message_the_broker_cannot_read_is_set_aside_and_the_worker_goes_on(run: Run) -> None:
    broker = run.var / "celery" / "broker.sqlite3"
    with sqlite3.connect(broker, timeout=20) as db:
        (queue_id,) = db.execute("SELECT id FROM kombu_queue WHERE name = 'portal'").fetchone()
        db.execute(
            "INSERT INTO kombu_message (visible, payload, version, queue_id) VALUES (1, ?, 1, ?)",
            ('{"body": "eyJ0YXNr', queue_id),
        )

    run.manage(
        "from django.db import transaction\n"
        "from plumbing.jobs import job_enqueue\n"
        "with transaction.atomic():\n"
        "    job_enqueue(task='portal.ping', key='embedded-after-garbage')\n"
    )

    wait_for(
        lambda: run.query("SELECT state FROM portal_job WHERE key = 'embedded-after-garbage'") == [("done",)],
        timeout=60,
        what="the job published after the unreadable message",
    )
    assert any("cannot be read" in line and "set aside" in line for line in run.said("worker"))
    assert run.exits() == []
    assert _health(run.port) == 200


def test_mails_sent_on_the_embedded_default_link_to_the_port_it_runs_on(run: Run) -> None:
    # The demo data's history sends mails (an incident notice, an export ready) with links.
    links = re.findall(
        r"http://127\.0\.0\.1:(\d+)/", "".join(p.read_text() for p in (run.var / "mail").iterdir())
    )

    assert links
    assert set(links) == {str(run.port)}
