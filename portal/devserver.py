"""``make run``: the portal on its embedded defaults — web, Celery worker and beat — kept up.

``python -m portal.devserver`` migrates, loads the demo data, starts the
three processes and prints the URL once the site answers and a worker is
alive. A process that exits is started again, with one line naming it and
why it ended; one that keeps dying (``GIVE_UP_AFTER`` exits within
``GIVE_UP_WINDOW`` seconds) stops the whole run with one line, so the site is
never left half-up. Ctrl-C stops everything.

It reads ``PORT`` (default 8000) and sets ``PORTAL_BASE_URL`` to
``http://127.0.0.1:$PORT`` unless that is set, so the links in mails sent by
the worker point where the web process listens. No Django here: each process
loads the settings from this environment itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
GIVE_UP_AFTER = 5
GIVE_UP_WINDOW = 120.0
READY_TIMEOUT = 90.0
STOP_TIMEOUT = 10.0
SAY = "make run"
# Lines whose beginning says that something went wrong, for the one-line reason of an exit.
_TROUBLE = ("CRITICAL", "ERROR", "Traceback", "Error", "Exception", "django.core.exceptions")


class RunError(Exception):
    """A reason not to start, said in one line."""


def port_from(environ: dict[str, str]) -> int:
    """The port ``PORT`` names (default 8000), or a :class:`RunError` naming the variable."""
    raw = environ.get("PORT", "").strip() or "8000"
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise RunError(f"PORT must be a port number from 1 to 65535; got {raw!r}")
    return int(raw)


def environment(environ: dict[str, str]) -> dict[str, str]:
    """The environment of every process of the run: ``PORTAL_BASE_URL`` follows ``PORT``."""
    port = port_from(environ)
    env = {**environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    if not env.get("PORTAL_BASE_URL", "").strip():
        env["PORTAL_BASE_URL"] = f"http://127.0.0.1:{port}"
    return env


def commands(env: dict[str, str]) -> dict[str, list[str]]:
    """The processes of the run, by name."""
    python = sys.executable
    return {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{env['PORT']}"],
        "worker": [python, "-m", "celery", "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [python, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO"],
    }


def reason(returncode: int, last_words: Sequence[str]) -> str:
    """Why a process ended, in one line: how it exited and the last thing it said that looks like trouble."""
    how = f"killed by signal {-returncode}" if returncode < 0 else f"exit code {returncode}"
    trouble = [line for line in last_words if line.lstrip().startswith(_TROUBLE)]
    said = (trouble or list(last_words) or [""])[-1].strip()
    return f"{how}: {said[:160]}" if said else how


@dataclass
class Process:
    """One supervised process: its command, its latest start, what it said last."""

    name: str
    argv: list[str]
    popen: subprocess.Popen[str] | None = None
    last_words: deque[str] = field(default_factory=lambda: deque(maxlen=40))
    exits: deque[float] = field(default_factory=deque)


class Supervisor:
    """Starts the processes, prints their output with their names, restarts one that exits."""

    def __init__(
        self, *, env: dict[str, str], out: TextIO = sys.stdout, argvs: dict[str, list[str]] | None = None
    ) -> None:
        self.env = env
        self.out = out
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.processes = {name: Process(name, argv) for name, argv in (argvs or commands(env)).items()}
        self.width = max(len(name) for name in [*self.processes, SAY])

    def say(self, name: str, line: str) -> None:
        with self.lock:
            self.out.write(f"{time.strftime('%H:%M:%S')} {name:<{self.width}} | {line}\n")
            self.out.flush()

    def setup(self) -> None:
        """Migrate and load the demo data (idempotent); a failure ends the run before anything starts."""
        for step in (["migrate", "--noinput"], ["seed_demo"]):
            self.say(SAY, f"manage.py {' '.join(step)}")
            done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
                [sys.executable, "manage.py", *step], cwd=ROOT, env=self.env, check=False
            )
            if done.returncode != 0:
                raise RunError(f"manage.py {step[0]} failed with exit code {done.returncode} (see above)")

    def start(self, process: Process) -> None:
        process.popen = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            process.argv, cwd=ROOT, env=self.env, text=True, encoding="utf-8", errors="replace", bufsize=1,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        threading.Thread(target=self._relay, args=(process, process.popen), daemon=True).start()

    def _relay(self, process: Process, popen: subprocess.Popen[str]) -> None:
        assert popen.stdout is not None
        for raw in popen.stdout:
            line = raw.rstrip("\n")
            process.last_words.append(line)
            self.say(process.name, line)

    def stop_all(self) -> None:
        """Stop every process: SIGTERM (Celery then shuts down warm), SIGKILL for what is left."""
        self.stopping.set()
        started = [p.popen for p in self.processes.values() if p.popen is not None]
        for popen in started:
            if popen.poll() is None:
                popen.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for popen in started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Each process has a group of its own: its children (runserver's server, a pool) go too.
            _signal_group(popen, signal.SIGKILL)
            popen.wait()

    def wait_ready(self) -> None:
        """Print the URL once the web answers and a worker is alive (``/healthz`` green)."""
        url = self.env["PORTAL_BASE_URL"].rstrip("/")
        deadline = time.monotonic() + READY_TIMEOUT
        while not self.stopping.is_set() and time.monotonic() < deadline:
            if _healthy(f"http://127.0.0.1:{self.env['PORT']}/healthz"):
                self.say(SAY, f"ready: {url}/  (admin: {url}/admin/) — Ctrl-C stops it")
                return
            time.sleep(0.25)
        if not self.stopping.is_set():
            self.say(SAY, f"not ready after {READY_TIMEOUT:.0f} s: {url}/healthz is not green (see above)")

    def watch(self) -> int:
        """Restart processes that exit until stopped; return the run's exit status."""
        while not self.stopping.is_set():
            for process in self.processes.values():
                popen = process.popen
                if popen is None or popen.poll() is None:
                    continue
                time.sleep(0.2)  # let the relay print the last words
                why = reason(popen.returncode, process.last_words)
                now = time.monotonic()
                process.exits.append(now)
                while process.exits and now - process.exits[0] > GIVE_UP_WINDOW:
                    process.exits.popleft()
                if len(process.exits) >= GIVE_UP_AFTER:
                    self.say(
                        SAY,
                        f"stopped: {process.name} exited {len(process.exits)} times within "
                        f"{GIVE_UP_WINDOW:.0f} s (last: {why})",
                    )
                    self.stop_all()
                    return 1
                self.say(SAY, f"{process.name} exited ({why}); starting it again")
                process.last_words.clear()
                self.start(process)
            self.stopping.wait(0.2)
        return 0

    def run(self) -> int:
        self.setup()
        for process in self.processes.values():
            self.start(process)
        threading.Thread(target=self.wait_ready, daemon=True).start()
        return self.watch()


def _signal_group(popen: subprocess.Popen[str], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(popen.pid, signum)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own 127.0.0.1 URL
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main() -> int:
    try:
        env = environment(dict(os.environ))
        if not _port_free(int(env["PORT"])):
            raise RunError(
                f"port {env['PORT']} is in use by another program; choose another: PORT=9000 make run"
            )
        supervisor = Supervisor(env=env)

        def stop(signum: int, _frame: object) -> None:
            supervisor.say(SAY, "stopping (Ctrl-C)" if signum == signal.SIGINT else "stopping")
            supervisor.stopping.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        status = supervisor.run()
        supervisor.stop_all()
    except RunError as error:
        print(f"{SAY}: {error}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
