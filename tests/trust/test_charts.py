"""Charts are SVG the strict CSP allows: no script, no style attribute, a title and a description."""

from trust.charts import bar_chart, line_chart
from trust.scoring import Rules


def test_the_line_chart_is_accessible_svg_without_script_or_style() -> None:
    points = [("Jan", 40.0), ("Feb", 60.0)]

    svg = line_chart(
        chart_id="c1", title="Score <12 months>", description="From 40 to 60", points=points, rules=Rules()
    )

    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Score &lt;12 months&gt;</title>' in svg
    assert "<polyline" in svg
    assert "<script" not in svg
    assert "style=" not in svg


def test_the_bar_chart_shows_every_value_as_text() -> None:
    svg = bar_chart(
        chart_id="b",
        title="Bands",
        description="d",
        bars=[("healthy", "healthy", 12), ("critical", "critical", 0)],
    )

    assert ">12</text>" in svg
    assert ">0</text>" in svg
    assert "style=" not in svg


def test_a_chart_of_one_point_draws_no_line() -> None:
    svg = line_chart(chart_id="c", title="t", description="d", points=[("now", 50)])

    assert "<polyline" not in svg
    assert "<circle" in svg


def test_the_x_axis_labels_a_few_points_evenly_always_the_last_and_keeps_it_inside() -> None:
    points = [(f"d{number}", 50.0) for number in range(53)]

    svg = line_chart(chart_id="c", title="t", description="d", points=points)

    labels = svg.count('font-size="11" text-anchor="middle"') + svg.count('font-size="11" text-anchor="end"')
    assert 2 <= labels - 3 <= 8  # the three y-axis labels are anchored at the end too
    assert 'text-anchor="end" fill="#1f2937">d52</text>' in svg
