"""Both hands, back and palm (:func:`hand_dorsal`, :func:`hand_palmar`).

Drawn once from one right hand, back up, in local coordinates (wrist crease at ``y = 262``,
tip of the middle finger at ``y = 70``: the hand about 2.2 times as long as it is broad at
the knuckles, the middle finger a little under half its length, each finger's phalanges
about 1 : 0.6 : 0.45, the thumb set low on the radial side and turned out about 30
degrees), mirrored for the left hand and for the palm, in a 360 x 290 box with the hands 12
units either side of the midline ``x = 180``. As the patient looks at their own hands, left
hand on the viewer's left: backs up (dorsal), thumbs towards the middle; palms up (palmar),
thumbs outwards.

The two views put every joint at the same height, so a region drawn in both (a PIP joint
seen dorsally and palmarly) keeps its place: ``region_at(hand_dorsal(), "pip_2_right", ...,
placements=(placement_at(hand_palmar(), "pip_2_right", "palmar"),))``.

Digits are numbered 1 (thumb) to 5 (little finger). Parts (each ``_left`` and ``_right``):
``digit_1`` ... ``digit_5``, ``hand`` (back of the hand, dorsal; palm, palmar), ``wrist``.
Anchors: every part's centre by its name, ``mcp_1`` ... ``mcp_5``, ``pip_2`` ... ``pip_5``,
``dip_2`` ... ``dip_5``, ``ip_1``, ``cmc_1``, ``tip_1`` ... ``tip_5``, ``wrist``,
``radial_styloid``, ``ulnar_styloid``; dorsal ``nail_1`` ... ``nail_5``, ``snuffbox``,
``dorsum``; palmar ``thenar``, ``hypothenar``, ``palm``, ``carpal_tunnel``. Joints and
nails have a natural size (``figure.sizes``).
"""

from __future__ import annotations

import math
from functools import cache

from ..charts import Decoration, Path, Polygon
from ._geometry import Point, capsule, sample_smooth, smooth_path
from .figure import Figure, both_sides

VIEW_WIDTH, VIEW_HEIGHT = 360.0, 290.0
MIDLINE = VIEW_WIDTH / 2
GAP = 12.0  # from the midline to each hand's nearest edge
TOP = 8.0
SHIFT = 24.0  # the thumb reaches left of local x = 0
LOCAL_WIDTH = 156.0  # shifted local x runs 0 (thumb side) .. 156
SIDES = ("left", "right")

# Right hand, back up, thumb on the local left. Fingers 2-5: (knuckle (MCP) centre, tilt
# from vertical in degrees, length from MCP to tip, width); phalanx shares 1 : 0.6 : 0.45.
FINGERS: dict[int, tuple[Point, float, float, float]] = {
    2: ((58.0, 150.0), -5.0, 84.0, 17.0),
    3: ((80.0, 146.0), 0.0, 90.0, 18.0),
    4: ((101.0, 151.0), 5.0, 84.0, 16.5),
    5: ((120.0, 162.0), 11.0, 66.0, 14.5),
}
PHALANGES = (1.0, 0.6, 0.45)
# Thumb: carpometacarpal joint, direction (degrees from vertical, outwards), segment lengths
# (metacarpal, proximal, distal phalanx), width.
THUMB_CMC, THUMB_TILT, THUMB_SEGMENTS, THUMB_WIDTH = (48.0, 238.0), -33.0, (46, 33, 27), 22.0
WRIST_Y, FOREARM_Y = 262.0, 300.0
# Back of the hand (or palm), from the radial wrist round the knuckles to the ulnar wrist.
PALM: tuple[Point, ...] = (
    (46, 262), (37, 244), (34, 222), (39, 200), (46, 180), (50, 160), (55, 143), (80, 137),
    (103, 142), (121, 152), (130, 166), (131, 195), (128, 230), (124, 262),
)


def _along(start: Point, degrees: float, length: float) -> Point:
    a = math.radians(degrees)
    return (start[0] + length * math.sin(a), start[1] - length * math.cos(a))


def _joints() -> dict[str, Point]:
    """Joint centres and tips of the right hand, back up, local coordinates."""
    joints: dict[str, Point] = {}
    for n, (mcp, tilt, length, _) in FINGERS.items():
        unit = length / sum(PHALANGES)
        pip = _along(mcp, tilt, unit * PHALANGES[0])
        dip = _along(pip, tilt, unit * PHALANGES[1])
        tip = _along(dip, tilt, unit * PHALANGES[2])
        joints |= {f"mcp_{n}": mcp, f"pip_{n}": pip, f"dip_{n}": dip, f"tip_{n}": tip}
    mcp = _along(THUMB_CMC, THUMB_TILT, THUMB_SEGMENTS[0])
    ip = _along(mcp, THUMB_TILT * 0.8, THUMB_SEGMENTS[1])
    tip = _along(ip, THUMB_TILT * 0.7, THUMB_SEGMENTS[2])
    joints |= {"cmc_1": THUMB_CMC, "mcp_1": mcp, "ip_1": ip, "tip_1": tip}
    return joints


def _digit(n: int, joints: dict[str, Point]) -> list[Point]:
    if n == 1:
        return capsule(joints["cmc_1"], joints["tip_1"], THUMB_WIDTH, steps=8)
    _, _, _, width = FINGERS[n]
    return capsule(joints[f"mcp_{n}"], joints[f"tip_{n}"], width, steps=8)


def _nail(tip: Point, base: Point, width: float) -> tuple[Point, float, float]:
    t = 9.0 / math.dist(tip, base)
    return ((tip[0] + (base[0] - tip[0]) * t, tip[1] + (base[1] - tip[1]) * t),
            width * 0.3, width * 0.42)


