"""Where the points fall on the SDK's shared body figures.

:mod:`.layout` locates every point in cun between landmarks, in a frame of its own: 300 x 800
units, midline ``x = 150``, vertex ``y = 14``, soles ``y = 786``; front view points on the
patient's left (``x >= 150``), back view points on the patient's left (``x <= 150``), side
view the patient's left side facing left. This module carries that frame onto
:mod:`vesalius_sdk.anatomy` (``body_front``, ``body_back``, ``body_side``, drawn ``SCALE``
times their size) by matching landmarks:

- heights, piecewise linearly between landmarks both drawings share (vertex, eyes, chin,
  sternal notch, nipples, navel, pubis, crotch, knee joint, medial malleolus, soles; on the
  back C7, T12, L5, the sacral foramina, coccyx, gluteal fold and popliteal crease);
- across the body, in proportion between the midline (or the inner edge of the leg) and
  the body's outer edge at that height: a point a third of the way from the midline to the
  flank stays a third of the way;
- the arm along its own length (shoulder, armpit, elbow crease, wrist crease, fingertips)
  and across it between its inner and outer edges; the foot by its box;
- the side view: ``body_side`` is drawn from the same side outline, so its points keep
  their place.

The frame's outlines below are not drawn: they only say where the frame's body edges are.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import cache

from vesalius_sdk.anatomy import Figure, body_back, body_front, body_side

from .geometry import Point

#: Drawing units per unit of the shared figures.
SCALE = 2.0
MID = 150.0  # the frame's midline
FIGURE_MID = 130.0  # the shared figures' midline

# The frame's body: the patient's left half from the vertex down the outer edge to the foot
# and back up the inner leg to the crotch; the same from behind (heels); the left arm.
_FRONT_HALF: list[Point] = [
    (150, 14), (166, 17), (178, 27), (184, 44), (184, 62), (181, 80), (175, 95),
    (166, 106), (159, 111), (163, 118), (165, 130), (182, 137), (202, 141), (218, 146),
    (226, 158), (224, 178), (217, 192), (215, 220), (211, 250), (206, 280), (208, 308),
    (214, 336), (216, 364), (212, 405), (206, 455), (200, 505), (197, 545), (198, 575),
    (200, 610), (196, 655), (189, 698), (187, 716), (200, 730), (215, 743), (225, 756),
    (219, 770), (206, 786), (196, 781), (180, 763), (166, 747), (156, 734), (152, 712),
    (154, 680), (154, 640), (151, 600), (154, 572), (155, 530), (153, 470), (152, 410),
    (150, 390),
]

_BACK_HALF: list[Point] = [
    *(_FRONT_HALF[:31]),
    (186, 742), (183, 768), (172, 781), (160, 776), (155, 752), (152, 712),
    *(_FRONT_HALF[41:-1]),
    (150, 398),
]

_FRONT_ARM: list[Point] = [
    (222, 148), (236, 160), (244, 200), (249, 250), (255, 288), (261, 340), (264, 388),
    (268, 398), (274, 418), (277, 438), (271, 444), (265, 430), (262, 425), (265, 445),
    (264, 467), (258, 474), (251, 472), (244, 465), (240, 445), (237, 415), (237, 393),
    (231, 345), (223, 296), (219, 260), (215, 222), (212, 190), (214, 166),
]

FRONT_HALF: list[Point] = [*_FRONT_HALF, (MID, 14)]
BACK_HALF: list[Point] = [*_BACK_HALF, (MID, 14)]
FRONT_ARM: list[Point] = _FRONT_ARM
ARM_TOP, FOOT_TOP = 148.0, 712.0

#: (frame y, figure y) of landmarks both drawings share, top to bottom.
FRONT_HEIGHTS = ((14, 10), (64, 45), (108, 82), (137, 101), (203, 158), (306, 222),
                 (361, 286), (390, 298), (566, 408), (722, 524), (786, 554.5))
BACK_HEIGHTS = ((14, 10), (108, 82), (128, 102), (260, 218), (320, 256), (334, 266),
                (364, 284), (382, 291), (398, 322), (565, 402), (722, 524), (786, 554.5))
#: The arm's landmarks: shoulder, armpit, elbow crease, wrist crease, fingertips.
ARM_HEIGHTS = ((148, 112), (180, 140), (288, 200), (392, 266), (474, 0))
BODY_PARTS = ("head_top", "face_left", "neck_left", "chest_left", "abdomen_left",
              "groin_left", "shoulder_left", "thigh_left", "knee_left", "lower_leg_left",
              "ankle_left", "foot_left")
BACK_PARTS = ("head", "neck_left", "upper_back_left", "mid_back_left", "low_back_left",
              "buttock_left", "sacrum", "shoulder_left", "thigh_left", "knee_left",
              "lower_leg_left", "ankle_left", "foot_left")
ARM_PARTS = ("upper_arm_left", "elbow_left", "forearm_left", "wrist_left", "hand_left")


def _interpolate(table: Sequence[tuple[float, float]], value: float) -> float:
    for (a0, b0), (a1, b1) in itertools.pairwise(table):
        if value <= a1 or (a1, b1) == table[-1]:
            return b0 + (b1 - b0) * (value - a0) / (a1 - a0)
    raise AssertionError("unreachable")


def _crossings(polygon: Sequence[Point], y: float) -> list[float]:
    xs = []
    for (x0, y0), (x1, y1) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        if (y0 <= y < y1) or (y1 <= y < y0):
            xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    return xs


def _inside(point: Point, polygon: Sequence[Point]) -> bool:
    return len([x for x in _crossings(polygon, point[1]) if x > point[0]]) % 2 == 1


def _strip(xs: list[float], x: float) -> tuple[float, float]:
    """The pair of crossings around ``x`` (the strip of body the point is in)."""
    xs = sorted(xs)
    pairs = list(zip(xs[::2], xs[1::2], strict=False))
    return min(pairs, key=lambda p: 0 if p[0] <= x <= p[1] else min(abs(x - p[0]),
                                                                       abs(x - p[1])))


def _across(x: float, frame: tuple[float, float], figure: tuple[float, float]) -> float:
    lo, hi = frame
    t = (x - lo) / (hi - lo) if hi > lo else 0.5
    return figure[0] + t * (figure[1] - figure[0])


def _figure_span(figure: Figure, parts: Sequence[str], y: float) -> tuple[float, float]:
    """The patient's-left body at height ``y``, right of the midline."""
    for dy in (0.0, 0.5, -0.5, 1.5, -1.5, 3.0, -3.0):
        span = figure.span(y + dy, parts)
        if span:
            return (max(span[0], FIGURE_MID), span[1])
    raise ValueError(f"no body at height {y}")


