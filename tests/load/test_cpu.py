"""Where the CPU of a load run went: per role from /proc, the database's backends, the rest of the machine."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from lab.load.cpu import CpuSnapshot, cpu_shares, cpu_table, machine_busy, sessions_cpu

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="reads /proc (Linux)")
BURN = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
WAIT = "import sys\nsys.stdin.read()"  # until the test closes stdin


def _reaches(seconds: float, session: int) -> bool:
    """Poll (for at most 60 s) until the session has used ``seconds`` of CPU (/proc counts in ticks)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sessions_cpu([session])[session] >= seconds:
            return True
        time.sleep(0.05)
    return False


def test_a_child_that_ended_still_counts_in_the_session_of_the_process_that_waited_for_it() -> None:
    leader_code = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {BURN!r}])\n{WAIT}"
    leader = subprocess.Popen(
        [sys.executable, "-c", leader_code], start_new_session=True, stdin=subprocess.PIPE
    )
    try:
        assert _reaches(0.25, leader.pid)
    finally:
        leader.communicate(b"", timeout=60)


def test_a_running_session_shows_the_cpu_its_processes_used() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", f"{BURN}\n{WAIT}"], start_new_session=True, stdin=subprocess.PIPE
    )
    try:
        assert _reaches(0.25, process.pid)
    finally:
        process.communicate(b"", timeout=60)


def test_the_machine_busy_time_only_grows() -> None:
    before = machine_busy()
    end = os.times().elapsed + 0.05
    while os.times().elapsed < end:
        pass
    assert machine_busy() >= before


def test_shares_are_differences_and_the_rest_of_the_machine_is_what_the_run_did_not_use() -> None:
    roles = {"web": 10.0, "worker1": 2.0}
    before = CpuSnapshot(roles=roles, backends={7: 1.0, 8: 4.0}, machine=100.0, at=0.0)
    roles = {"web": 40.0, "worker1": 12.0}
    after = CpuSnapshot(roles=roles, backends={7: 3.0, 9: 2.0}, machine=160.0, at=30.0)

    shares = {share.role: share for share in cpu_shares(before, after)}

    assert shares["web"].seconds == 30.0
    assert shares["worker1"].seconds == 10.0
    # backend 8 ended (its time is lost, not subtracted); backend 9 began in between and counts whole
    assert shares["postgresql (the run's backends)"].seconds == 4.0
    assert shares["everything else on the machine"].seconds == 16.0
    assert shares["web"].share == 0.5


def test_the_table_gives_milliseconds_per_request() -> None:
    before = CpuSnapshot(roles={"web": 0.0}, backends={}, machine=0.0, at=0.0)
    after = CpuSnapshot(roles={"web": 12.0}, backends={}, machine=20.0, at=10.0)

    table = cpu_table(cpu_shares(before, after), seconds=10.0, cores=2, requests=1000)

    assert "20 CPU-s available" in table
    web = next(line for line in table.splitlines() if line.startswith("web"))
    assert web.split()[-1] == "12.0"
