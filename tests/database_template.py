"""The fast lane's test database: migrated once per set of migrations, copied into each xdist worker.

Migrating the ~50 migrations (data migrations included: roles, schedules,
purposes) costs each worker seconds on a quiet machine and half a minute on a
busy one. The first worker that needs the database migrates a SQLite file
under ``.pytest_cache/`` (named by a digest of every migration and the Django
version) while holding a lock; every worker, in this run and the next ones,
then copies that file into its own in-memory database with SQLite's backup.
"""

from __future__ import annotations

import fcntl
import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
APPS = ("plumbing", "customers", "feedback", "trust", "api")


def template_digest() -> str:
    """What the migrated schema and data depend on: every migration of ours and Django's version."""
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(p for app in APPS for p in (ROOT / app).rglob("migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def template_path() -> Path:
    """The migrated template, built under a lock by the first process that needs it."""
    template = ROOT / ".pytest_cache" / "portal" / f"test-db-{template_digest()}.sqlite3"
    if template.exists():
        return template
    with _locked(template.with_suffix(".lock")):
        if template.exists():  # another worker built it meanwhile
            return template
        building = template.with_suffix(".building")
        building.unlink(missing_ok=True)
        connection = connections["default"]
        name = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = str(building)
        try:
            call_command("migrate", interactive=False, verbosity=0)
        finally:
            connection.close()
            connection.settings_dict["NAME"] = name
        with sqlite3.connect(building) as db:  # one self-contained file, no WAL beside it
            db.execute("PRAGMA journal_mode=DELETE")
            if not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise RuntimeError(f"migrating {building} created no tables")
        building.rename(template)
        for stale in template.parent.glob("test-db-*"):  # built for earlier migrations
            if stale.stem != template.stem:
                stale.unlink(missing_ok=True)
    return template


def template_copy_into(template: Path) -> None:
    """Fill this process's (empty, in-memory) test database from ``template``."""
    connection = connections["default"]
    connection.ensure_connection()
    # Read-only: a template removed meanwhile fails loudly instead of copying an empty file.
    with sqlite3.connect(f"file:{template}?mode=ro", uri=True) as source:
        source.backup(connection.connection)
