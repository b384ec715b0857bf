"""Charts as server-rendered SVG: no script, no style attribute, readable by screen readers.

The strict Content Security Policy forbids inline scripts and style
attributes, so every colour is an SVG presentation attribute. Each chart
has a title and a description (``role="img"``); the pages show the same
numbers in a table as well.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from trust.scoring import Rules

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 10, 28
BAND_FILLS = {"healthy": "#dcfce7", "watch": "#fef9c3", "at_risk": "#ffedd5", "critical": "#fee2e2"}
LINE = "#14532d"
TEXT = "#1f2937"


def _n(value: float) -> str:
    """A coordinate as text (format_html escapes its arguments, so numbers arrive formatted)."""
    return f"{value:.1f}"


def _y(value: float, top: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (1 - min(max(value, 0.0), top) / top)


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner * index / (count - 1) if count > 1 else inner / 2)


def _labelled(count: int, most: int = 8) -> list[int]:
    """Which points get a label on the x axis: evenly spread, always the last, never two crowded."""
    if count == 0:
        return []
    step = max(1, -(-count // most))
    chosen = list(range(0, count, step))
    if chosen[-1] != count - 1:
        if count - 1 - chosen[-1] < step / 2 and len(chosen) > 1:
            chosen[-1] = count - 1
        else:
            chosen.append(count - 1)
    return chosen


def _band_backgrounds(rules: Rules) -> list[SafeString]:
    spans = [
        ("healthy", rules.healthy_min, 100),
        ("watch", rules.watch_min, rules.healthy_min),
        ("at_risk", rules.at_risk_min, rules.watch_min),
        ("critical", 0, rules.at_risk_min),
    ]
    parts: list[SafeString] = []
    for band, low, high in spans:
        y_top, y_bottom = _y(high, 100), _y(low, 100)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                LEFT,
                _n(y_top),
                WIDTH - LEFT - RIGHT,
                _n(y_bottom - y_top),
                BAND_FILLS[band],
            )
        )
    return parts


def _svg_open(chart_id: str, title: str, description: str, width: int, height: int) -> str:
    """The chart's <svg> with its accessible title and description."""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="trust-chart" viewBox="0 0 {} {}" '
        'width="100%" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
    )


def _y_ticks(top: float) -> list[str]:
    """Grid lines and labels at 0, half and the top of the scale."""
    parts: list[str] = []
    for tick in (0, top / 2, top):
        y = _y(tick, top)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#9ca3af" stroke-width="0.5"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="{}">{}</text>',
                LEFT,
                _n(y),
                WIDTH - RIGHT,
                _n(y),
                LEFT - 4,
                _n(y + 4),
                TEXT,
                f"{tick:g}",
            )
        )
    return parts


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[str, float]],
    rules: Rules | None = None,
    top: float = 100.0,
) -> SafeString:
    """A line over labelled points (oldest first), optionally over the band thresholds."""
    parts: list[str] = [_svg_open(chart_id, title, description, WIDTH, HEIGHT)]
    if rules is not None:
        parts += _band_backgrounds(rules)
    parts += _y_ticks(top)
    count = len(points)
    coordinates = [(_x(i, count), _y(value, top)) for i, (_, value) in enumerate(points)]
    if count > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-linejoin="round"/>',
                " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates),
                LINE,
            )
        )
    for (label, value), (x, y) in zip(points, coordinates, strict=True):
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{}: {}</title></circle>',
                _n(x),
                _n(y),
                LINE,
                label,
                f"{value:.0f}",
            )
        )
    for index in _labelled(count):
        anchor = "end" if index == count - 1 and count > 1 else "middle"
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="{}" fill="{}">{}</text>',
                _n(coordinates[index][0]),
                HEIGHT - 8,
                anchor,
                TEXT,
                points[index][0],
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 -- every part is escaped above


def bar_chart(
    *, chart_id: str, title: str, description: str, bars: Sequence[tuple[str, str, int]]
) -> SafeString:
    """Horizontal bars: (label, band for the colour, value)."""
    row, label_width, width = 28, 110, WIDTH
    height = row * len(bars) + 8
    largest = max((value for _, _, value in bars), default=0) or 1
    parts: list[str] = [_svg_open(chart_id, title, description, width, height)]
    for index, (label, band, value) in enumerate(bars):
        y = 4 + index * row
        length = (width - label_width - 70) * value / largest
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="end" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                'stroke="#6b7280" stroke-width="0.5"/>'
                '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
                label_width - 8,
                y + 17,
                TEXT,
                label,
                label_width,
                y + 2,
                _n(max(length, 1.0)),
                row - 8,
                BAND_FILLS.get(band, "#e5e7eb"),
                _n(label_width + max(length, 1.0) + 6),
                y + 17,
                TEXT,
                value,
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 -- every part is escaped above
