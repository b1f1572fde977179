"""Small SVG plots drawn on the server (svgwrite escapes every text): outcome-measure trends
with the MCID threshold, and bar charts for the reports. Styled by app.css classes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import svgwrite
from markupsafe import Markup

W, H = 520, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 34


def _drawing(label: str) -> svgwrite.Drawing:
    dwg = svgwrite.Drawing(size=(f"{W}", f"{H}"), profile="full", debug=False)
    dwg.viewbox(0, 0, W, H)
    dwg.attribs["class"] = "plot"
    dwg.attribs["role"] = "img"
    dwg.attribs["aria-label"] = label
    return dwg


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering [low, high]."""
    if high <= low:
        return [low]
    raw = (high - low) / (count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def trend(title: str, points: Sequence[tuple[date, float]], *, minimum: float,
          maximum: float, mcid: float | None, direction: str | None,
          unit: str | None = None) -> Markup:
    """A measure's scores over time; a dashed line where the change from the first score
    reaches the MCID in the direction of improvement."""
    dwg = _drawing(f"{title} over time")
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    low, high = min(minimum, *(v for _, v in points)), max(maximum, *(v for _, v in points))
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return TOP + plot_h - (value - low) / span * plot_h

    days = [d.toordinal() for d, _ in points]
    first, last = min(days), max(days)

    def x(day: date) -> float:
        if last == first:
            return LEFT + plot_w / 2
        return LEFT + (day.toordinal() - first) / (last - first) * plot_w

    for tick in _ticks(low, high):
        dwg.add(dwg.line((LEFT, y(tick)), (W - RIGHT, y(tick)), class_="grid"))
        dwg.add(dwg.text(f"{tick:g}", insert=(LEFT - 6, y(tick) + 4), text_anchor="end"))
    dwg.add(dwg.line((LEFT, TOP), (LEFT, TOP + plot_h), class_="axis"))
    dwg.add(dwg.line((LEFT, TOP + plot_h), (W - RIGHT, TOP + plot_h), class_="axis"))
    if mcid is not None and points:
        better_up = direction == "higher-is-better"
        target = points[0][1] + (mcid if better_up else -mcid)
        if low <= target <= high:
            dwg.add(dwg.line((LEFT, y(target)), (W - RIGHT, y(target)), class_="mcid"))
            dwg.add(dwg.text(f"MCID ({'+' if better_up else '-'}{mcid:g})",
                             insert=(W - RIGHT - 4, y(target) - 4), text_anchor="end"))
    coords = [(x(d), y(v)) for d, v in points]
    if len(coords) > 1:
        dwg.add(dwg.polyline(coords, class_="line"))
    for (d, v), (cx, cy) in zip(points, coords, strict=True):
        dot = dwg.circle((cx, cy), 4, class_="pt")
        dot.set_desc(title=f"{d.isoformat()}: {v:g}{' ' + unit if unit else ''}")
        dwg.add(dot)
    labelled = {points[0][0], points[-1][0]} if points else set()
    for d in sorted(labelled):
        dwg.add(dwg.text(d.strftime("%d %b %Y"), insert=(x(d), H - 12), text_anchor="middle"))
    return Markup(dwg.tostring())


def bars(title: str, items: Sequence[tuple[str, float]], *, unit: str = "",
         percent: bool = False) -> Markup:
    """A vertical bar per item, labelled underneath, value on top."""
    dwg = _drawing(title)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    high = max([v for _, v in items] + [1e-9])
    if percent:
        high = max(high, 0.1)
    for tick in _ticks(0, high):
        ty = TOP + plot_h - tick / high * plot_h
        dwg.add(dwg.line((LEFT, ty), (W - RIGHT, ty), class_="grid"))
        text = f"{tick * 100:g}%" if percent else f"{tick:,g}"
        dwg.add(dwg.text(text, insert=(LEFT - 6, ty + 4), text_anchor="end"))
    n = max(len(items), 1)
    slot = plot_w / n
    width = min(48.0, slot * 0.7)
    for i, (label, value) in enumerate(items):
        height = value / high * plot_h if high else 0
        bx = LEFT + i * slot + (slot - width) / 2
        bar = dwg.rect((bx, TOP + plot_h - height), (width, max(height, 0.5)), class_="bar")
        shown = f"{value * 100:.1f}%" if percent else f"{value:,.2f}{unit}"
        bar.set_desc(title=f"{label}: {shown}")
        dwg.add(bar)
        dwg.add(dwg.text(label[:14], insert=(bx + width / 2, H - 12), text_anchor="middle"))
    dwg.add(dwg.line((LEFT, TOP + plot_h), (W - RIGHT, TOP + plot_h), class_="axis"))
    return Markup(dwg.tostring())