def _torso(p: Point, half: Sequence[Point], heights: Sequence[tuple[float, float]],
           figure: Figure, parts: Sequence[str]) -> Point:
    x, y = p
    y2 = _interpolate(heights, y)
    if y >= FOOT_TOP and x > MID + 1:
        # the foot by its box: the frame's foot (turned out) onto the figure's
        lo, hi = _figure_span(figure, [n for n in parts if n.startswith(("foot", "ankle"))],
                              520.0)
        t = (x - 152.0) / (225.0 - 152.0)
        return (lo + t * (hi - lo + 6.0), y2)
    frame = _strip(_crossings(half, y) or [MID, MID + 1], x)
    frame = (max(frame[0], MID), frame[1]) if y < 390 else frame
    span = _figure_span(figure, parts, y2)
    if y >= 390:  # a leg: between its inner and outer edges
        span = figure.span(y2, [p for p in parts if not p.startswith(("groin", "abdomen"))]) \
            or span
    return (_across(x, frame, span), y2)


def _arm(p: Point, figure: Figure) -> Point:
    x, y = p
    fingertips = figure.anchor("fingertips_left")[1]
    table = [(a, b or fingertips) for a, b in ARM_HEIGHTS]
    y2 = _interpolate(table, y)
    frame = _strip(_crossings(FRONT_ARM, y) or [x - 1, x + 1], x)
    span = figure.span(y2, ARM_PARTS) or figure.span(y2, ("shoulder_left",)) or (x, x + 1)
    return (_across(x, frame, span), y2)


