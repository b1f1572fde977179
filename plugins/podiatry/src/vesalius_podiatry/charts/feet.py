"""The foot chart ``podiatry.feet``: dorsal and plantar views of both feet.

Both views show the feet as the patient sees them looking down (dorsal) and as footprints
(plantar): left foot on the left, great toes towards the middle. The drawing is made from
one right-foot outline in local coordinates (x from medial to lateral, y from the toe tips
to the heel), mirrored for the left foot; zones are cut out of that outline so that they
follow its shape.
"""

from __future__ import annotations

from vesalius_sdk import ChartDefinition, ChartView, Decoration, Ellipse, Path, Polygon, Region

from .geometry import Point, band, capsule, centroid, clip, sample_smooth, smooth_path
from .marks import MARK_TYPES, check_mark
from .sites import SITES, FootSite, Side

CHART_ID = "podiatry.feet"
VIEW_WIDTH = 380.0
VIEW_HEIGHT = 446.0
MIDLINE = VIEW_WIDTH / 2
FOOT_GAP = 14.0  # from the midline to each foot's medial border
TOP = 16.0

# Right foot, local coordinates: x 0 (medial) .. ~147 (lateral), y 0 (toe tips) .. 400 (heel).
# The top edge runs under the toes (the toes are drawn over it).
OUTLINE: tuple[Point, ...] = (
    (6, 96), (1, 120), (0, 142), (4, 176), (11, 215), (16, 255), (18, 290), (20, 325),
    (26, 362), (44, 390), (68, 400), (93, 393), (110, 370), (116, 335), (119, 295),
    (124, 258), (131, 228), (137, 198), (143, 166), (147, 140), (146, 120), (140, 107),
    (124, 93), (100, 83), (75, 79), (48, 81), (24, 87),
)
# Toes: (centre of base, centre of the rounded tip, width), hallux first.
TOES: dict[int, tuple[Point, Point, float]] = {
    1: ((24, 91), (23, 22), 40),
    2: ((61, 84), (62, 27), 24),
    3: ((87, 85), (89, 40), 22),
    4: ((109, 90), (113, 54), 20),
    5: ((128, 100), (135, 72), 18),
}
# Plantar metatarsal heads: centre and radii.
MET_HEADS: dict[int, tuple[Point, float, float]] = {
    1: ((25, 134), 15, 13),
    2: ((57, 126), 11, 10),
    3: ((82, 131), 10, 10),
    4: ((105, 139), 10, 10),
    5: ((127, 149), 10, 10),
}
MTPJ = {
    "mtpj-1-medial": ((5, 132), 8, 14),
    "mtpj-5-lateral": ((143, 144), 7, 11),
}
MALLEOLI = {
    "malleolus-medial": ((20, 298), 9, 12),
    "malleolus-lateral": ((117, 318), 9, 12),
}
ARCH_SPLIT_X = 60.0  # medial arch | lateral midfoot, plantar
BANDS: dict[str, tuple[float, float]] = {
    "forefoot-dorsal": (0, 200),
    "midfoot-dorsal": (200, 285),
    "rearfoot-dorsal": (285, 401),
    "forefoot-plantar": (0, 185),
    "arch": (185, 312),
    "midfoot-lateral": (185, 312),
    "heel-plantar": (312, 386),
    "heel-posterior": (386, 401),
}

_BODY = sample_smooth(OUTLINE, steps=5)


def _place(side: Side, p: Point) -> Point:
    """Local right-foot coordinates -> view coordinates (the left foot is mirrored)."""
    x = MIDLINE + FOOT_GAP + p[0] if side == "right" else MIDLINE - FOOT_GAP - p[0]
    return (round(x, 1), round(TOP + p[1], 1))


def _polygon(side: Side, points: list[Point]) -> Polygon:
    return Polygon(points=tuple(_place(side, p) for p in points))


def _ellipse(side: Side, centre: Point, rx: float, ry: float) -> Ellipse:
    cx, cy = _place(side, centre)
    return Ellipse(cx=cx, cy=cy, rx=rx, ry=ry)


def _zone(suffix: str) -> list[Point]:
    y_from, y_to = BANDS[suffix]
    shape = band(_BODY, y_from, y_to)
    if suffix == "arch":
        shape = clip(shape, lambda p: ARCH_SPLIT_X - p[0])
    elif suffix == "midfoot-lateral":
        shape = clip(shape, lambda p: p[0] - ARCH_SPLIT_X)
    return shape


