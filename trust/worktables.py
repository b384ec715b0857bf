"""The temporary work tables of the set-based runs (recompute, follow-ups, inactivity)."""

from __future__ import annotations

from typing import Any

from django.db import connection


def worktable_ready(cursor: Any, table: str, *key: str) -> None:
    """Prepare a freshly filled temporary table for the joins that follow.

    PostgreSQL joins it by hash once it knows its size (ANALYZE: see
    PERF_NOTES.md); SQLite has no hash join and would scan it once per row
    of the other side, so it gets an index on ``key`` first.
    """
    if connection.vendor != "postgresql":
        cursor.execute(f"CREATE INDEX {table}_key ON {table} ({', '.join(key)})")
    cursor.execute(f"ANALYZE {table}")