def on_front(p: Point) -> Point:
    """A front-view point of the frame on ``body_front`` (unscaled)."""
    figure = body_front()
    if p[1] >= ARM_TOP and _inside(p, FRONT_ARM):
        return _arm(p, figure)
    return _torso(p, FRONT_HALF, FRONT_HEIGHTS, figure, BODY_PARTS)


def on_back(p: Point) -> Point:
    """A back-view point of the frame on ``body_back`` (unscaled). Behind, the patient's
    left is on the viewer's left: mirrored into the front's half and back again."""
    figure = body_back()
    mirrored = (2 * MID - p[0], p[1])
    parts = [n.replace("_left", "_right") for n in BACK_PARTS]
    if mirrored[1] >= ARM_TOP and _inside(mirrored, FRONT_ARM):
        x, y = _arm(mirrored, _mirrored_back_arm())
    else:
        x, y = _torso(mirrored, BACK_HALF, BACK_HEIGHTS, figure, parts)
    return (2 * FIGURE_MID - x, y)


@cache
def _mirrored_back_arm() -> Figure:
    """``body_back`` with its patient's-right arm named left (the arm right of the midline:
    behind, that is the patient's right, the mirror image of the left)."""
    back = body_back()
    renamed = {n.replace("_right", "_left"): v for n, v in back.parts.items()
               if n.endswith("_right")}
    anchors = {n.replace("_right", "_left"): v for n, v in back.anchors.items()
               if n.endswith("_right")}
    return back.model_copy(update={"parts": renamed, "anchors": anchors})


def on_side(p: Point) -> Point:
    """A side-view point of the frame on ``body_side`` (unscaled): the same outline."""
    return (round(p[0] * 0.7 + 25.0, 2), round(p[1] * 0.7 + 0.2, 2))


MAPS = {"front": on_front, "back": on_back, "side": on_side}
FIGURES = {"front": body_front, "back": body_back, "side": body_side}


def drawn(view: str, p: Point) -> Point:
    """Where a frame point of ``view`` is drawn (shared figure, times ``SCALE``)."""
    x, y = MAPS[view](p)
    return (round(x * SCALE, 1), round(y * SCALE, 1))


def spread(points: dict[str, Point], gap: float, figure: Figure) -> dict[str, Point]:
    """Points nudged apart until no two are closer than ``gap`` (each moves a little, and
    stays on the figure when it was on it)."""
    out = dict(points)
    codes = list(out)
    bodies = [[(x * SCALE, y * SCALE) for x, y in poly] for poly in figure.parts.values()]
    for _ in range(60):
        moved = False
        for i, a in enumerate(codes):
            for b in codes[i + 1:]:
                (ax, ay), (bx, by) = out[a], out[b]
                d = math.dist((ax, ay), (bx, by))
                if d >= gap:
                    continue
                ux, uy = ((bx - ax) / d, (by - ay) / d) if d > 1e-6 else (1.0, 0.0)
                push = (gap - d) / 2 + 0.05
                for code, sign in ((a, -1), (b, 1)):
                    x, y = out[code]
                    candidate = (x + sign * ux * push, y + sign * uy * push)
                    if any(_inside(candidate, poly) for poly in bodies) or \
                            not any(_inside((x, y), poly) for poly in bodies):
                        out[code] = candidate
                    else:  # along the body instead of off it
                        out[code] = (x - sign * uy * push, y + sign * ux * push)
                moved = True
        if not moved:
            break
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in out.items()}
