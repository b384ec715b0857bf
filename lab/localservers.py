"""Throwaway local servers for the benchmark and load commands: only 127.0.0.1, always stopped.

Shared by ``api_bench`` (``make bench-api``) and the load lab
(``make load`` / ``make chaos``): a throwaway PostgreSQL database on the
configured server, free ports, gunicorn, a private redis-server, and
stopping a process group (SIGTERM, then SIGKILL after a deadline). Every
process is started in its own session, so stopping it stops its children.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def require_local_postgres(database: dict[str, Any], vendor: str) -> None:
    """Refuse anything but a PostgreSQL database on this machine."""
    if vendor != "postgresql":
        raise CommandError("Set DATABASE_URL to a PostgreSQL database (the Makefile target does).")
    if (database.get("HOST") or "127.0.0.1") not in LOCAL_HOSTS:
        raise CommandError("Only 127.0.0.1 is used: point DATABASE_URL at a local PostgreSQL.")


def _maintenance(database: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(
        host=database.get("HOST") or "127.0.0.1",
        port=database.get("PORT") or 5432,
        user=database.get("USER") or "postgres",
        password=database.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def database_create(database: dict[str, Any]) -> None:
    """Create the database named in ``database`` afresh (dropping a leftover of an earlier run)."""
    from psycopg import sql

    database_drop(database)
    with _maintenance(database) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))


def database_drop(database: dict[str, Any]) -> None:
    """Drop the throwaway database, disconnecting whoever is still on it."""
    from psycopg import sql

    with _maintenance(database) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database["NAME"]))
        )


def database_disconnect(database: dict[str, Any]) -> int:
    """Terminate every backend connected to this (throwaway) database; return how many."""
    with _maintenance(database) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database["NAME"]],
        ).fetchall()
    return sum(1 for (done,) in rows if done)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def port_wait(port: int, process: subprocess.Popen[bytes], *, seconds: float, failure: str) -> None:
    """Wait (at most ``seconds``) until ``process`` accepts connections on 127.0.0.1:``port``.

    Refuse with ``failure`` if it exits first or the deadline passes.
    """
    deadline = time.monotonic() + seconds
    while not port_open(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise CommandError(failure)
        time.sleep(0.05)


def machine_busy() -> float:
    """The share of all cores busy during one second (other work competes with the run)."""

    def sample() -> tuple[int, int]:
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields), idle

    try:
        total0, idle0 = sample()
        time.sleep(1)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def load_average() -> str:
    """``uptime``'s load averages (1, 5, 15 minutes), as text."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def production_env(workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like process (DEBUG off, plain http on 127.0.0.1)."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("PORTAL_LOCAL_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORTAL_HTTPS": "0",
        "PORTAL_VAR_DIR": str(workdir / "var"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def gunicorn_start(
    port: int,
    env: dict[str, str],
    *,
    workers: int,
    worker_class: str = "sync",
    threads: int = 1,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start gunicorn on 127.0.0.1:``port`` in its own session."""
    output = log.open("ab") if log is not None else None
    return subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        [
            sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--worker-class", worker_class, "--threads", str(threads),
            "--log-level", "warning",
            "--timeout", "60",
        ],
        env=env, start_new_session=True, stdout=output, stderr=output,
    )  # fmt: skip


def wait_until_up(port: int, server: subprocess.Popen[bytes], path: str = "/api/v1/ping/") -> None:
    """Wait (at most 30 s) until ``path`` answers 200."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("the server exited at start-up")
        try:
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            client.request("GET", path)
            if client.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise CommandError("the server did not answer within 30 s")


def redis_start(port: int, directory: Path) -> subprocess.Popen[bytes]:
    """Start a private, memory-only redis-server on 127.0.0.1:``port`` and wait until it answers."""
    directory.mkdir(parents=True, exist_ok=True)
    binary = shutil.which("redis-server")
    if binary is None:
        raise CommandError("redis-server is not installed (apt-get install redis-server)")
    server = subprocess.Popen(  # noqa: S603  (redis-server with our own arguments)
        [
            binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
            "--dir", str(directory), "--logfile", str(directory / "redis.log"),
        ],
        start_new_session=True,
    )  # fmt: skip
    try:
        port_wait(port, server, seconds=10, failure=f"redis-server did not start on 127.0.0.1:{port}")
    except CommandError:
        process_stop(server, timeout=5)  # not handed to anyone yet: nobody else would stop it
        raise
    return server


def process_kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process's whole group at once (the chaos run's kill -9)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def process_stop(process: subprocess.Popen[bytes], *, timeout: float = 15) -> None:
    """SIGTERM a process's group; SIGKILL it if it has not ended within ``timeout`` seconds."""
    if process.poll() is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # children it may have left behind
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
