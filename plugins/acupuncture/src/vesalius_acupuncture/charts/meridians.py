"""The meridian chart ``acupuncture.meridians``: front, back and side views.

Each of the 361 standard points and the extra points is a region whose id is its standard
code (``LI4``, ``BL40``, ``EX-HN3``), with the older codes as aliases (``UB40``, ``SJ5``,
``Ren12``); its group is the meridian code (``EX`` for extra points). The meridian lines are
drawn as decorations. Marks record what was done at a point: needling (side, depth,
technique, retention), electro-stimulation, moxibustion and cupping.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path as FilePath

from vesalius_sdk import (
    ChartDefinition,
    ChartMark,
    Circle,
    Decoration,
    Ellipse,
    MarkAttribute,
    MarkType,
    Path,
    Region,
)
from vesalius_sdk.anatomy import Figure, smooth_path

from . import layout
from .figures import FIGURES, SCALE, drawn, spread
from .geometry import Point
from .points import MERIDIANS, POINTS

CHART_ID = "acupuncture.meridians"
POINT_RADIUS = 2.4
#: Closest two points' centres may be in one view (each stays clickable).
POINT_GAP = 2 * POINT_RADIUS + 0.8
#: Meridians on the midline (drawn once); every other channel is drawn on both sides.
MIDLINE_MERIDIANS = ("GV", "CV")
POINT_FILL = "#ffffff"  # points show as dots over the lines

SIDE = MarkAttribute(id="side", label="Side", kind="choice",
                     options=("left", "right", "bilateral"))
MINUTES = MarkAttribute(id="minutes", label="Minutes", kind="integer", minimum=1, maximum=120)

MARK_TYPES: tuple[MarkType, ...] = (
    MarkType(id="needled", label="Needled", abbreviation="N", symbol="dot", color="#2e86c1",
             attributes=(
                 SIDE,
                 MarkAttribute(id="depth_mm", label="Depth (mm)", kind="number", minimum=0.5,
                               maximum=150),
                 MarkAttribute(id="technique", label="Technique", kind="choice",
                               options=("tonify", "reduce", "even")),
                 MarkAttribute(id="retention_min", label="Retention (minutes)",
                               kind="integer", minimum=0, maximum=120),
                 MarkAttribute(id="deqi", label="De qi obtained", kind="boolean"),
             )),
    MarkType(id="electro-stimulation", label="Electro-stimulation", abbreviation="E",
             symbol="diamond", color="#8e44ad", attributes=(
                 SIDE,
                 MarkAttribute(id="frequency_hz", label="Frequency (Hz)", kind="number",
                               minimum=0.5, maximum=200),
                 MarkAttribute(id="waveform", label="Waveform", kind="choice",
                               options=("continuous", "dense-disperse", "intermittent")),
                 MINUTES,
             )),
    MarkType(id="moxibustion", label="Moxibustion", abbreviation="M", symbol="triangle",
             color="#d35400", attributes=(
                 SIDE,
                 MarkAttribute(id="method", label="Method", kind="choice",
                               options=("stick", "indirect-cone", "direct-cone",
                                        "warm-needle", "box")),
                 MarkAttribute(id="cones", label="Cones", kind="integer", minimum=1,
                               maximum=50),
                 MINUTES,
             )),
    MarkType(id="cupping", label="Cupping", abbreviation="C", symbol="ring", color="#c0392b",
             attributes=(
                 SIDE,
                 MarkAttribute(id="method", label="Method", kind="choice",
                               options=("stationary", "moving", "flash", "wet",
                                        "needle-cup")),
                 MINUTES,
             )),
)


@cache
def _figure(view: str) -> Figure:
    return FIGURES[view]().placed(scale=SCALE)


#: :func:`compute_positions` written out (``python -m vesalius_acupuncture.charts.meridians``):
#: nudging the points apart is a few hundred thousand distance checks, too slow for every
#: start of the pack (``vesalius plugins list`` imports it); a test keeps the file in step.
POSITIONS_FILE = FilePath(__file__).with_name("positions.json")


def positions() -> dict[str, tuple[str, Point]]:
    """Every point's view and drawn position, as :func:`compute_positions` gives them
    (computed when the file is absent: while it is being written)."""
    if not POSITIONS_FILE.exists():
        return compute_positions()
    data = json.loads(POSITIONS_FILE.read_text(encoding="utf-8"))
    return {code: (view, (x, y)) for code, (view, x, y) in data.items()}


def write_positions() -> None:
    lines = [f"{json.dumps(code)}: {json.dumps([view, x, y])}"
             for code, (view, (x, y)) in sorted(compute_positions().items())]
    POSITIONS_FILE.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def compute_positions() -> dict[str, tuple[str, Point]]:
    """Every point's view and drawn position: the layout carried onto the shared figures,
    close points nudged apart."""
    where = layout.positions()
    out: dict[str, tuple[str, Point]] = {}
    for view in ("front", "back", "side"):
        placed = {code: drawn(view, p) for code, (v, p) in where.items() if v == view}
        out |= {code: (view, p) for code, p in spread(placed, POINT_GAP, FIGURES[view]()).items()}
    return out


def _mirror(points: list[Point], view: str) -> list[Point]:
    axis = _figure(view).width / 2
    return [(round(2 * axis - x, 1), y) for x, y in points]


def _meridian_lines(where: dict[str, tuple[str, Point]]) -> dict[str, list[Decoration]]:
    """Each run of a meridian's line in the view its points are drawn in; a bilateral
    channel also on the other side of the front and back views (its points are drawn, and
    needled sides recorded, on the patient's left)."""
    lines: dict[str, list[Decoration]] = {"front": [], "back": [], "side": []}
    for meridian, runs in layout.LINES.items():
        for first, last in runs:
            codes = [f"{meridian}{n}" for n in range(first, last + 1)]
            views = {where[c][0] for c in codes}
            if len(views) != 1:
                raise ValueError(f"{meridian} {first}-{last} is drawn in several views")
            view = views.pop()
            points = [where[c][1] for c in codes]
            lines[view].append(Decoration(shape=Path(d=smooth_path(points, closed=False)),
                                          role="line"))
            if meridian not in MIDLINE_MERIDIANS and view != "side":
                lines[view].append(Decoration(
                    shape=Path(d=smooth_path(_mirror(points, view), closed=False)),
                    role="detail", color="#a9b4b5"))
            if len(points) >= 5:  # name the long runs only: the face is crowded
                start = points[0]
                lines[view].append(Decoration(text=meridian,
                                              at=(start[0] + 3.5, start[1] - 3),
                                              role="label"))
    return lines


def _regions(where: dict[str, tuple[str, Point]]) -> list[Region]:
    regions = []
    for code, point in POINTS.items():
        if code == "EX-B2":
            x, top, bottom = layout.JIAJI
            (x0, y0), (_, y1) = drawn(layout.BACK, (x, top)), drawn(layout.BACK, (x, bottom))
            shape: Circle | Ellipse = Ellipse(cx=x0, cy=round((y0 + y1) / 2, 1), rx=1.8,
                                              ry=round((y1 - y0) / 2, 1))
            view = layout.BACK
        else:
            view, (cx, cy) = where[code]
            shape = Circle(cx=cx, cy=cy, r=POINT_RADIUS)
        regions.append(Region(
            id=code,
            label=point.label,
            view=view,
            shape=shape,
            side="midline" if point.midline else None,
            group=point.meridian,
            aliases=point.aliases,
        ))
    return regions


def check_mark(chart: ChartDefinition, mark: ChartMark) -> str | None:
    """Midline points take no side; paired points need one (a point is needled per side)."""
    region = chart.region(mark.region)
    side = mark.attributes.get("side")
    if region.side == "midline" and side is not None:
        return f"{region.id} is on the midline: leave the side empty"
    if region.side != "midline" and side is None:
        return f"{region.id} is a paired point: give the side (left, right or bilateral)"
    return None


def build_chart() -> ChartDefinition:
    where = positions()
    lines = _meridian_lines(where)
    views = tuple(
        _figure(view).view(view, title, extra=lines[view], region_fill=POINT_FILL)
        for view, title in (("front", "Front"), ("back", "Back"), ("side", "Left side")))
    counts = ", ".join(f"{code} {n}" for code, (_, n) in MERIDIANS.items())
    return ChartDefinition(
        id=CHART_ID,
        title="Meridians and acupuncture points",
        description=(
            "The 361 standard points on the 14 meridians (" + counts + ") and common extra "
            "points, each drawn once on the patient's left side in the view where it is best "
            "seen (the channels on both sides); the side needled is recorded on the mark."
        ),
        views=views,
        regions=tuple(_regions(where)),
        mark_size=5.0,
        mark_types=MARK_TYPES,
        validator=check_mark,
    )


MERIDIAN_CHART = build_chart()

if __name__ == "__main__":
    write_positions()