def _toe(n: int) -> list[Point]:
    base, tip, width = TOES[n]
    return capsule(base, tip, width, steps=8)


def _nail(n: int) -> tuple[Point, float, float]:
    base, tip, width = TOES[n]
    # a little back from the tip, along the toe
    cx = tip[0] + (base[0] - tip[0]) * 0.12
    cy = tip[1] + (base[1] - tip[1]) * 0.12
    return ((cx, cy), width * 0.33, width * 0.42)


def _interdigital(n: int) -> tuple[Point, float, float]:
    (b1, _, w1), (b2, _, w2) = TOES[n], TOES[n + 1]
    lateral_edge = b1[0] + w1 / 2
    medial_edge = b2[0] - w2 / 2
    cx = (lateral_edge + medial_edge) / 2
    cy = (b1[1] + b2[1]) / 2 - 8
    return ((cx, cy), max(2.8, (medial_edge - lateral_edge) / 2 + 1.5), 8)


def _shape(s: FootSite) -> Polygon | Ellipse:
    if s.kind == "zone":
        return _polygon(s.side, _zone(s.zone or ""))
    if s.kind == "digit":
        return _polygon(s.side, _toe(s.digit or 0))
    if s.kind == "nail":
        centre, rx, ry = _nail(s.digit or 0)
        return _ellipse(s.side, centre, rx, ry)
    if s.kind == "interdigital":
        centre, rx, ry = _interdigital(s.digit or 0)
        return _ellipse(s.side, centre, rx, ry)
    if s.kind == "met-head":
        centre, rx, ry = MET_HEADS[s.digit or 0]
        return _ellipse(s.side, centre, rx, ry)
    suffix = s.id.split("-", 1)[1]
    centre, rx, ry = (MTPJ | MALLEOLI)[suffix]
    return _ellipse(s.side, centre, rx, ry)


# Drawing order inside a view: big zones first, small sites on top of them.
_ORDER = {"zone": 0, "digit": 1, "met-head": 2, "mtpj": 2, "malleolus": 2,
          "interdigital": 3, "nail": 4}


def _region(s: FootSite) -> Region:
    shape = _shape(s)
    anchor = None
    if isinstance(shape, Polygon):
        cx, cy = centroid(list(shape.points))
        anchor = (round(cx, 1), round(cy, 1))
    return Region(id=s.id, label=s.label, view=s.surface, shape=shape, side=s.side,
                  group=f"{s.side}-foot", anchor=anchor)


def _decorations() -> tuple[Decoration, ...]:
    decorations: list[Decoration] = []
    for side in ("left", "right"):
        for n in (5, 4, 3, 2, 1):
            decorations.append(Decoration(shape=_polygon(side, _toe(n)), role="outline"))
        decorations.append(Decoration(
            shape=Path(d=smooth_path([_place(side, p) for p in OUTLINE])), role="outline"))
        label_x = MIDLINE + (1 if side == "right" else -1) * (FOOT_GAP + 70)
        decorations.append(Decoration(text=f"{side.capitalize()} foot",
                                      at=(label_x - 20, TOP + 420), role="label"))
    decorations.append(Decoration(text="medial", at=(MIDLINE - 14, TOP + 250), role="label"))
    return tuple(decorations)


def build_chart() -> ChartDefinition:
    """The foot chart, built from the site table and the foot geometry."""
    sites = sorted(SITES.values(), key=lambda s: (s.surface != "dorsal", _ORDER[s.kind]))
    decorations = _decorations()
    return ChartDefinition(
        id=CHART_ID,
        title="Feet: dorsal and plantar",
        description=(
            "Both feet from above and from below (as footprints), left foot on the left. "
            "Every toe, nail, web space, metatarsal head, malleolus and zone is a region."
        ),
        views=(
            ChartView(id="dorsal", title="Dorsal (from above)", width=VIEW_WIDTH,
                      height=VIEW_HEIGHT, decorations=decorations),
            ChartView(id="plantar", title="Plantar (soles)", width=VIEW_WIDTH,
                      height=VIEW_HEIGHT, decorations=decorations),
        ),
        regions=tuple(_region(s) for s in sites),
        mark_types=MARK_TYPES,
        validator=check_mark,
    )


FEET_CHART = build_chart()
