"""The load and chaos runs: start the portal as in production, drive it, break it, check it, stop it.

One :class:`Stack` holds every process a run starts — a private
redis-server, the SMTP sink, gunicorn, two Celery worker nodes and beat —
each in its own process group, all stopped (and the throwaway database
dropped) in ``finally``, also on Ctrl-C. Waiting is polling with a
deadline; nothing runs unbounded.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection, connections

from portal.load.figures import Sample, after_ramp, figures_table, page_views_p95, step_figures
from portal.load.invariants import Verdict, accepted_counts, invariants_check, jobs_unsettled
from portal.load.mailsink import mail_records
from portal.localservers import (
    database_create,
    database_disconnect,
    database_drop,
    free_port,
    gunicorn_start,
    load_average,
    port_open,
    process_kill,
    process_stop,
    production_env,
    redis_start,
    require_local_postgres,
    wait_until_up,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PAGE_STEPS = (
    "privacy center",
    "feedback form",
    "idea board",
    "idea page",
    "survey",
    "my feedback",
    "data requests",
    "admin inbox",
    "admin thread",
    "sign-in page",
)
TARGET_P95_MS = 300
RAMP_MARGIN = 10  # seconds after the last person started: their sign-ins (PBKDF2) are done
CEILING_SECONDS = 10
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
                sys.executable, "-m", "celery", "-A", "portal", "worker", "-n", f"{name}@%h",
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


def _machine() -> str:
    memory = subprocess.run(["free", "-g"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    total = next((line.split()[1] for line in memory.splitlines() if line.startswith("Mem:")), "?")
    return f"{os.cpu_count()} cores (nproc), {total} GiB (free -g), load average {load_average()} (uptime)"


def _stack_up(stack: Stack, options: Options, say: Say, *, grace: int) -> None:
    """Redis, the mail sink, static files, gunicorn, two workers and beat; wait until they answer."""
    database = settings.DATABASES["default"]
    stack.redis_port, stack.smtp_port, stack.web_port = free_port(), free_port(), free_port()
    stack.env = production_env(
        stack.workdir,
        # The same key as this process: the survey links it prepares must be valid for the servers.
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=(
            f"postgres://{database.get('USER') or 'postgres'}@{database.get('HOST') or '127.0.0.1'}:"
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
    if database.get("PASSWORD"):
        stack.env["DATABASE_URL"] = stack.env["DATABASE_URL"].replace(
            f"{database.get('USER') or 'postgres'}@", f"{database.get('USER')}:{database['PASSWORD']}@"
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
            sys.executable, "-m", "portal.load.mailsink", "--port", str(stack.smtp_port),
            "--out", str(stack.workdir / "mails.jsonl"),
        ],
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while not port_open(stack.smtp_port):
        if time.monotonic() > deadline:
            raise CommandError("the SMTP sink did not start")
        time.sleep(0.1)
    say(f"redis on 127.0.0.1:{stack.redis_port}, SMTP sink on 127.0.0.1:{stack.smtp_port}")


def _servers_up(stack: Stack, options: Options, say: Say) -> None:
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
            sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel", "WARNING",
            "--schedule", str(stack.workdir / "beat-schedule"),
        ],
    )  # fmt: skip
    wait_until_up(stack.web_port, stack.processes["web"])
    say(
        f"gunicorn on {stack.base} ({options.web_workers} sync workers), 2 Celery worker nodes "
        f"(-c {options.worker_concurrency}), beat"
    )


def _locust(
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


def _wait(process: subprocess.Popen[bytes], seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process_stop(process)


def _samples(out: Path) -> list[Sample]:
    path = out / "samples.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [
        Sample(step=row["step"], millis=float(row["ms"]), ok=bool(row["ok"]), at=float(row.get("at", 0)))
        for row in rows
    ]


def _accepted(out: Path) -> list[dict[str, Any]]:
    path = out / "accepted.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _settle(seconds: int, say: Say) -> bool:
    """Wait until the job outbox has nothing left to do soon (polling, with a deadline)."""
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    while time.monotonic() < deadline:
        close_old_connections()
        left = jobs_unsettled()
        if left == 0:
            say(f"settled after {time.monotonic() - started:.0f} s")
            return True
        time.sleep(2)
    say(f"NOT settled after {seconds} s: {jobs_unsettled()} jobs still due or running")
    return False


@dataclass
class Outcome:
    samples: list[Sample]
    ceiling: list[Sample]
    verdicts: list[Verdict]
    accepted: list[dict[str, Any]]
    load_during: str
    seconds: int
    events: list[str] = field(default_factory=list)


def _report(outcome: Outcome, options: Options, say: Say, *, chaos: bool) -> bool:
    """Print the figures and verdicts; under faults, failed requests are expected and only counted."""
    rows = step_figures(outcome.samples, outcome.seconds)
    ceiling = step_figures(outcome.ceiling, CEILING_SECONDS)
    say("")
    say(figures_table(rows + ceiling[:1]))
    total = rows[-1] if rows else None
    errors = total.errors if total else 0
    pages = page_views_p95(outcome.samples, PAGE_STEPS)
    if total and ceiling:
        say(
            f"\nthroughput {total.per_second:.1f} req/s with {options.users} users; "
            f"ceiling (ping, same server, {options.users} users, {CEILING_SECONDS} s) "
            f"{ceiling[0].per_second:.0f} req/s"
        )
    ramp = options.users / options.spawn_rate + RAMP_MARGIN
    steady = after_ramp(outcome.samples, ramp)
    steady_pages = page_views_p95(steady, PAGE_STEPS)
    met = "met" if steady_pages < TARGET_P95_MS else "MISSED"
    say(
        f"page views p95: {pages:.0f} ms over the whole run (sign-ins included); "
        f"{steady_pages:.0f} ms after the ramp (from {ramp:.0f} s, {len(steady)} requests): "
        f"target < {TARGET_P95_MS} ms {met}; errors {errors}"
    )
    say(f"load average during the run: {outcome.load_during} (uptime)")
    counts = accepted_counts(outcome.accepted)
    say("accepted submissions: " + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())))
    for line in outcome.events:
        say(f"chaos: {line}")
    say("")
    for verdict in outcome.verdicts:
        say(verdict.line())
    held = all(verdict.ok for verdict in outcome.verdicts)
    say(f"\ninvariants: {'all hold' if held else 'SOME FAILED'}")
    return held and (chaos or errors == 0)


def run(*, options: Options, chaos: bool, say: Say) -> bool:
    """Run the load (and, with ``chaos``, the faults); return whether every target and invariant held."""
    database = settings.DATABASES["default"]
    require_local_postgres(database, connection.vendor)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    stack = Stack(workdir=BASE_DIR / "var" / "load" / f"{'chaos' if chaos else 'load'}-{stamp}")
    stack.workdir.mkdir(parents=True)
    say(f"machine: {_machine()}")
    say(f"files and logs: {stack.workdir}")
    database_create(database)
    from django.utils import timezone

    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # a plain kill must stop everything too

    started = timezone.now()
    try:
        _stack_up(stack, options, say, grace=20 if chaos else 120)
        say(f"preparing {database['NAME']}: migrate, seed_demo --customers {options.customers} ...")
        call_command("migrate", verbosity=0)
        from django.test import override_settings

        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=stack.smtp_port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            PORTAL_BASE_URL=stack.base,
        ):
            from portal.load.scenario import scenario_chaos, scenario_plan, scenario_seed

            scenario_seed(customers=options.customers)
            plan = scenario_plan(users=options.users)
            follow_ups: list[int] = []
            if chaos:
                follow_ups = scenario_chaos(
                    ledger_customers=options.ledger_customers, follow_ups=options.follow_ups, say=say
                )
        plan_path = stack.workdir / "plan.json"
        plan_path.write_text(json.dumps(plan))
        connections.close_all()
        _servers_up(stack, options, say)
        out = stack.workdir / "load"
        say(f"load: {options.users} users, {options.spawn_rate}/s ramp, {options.seconds} s ...")
        load = stack.processes["locust"] = _locust(
            stack,
            plan_path,
            out,
            users=options.users,
            rate=options.spawn_rate,
            seconds=options.seconds,
            classes=["Customer", "Agent"],
        )
        events: list[str] = []
        loads: list[str] = []
        sampler = threading.Thread(target=_sample_load, args=(load, loads), daemon=True)
        sampler.start()
        if chaos:
            from portal.load.faults import faults_run

            events = faults_run(stack=stack, options=options, database=database, say=say)
        _wait(load, options.seconds + 60)
        during = max(loads, key=lambda text: float(text.split()[0])) if loads else load_average()
        say("ceiling: /api/v1/ping/ on the same server ...")
        ceiling_out = stack.workdir / "ceiling"
        ceiling = stack.processes["locust-ceiling"] = _locust(
            stack,
            plan_path,
            ceiling_out,
            users=options.users,
            rate=options.users,
            seconds=CEILING_SECONDS,
            classes=["Ceiling"],
        )
        _wait(ceiling, CEILING_SECONDS + 40)
        _settle(options.settle_seconds, say)
        close_old_connections()
        accepted = _accepted(out)
        verdicts = invariants_check(
            accepted=accepted,
            mails=mail_records(stack.workdir / "mails.jsonl"),
            expected_followups=follow_ups,
            since=started,
        )
        outcome = Outcome(
            samples=_samples(out),
            ceiling=_samples(ceiling_out),
            verdicts=verdicts,
            accepted=accepted,
            load_during=during,
            seconds=options.seconds,
            events=events,
        )
        return _report(outcome, options, say, chaos=chaos)
    finally:
        stack.stop_all()
        connections.close_all()
        if not options.keep:
            database_disconnect(database)
            database_drop(database)
            shutil.rmtree(stack.workdir / "static", ignore_errors=True)
            shutil.rmtree(stack.workdir / "var", ignore_errors=True)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _sample_load(process: subprocess.Popen[bytes], into: list[str]) -> None:
    """Read the load average every 5 s while the load runs (the highest goes in the report)."""
    while process.poll() is None:
        into.append(load_average())
        time.sleep(5)


__all__ = ["Options", "Stack", "process_kill", "run"]
