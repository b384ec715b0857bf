"""``make run``'s supervisor: the port carries through, and a process that dies is never silent."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from portal.devserver import ROOT, Supervisor, environment, reason


def test_a_port_that_is_not_a_number_is_refused_in_one_line_naming_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "portal.devserver"],
        cwd=ROOT, env={**os.environ, "PORT": "eighty"}, capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert done.returncode == 2
    assert done.stderr == "make run: PORT must be a port number from 1 to 65535; got 'eighty'\n"
    assert done.stdout == ""


def test_the_base_url_in_mails_follows_the_port() -> None:
    assert environment({"PORT": "9000"})["PORTAL_BASE_URL"] == "http://127.0.0.1:9000"
    assert environment({})["PORTAL_BASE_URL"] == "http://127.0.0.1:8000"


def test_a_base_url_that_is_set_is_kept() -> None:
    env = environment({"PORT": "9000", "PORTAL_BASE_URL": "https://portal.example.com"})

    assert env["PORTAL_BASE_URL"] == "https://portal.example.com"


def test_the_reason_is_the_last_line_that_looks_like_trouble() -> None:
    said = ["starting", "CRITICAL Unrecoverable error: JSONDecodeError('Expecting value')", "  File x.py"]

    assert reason(1, said) == "exit code 1: CRITICAL Unrecoverable error: JSONDecodeError('Expecting value')"
    assert reason(-9, []) == "killed by signal 9"


def test_a_process_that_keeps_dying_ends_the_run_with_one_line_and_stops_the_rest() -> None:
    out = io.StringIO()
    supervisor = Supervisor(
        env=environment({"PORT": "9000"}),
        out=out,
        argvs={
            "flaky": [sys.executable, "-c", "print('ERROR the disk is full'); raise SystemExit(3)"],
            "steady": [sys.executable, "-c", "import time; time.sleep(60)"],
        },
    )
    for process in supervisor.processes.values():
        supervisor.start(process)

    status = supervisor.watch()

    lines = [line.split("| ", 1)[1] for line in out.getvalue().splitlines() if " make run | " in line]
    restarted = "flaky exited (exit code 3: ERROR the disk is full); starting it again"
    assert lines == [restarted] * 4 + [
        "stopped: flaky exited 5 times within 120 s (last: exit code 3: ERROR the disk is full)"
    ]
    assert status == 1
    steady = supervisor.processes["steady"].popen
    assert steady is not None
    assert steady.poll() is not None  # not left running: the site is never half-up
