"""The processes of a load or chaos run: one :class:`Stack` holds them, each in its own group.

A private redis-server, the SMTP sink, gunicorn, two Celery worker nodes and
beat, started here and stopped by :meth:`Stack.stop_all`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from lab.localservers import (
    free_port,
    gunicorn_start,
    load_average,
    port_wait,
    process_stop,
    production_env,
    redis_start,
    wait_until_up,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
# Celery workers and beat run at a lower CPU priority than the web workers, as an operator sharing
# cores between them would set it: a page waits for no background job, the jobs take the slack.
BACKGROUND = ["nice", "-n", "10"]
Say = Callable[[str], None]


@dataclass
class Options:
    users: int = 50
    seconds: int = 60
    spawn_rate: float = 5.0
    customers: int = 300
    web_workers: int = 4
    worker_concurrency: int = 1
    settle_seconds: int = 240
    keep: bool = False
    # chaos only
    ledger_customers: int = 20_000
    follow_ups: int = 150


@dataclass
class Stack:
    """The processes of one run and where they keep their files."""

    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    web_port: int = 0
    redis_port: int = 0
    smtp_port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        output = self.log(name).open("ab")
        process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            command, env=self.env, start_new_session=True, stdout=output, stderr=output, cwd=BASE_DIR
        )
        self.processes[name] = process
        return process

    def redis(self) -> None:
        self.processes["redis"] = redis_start(self.redis_port, self.workdir / "redis")

    def worker(self, name: str, concurrency: int) -> None:
        self.start(
            name,
            [
                *BACKGROUND, sys.executable, "-m", "celery", "-A", "portal", "worker", "-n", f"{name}@%h",
                "--concurrency", str(concurrency), "--loglevel", "WARNING", "--without-mingle",
                "--without-gossip",
            ],
        )  # fmt: skip

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None:
            process_stop(process, timeout=10)

    def stop_all(self) -> None:
        for name in list(reversed(self.processes)):
            self.stop(name)


def machine() -> str:
    memory = subprocess.run(["free", "-g"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    total = next((line.split()[1] for line in memory.splitlines() if line.startswith("Mem:")), "?")
    return f"{os.cpu_count()} cores (nproc), {total} GiB (free -g), load average {load_average()} (uptime)"


def stack_up(stack: Stack, say: Say, *, grace: int) -> None:
    """Redis, the mail sink, static files, gunicorn, two workers and beat; wait until they answer."""
    database = settings.DATABASES["default"]
    login = database.get("USER") or "postgres"
    if database.get("PASSWORD"):
        login += f":{database['PASSWORD']}"
    stack.redis_port, stack.smtp_port, stack.web_port = free_port(), free_port(), free_port()
    stack.env = production_env(
        stack.workdir,
        # The same key as this process: the survey links it prepares must be valid for the servers.
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=(
            f"postgres://{login}@{database.get('HOST') or '127.0.0.1'}:"
            f"{database.get('PORT') or 5432}/{database['NAME']}"
        ),
        CELERY_BROKER_URL=f"redis://127.0.0.1:{stack.redis_port}/0",
        CACHE_URL=f"redis://127.0.0.1:{stack.redis_port}/1",
        EMAIL_URL=f"smtp://127.0.0.1:{stack.smtp_port}",
        PORTAL_BASE_URL=f"http://127.0.0.1:{stack.web_port}",
        CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{stack.web_port}",
        PORTAL_JOB_START_GRACE=str(grace),
        PYTHONPATH=str(BASE_DIR),
    )
    stack.redis()
    # What this process enqueues while preparing goes to the same private Redis as the servers'.
    from portal.celery import app

    app.conf.update(
        broker_url=stack.env["CELERY_BROKER_URL"], broker_transport_options={"visibility_timeout": 7200}
    )
    stack.start(
        "smtp",
        [
            sys.executable, "-m", "lab.load.mailsink", "--port", str(stack.smtp_port),
            "--out", str(stack.workdir / "mails.jsonl"),
        ],
    )  # fmt: skip
    port_wait(stack.smtp_port, stack.processes["smtp"], seconds=15, failure="the SMTP sink did not start")
    say(f"redis on 127.0.0.1:{stack.redis_port}, SMTP sink on 127.0.0.1:{stack.smtp_port}")


def servers_up(stack: Stack, options: Options, say: Say) -> None:
    (stack.workdir / "static").mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=stack.env, cwd=BASE_DIR, check=True, timeout=300,
    )  # fmt: skip
    stack.processes["web"] = gunicorn_start(
        stack.web_port, stack.env, workers=options.web_workers, log=stack.log("web")
    )
    stack.worker("worker1", options.worker_concurrency)
    stack.worker("worker2", options.worker_concurrency)
    stack.start(
        "beat",
        [
            *BACKGROUND, sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel", "WARNING",
            "--schedule", str(stack.workdir / "beat-schedule"),
        ],
    )  # fmt: skip
    wait_until_up(stack.web_port, stack.processes["web"])
    say(
        f"gunicorn on {stack.base} ({options.web_workers} sync workers), 2 Celery worker nodes "
        f"(-c {options.worker_concurrency}) and beat under `{' '.join(BACKGROUND)}`"
    )


def locust_start(
    stack: Stack, plan: Path, out: Path, *, users: int, rate: float, seconds: int, classes: list[str]
) -> subprocess.Popen[bytes]:
    out.mkdir(parents=True, exist_ok=True)
    env = {**stack.env, "LOAD_PLAN": str(plan), "LOAD_OUT": str(out)}
    output = (out / "locust.log").open("ab")
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", stack.base,
            "-u", str(users), "-r", str(rate), "-t", f"{seconds}s", "--stop-timeout", "10",
            "--only-summary", "--loglevel", "WARNING", *classes,
        ],
        env=env, cwd=BASE_DIR, start_new_session=True, stdout=output, stderr=output,
    )  # fmt: skip


def wait_for(process: subprocess.Popen[bytes], seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process_stop(process)
