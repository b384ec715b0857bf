"""The load and chaos runs: start the portal as in production, drive it, break it, check it, stop it.

One :class:`Stack` holds every process a run starts — a private
redis-server, the SMTP sink, gunicorn, two Celery worker nodes and beat —
each in its own process group, all stopped (and the throwaway database
dropped) in ``finally``, also on Ctrl-C. Waiting is polling with a
deadline; nothing runs unbounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
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
from django.db import close_old_connections, connection, connections

from lab.load.cpu import CpuSnapshot, cpu_shares, cpu_table, machine_busy, processes_cpu, sessions_cpu
from lab.load.figures import Sample, figures_table, page_views_p95, step_figures, within
from lab.load.invariants import Verdict, accepted_counts, invariants_check, jobs_unsettled
from lab.load.mailsink import mail_records
from lab.localservers import (
    database_create,
    database_disconnect,
    database_drop,
    free_port,
    gunicorn_start,
    load_average,
    port_wait,
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
SIGN_IN_ALLOWANCE = 120  # seconds after the last person started, at most, for every sign-in (PBKDF2)
CEILING_SECONDS = 10
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


def _machine() -> str:
    memory = subprocess.run(["free", "-g"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    total = next((line.split()[1] for line in memory.splitlines() if line.startswith("Mem:")), "?")
    return f"{os.cpu_count()} cores (nproc), {total} GiB (free -g), load average {load_average()} (uptime)"


def _stack_up(stack: Stack, say: Say, *, grace: int) -> None:
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
            *BACKGROUND, sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel", "WARNING",
            "--schedule", str(stack.workdir / "beat-schedule"),
        ],
    )  # fmt: skip
    wait_until_up(stack.web_port, stack.processes["web"])
    say(
        f"gunicorn on {stack.base} ({options.web_workers} sync workers), 2 Celery worker nodes "
        f"(-c {options.worker_concurrency}) and beat under `{' '.join(BACKGROUND)}`"
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


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _samples(out: Path) -> list[Sample]:
    return [
        Sample(step=row["step"], millis=float(row["ms"]), ok=bool(row["ok"]), at=float(row.get("at", 0)))
        for row in _jsonl(out / "samples.jsonl")
    ]


def _accepted(out: Path) -> list[dict[str, Any]]:
    return _jsonl(out / "accepted.jsonl")


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
    window: tuple[float, float]  # the measured window (epoch seconds): every person signed in
    events: list[str] = field(default_factory=list)
    cpu: tuple[CpuSnapshot, CpuSnapshot] | None = None


def _report(outcome: Outcome, options: Options, say: Say, *, chaos: bool) -> bool:
    """Print the figures and verdicts; under faults, failed requests are expected and only counted."""
    start, end = outcome.window
    ramp = start - min((sample.at for sample in outcome.samples), default=start)
    steady = within(outcome.samples, start, end)
    rows = step_figures(steady, options.seconds)
    ceiling = step_figures(outcome.ceiling, CEILING_SECONDS)
    say("")
    say(f"with all {options.users} people signed in (the {options.seconds} s from {ramp:.0f} s):")
    say(figures_table(rows + ceiling[:1]))
    whole = step_figures(outcome.samples, ramp + options.seconds)
    errors = whole[-1].errors if whole else 0
    steady_pages = page_views_p95(steady, PAGE_STEPS)
    met = "met" if steady_pages < TARGET_P95_MS else "MISSED"
    if rows and ceiling:
        say(
            f"\nthroughput {rows[-1].per_second:.1f} req/s; ceiling (ping, same server, {options.users} "
            f"users, {CEILING_SECONDS} s) {ceiling[0].per_second:.0f} req/s"
        )
    views = sum(sample.step in PAGE_STEPS for sample in steady)
    say(f"page views p95: {steady_pages:.0f} ms ({views} page views): target < {TARGET_P95_MS} ms {met}")
    sign_ins = next((row for row in whole if row.step == "sign in"), None)
    if sign_ins:
        say(
            f"the ramp ({options.spawn_rate:g} people started a second): sign in p50 / p95 "
            f"{sign_ins.p50:.0f} / {sign_ins.p95:.0f} ms; over the whole run page views p95 "
            f"{page_views_p95(outcome.samples, PAGE_STEPS):.0f} ms, {whole[-1].requests} requests, "
            f"errors {errors}"
        )
    say(f"load average during the run: {outcome.load_during} (uptime)")
    if outcome.cpu is not None:
        say("")
        say(
            cpu_table(
                cpu_shares(*outcome.cpu),
                seconds=outcome.cpu[1].at - outcome.cpu[0].at,
                cores=os.cpu_count() or 1,
                requests=len(steady),
            )
        )
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


def _measure(
    stack: Stack, load: subprocess.Popen[bytes], out: Path, options: Options, say: Say, *, follow_cpu: bool
) -> tuple[tuple[float, float], tuple[CpuSnapshot, CpuSnapshot] | None]:
    """Wait until every person has signed in, let the load run ``options.seconds`` more, stop it.

    Return the measured window (epoch seconds) and, with ``follow_cpu``, the CPU snapshots at its
    start and end (under chaos the workers are replaced, so their CPU cannot be followed).
    """
    deadline = time.monotonic() + options.users / options.spawn_rate + SIGN_IN_ALLOWANCE
    while _signed_in(out) < options.users and load.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)
    if _signed_in(out) < options.users:
        say(f"only {_signed_in(out)} of {options.users} signed in; measuring from now")
    before = _cpu_snapshot(stack) if follow_cpu else None
    start = time.time()
    with contextlib.suppress(subprocess.TimeoutExpired):
        load.wait(timeout=options.seconds)
    after = _cpu_snapshot(stack) if follow_cpu else None
    end = time.time()
    process_stop(load, timeout=30)  # SIGTERM: locust writes its samples and ends
    return (start, end), (before, after) if before and after else None


def _signed_in(out: Path) -> int:
    path = out / "accepted.jsonl"
    if not path.exists():
        return 0
    return sum('"kind": "sign_in"' in line for line in path.read_text().splitlines())


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
        _stack_up(stack, say, grace=20 if chaos else 120)
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
            from lab.load.scenario import scenario_chaos, scenario_plan, scenario_seed

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
        say(
            f"load: {options.users} users, started {options.spawn_rate}/s; measured: the {options.seconds} s "
            "once every one has signed in ..."
        )
        load = stack.processes["locust"] = _locust(
            stack,
            plan_path,
            out,
            users=options.users,
            rate=options.spawn_rate,
            seconds=int(options.users / options.spawn_rate) + SIGN_IN_ALLOWANCE + options.seconds,
            classes=["Customer", "Agent"],
        )
        events: list[str] = []
        loads: list[str] = []
        sampler = threading.Thread(target=_sample_load, args=(load, loads), daemon=True)
        sampler.start()
        if chaos:
            from lab.load.faults import faults_run

            events = faults_run(stack=stack, options=options, database=database, say=say)
        window, cpu = _measure(stack, load, out, options, say, follow_cpu=not chaos)
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
            window=window,
            events=events,
            cpu=cpu,
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


def _cpu_snapshot(stack: Stack) -> CpuSnapshot:
    """CPU seconds so far of every process the run started, and of the database's backends."""
    used = sessions_cpu(process.pid for process in stack.processes.values())
    # locust is this process's child: once it has ended and been waited for, its time is here.
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    used[stack.processes["locust"].pid] += reaped.ru_utime + reaped.ru_stime
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    return CpuSnapshot(
        roles={name: used[process.pid] for name, process in stack.processes.items()},
        backends=processes_cpu(backends),
        machine=machine_busy(),
        at=time.monotonic(),
    )


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _sample_load(process: subprocess.Popen[bytes], into: list[str]) -> None:
    """Read the load average every 5 s while the load runs (the highest goes in the report)."""
    while process.poll() is None:
        into.append(load_average())
        time.sleep(5)


__all__ = ["Options", "Stack", "run"]
