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
import threading
import time
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
from lab.load.stack import (
    BASE_DIR,
    Options,
    Say,
    Stack,
    locust_start,
    machine,
    servers_up,
    stack_up,
    wait_for,
)
from lab.localservers import (
    database_create,
    database_disconnect,
    database_drop,
    load_average,
    process_stop,
    require_local_postgres,
)

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
    say(f"machine: {machine()}")
    say(f"files and logs: {stack.workdir}")
    database_create(database)
    from django.utils import timezone

    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # a plain kill must stop everything too

    started = timezone.now()
    try:
        stack_up(stack, say, grace=20 if chaos else 120)
        plan_path, follow_ups = _prepare(stack, options, say, database_name=database["NAME"], chaos=chaos)
        servers_up(stack, options, say)
        out = stack.workdir / "load"
        load = stack.processes["locust"] = _load_start(stack, plan_path, out, options, say)
        events: list[str] = []
        loads: list[str] = []
        sampler = threading.Thread(target=_sample_load, args=(load, loads), daemon=True)
        sampler.start()
        if chaos:
            from lab.load.faults import faults_run

            events = faults_run(stack=stack, options=options, database=database, say=say)
        window, cpu = _measure(stack, load, out, options, say, follow_cpu=not chaos)
        during = max(loads, key=lambda text: float(text.split()[0])) if loads else load_average()
        ceiling_out = _ceiling(stack, plan_path, options, say)
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


def _prepare(
    stack: Stack, options: Options, say: Say, *, database_name: str, chaos: bool
) -> tuple[Path, list[int]]:
    """Migrate and seed the throwaway database (mails to the run's sink); write the people's plan."""
    say(f"preparing {database_name}: migrate, seed_demo --customers {options.customers} ...")
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
    return plan_path, follow_ups


def _load_start(
    stack: Stack, plan_path: Path, out: Path, options: Options, say: Say
) -> subprocess.Popen[bytes]:
    """The people of the mix, started at the spawn rate, for the sign-ins and the measured window."""
    say(
        f"load: {options.users} users, started {options.spawn_rate}/s; measured: the {options.seconds} s "
        "once every one has signed in ..."
    )
    return locust_start(
        stack,
        plan_path,
        out,
        users=options.users,
        rate=options.spawn_rate,
        seconds=int(options.users / options.spawn_rate) + SIGN_IN_ALLOWANCE + options.seconds,
        classes=["Customer", "Agent"],
    )


def _ceiling(stack: Stack, plan_path: Path, options: Options, say: Say) -> Path:
    """The trivial endpoint on the same server, as many people at once: what the machine could serve."""
    say("ceiling: /api/v1/ping/ on the same server ...")
    ceiling_out = stack.workdir / "ceiling"
    ceiling = stack.processes["locust-ceiling"] = locust_start(
        stack,
        plan_path,
        ceiling_out,
        users=options.users,
        rate=options.users,
        seconds=CEILING_SECONDS,
        classes=["Ceiling"],
    )
    wait_for(ceiling, CEILING_SECONDS + 40)
    return ceiling_out


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
