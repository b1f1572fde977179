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
    labelled = sorted({points[0][0], points[-1][0]}) if points else []
    for d in labelled:
        # The first label starts at its point and the last ends at its point, so neither is
        # clipped by the plot's edge (a single date stays centred).
        anchor = ("middle" if len(labelled) == 1 else
                  "start" if d == labelled[0] else "end")
        dwg.add(dwg.text(d.strftime("%d %b %Y"), insert=(x(d), H - 12), text_anchor=anchor))
    return Markup(dwg.tostring())


#: Bar-chart height: room underneath for labels turned 40 degrees.
BAR_H, BAR_BOTTOM = 250, 64
#: Fill classes of the series of a grouped bar chart, in order (app.css colours them).
SERIES = tuple(f"bar s{i}" for i in range(6))
_CHAR_W = 7.0  # a label character's width at the plot's font size, in viewBox units


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def _fits(labels: Sequence[str], slot: float) -> bool:
    return all(len(_short(label)) * _CHAR_W <= slot - 4 for label in labels)


def _axis_label(dwg: svgwrite.Drawing, label: str, cx: float, level: bool, bottom: float
                ) -> None:
    """A category label under its slot: level when every label fits its slot, else all
    abbreviated and stood upright so neighbours never overlap (the full label is the
    bar's tooltip)."""
    y_base = bottom + 14
    if level:
        text = _short(label)
        dwg.add(dwg.text(text, insert=(cx, y_base), text_anchor="middle"))
        return
    # Upright, a label is one line's height across, so neighbours never touch even with
    # many slots (turned 40 degrees their boxes overlapped from about nine practitioners).
    item = dwg.text(_short(label, 6), insert=(cx + 4, y_base - 12), text_anchor="end")
    item["transform"] = f"rotate(-90 {cx + 4:.1f} {y_base - 12:.1f})"
    dwg.add(item)


def _shown(value: float, unit: str, percent: bool) -> str:
    return f"{value * 100:.2f} %" if percent else f"{value:,.2f}{unit}"


def bars(title: str, items: Sequence[tuple[str, float]], *, unit: str = "",
         percent: bool = False) -> Markup:
    """A vertical bar per item, labelled underneath (see :func:`_axis_label`); each bar's
    tooltip gives its label and value."""
    return grouped_bars(title, [label for label, _ in items], [""],
                        {(label, ""): value for label, value in items},
                        unit=unit, percent=percent)


def grouped_bars(title: str, groups: Sequence[str], series: Sequence[str],
                 values: dict[tuple[str, str], float], *, unit: str = "",
                 percent: bool = False) -> Markup:
    """Bars grouped by ``groups`` along the axis (months), one bar per ``series`` in each
    group (practitioners), with a legend when there is more than one series. A missing
    ``(group, series)`` value draws no bar."""
    dwg = _drawing(title)
    dwg.attribs["height"] = str(BAR_H)
    dwg.viewbox(0, 0, W, BAR_H)
    legend_h = 16 * math.ceil(len(series) / 3) if len(series) > 1 else 0
    top = TOP + legend_h
    plot_w, plot_h = W - LEFT - RIGHT, BAR_H - top - BAR_BOTTOM
    high = max([*values.values(), 1e-9])
    if percent:
        high = max(high, 0.1)
    for tick in _ticks(0, high):
        ty = top + plot_h - tick / high * plot_h
        dwg.add(dwg.line((LEFT, ty), (W - RIGHT, ty), class_="grid"))
        text = f"{tick * 100:g} %" if percent else f"{tick:,g}"
        dwg.add(dwg.text(text, insert=(LEFT - 6, ty + 4), text_anchor="end"))
    slot = plot_w / max(len(groups), 1)
    level = _fits(groups, slot)
    width = min(48.0, slot * 0.8 / max(len(series), 1))
    for i, group in enumerate(groups):
        start = LEFT + i * slot + (slot - width * len(series)) / 2
        for j, name in enumerate(series):
            value = values.get((group, name))
            if value is None:
                continue
            height = value / high * plot_h
            bar = dwg.rect((start + j * width, top + plot_h - height),
                           (max(width - 1, 1), max(height, 0.5)),
                           class_=SERIES[j % len(SERIES)])
            who = f"{name}, " if name else ""
            bar.set_desc(title=f"{who}{group}: {_shown(value, unit, percent)}")
            dwg.add(bar)
        _axis_label(dwg, group, LEFT + i * slot + slot / 2, level, top + plot_h)
    dwg.add(dwg.line((LEFT, top + plot_h), (W - RIGHT, top + plot_h), class_="axis"))
    if len(series) > 1:
        column = (W - LEFT - RIGHT) / 3
        for j, name in enumerate(series):
            lx, ly = LEFT + (j % 3) * column, TOP + 16 * (j // 3)
            dwg.add(dwg.rect((lx, ly - 9), (10, 10), class_=SERIES[j % len(SERIES)]))
            dwg.add(dwg.text(_short(name, 22), insert=(lx + 14, ly)))
    return Markup(dwg.tostring())
