"""Where the CPU went during a load run, read from ``/proc`` (Linux).

Every process of a run is started in its own session, so one role's CPU is
the user + system time of every live process in that session, plus what
they reaped of finished children. PostgreSQL's backends belong to the
server, not to the run: they are found by the run's database name in
``pg_stat_activity``. The machine's busy time (``/proc/stat``) shows what
else ran at the same time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; everything after its ")" is split by spaces.
    return text[text.rfind(")") + 2 :].split()


def _busy_ticks(fields: list[str]) -> int:
    # Fields 14-17 of stat (utime, stime, cutime, cstime), counted from field 3 here.
    return sum(int(value) for value in fields[11:15])


def sessions_cpu(sessions: Iterable[int]) -> dict[int, float]:
    """Return the CPU seconds used so far by every process in each session (by session id)."""
    wanted = set(sessions)
    totals = dict.fromkeys(wanted, 0.0)
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None and int(fields[3]) in wanted:
            totals[int(fields[3])] += _busy_ticks(fields) / TICKS
    return totals


def processes_cpu(pids: Iterable[int]) -> dict[int, float]:
    """Return the CPU seconds used so far by each of the given processes that is still alive."""
    found = {pid: _stat_fields(pid) for pid in pids}
    return {pid: _busy_ticks(fields) / TICKS for pid, fields in found.items() if fields is not None}


def machine_busy() -> float:
    """Return the CPU seconds all cores spent busy since boot (everything but idle and iowait)."""
    values = [int(value) for value in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    # guest time is already part of user time
    return (sum(values[:8]) - idle) / TICKS


@dataclass(frozen=True)
class CpuSnapshot:
    """CPU seconds per role of a run, per database backend, and the machine's busy seconds."""

    roles: Mapping[str, float]
    backends: Mapping[int, float]
    machine: float
    at: float  # time.monotonic()


@dataclass(frozen=True)
class CpuShare:
    role: str
    seconds: float
    share: float  # of the machine's busy time in the interval


def cpu_shares(before: CpuSnapshot, after: CpuSnapshot) -> list[CpuShare]:
    """Return each role's CPU seconds between two snapshots, and what the rest of the machine used."""
    busy = max(after.machine - before.machine, 1e-9)
    rows = [
        CpuShare(role, max(seconds - before.roles.get(role, 0.0), 0.0), 0.0)
        for role, seconds in after.roles.items()
    ]
    # A backend that ended in between is lost (the server reaped it), one that began counts whole.
    database = sum(seconds - before.backends.get(pid, 0.0) for pid, seconds in after.backends.items())
    rows.append(CpuShare("postgresql (the run's backends)", max(database, 0.0), 0.0))
    ours = sum(row.seconds for row in rows)
    rows.append(CpuShare("everything else on the machine", max(busy - ours, 0.0), 0.0))
    return [CpuShare(row.role, row.seconds, row.seconds / busy) for row in rows]


def cpu_table(rows: list[CpuShare], *, seconds: float, cores: int, requests: int) -> str:
    """Format the CPU shares: seconds, share of the busy time, milliseconds per request."""
    lines = [
        f"CPU during the load ({seconds:.0f} s x {cores} cores = {seconds * cores:.0f} CPU-s available):",
        f"{'role':<34} {'CPU s':>7} {'share':>6} {'ms/request':>11}",
    ]
    for row in rows:
        per_request = row.seconds * 1000 / requests if requests else 0.0
        lines.append(f"{row.role:<34} {row.seconds:>7.1f} {row.share:>6.0%} {per_request:>11.1f}")
    return "\n".join(lines)


__all__ = [
    "CpuShare",
    "CpuSnapshot",
    "cpu_shares",
    "cpu_table",
    "machine_busy",
    "processes_cpu",
    "sessions_cpu",
]
