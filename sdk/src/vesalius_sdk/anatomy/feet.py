"""Both feet from above, below and the inside (:func:`feet_dorsal`, :func:`feet_plantar`,
:func:`feet_medial`).

Drawn once from one right-foot outline in local coordinates (``x`` from the medial border
0 to the lateral border about 147, ``y`` from the toe tips 0 to the back of the heel 400;
a foot about 2.7 times as long as it is wide at the metatarsal heads, the toes a fifth of
its length, the metatarsal heads on an oblique line from the first, furthest forward, to
the fifth), mirrored for the left foot, in a 380 x 446 box with the feet 14 units either
side of the midline ``x = 190``. Left foot on the viewer's left, great toes towards the
middle: the feet as the patient looks down at them (dorsal) and as footprints (plantar).

The dorsal view ends at the ankle: the leg is cut above the malleoli, the medial malleolus
higher and further forward, the lateral one lower and further back, both at the ankle
where they belong. The plantar view shows the whole sole to the back of the heel.

Parts (each ``_left`` and ``_right``): dorsal ``forefoot_dorsal``, ``midfoot_dorsal``,
``rearfoot_dorsal`` (rearfoot and ankle), ``digit_1_dorsal`` ... ``digit_5_dorsal``;
plantar ``forefoot_plantar``, ``arch`` (medial longitudinal arch), ``midfoot_lateral``,
``heel_plantar``, ``heel_posterior``, ``digit_1_plantar`` ... ``digit_5_plantar``.
Anchors: every part's centre by its name, and ``nail_1`` ... ``nail_5``,
``interdigital_1`` ... ``interdigital_4`` (web spaces), ``mtpj_1_medial``,
``mtpj_5_lateral``, ``malleolus_medial``, ``malleolus_lateral`` (dorsal);
``met_head_1`` ... ``met_head_5``, ``heel``, ``arch`` (plantar). Small landmarks have a
natural size (``figure.sizes``) that :func:`~vesalius_sdk.anatomy.region_at` uses.

The medial view shows each foot's inner side, standing, drawn at 0.42 of the other views'
scale so that both fit side by side: left foot on the left with its toes towards the
middle, right foot on the right, toes towards the middle; the medial longitudinal arch
lifts off the ground between the heel and the first metatarsal head, the medial malleolus
sits above the talus at the ankle, behind the navicular. Parts (each side):
``forefoot_medial``, ``midfoot_medial``, ``rearfoot_medial`` (heel and ankle),
``hallux_medial``. Anchors: parts' centres, ``malleolus_medial``, ``navicular``,
``mtpj_1``, ``ip_1`` (hallux interphalangeal joint), ``nail_1``, ``arch``, ``heel``,
``achilles_insertion``.
"""

from __future__ import annotations

from functools import cache

from ..charts import Decoration, Path, Polygon
from ._geometry import Point, band_between, capsule, clip, sample_smooth, smooth_path
from .figure import Figure, both_sides

VIEW_WIDTH = 380.0
VIEW_HEIGHT = 446.0
MIDLINE = VIEW_WIDTH / 2
FOOT_GAP = 14.0  # from the midline to each foot's medial border
TOP = 16.0
SIDES = ("left", "right")

