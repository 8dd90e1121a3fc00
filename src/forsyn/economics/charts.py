"""Small server-rendered SVG charts: no JavaScript, readable by screen readers (each chart has a
title and description, and its numbers are always in a table next to it)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

PALETTE = ("#0059b3", "#b35900", "#358000", "#7a1fa2")  # contrast ≥ 4.5:1 on white


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal]


def _scale(values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    low = min([Decimal(0), *values])
    high = max([Decimal(0), *values])
    if high == low:
        high = low + 1
    return low, high


def _fmt(value: Decimal) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _frame(
    title: str,
    chart_id: str,
    size: tuple[int, int],
    y: Callable[[Decimal], float],
    low: Decimal,
    high: Decimal,
) -> list[str]:
    """The SVG's opening, title, zero line and the two axis labels."""
    width, height = size
    zero = f"{y(Decimal(0)):.1f}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}" class="forsyn-chart">',
        f'<title id="{chart_id}">{escape(title)}</title>',
        f'<line x1="90" x2="{width - 10}" y1="{zero}" y2="{zero}" stroke="#333"/>',
        f'<text x="84" y="{y(high) + 4:.1f}" text-anchor="end" font-size="11">{_fmt(high)}</text>',
        f'<text x="84" y="{y(low) + 4:.1f}" text-anchor="end" font-size="11">{_fmt(low)}</text>',
    ]


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], width: int = 760) -> str:
    """Grouped bars, one group per label; negative values go below the zero line."""
    height, top, bottom, left = 320, 30, 70, 90
    values = [v for s in series for v in s.values]
    low, high = _scale(values)
    plot_h = height - top - bottom
    group_w = (width - left - 10) / max(len(labels), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)

    def y(value: Decimal) -> float:
        return top + float((high - value) / (high - low)) * plot_h

    parts = _frame(title, "bar-title", (width, height), y, low, high)
    for gi, label in enumerate(labels):
        x0 = left + gi * group_w + group_w * 0.1
        for si, s in enumerate(series):
            value = s.values[gi]
            y0, y1 = sorted((y(Decimal(0)), y(value)))
            parts.append(
                f'<rect x="{x0 + si * bar_w:.1f}" y="{y0:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{max(y1 - y0, 0.5):.1f}" fill="{PALETTE[si % len(PALETTE)]}">'
                f"<title>{escape(label)}, {escape(s.name)}: {_fmt(value)}</title></rect>"
            )
        lx, ly = f"{x0 + group_w * 0.4:.1f}", height - bottom + 16
        parts.append(
            f'<text x="{lx}" y="{ly}" font-size="11" text-anchor="end" '
            f'transform="rotate(-35 {lx} {ly})">{escape(label)}</text>'
        )
    parts.extend(_legend(series, width))
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], width: int = 760
) -> str:
    height, top, bottom, left = 300, 30, 50, 90
    values = [v for s in series for v in s.values]
    low, high = _scale(values)
    plot_h = height - top - bottom
    step = (width - left - 30) / max(len(labels) - 1, 1)

    def y(value: Decimal) -> float:
        return top + float((high - value) / (high - low)) * plot_h

    parts = _frame(title, "line-title", (width, height), y, low, high)
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{left + i * step:.1f}" y="{height - bottom + 18}" font-size="11" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for si, s in enumerate(series):
        points = " ".join(f"{left + i * step:.1f},{y(v):.1f}" for i, v in enumerate(s.values))
        color = PALETTE[si % len(PALETTE)]
        dash = ' stroke-dasharray="6 4"' if si % 2 else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2.5"{dash}/>'
        )
        for i, v in enumerate(s.values):
            parts.append(
                f'<circle cx="{left + i * step:.1f}" cy="{y(v):.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(labels[i])}, {escape(s.name)}: {_fmt(v)}</title></circle>"
            )
    parts.extend(_legend(series, width))
    parts.append("</svg>")
    return "".join(parts)


def _legend(series: Sequence[Series], width: int) -> list[str]:
    out = []
    for si, s in enumerate(series):
        x = 90 + si * 200
        out.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{PALETTE[si % len(PALETTE)]}"/>'
            f'<text x="{x + 18}" y="16" font-size="12">{escape(s.name)}</text>'
        )
    return out
