"""Static SVG charts made at build time: no JavaScript, no CDN, readable in light and dark.

Colours come from CSS (classes styled in docs/assets/kb.css with the theme's variables, and
`currentColor` for text and axes), so the palette switch recolours them. Every chart has a
<title> and <desc> for assistive technology; the page shows the same numbers in a table.
Measured values (actual, estimate) are solid bars; planned, target, pledge and guideline
values are hollow bars with a dashed outline, so the difference never rests on colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kb.site.render.escape import Safe, html_text
from kb.site.render.text import PLANNED, number

SYMBOLS = {
    "exactly": "",
    "about": "≈",
    "at-least": "≥",
    "more-than": ">",
    "less-than": "<",
    "at-most": "≤",
    "up-to": "≤",
}


@dataclass(frozen=True)
class Bar:
    value: float
    status: str  # actual, estimate, planned, target, pledge, guideline
    qualifier: str | None = None

    @property
    def css(self) -> str:
        return "kb-bar kb-planned" if self.status in PLANNED else f"kb-bar kb-{self.status}"

    @property
    def text(self) -> str:
        return f"{SYMBOLS.get(self.qualifier or '', '')}{number(self.value)}"


def nice_max(value: float) -> tuple[float, float]:
    """An axis top at or above `value` and a tick step giving 4-5 round ticks."""
    if value <= 0:
        return 1.0, 0.25
    raw = value / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return step * math.ceil(value / step - 1e-9), step


def _legend(x: float, y: float, statuses: set[str]) -> list[str]:
    items = []
    if statuses - PLANNED:
        items.append(("kb-bar kb-actual", "measured (actual, estimate)"))
    if statuses & PLANNED:
        items.append(("kb-bar kb-planned", "planned, target or pledge"))
    out = []
    for css, text in items:
        out.append(
            f'<rect class="{css} kb-legend" x="{x:g}" y="{y - 9:g}" width="12" height="10"/>'
            f'<text x="{x + 17:g}" y="{y:g}">{html_text(text)}</text>'
        )
        x += 28 + 6.5 * len(text)
    return out


def column_chart(chart_id: str, title: str, description: str, groups: list[tuple[str, list[Bar]]], unit: str) -> Safe:
    """Bars grouped by category (periods) along the x axis: one chart per figure series."""
    width, height = 640, 300
    left, right, top, bottom = 56, 16, 36, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value, step = nice_max(max((b.value for _, bars in groups for b in bars), default=0) * 1.12)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v / top_value)

    parts = [f'<text class="kb-axis-label" x="4" y="14">{html_text(unit)}</text>']
    tick = 0.0
    while tick <= top_value + 1e-9:
        parts.append(
            f'<line class="kb-grid" x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
            f'<text class="kb-tick" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{number(round(tick, 6))}</text>'
        )
        tick += step
    slot = plot_w / max(len(groups), 1)
    statuses = set()
    for i, (name, bars) in enumerate(groups):
        bar_w = min(48.0, (slot * 0.7) / max(len(bars), 1))
        start = left + i * slot + (slot - bar_w * len(bars)) / 2
        for j, bar in enumerate(bars):
            statuses.add(bar.status)
            bx, by = start + j * bar_w, y(bar.value)
            parts.append(
                f'<rect class="{bar.css}" x="{bx + 2:.1f}" y="{by:.1f}" width="{bar_w - 4:.1f}" '
                f'height="{top + plot_h - by:.1f}"/>'
                f'<text class="kb-value" x="{bx + bar_w / 2:.1f}" y="{by - 5:.1f}" text-anchor="middle">'
                f"{html_text(bar.text)}</text>"
            )
        parts.append(
            f'<text class="kb-tick" x="{left + i * slot + slot / 2:.1f}" y="{top + plot_h + 18}" '
            f'text-anchor="middle">{html_text(name)}</text>'
        )
    parts.append(f'<line class="kb-axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    parts += _legend(left, height - 8, statuses)
    return _svg(chart_id, title, description, width, height, parts)


def bar_chart(chart_id: str, title: str, description: str, rows: list[tuple[str, list[Bar]]], unit: str) -> Safe:
    """Horizontal bars, one group per row (actors): for comparing actors on one metric."""
    width, label_w, right, top = 640, 150, 56, 30
    row_h = 14
    heights = [max(len(bars), 1) * row_h + 12 for _, bars in rows]
    height = top + sum(heights) + 34
    plot_w = width - label_w - right
    top_value, step = nice_max(max((b.value for _, bars in rows for b in bars), default=0) * 1.05)

    def x(v: float) -> float:
        return label_w + plot_w * (v / top_value)

    parts = [f'<text class="kb-axis-label" x="{label_w}" y="14">{html_text(unit)}</text>']
    tick = 0.0
    while tick <= top_value + 1e-9:
        parts.append(
            f'<line class="kb-grid" x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top - 6}" y2="{height - 30}"/>'
            f'<text class="kb-tick" x="{x(tick):.1f}" y="{height - 16}" text-anchor="middle">{number(round(tick, 6))}</text>'
        )
        tick += step
    statuses = set()
    cursor = top
    for (name, bars), h in zip(rows, heights, strict=False):
        parts.append(
            f'<text class="kb-tick" x="{label_w - 8}" y="{cursor + h / 2 + 2:.1f}" text-anchor="end">'
            f"{html_text(name if len(name) <= 22 else name[:21] + '…')}</text>"
        )
        for j, bar in enumerate(bars):
            statuses.add(bar.status)
            by = cursor + 6 + j * row_h
            parts.append(
                f'<rect class="{bar.css}" x="{label_w}" y="{by:.1f}" width="{x(bar.value) - label_w:.1f}" '
                f'height="{row_h - 3}"/>'
                f'<text class="kb-value" x="{x(bar.value) + 4:.1f}" y="{by + row_h - 5:.1f}">{html_text(bar.text)}</text>'
            )
        cursor += h
    parts += _legend(8, height - 2, statuses)
    return _svg(chart_id, title, description, width, height + 6, parts)


def _svg(chart_id: str, title: str, description: str, width: int, height: int, parts: list[str]) -> Safe:
    head = (
        f'<svg class="kb-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{html_text(title)}</title>'
        f'<desc id="{chart_id}-desc">{html_text(description)}</desc>'
    )
    # One line: Markdown must see a single raw HTML block, with no blank line inside.
    return Safe(head + "".join(parts) + "</svg>")


@dataclass(frozen=True)
class Node:
    """One tie of a link chart: the other end (name, page) and what ties them (words, where the evidence is)."""

    name: str
    href: str
    label: str
    evidence: str
    strength: int


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def link_chart(chart_id: str, title: str, description: str, center: str, nodes: list[Node]) -> Safe:
    """A link chart: `center` in the middle, its ties around it on an ellipse, strongest at the top and going
    clockwise, each line as thick as its evidence is plentiful, each end named (a link to its page) with its tie
    (a link to the evidence). The chart is drawn for the eye: it is hidden from assistive technology and its
    links are out of the tab order, since the table beside it holds the same ties and links as text."""
    width, height = 640, 380
    cx, cy, rx, ry = 320.0, 190.0, 185.0, 128.0
    strongest = max((n.strength for n in nodes), default=1)
    lines: list[str] = []
    ends: list[str] = []
    top, bottom = cy - 14, cy + 32  # the drawing's extent, to crop the view to it
    for i, node in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(nodes), 1)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        weight = 1 + 3 * node.strength / strongest
        lines.append(
            f'<line class="kb-tie" x1="{cx:g}" y1="{cy:g}" x2="{x:.1f}" y2="{y:.1f}" stroke-width="{weight:.1f}"/>'
        )
        side = math.cos(angle)
        if side > 0.35:
            anchor, tx, ty = "start", x + 11, y - 2
        elif side < -0.35:
            anchor, tx, ty = "end", x - 11, y - 2
        elif math.sin(angle) < 0:
            anchor, tx, ty = "middle", x, y - 22
        else:
            anchor, tx, ty = "middle", x, y + 20
        top, bottom = min(top, ty - 14, y - 10), max(bottom, ty + 18, y + 10)
        ends.append(
            f'<circle class="kb-node" cx="{x:.1f}" cy="{y:.1f}" r="{4 + 3 * node.strength / strongest:.1f}"/>'
            f'<a href="{html_text(node.href)}" tabindex="-1"><text class="kb-node-name" x="{tx:.1f}" y="{ty:.1f}" '
            f'text-anchor="{anchor}">{html_text(_short(node.name, 22))}</text></a>'
            f'<a href="{html_text(node.evidence)}" tabindex="-1"><text class="kb-tie-label" x="{tx:.1f}" '
            f'y="{ty + 13:.1f}" text-anchor="{anchor}">{html_text(_short(node.label, 28))}</text></a>'
        )
    middle = (
        f'<circle class="kb-node kb-center" cx="{cx:g}" cy="{cy:g}" r="9"/>'
        f'<text class="kb-node-name kb-center-name" x="{cx:g}" y="{cy + 24:g}" text-anchor="middle">'
        f"{html_text(_short(center, 28))}</text>"
    )
    top, bottom = max(top - 4, 0), min(bottom + 4, height)
    head = (
        f'<svg class="kb-chart kb-linkchart" viewBox="0 {top:.0f} {width} {bottom - top:.0f}" aria-hidden="true" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{html_text(title)}</title><desc>{html_text(description)}</desc>'
    )
    # One line: Markdown must see a single raw HTML block, with no blank line inside.
    return Safe(head + "".join(lines) + "".join(ends) + middle + "</svg>")