# Right foot, plantar outline (a footprint), clockwise from the medial forefoot. The top
# edge runs under the toes (the toes are drawn over it).
SOLE: tuple[Point, ...] = (
    (6, 96), (1, 120), (0, 142), (4, 176), (11, 215), (16, 255), (18, 290), (20, 325),
    (26, 362), (44, 390), (68, 400), (93, 393), (110, 370), (116, 335), (119, 295),
    (124, 258), (131, 228), (137, 198), (143, 166), (147, 140), (146, 120), (140, 107),
    (124, 93), (100, 83), (75, 79), (48, 81), (24, 87),
)
# Right foot seen from above: the same forefoot and midfoot, then the ankle with both
# malleoli bulging and the leg cut at y = 400.
DORSUM: tuple[Point, ...] = (
    (6, 96), (1, 120), (0, 142), (4, 176), (11, 215), (16, 252), (17, 276), (10, 292),
    (9, 306), (16, 317), (24, 328), (26, 362), (27, 400), (61, 402), (95, 400), (97, 365),
    (101, 346), (113, 338), (120, 325), (119, 310), (120, 295), (124, 258), (131, 228),
    (137, 198), (143, 166), (147, 140), (146, 120), (140, 107), (124, 93), (100, 83),
    (75, 79), (48, 81), (24, 87),
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
# Dorsal landmarks: centre and radii.
SPOTS: dict[str, tuple[Point, float, float]] = {
    "mtpj_1_medial": ((5, 132), 8, 14),
    "mtpj_5_lateral": ((143, 144), 7, 11),
    "malleolus_medial": ((17, 302), 9, 12),
    "malleolus_lateral": ((112, 322), 9, 12),
}
ARCH_SPLIT_X = 60.0  # medial arch | lateral midfoot, plantar
#: Zones: name -> (outline, y from, y to), cut across the foot.
ZONES: dict[str, tuple[str, float, float]] = {
    "forefoot_dorsal": ("dorsum", 0, 200),
    "midfoot_dorsal": ("dorsum", 200, 285),
    "rearfoot_dorsal": ("dorsum", 285, 403),
    "forefoot_plantar": ("sole", 0, 185),
    "arch": ("sole", 185, 312),
    "midfoot_lateral": ("sole", 185, 312),
    "heel_plantar": ("sole", 312, 386),
    "heel_posterior": ("sole", 386, 401),
}

_OUTLINES = {"sole": sample_smooth(SOLE, steps=5), "dorsum": sample_smooth(DORSUM, steps=5)}


def _place(side: str, p: Point) -> Point:
    """Local right-foot coordinates -> view coordinates (the left foot is mirrored)."""
    x = MIDLINE + FOOT_GAP + p[0] if side == "right" else MIDLINE - FOOT_GAP - p[0]
    return (round(x, 1), round(TOP + p[1], 1))


def _zone(name: str) -> list[Point]:
    outline, y_from, y_to = ZONES[name]
    shape = band_between(_OUTLINES[outline], y_from, y_to)
    if name == "arch":
        shape = clip(shape, lambda p: ARCH_SPLIT_X - p[0])
    elif name == "midfoot_lateral":
        shape = clip(shape, lambda p: p[0] - ARCH_SPLIT_X)
    return shape


def _toe(n: int) -> list[Point]:
    base, tip, width = TOES[n]
    return capsule(base, tip, width, steps=8)


def _nail(n: int) -> tuple[Point, float, float]:
    base, tip, width = TOES[n]
    # a little back from the tip, along the toe
    t = 0.12
    return ((tip[0] + (base[0] - tip[0]) * t, tip[1] + (base[1] - tip[1]) * t),
            width * 0.33, width * 0.42)


def _interdigital(n: int) -> tuple[Point, float, float]:
    (b1, _, w1), (b2, _, w2) = TOES[n], TOES[n + 1]
    lateral_edge, medial_edge = b1[0] + w1 / 2, b2[0] - w2 / 2
    centre = ((lateral_edge + medial_edge) / 2, (b1[1] + b2[1]) / 2 - 8)
    return (centre, max(2.8, (medial_edge - lateral_edge) / 2 + 1.5), 8)


def _local(dorsal: bool) -> tuple[dict[str, list[Point]], dict[str, tuple[Point, float, float]]]:
    """Parts and sized landmarks of the right foot in local coordinates."""
    surface = "dorsal" if dorsal else "plantar"
    parts = {name: _zone(name) for name, (outline, _, _) in ZONES.items()
             if (outline == "dorsum") == dorsal}
    parts |= {f"digit_{n}_{surface}": _toe(n) for n in TOES}
    spots: dict[str, tuple[Point, float, float]] = {}
    if dorsal:
        spots |= {f"nail_{n}": _nail(n) for n in TOES}
        spots |= {f"interdigital_{n}": _interdigital(n) for n in (1, 2, 3, 4)}
        spots |= SPOTS
    else:
        spots |= {f"met_head_{n}": v for n, v in MET_HEADS.items()}
        spots |= {"heel": ((68, 360), 22, 22), "arch": ((32, 250), 12, 30)}
    return parts, spots


def _decorations(dorsal: bool) -> tuple[Decoration, ...]:
    outline = DORSUM if dorsal else SOLE
    decorations: list[Decoration] = []
    for side in SIDES:
        for n in (5, 4, 3, 2, 1):
            decorations.append(Decoration(
                shape=Polygon(points=tuple(_place(side, p) for p in _toe(n))), role="outline"))
        decorations.append(Decoration(
            shape=Path(d=smooth_path([_place(side, p) for p in outline])), role="outline"))
        if dorsal:  # the cut of the leg above the ankle
            a, b = _place(side, (27, 400)), _place(side, (95, 400))
            decorations.append(Decoration(shape=Path(d=f"M{a[0]},{a[1] - 14} L{b[0]},{b[1] - 14}"),
                                          role="detail"))
        label_x = MIDLINE + (1 if side == "right" else -1) * (FOOT_GAP + 70)
        decorations.append(Decoration(text=f"{side.capitalize()} foot",
                                      at=(label_x - 20, TOP + 420), role="label"))
    decorations.append(Decoration(text="medial", at=(MIDLINE - 14, TOP + 250), role="label"))
    return tuple(decorations)


def _figure(dorsal: bool) -> Figure:
    parts, anchors, sizes = both_sides(*_local(dorsal), _place)
    return Figure(name="feet_dorsal" if dorsal else "feet_plantar", width=VIEW_WIDTH,
                  height=VIEW_HEIGHT, decorations=_decorations(dorsal), anchors=anchors,
                  parts=parts, sizes=sizes)


# Right foot seen from its medial side, toes on the local left: x from the hallux tip 0 to
# the back of the heel 400, y upwards from the ground 0 (same length units as above).
MEDIAL_SIDE: tuple[Point, ...] = (
    (0, 14), (4, 4), (30, 0), (70, 2), (105, 0), (135, 8), (175, 21), (215, 29),
    (255, 26), (300, 12), (340, 2), (372, 0), (396, 14), (402, 42), (394, 78),
    (386, 130), (384, 190), (386, 230), (296, 230), (300, 180), (290, 140), (262, 108),
    (220, 86), (170, 68), (120, 52), (80, 40), (46, 34), (14, 30),
)
MEDIAL_SCALE = 0.42
MEDIAL_HEIGHT = 130.0
MEDIAL_SPOTS: dict[str, tuple[Point, float, float]] = {
    "malleolus_medial": ((330, 142), 22, 24),
    "navicular": ((252, 86), 18, 16),
    "mtpj_1": ((100, 26), 22, 20),
    "ip_1": ((40, 18), 16, 14),
    "nail_1": ((12, 24), 12, 7),
    "arch": ((210, 46), 40, 16),
    "heel": ((360, 30), 30, 26),
    "achilles_insertion": ((396, 62), 12, 20),
}
#: Zones of the medial view: name -> (x from, x to) along the foot.
MEDIAL_ZONES = {"hallux_medial": (0, 60), "forefoot_medial": (60, 170),
                "midfoot_medial": (170, 300), "rearfoot_medial": (300, 410)}


def _medial_place(side: str, p: Point) -> Point:
    """Local right-foot medial coordinates -> view coordinates: toes towards the middle."""
    x = p[0] * MEDIAL_SCALE
    vx = MIDLINE + 8 + x if side == "right" else MIDLINE - 8 - x
    return (round(vx, 1), round(MEDIAL_HEIGHT - 12 - p[1] * MEDIAL_SCALE, 1))


@cache
def feet_medial() -> Figure:
    """Both feet from the inside, toes towards the middle (module docs for names)."""
    outline = sample_smooth(MEDIAL_SIDE, steps=5)
    zones = {name: clip(clip(outline, lambda p, x0=x0: p[0] - x0), lambda p, x1=x1: x1 - p[0])
             for name, (x0, x1) in MEDIAL_ZONES.items()}
    parts, anchors, sizes = both_sides(zones, MEDIAL_SPOTS, _medial_place, MEDIAL_SCALE)
    decorations: list[Decoration] = []
    for side in SIDES:
        decorations.append(Decoration(shape=Path(
            d=smooth_path([_medial_place(side, p) for p in MEDIAL_SIDE]))))
        (nx, ny), (rx, ry) = anchors[f"nail_1_{side}"], sizes[f"nail_1_{side}"]
        decorations.append(Decoration(shape=Path(
            d=f"M{nx - rx:.1f},{ny:.1f} Q{nx:.1f},{ny - ry * 1.6:.1f} {nx + rx:.1f},{ny:.1f}"),
            role="detail"))
        label_x = MIDLINE + (1 if side == "right" else -1) * 92
        decorations.append(Decoration(text=f"{side.capitalize()} foot, medial",
                                      at=(label_x - 38, MEDIAL_HEIGHT - 1), role="label"))
    return Figure(name="feet_medial", width=VIEW_WIDTH, height=MEDIAL_HEIGHT,
                  decorations=tuple(decorations), anchors=anchors, parts=parts, sizes=sizes)


@cache
def feet_dorsal() -> Figure:
    """Both feet from above, to the ankle (module docs for names)."""
    return _figure(dorsal=True)


@cache
def feet_plantar() -> Figure:
    """Both soles, as footprints (module docs for names)."""
    return _figure(dorsal=False)
