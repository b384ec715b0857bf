"""Latency figures of a load run: percentiles per step, throughput, errors, and the printed table."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """One request the load generator made: its step, how long it took and whether it succeeded."""

    step: str
    millis: float
    ok: bool
    at: float = 0.0  # when it was made (seconds since the epoch)


@dataclass(frozen=True)
class StepFigures:
    step: str
    requests: int
    errors: int
    per_second: float
    p50: float
    p95: float
    p99: float


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in [0, 1]) of ``values``; 0.0 for none."""
    if not values:
        return 0.0
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must lie in [0, 1], got {share}")
    ordered = sorted(values)
    rank = max(math.ceil(share * len(ordered)), 1)
    return ordered[rank - 1]


def step_figures(samples: Iterable[Sample], seconds: float) -> list[StepFigures]:
    """Figures per step, in order of first appearance, and a last row ``all`` over every request."""
    by_step: dict[str, list[Sample]] = {}
    everything: list[Sample] = []
    for sample in samples:
        by_step.setdefault(sample.step, []).append(sample)
        everything.append(sample)
    rows = [_figures(step, group, seconds) for step, group in by_step.items()]
    if everything:
        rows.append(_figures("all", everything, seconds))
    return rows


def _figures(step: str, group: list[Sample], seconds: float) -> StepFigures:
    millis = [sample.millis for sample in group]
    return StepFigures(
        step=step,
        requests=len(group),
        errors=sum(not sample.ok for sample in group),
        per_second=len(group) / seconds if seconds > 0 else 0.0,
        p50=percentile(millis, 0.50),
        p95=percentile(millis, 0.95),
        p99=percentile(millis, 0.99),
    )


def figures_table(rows: list[StepFigures]) -> str:
    """The figures as a fixed-width text table."""
    lines = [f"{'step':<24}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"]
    for row in rows:
        lines.append(
            f"{row.step:<24}{row.requests:>9}{row.per_second:>9.1f}{row.p50:>9.0f}{row.p95:>9.0f}"
            f"{row.p99:>9.0f}{row.errors:>8}"
        )
    return "\n".join(lines)


def within(samples: Iterable[Sample], start: float, end: float) -> list[Sample]:
    """The samples made between ``start`` and ``end`` (epoch seconds): the measured window."""
    return [sample for sample in samples if start <= sample.at <= end]


def page_views_p95(samples: Iterable[Sample], page_steps: Iterable[str]) -> float:
    """The p95 over every request of the page-view steps together (0.0 when none ran)."""
    wanted = set(page_steps)
    return percentile([sample.millis for sample in samples if sample.step in wanted], 0.95)
