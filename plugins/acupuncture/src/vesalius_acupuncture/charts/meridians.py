"""The meridian chart ``acupuncture.meridians``: front, back and side views.

Each of the 361 standard points and the extra points is a region whose id is its standard
code (``LI4``, ``BL40``, ``EX-HN3``), with the older codes as aliases (``UB40``, ``SJ5``,
``Ren12``); its group is the meridian code (``EX`` for extra points). The meridian lines are
drawn as decorations. Marks record what was done at a point: needling (side, depth,
technique, retention), electro-stimulation, moxibustion and cupping.
"""

from __future__ import annotations

from vesalius_sdk import (
    ChartDefinition,
    ChartMark,
    ChartView,
    Circle,
    Decoration,
    Ellipse,
    MarkAttribute,
    MarkType,
    Path,
    Region,
)

from . import body, layout
from .geometry import Point, smooth_path
from .points import MERIDIANS, POINTS

CHART_ID = "acupuncture.meridians"
SCALE = 1.4  # model coordinates (300 x 800) -> drawing units
VIEW_WIDTH, VIEW_HEIGHT = 300 * SCALE, 800 * SCALE
POINT_RADIUS = 2.4
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


def _s(p: Point) -> Point:
    return (round(p[0] * SCALE, 1), round(p[1] * SCALE, 1))


def _outline(points: list[Point], closed: bool = True) -> Decoration:
    return Decoration(shape=Path(d=smooth_path([_s(p) for p in points], closed)),
                      role="outline")


def _detail(points: list[Point], closed: bool) -> Decoration:
    return Decoration(shape=Path(d=smooth_path([_s(p) for p in points], closed)),
                      role="detail")


def _meridian_lines(where: layout.Positions) -> dict[str, list[Decoration]]:
    """Each run of a meridian's line in the view its points are drawn in."""
    lines: dict[str, list[Decoration]] = {"front": [], "back": [], "side": []}
    for meridian, runs in layout.LINES.items():
        for first, last in runs:
            codes = [f"{meridian}{n}" for n in range(first, last + 1)]
            views = {where[c][0] for c in codes}
            if len(views) != 1:
                raise ValueError(f"{meridian} {first}-{last} is drawn in several views")
            view = views.pop()
            points = [_s(where[c][1]) for c in codes]
            lines[view].append(Decoration(shape=Path(d=smooth_path(points, closed=False)),
                                          role="line"))
            if len(points) >= 5:  # name the long runs only: the face is crowded
                start = points[0]
                lines[view].append(Decoration(text=meridian,
                                              at=(start[0] + 3.5, start[1] - 3),
                                              role="label"))
    return lines


def _regions(where: layout.Positions) -> list[Region]:
    regions = []
    for code, point in POINTS.items():
        if code == "EX-B2":
            x, top, bottom = layout.JIAJI
            shape: Circle | Ellipse = Ellipse(
                cx=round(x * SCALE, 1), cy=round((top + bottom) / 2 * SCALE, 1), rx=1.8,
                ry=round((bottom - top) / 2 * SCALE, 1))
            view = layout.BACK
        else:
            view, p = where[code]
            cx, cy = _s(p)
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
    where = layout.positions()
    lines = _meridian_lines(where)
    front = [_outline(a) for a in body.FRONT_ARMS] + [_outline(body.FRONT_BODY)]
    front += [_detail(d, closed=len(d) > 2) for d in body.FRONT_DETAILS]
    back = [_outline(a) for a in body.BACK_ARMS] + [_outline(body.BACK_BODY)]
    back += [_detail(d, closed=len(d) > 3) for d in body.BACK_DETAILS]
    side = [_outline(body.SIDE_BODY), _outline(body.SIDE_ARM)]
    side += [_detail(d, closed=i < 2) for i, d in enumerate(body.SIDE_DETAILS)]
    views = (
        ChartView(id="front", title="Front", width=VIEW_WIDTH, height=VIEW_HEIGHT,
                  region_fill=POINT_FILL,
                  decorations=tuple(front + lines["front"])),
        ChartView(id="back", title="Back", width=VIEW_WIDTH, height=VIEW_HEIGHT,
                  region_fill=POINT_FILL,
                  decorations=tuple(back + lines["back"])),
        ChartView(id="side", title="Left side", width=VIEW_WIDTH, height=VIEW_HEIGHT,
                  region_fill=POINT_FILL,
                  decorations=tuple(side + lines["side"])),
    )
    counts = ", ".join(f"{code} {n}" for code, (_, n) in MERIDIANS.items())
    return ChartDefinition(
        id=CHART_ID,
        title="Meridians and acupuncture points",
        description=(
            "The 361 standard points on the 14 meridians (" + counts + ") and common extra "
            "points, each drawn once on the patient's left side in the view where it is best "
            "seen; the side needled is recorded on the mark."
        ),
        views=views,
        regions=tuple(_regions(where)),
        mark_types=MARK_TYPES,
        validator=check_mark,
    )


MERIDIAN_CHART = build_chart()
