"""The faults of ``make chaos`` (filled in below)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portal.load.run import Options, Say, Stack


def faults_run(*, stack: Stack, options: Options, database: dict[str, Any], say: Say) -> list[str]:
    return []
