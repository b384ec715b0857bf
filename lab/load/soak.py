"""``make soak``: exactly what ``make run`` starts, on a fresh ``var/``, used for a while as people would.

The run (``python -m portal.devserver``) is started on a free 127.0.0.1 port.
Simulated customers sign up and confirm their address from the mail, grant a
marketing mail consent and confirm it from the double opt-in mail, change other
consents, give feedback, vote on an idea and ask for a copy of their data; an
agent answers each feedback in the admin; a privacy officer declares an
incident for the latest customers now and then (:mod:`lab.load.soak_people`).
``/healthz`` is asked every 2 s, and every mail is matched to the action that
caused it (:mod:`lab.load.mailbox`).

The checks at the end: no process of the run exited; ``/healthz`` never failed
once the run was ready; every expected mail arrived, once, within its target,
with a link that opens; no request answered 5xx; no job failed; no due job
waits. Figures: action-to-mail p50/p95 per kind, the oldest due job's age.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

import requests
from django.conf import settings
from django.utils import timezone

from lab.load.figures import percentile
from lab.load.mailbox import Expected, Ledger
from lab.load.soak_people import (
    Customer,
    World,
    agent_work,
    incident_declare,
    staff_sign_in,
    threads_start,
)
from lab.localservers import free_port, load_average
from portal.devserver import ROOT

Say = Callable[[str], None]
HEALTH_EVERY = 2.0
# The kinds of mail an action must cause, and the p95 action-to-mail target of each, in seconds.
TARGETS = {"confirm": 10.0, "doi": 10.0, "reply": 10.0, "incident": 10.0, "export": 30.0}


@dataclass
class Options:
    seconds: int = 900
    people: int = 3
    incident_every: int = 240
    mail_wait: float = 60.0


@dataclass
class Run:
    """The ``make run`` under soak: its process, its port and everything it printed."""

    popen: subprocess.Popen[str]
    port: int
    lines: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def supervisor_said(self) -> list[str]:
        return [line.split("| ", 1)[1] for line in self.lines if re.match(r"\S+ make run\s+\| ", line)]

    def exits(self) -> list[str]:
        return [line for line in self.supervisor_said() if " exited " in line or line.startswith("stopped")]

    def ready(self) -> bool:
        return any(line.startswith("ready: ") for line in self.supervisor_said())


def run_start(port: int, log: Path) -> Run:
    """Start ``make run``'s supervisor with this process's ``var/`` (its environment) on ``port``."""
    env = {**os.environ, "DEBUG": "1", "PORT": str(port)}
    env.pop("PORTAL_BASE_URL", None)
    popen = subprocess.Popen(
        [sys.executable, "-m", "portal.devserver"], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    run = Run(popen=popen, port=port)

    def relay() -> None:
        assert popen.stdout is not None
        with log.open("w") as out:
            for line in popen.stdout:
                run.lines.append(line.rstrip("\n"))
                out.write(line)

    threading.Thread(target=relay, daemon=True).start()
    return run


def run_stop(run: Run) -> None:
    if run.popen.poll() is None:
        run.popen.send_signal(signal.SIGTERM)
    try:
        run.popen.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(run.popen.pid, signal.SIGKILL)
        run.popen.wait()


def _status(url: str) -> int:
    try:
        return requests.get(url, timeout=30).status_code
    except requests.RequestException:
        return 0


@dataclass
class Verdict:
    name: str
    ok: bool
    detail: str


def mail_verdicts(expected: list[Expected]) -> tuple[list[Verdict], list[str]]:
    """Per kind of mail: all arrived, none twice, links open, p95 within the target; and the figures."""
    verdicts, figures = [], []
    for kind, target in TARGETS.items():
        mine = [e for e in expected if e.kind == kind]
        if not mine:
            continue
        missing = [e.to for e in mine if not e.mails]
        twice = [e.to for e in mine if len(e.mails) > 1]
        closed = [f"{e.to}: {e.opened}" for e in mine if e.mails and e.opened != 200]
        delays = [max(e.mails[0].arrived - e.acted, 0.0) for e in mine if e.mails]
        p50, p95 = percentile(delays, 0.5), percentile(delays, 0.95)
        figures.append(
            f"{kind:<9} {len(mine):>4} mails  p50 {p50:5.2f} s  p95 {p95:5.2f} s  (target < {target:.0f} s)"
        )
        verdicts += [
            Verdict(
                f"{kind}: every mail arrived",
                not missing,
                f"{len(missing)} of {len(mine)} missing {missing[:3]}",
            ),
            Verdict(f"{kind}: none twice", not twice, f"{len(twice)} more than once {twice[:3]}"),
            Verdict(f"{kind}: links open", not closed, f"{len(closed)} did not {closed[:3]}"),
            Verdict(f"{kind}: p95 < {target:.0f} s", p95 < target, f"p95 {p95:.2f} s"),
        ]
    return verdicts, figures


def soak(*, options: Options, say: Say) -> bool:
    """Start the run, use it for ``options.seconds``, check it; return whether every check held."""
    var = Path(settings.VAR_DIR)
    (var / "soak").mkdir(parents=True, exist_ok=True)
    say(f"machine: {os.cpu_count()} cores, load average {load_average()} before the start; var/ is {var}")
    run = run_start(free_port(), var / "soak" / "run.log")
    try:
        deadline = time.monotonic() + 300
        while not run.ready() and run.popen.poll() is None and time.monotonic() < deadline:
            time.sleep(0.25)
        if not run.ready():
            say("make run did not get ready:\n" + "\n".join(run.lines[-40:]))
            return False
        say(f"ready: {run.base}/ — soaking {options.seconds} s, {options.people} customers at a time")
        verdicts = _drive(run, options, say)
        verdicts.append(Verdict("no process exited", not run.exits() and run.popen.poll() is None,
                                "; ".join(run.exits()) or "all up"))  # fmt: skip
    finally:
        run_stop(run)
    for verdict in verdicts:
        say(f"  [{'ok' if verdict.ok else 'FAILED'}] {verdict.name}: {verdict.detail}")
    return all(verdict.ok for verdict in verdicts)


def _world(run: Run, options: Options) -> World:
    from customers.models import Purpose
    from feedback.models import Idea

    ideas = Idea.objects.filter(published=True, merged_into__isnull=True).exclude(
        status__in=[Idea.Status.DONE, Idea.Status.DECLINED]
    )
    return World(
        base=run.base,
        ledger=Ledger(Path(settings.EMAIL_FILE_PATH)),
        marketing=list(Purpose.objects.filter(is_marketing=True).values_list("key", flat=True)),
        ideas=list(ideas.values_list("pk", flat=True)[:20]),
        mail_wait=options.mail_wait,
    )


def _drive(run: Run, options: Options, say: Say) -> list[Verdict]:
    """The scripted mix for ``options.seconds``, then the wait for the mails; every verdict but one."""
    world = _world(run, options)
    ledger = world.ledger
    until = time.monotonic() + options.seconds
    stop = threading.Event()
    health: list[int] = []
    numbers = count(1)

    def read_mail() -> None:
        while not stop.wait(0.2):
            ledger.scan()

    def ask_health() -> None:
        while True:
            health.append(_status(f"{run.base}/healthz"))
            if stop.wait(HEALTH_EVERY):
                return

    def customers() -> None:
        while time.monotonic() < until:
            try:
                Customer(world, next(numbers)).live()
            except requests.RequestException as error:
                ledger.errors.append(f"a customer: {error.__class__.__name__}")

    def agent() -> None:
        person = staff_sign_in(world, "agent@example.com")
        if person is not None:
            agent_work(world, person, until)

    def privacy_officer() -> None:
        person = staff_sign_in(world, "privacy@example.com")
        n = 0
        while person is not None and not stop.wait(options.incident_every) and time.monotonic() < until:
            n += 1
            incident_declare(world, person, n)

    threads_start([read_mail, ask_health, privacy_officer])
    working = threads_start([customers] * options.people + [agent])
    for thread in working:
        thread.join(timeout=options.seconds + options.mail_wait * 6 + 120)
    settle = time.monotonic() + options.mail_wait
    while time.monotonic() < settle and any(not e.mails for e in ledger.expected.values()):
        time.sleep(0.5)
    ledger.scan()
    stop.set()
    return _verdicts(world, health, say)


def _verdicts(world: World, health: list[int], say: Say) -> list[Verdict]:
    from plumbing.models import Job

    ledger = world.ledger
    expected = list(ledger.expected.values())
    for item in expected:  # mails nobody clicked on the way (replies, incidents) are clicked now
        if item.mails and item.opened is None and item.link:
            item.opened = _status(item.link)
    now = timezone.now()
    failed = Job.objects.filter(state=Job.State.FAILED).count()
    due = Job.objects.filter(state=Job.State.PENDING, next_attempt_at__lte=now).order_by("created_at").first()
    oldest = (now - due.created_at).total_seconds() if due else 0.0
    verdicts, figures = mail_verdicts(expected)
    say(f"actions: {dict(ledger.actions)}")
    say(f"answers by status: {dict(ledger.statuses)}; mails no action expected: {len(ledger.unexpected)}")
    say("action to mail (the mail's file written):")
    for line in figures:
        say(f"  {line}")
    say(f"oldest due job: {oldest:.1f} s; failed jobs: {failed}; load average now {load_average()}")
    return [
        *verdicts,
        Verdict(
            "/healthz never failed",
            bool(health) and set(health) == {200},
            f"{len(health)} asked: {Counter(health)}",
        ),
        Verdict(
            "no 5xx and no missing form", not ledger.errors, f"{len(ledger.errors)}: {ledger.errors[:5]}"
        ),
        Verdict("no job failed", failed == 0, f"{failed} failed"),
        Verdict("no due job waits", oldest < 60, f"the oldest due job is {oldest:.1f} s old"),
    ]
