"""The load run's figures: nearest-rank percentiles per step, errors counted, the page-view p95."""

import pytest

from lab.load.figures import (
    Sample,
    figures_table,
    page_views_p95,
    percentile,
    step_figures,
    within,
)


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile(values, 1.0) == 100
    assert percentile([7.0], 0.99) == 7
    assert percentile([], 0.5) == 0.0


def test_percentiles_do_not_depend_on_order() -> None:
    assert percentile([300.0, 10.0, 20.0, 30.0], 0.5) == 20
    with pytest.raises(ValueError, match="share"):
        percentile([1.0], 95)


def test_each_step_gets_its_figures_and_a_last_row_sums_them_up() -> None:
    samples = [
        *(Sample("privacy center", float(ms), ok=True) for ms in range(10, 110, 10)),
        Sample("change a consent", 500.0, ok=False),
        Sample("change a consent", 100.0, ok=True),
    ]
    rows = step_figures(samples, seconds=4)
    assert [row.step for row in rows] == ["privacy center", "change a consent", "all"]
    center, change, everything = rows
    assert (center.requests, center.errors, center.p50, center.p95) == (10, 0, 50, 100)
    assert (change.requests, change.errors, change.p99) == (2, 1, 500)
    assert everything.requests == 12
    assert everything.errors == 1
    assert everything.per_second == 3.0
    table = figures_table(rows)
    assert "change a consent" in table
    assert table.splitlines()[2].split()[-1] == "1"


def test_the_measured_window_holds_only_the_requests_made_within_it() -> None:
    samples = [
        Sample("sign in", 900.0, ok=True, at=100.0),
        Sample("privacy center", 50.0, ok=True, at=112.0),
        Sample("privacy center", 70.0, ok=True, at=173.0),
    ]
    assert within(samples, 112.0, 172.0) == samples[1:2]
    assert within(samples, 0.0, 200.0) == samples
    assert within([], 0.0, 200.0) == []


def test_the_page_view_p95_counts_only_page_steps() -> None:
    samples = [Sample("privacy center", 100.0, ok=True)] * 19 + [Sample("sign in", 900.0, ok=True)] * 5
    assert page_views_p95(samples, ["privacy center"]) == 100
    assert page_views_p95(samples, ["privacy center", "sign in"]) == 900