def _local(dorsal: bool) -> tuple[dict[str, list[Point]], dict[str, Point],
                                   dict[str, tuple[float, float]]]:
    joints = _joints()
    palm = sample_smooth(PALM, steps=4)
    parts = {f"digit_{n}": _digit(n, joints) for n in range(1, 6)}
    parts["hand"] = palm
    parts["wrist"] = [(46, WRIST_Y - 6), (122, WRIST_Y - 6), (120, FOREARM_Y), (48, FOREARM_Y)]
    anchors = dict(joints)
    sizes: dict[str, tuple[float, float]] = {}
    for name in joints:
        if name.startswith(("mcp", "pip", "dip", "ip", "cmc")):
            n = int(name.rsplit("_", 1)[1])
            width = THUMB_WIDTH if n == 1 else FINGERS[n][3]
            sizes[name] = (width * 0.42, width * 0.3)
    anchors |= {"wrist": (84, WRIST_Y + 4), "radial_styloid": (50, WRIST_Y + 2),
                "ulnar_styloid": (118, WRIST_Y + 2)}
    if dorsal:
        for n in range(1, 6):
            base = joints["ip_1"] if n == 1 else joints[f"dip_{n}"]
            width = THUMB_WIDTH if n == 1 else FINGERS[n][3]
            centre, rx, ry = _nail(joints[f"tip_{n}"], base, width)
            anchors[f"nail_{n}"] = centre
            sizes[f"nail_{n}"] = (round(rx, 2), round(ry, 2))
        anchors |= {"snuffbox": (44, 246), "dorsum": (86, 200)}
    else:
        anchors |= {"thenar": (58, 222), "hypothenar": (116, 222), "palm": (88, 190),
                    "carpal_tunnel": (84, 250)}
    return parts, anchors, sizes


def _place(side: str, dorsal: bool, p: Point) -> Point:
    """Local right-hand-back coordinates -> view coordinates. A back keeps its thumb towards
    the middle, a palm (the mirror image) turns it outwards; the left hand mirrors the
    right."""
    x = p[0] + SHIFT
    across = x if dorsal else LOCAL_WIDTH - x
    vx = MIDLINE + GAP + across if side == "right" else MIDLINE - GAP - across
    return (round(vx, 1), round(TOP + p[1] - 40, 1))


def _figure(dorsal: bool) -> Figure:
    parts_local, anchors_local, sizes_local = _local(dorsal)
    spots = {k: (p, *sizes_local.get(k, (0.0, 0.0))) for k, p in anchors_local.items()}
    parts, anchors, sizes = both_sides(
        parts_local, spots, lambda side, p: _place(side, dorsal, p))  # type: ignore[arg-type]
    decorations: list[Decoration] = []
    for side in SIDES:
        def at(p: Point, side: str = side) -> Point:
            return _place(side, dorsal, p)

        decorations.append(Decoration(shape=Polygon(points=parts[f"wrist_{side}"])))
        for n in (1, 5, 4, 3, 2):
            decorations.append(Decoration(shape=Polygon(points=parts[f"digit_{n}_{side}"])))
        decorations.append(Decoration(shape=Path(d=smooth_path([at(p) for p in PALM],
                                                               closed=True))))
        if dorsal:
            for n in range(1, 6):
                (cx, cy), (rx, ry) = anchors[f"nail_{n}_{side}"], sizes[f"nail_{n}_{side}"]
                decorations.append(Decoration(shape=Path(
                    d=f"M{cx - rx:.1f},{cy + ry:.1f} L{cx - rx:.1f},{cy - ry * 0.4:.1f} "
                      f"Q{cx:.1f},{cy - ry * 1.3:.1f} {cx + rx:.1f},{cy - ry * 0.4:.1f} "
                      f"L{cx + rx:.1f},{cy + ry:.1f} Z"), role="detail"))
        else:  # palmar creases: thenar, proximal and distal transverse
            crease = [at(p) for p in ((56, 160), (58, 190), (66, 222), (74, 250))]
            proximal = [at(p) for p in ((48, 178), (80, 172), (112, 182))]
            distal = [at(p) for p in ((62, 165), (96, 160), (128, 172))]
            decorations += [Decoration(shape=Path(d=smooth_path(c, closed=False)),
                                       role="detail") for c in (crease, proximal, distal)]
        for n in range(2, 6):  # finger joint creases
            for joint in ("pip", "dip"):
                x, y = anchors[f"{joint}_{n}_{side}"]
                half = FINGERS[n][3] * 0.35
                decorations.append(Decoration(shape=Path(
                    d=f"M{x - half:.1f},{y:.1f} L{x + half:.1f},{y:.1f}"), role="detail"))
        label_x = MIDLINE + (1 if side == "right" else -1) * (GAP + 75)
        decorations.append(Decoration(text=f"{side.capitalize()} hand",
                                      at=(label_x - 22, VIEW_HEIGHT - 6), role="label"))
    return Figure(name="hand_dorsal" if dorsal else "hand_palmar", width=VIEW_WIDTH,
                  height=VIEW_HEIGHT, decorations=tuple(decorations), anchors=anchors,
                  parts=parts, sizes=sizes)


@cache
def hand_dorsal() -> Figure:
    """Both hands, backs up, thumbs towards the middle (module docs for names)."""
    return _figure(dorsal=True)


@cache
def hand_palmar() -> Figure:
    """Both hands, palms up, thumbs outwards (module docs for names)."""
    return _figure(dorsal=False)
