"""Charts as inline SVG, drawn on the server (no script, no CDN; the PDF reports reuse them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from measures.statuses import Status

# Colour per status, chosen for contrast on white and to stay apart in grey print.
STATUS_COLOURS = {
    Status.PLANNED: "#9aa5b1",
    Status.IN_PROGRESS: "#f0a202",
    Status.IMPLEMENTED: "#2c7fb8",
    Status.IN_OPERATION: "#1b5e8c",
    Status.VERIFIED: "#1a7f37",
    Status.NOT_EFFECTIVE: "#b42318",
    Status.REOPENED: "#d9480f",
    Status.ON_HOLD: "#6b7280",
    Status.CANCELLED: "#d1d5db",
}


def status_bars(rows: Sequence[tuple[str, dict[str, int]]], *, title: str) -> SafeString:
    """Horizontal stacked bars: one per row label, split by status."""
    # Labels are mostly Japanese: about one em (13 px) a character, never cut off.
    longest = max((len(label) for label, _ in rows), default=0)
    label_w = min(max(220, 13 * longest + 16), 420)
    width, bar_h, gap = label_w + 420, 22, 10
    height = 40 + len(rows) * (bar_h + gap) + 40
    total_max = max((sum(c.values()) for _, c in rows), default=0) or 1
    scale = (width - label_w - 40) / total_max
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        # By name, so that the PDF embeds the Japanese font for the numbers too.
        f'font-family="IPAexGothic, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    y = 30
    for label, counts in rows:
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" '
            f'font-size="13">{escape(label)}</text>'
        )
        x = float(label_w)
        for status in Status:
            n = counts.get(status, 0)
            if not n:
                continue
            w = n * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{STATUS_COLOURS[status]}"><title>{escape(status.label)}: {n}</title></rect>'
            )
            if w >= 18:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + bar_h * 0.7:.0f}" text-anchor="middle" '
                    f'font-size="12" fill="#fff">{n}</text>'
                )
            x += w
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + bar_h * 0.7:.0f}" font-size="12">'
            f"{sum(counts.values())}</text>"
        )
        y += bar_h + gap
    # legend
    x = 10.0
    for status in Status:
        parts.append(
            f'<rect x="{x:.0f}" y="{y + 8}" width="12" height="12" '
            f'fill="{STATUS_COLOURS[status]}"/>'
            f'<text x="{x + 16:.0f}" y="{y + 18}" font-size="11">{escape(status.label)}</text>'
        )
        x += 16 + 11 * len(str(status.label)) + 14
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def open_over_time(points: Sequence[tuple[dt.date, int, int]], *, title: str) -> SafeString:
    """Two lines over month ends: measures still open, and implemented or running."""
    width, height, pad = 640, 240, 40
    if not points:
        return mark_safe("")
    top = max(max(o, d) for _, o, d in points) or 1
    step = (width - 2 * pad) / max(len(points) - 1, 1)

    def y_of(n: int) -> float:
        return height - pad - n * (height - 2 * pad) / top

    def line(index: int, colour: str) -> str:
        coords = " ".join(
            f"{pad + i * step:.1f},{y_of(p[index]):.1f}" for i, p in enumerate(points)
        )
        return f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{coords}"/>'

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="#888"/>',
        f'<text x="{pad - 6}" y="{y_of(top) + 4:.0f}" text-anchor="end" '
        f'font-size="11">{top}</text>',
        f'<text x="{pad - 6}" y="{height - pad + 4}" text-anchor="end" font-size="11">0</text>',
        line(1, STATUS_COLOURS[Status.REOPENED]),
        line(2, STATUS_COLOURS[Status.VERIFIED]),
    ]
    for i, (month, _, _) in enumerate(points):
        if i % 3 == 0 or i == len(points) - 1:
            parts.append(
                f'<text x="{pad + i * step:.1f}" y="{height - pad + 16}" text-anchor="middle" '
                f'font-size="10">{month.year}/{month.month}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - no text from users
