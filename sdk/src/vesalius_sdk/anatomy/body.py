"""The human body standing, front and back (:func:`body_front`, :func:`body_back`).

A standing figure in the anatomical position, arms a little away from the body, palms
forward, drawn once in a 260 x 562 box (midline ``x = 130``; vertex at ``y = 10``, soles at
``y = 555``): about 7.5 heads tall, the crotch at half height, the elbows at the waist, the
wrists at the crotch, the kneecaps a quarter of the height above the soles. Front and back
share their outline (the back shows heels instead of the front of the feet). The silhouette
is a decoration; the body is also cut into named parts that tile it (``thigh_right``,
``low_back_left``, ...) for packs to make regions of, and named anchors mark the landmarks.

Sides are the patient's: the front view draws the patient's right on the viewer's left, the
back view the patient's left on the viewer's left; both views label their corners so.
"""

from __future__ import annotations

import math
from functools import cache

from ..charts import Decoration, Ellipse, Path
from ._geometry import (
    Edge,
    Point,
    band,
    catmull_rom,
    centroid,
    cut,
    ellipse_arc,
    ellipse_y,
    mirror,
    path_d,
    place,
)
from .figure import Figure

WIDTH, HEIGHT = 260.0, 562.0
CX = 130.0

# Head: an ellipse; the brow line splits scalp from face in the anterior view.
HEAD = (CX, 46.0, 27.0, 36.0)
BROW_Y = 35.0
CHIN = (CX, HEAD[1] + HEAD[3])

# Heights (y) of the cuts between regions, top to bottom.
NECK_BASE = 96.0
CHEST_BOTTOM, UPPER_BACK_BOTTOM, MID_BACK_BOTTOM = 185.0, 170.0, 218.0
ILIAC_CREST, ASIS, PUBIS, CROTCH = 256.0, 262.0, 290.0, 298.0
SACRUM_TOP, SACRUM_WIDTH = 262.0, 13.0
THIGH_TOP_OUTER, THIGH_TOP_INNER = 314.0, 312.0
GLUTEAL_FOLD_INNER, GLUTEAL_FOLD_MID = 318.0, (CX - 25.0, 325.0)
KNEE_TOP, KNEE_BOTTOM, ANKLE_TOP, ANKLE_BOTTOM = 385.0, 418.0, 505.0, 530.0
DELTOID_OUTER, DELTOID_INNER = 150.0, 140.0
ELBOW_TOP, ELBOW_BOTTOM, WRIST_TOP, WRIST_BOTTOM = 188.0, 212.0, 256.0, 276.0
NAVEL_Y = 222.0  # three heads below the vertex


def _x(dx: float) -> float:
    return CX + dx


# --- outlines of the viewer-left half (the other half is their mirror image) -------------

NECK_TOP_X = _x(-13.0)
NECK = Edge([(NECK_TOP_X, ellipse_y(*HEAD, NECK_TOP_X)), (_x(-13.5), 84.0),
             (_x(-16.0), NECK_BASE - 1)])
# Where the groove between chest and shoulder (deltopectoral) meets the top of the shoulder.
GROOVE_TOP = (_x(-40.0), 104.5)
SHOULDER_TOP = catmull_rom([(_x(-16.0), NECK_BASE - 1), (_x(-28.0), 100.0), GROOVE_TOP,
                            (_x(-49.0), 107.5), (_x(-56.0), 112.0)])
GROOVE = catmull_rom([GROOVE_TOP, (_x(-43.0), 122.0), (_x(-44.0), DELTOID_INNER)])
#: Index of the groove's top on the shoulder line: chest and shoulder part there.
GROOVE_AT = min(range(len(SHOULDER_TOP)),
                key=lambda i: math.dist(SHOULDER_TOP[i], GROOVE_TOP))
MIDLINE = Edge([(CX, NECK_BASE), (CX, CROTCH)])
SIDE = Edge([  # armpit, flank, waist, hip, outer thigh, knee, calf, ankle
    (_x(-44.0), DELTOID_INNER), (_x(-43.0), 160.0), (_x(-40.5), 185.0), (_x(-36.5), 212.0),
    (_x(-38.0), 232.0), (_x(-43.0), 252.0), (_x(-47.0), 270.0), (_x(-49.0), 288.0),
    (_x(-48.5), 310.0), (_x(-45.5), 340.0), (_x(-41.5), 368.0), (_x(-38.5), KNEE_TOP),
    (_x(-37.0), 402.0), (_x(-38.0), KNEE_BOTTOM), (_x(-39.5), 440.0), (_x(-35.5), 470.0),
    (_x(-29.5), 496.0), (_x(-26.5), 515.0), (_x(-26.0), ANKLE_BOTTOM),
])
LEG_INNER = Edge([
    (_x(-2.0), CROTCH + 2), (_x(-5.0), 320.0), (_x(-8.0), 350.0), (_x(-10.0), 378.0),
    (_x(-11.0), 395.0), (_x(-11.0), 410.0), (_x(-13.0), 432.0), (_x(-14.5), 460.0),
    (_x(-15.0), 490.0), (_x(-16.0), 515.0), (_x(-16.0), ANKLE_BOTTOM),
])
ARM_OUTER = Edge([
    (_x(-56.0), 112.0), (_x(-63.5), 119.0), (_x(-67.5), 131.0), (_x(-69.5), 148.0),
    (_x(-71.5), 170.0), (_x(-73.5), ELBOW_TOP), (_x(-75.5), 204.0), (_x(-78.0), 222.0),
    (_x(-79.5), 240.0), (_x(-80.5), WRIST_TOP), (_x(-81.0), WRIST_BOTTOM),
])
ARM_INNER = Edge([
    (_x(-44.0), DELTOID_INNER), (_x(-48.0), 160.0), (_x(-52.0), 185.0), (_x(-55.0), 204.0),
    (_x(-58.0), 222.0), (_x(-62.0), 244.0), (_x(-66.0), 262.0), (_x(-68.0), WRIST_BOTTOM),
])


def _finger(x0: float, x1: float, top: float, length: float) -> list[Point]:
    mid, tip = (x0 + x1) / 2, top + length
    return [(x0, tip - 2.4), (x0 + 0.6, tip - 0.7), (mid, tip), (x1 - 0.6, tip - 0.7),
            (x1, tip - 2.4)]


def _hand_local() -> list[Point]:
    """A hand, palm or back, drawn about a 14-unit wrist, thumb towards -x, fingers +y."""
    thumb = [(-8.0, 4.0), (-9.6, 7.0), (-12.6, 10.0), (-15.6, 14.0), (-17.8, 18.5),
             (-18.4, 22.0), (-17.2, 24.2), (-15.0, 23.8), (-13.0, 20.8), (-11.0, 18.2),
             (-10.4, 19.0)]
    fingers: list[Point] = []
    for x0, x1, top, length in ((-10.3, -5.5, 25.5, 16.5), (-5.3, -0.3, 26.0, 18.5),
                                (-0.1, 4.7, 25.5, 17.0), (4.9, 8.9, 24.5, 13.5)):
        if fingers:
            fingers.append(((fingers[-1][0] + x0) / 2, top + 1.5))  # web between fingers
        fingers += _finger(x0, x1, top, length)
    return [(-7.0, 0.0), *thumb, (-10.3, 23.0), *fingers, (9.5, 21.0), (9.8, 12.0),
            (8.6, 5.0), (7.0, 0.0)]


HAND = place(_hand_local(), ARM_OUTER.at(WRIST_BOTTOM), ARM_INNER.at(WRIST_BOTTOM), 14.0)

FOOT_FRONT = [
    SIDE.at(ANKLE_BOTTOM), (_x(-28.5), 537.0), (_x(-32.0), 543.0), (_x(-34.5), 548.0),
    (_x(-34.0), 551.5), (_x(-31.0), 553.5), (_x(-26.0), 554.5), (_x(-21.0), 554.5),
    (_x(-16.5), 553.5), (_x(-14.0), 551.0), (_x(-13.5), 546.0), (_x(-14.5), 539.0),
    LEG_INNER.at(ANKLE_BOTTOM),
]
HEEL = [
    SIDE.at(ANKLE_BOTTOM), (_x(-27.0), 537.0), (_x(-26.5), 544.0), (_x(-24.5), 549.0),
    (_x(-21.0), 551.0), (_x(-17.5), 549.0), (_x(-15.5), 544.0), (_x(-15.0), 537.0),
    LEG_INNER.at(ANKLE_BOTTOM),
]


# --- region shapes of the viewer-left half -----------------------------------------------

def _neck() -> list[Point]:
    chin = [p for p in ellipse_arc(*HEAD, math.pi / 2, math.pi) if p[0] > NECK_TOP_X]
    return [*chin, *NECK.between(NECK.top, NECK.bottom), (CX, NECK_BASE)]


def _face() -> list[Point]:
    brow = math.asin((BROW_Y - HEAD[1]) / HEAD[3])  # negative: above the centre
    return [(CX, BROW_Y), *ellipse_arc(*HEAD, math.pi - brow, math.pi / 2)]


def _chest(bottom: float) -> list[Point]:
    """The chest (front) or the upper back (back): neck base to ``bottom``, midline out."""
    return [(CX, NECK_BASE), *SHOULDER_TOP[:GROOVE_AT + 1],
            *GROOVE[1:], *SIDE.between(DELTOID_INNER, bottom)[1:], (CX, bottom)]


def _shoulder() -> list[Point]:
    return [*SHOULDER_TOP[GROOVE_AT:], *ARM_OUTER.between(112.0, DELTOID_OUTER)[1:],
            *GROOVE[::-1][:-1]]


def _trunk_band(top: float, bottom: float) -> list[Point]:
    return [(CX, top), *SIDE.between(top, bottom), (CX, bottom)]


def _abdomen() -> list[Point]:
    return [(CX, CHEST_BOTTOM), *SIDE.between(CHEST_BOTTOM, ASIS), (CX, PUBIS)]


def _groin() -> list[Point]:
    return [SIDE.at(ASIS), (CX, PUBIS), (CX, CROTCH),
            *LEG_INNER.between(LEG_INNER.top, THIGH_TOP_INNER),
            *SIDE.between(THIGH_TOP_OUTER, ASIS)[:-1]]


def _low_back() -> list[Point]:
    return [(CX, MID_BACK_BOTTOM), *SIDE.between(MID_BACK_BOTTOM, ILIAC_CREST),
            (CX - SACRUM_WIDTH, SACRUM_TOP), (CX, SACRUM_TOP)]


FOLD = cut(SIDE, LEG_INNER, THIGH_TOP_OUTER, GLUTEAL_FOLD_INNER, via=[GLUTEAL_FOLD_MID])


def _buttock() -> list[Point]:
    return [SIDE.at(ILIAC_CREST), (CX - SACRUM_WIDTH, SACRUM_TOP), (CX, SACRUM_TOP + 30.0),
            (CX, CROTCH), *LEG_INNER.between(LEG_INNER.top, GLUTEAL_FOLD_INNER),
            *FOLD[::-1][1:], *SIDE.between(THIGH_TOP_OUTER, ILIAC_CREST)[1:-1]]


def _arm(top_cut: list[Point], bottom: float) -> list[Point]:
    return band(ARM_OUTER, ARM_INNER, top_cut, cut(ARM_OUTER, ARM_INNER, bottom))


def _leg(top_cut: list[Point], bottom: float) -> list[Point]:
    return band(SIDE, LEG_INNER, top_cut, cut(SIDE, LEG_INNER, bottom))


UPPER_ARM_TOP = cut(ARM_OUTER, ARM_INNER, DELTOID_OUTER, DELTOID_INNER)
THIGH_TOP = cut(SIDE, LEG_INNER, THIGH_TOP_OUTER, THIGH_TOP_INNER)


def _limbs(front: bool) -> dict[str, list[Point]]:
    at = {y: cut(ARM_OUTER, ARM_INNER, y) for y in (ELBOW_TOP, ELBOW_BOTTOM, WRIST_TOP)}
    legs = {y: cut(SIDE, LEG_INNER, y) for y in (KNEE_TOP, KNEE_BOTTOM, ANKLE_TOP)}
    return {
        "shoulder": _shoulder(),
        "upper_arm": _arm(UPPER_ARM_TOP, ELBOW_TOP),
        "elbow": _arm(at[ELBOW_TOP], ELBOW_BOTTOM),
        "forearm": _arm(at[ELBOW_BOTTOM], WRIST_TOP),
        "wrist": _arm(at[WRIST_TOP], WRIST_BOTTOM),
        "hand": HAND,
        "thigh": _leg(THIGH_TOP if front else FOLD, KNEE_TOP),
        "knee": _leg(legs[KNEE_TOP], KNEE_BOTTOM),
        "lower_leg": _leg(legs[KNEE_BOTTOM], ANKLE_TOP),
        "ankle": _leg(legs[ANKLE_TOP], ANKLE_BOTTOM),
        "foot": FOOT_FRONT if front else HEEL,
    }


def _anterior_half() -> dict[str, list[Point]]:
    return {"face": _face(), "neck": _neck(), "chest": _chest(CHEST_BOTTOM),
            "abdomen": _abdomen(), "groin": _groin(), **_limbs(front=True)}


def _posterior_half() -> dict[str, list[Point]]:
    return {"neck": _neck(), "upper_back": _chest(UPPER_BACK_BOTTOM),
            "mid_back": _trunk_band(UPPER_BACK_BOTTOM, MID_BACK_BOTTOM),
            "low_back": _low_back(), "buttock": _buttock(), **_limbs(front=False)}


# --- the whole figure --------------------------------------------------------------------

def _outline_half() -> list[Point]:
    """The viewer-left half of the silhouette, from the neck down to the crotch."""
    return [
        *NECK.between(NECK.top, NECK.bottom), *SHOULDER_TOP[1:],
        *ARM_OUTER.between(ARM_OUTER.top, ARM_OUTER.bottom)[1:], *HAND[1:-1],
        *ARM_INNER.between(ARM_INNER.bottom, ARM_INNER.top),
        *SIDE.between(SIDE.top, SIDE.bottom)[1:], *FOOT_FRONT[1:-1],
        *LEG_INNER.between(LEG_INNER.bottom, LEG_INNER.top), (CX, CROTCH),
    ]


def _silhouette(front: bool) -> tuple[Decoration, ...]:
    half = _outline_half()
    if not front:  # heels instead of the front of the feet
        start = half.index(FOOT_FRONT[1])
        half = [*half[:start], *HEEL[1:-1], *half[start + len(FOOT_FRONT) - 2:]]
    body = Path(d=path_d([*half, *mirror(half, CX)[1:]]))
    cx, cy, rx, ry = HEAD
    ears = tuple(
        Decoration(shape=Ellipse(cx=x, cy=cy + 3, rx=3.2, ry=7.0))
        for x in (cx - rx - 1.2, cx + rx + 1.2)
    )
    return (*ears, Decoration(shape=body), Decoration(shape=Ellipse(cx=cx, cy=cy, rx=rx, ry=ry)))


def _both(points: list[Point]) -> tuple[Decoration, Decoration]:
    """A detail line and its mirror image."""
    return (Decoration(shape=Path(d=path_d(points, close=False)), role="detail"),
            Decoration(shape=Path(d=path_d(mirror(points, CX), close=False)), role="detail"))


def _anterior_details() -> tuple[Decoration, ...]:
    cx, cy = HEAD[0], HEAD[1]
    face = (
        Decoration(shape=Path(d=f"M{cx - 13},{cy - 2} q5,-3.5 9,0"), role="detail"),
        Decoration(shape=Path(d=f"M{cx + 4},{cy - 2} q5,-3.5 9,0"), role="detail"),
        Decoration(shape=Path(d=f"M{cx},{cy + 1} l-2.5,9 h4"), role="detail"),
        Decoration(shape=Path(d=f"M{cx - 7},{cy + 18} q7,4 14,0"), role="detail"),
    )
    clavicle = catmull_rom([(CX - 4, 102.0), (CX - 18, 104.0), (CX - 30, 103.0),
                            (CX - 48, 108.5)])
    pectoral = catmull_rom([(CX - 5, 160.0), (CX - 20, 166.0), (CX - 34, 160.0),
                            (CX - 42, 150.0)])
    kneecap = [Decoration(shape=Ellipse(cx=x, cy=400.0, rx=6.0, ry=8.0), role="detail")
               for x in (CX - 24.5, CX + 24.5)]
    toes: list[Decoration] = []
    for x in (CX - 30.0, CX - 25.5, CX - 21.0, CX - 17.0):
        toes += _both([(x, 550.5), (x, 554.0)])
    return (*face, *_both(clavicle), *_both(pectoral),
            Decoration(shape=Ellipse(cx=CX, cy=NAVEL_Y, rx=1.8, ry=2.6), role="detail"),
            *kneecap, *toes)


def _posterior_details() -> tuple[Decoration, ...]:
    scapula = catmull_rom([(CX - 13, 116.0), (CX - 24, 113.0), (CX - 35, 112.0),
                           (CX - 33, 130.0), (CX - 27, 147.0), (CX - 21, 160.0),
                           (CX - 15, 140.0), (CX - 13, 116.0)])
    spine = Decoration(shape=Path(d=f"M{CX},{NECK_BASE + 4} V{SACRUM_TOP - 4}"), role="line")
    creases = [(CX - 33.0, 400.0), (CX - 24.0, 403.0), (CX - 15.0, 400.0)]
    elbows = [Decoration(shape=Ellipse(cx=x, cy=200.0, rx=3.0, ry=3.8), role="detail")
              for x in ((ARM_OUTER.x_at(200) + ARM_INNER.x_at(200)) / 2,
                        2 * CX - (ARM_OUTER.x_at(200) + ARM_INNER.x_at(200)) / 2)]
    return (spine, *_both(scapula), *_both(catmull_rom(creases)), *elbows)


def _labels(front: bool) -> tuple[Decoration, ...]:
    left, right = ("Right", "Left") if front else ("Left", "Right")
    return (Decoration(text=left, at=(6.0, 14.0), role="label"),
            Decoration(text=right, at=(WIDTH - 24.0, 14.0), role="label"))


# --- the figures -------------------------------------------------------------------------------

SIDES = ("right", "left")


def _sides(front: bool) -> tuple[str, str]:
    """(patient side drawn on the viewer's left, on the viewer's right)."""
    return ("right", "left") if front else ("left", "right")


def _mirror_point(p: Point) -> Point:
    return (2 * CX - p[0], p[1])


def _parts(front: bool) -> dict[str, tuple[Point, ...]]:
    half = _anterior_half() if front else _posterior_half()
    near, far = _sides(front)
    parts: dict[str, tuple[Point, ...]] = {}
    for key, points in half.items():
        parts[f"{key}_{near}"] = tuple(points)
        parts[f"{key}_{far}"] = tuple(mirror(points, CX))
    if front:
        parts["head_top"] = tuple(_head_top())
    else:
        cx, cy, rx, ry = HEAD
        parts["head"] = tuple(ellipse_arc(cx, cy, rx, ry, 0, 2 * math.pi)[:-1])
        parts["sacrum"] = ((CX - SACRUM_WIDTH, SACRUM_TOP), (CX + SACRUM_WIDTH, SACRUM_TOP),
                           (CX, SACRUM_TOP + 30.0))
    return parts


def _head_top() -> list[Point]:
    brow = math.asin((BROW_Y - HEAD[1]) / HEAD[3])
    return ellipse_arc(*HEAD, math.pi - brow, 2 * math.pi + brow)


def _mid(y: float, outer: Edge, inner: Edge) -> Point:
    return ((outer.x_at(y) + inner.x_at(y)) / 2, y)


def _landmarks(front: bool) -> dict[str, Point]:
    """Named landmarks on the viewer's left half (patient's side added by the caller)."""
    marks: dict[str, Point] = {
        "shoulder": (ARM_OUTER.x_at(118.0) + 6.0, 116.0),
        "elbow": _mid((ELBOW_TOP + ELBOW_BOTTOM) / 2, ARM_OUTER, ARM_INNER),
        "wrist": _mid((WRIST_TOP + WRIST_BOTTOM) / 2, ARM_OUTER, ARM_INNER),
        "hand": centroid(HAND),
        "fingertips": HAND[max(range(len(HAND)), key=lambda i: HAND[i][1])],
        "hip": (SIDE.x_at(300.0) + 7.0, 300.0),
        "iliac_crest": (SIDE.x_at(ILIAC_CREST) + 6.0, ILIAC_CREST - 2.0),
        "knee": _mid(KNEE_TOP + 15.0, SIDE, LEG_INNER),
        "ankle": _mid((ANKLE_TOP + ANKLE_BOTTOM) / 2, SIDE, LEG_INNER),
        "malleolus_medial": (LEG_INNER.x_at(524.0) - 2.0, 524.0),
        "malleolus_lateral": (SIDE.x_at(528.0) + 2.0, 528.0),
        "calf_or_shin": _mid(450.0, SIDE, LEG_INNER),
        "thigh_middle": _mid(345.0, SIDE, LEG_INNER),
        "upper_arm_middle": _mid(168.0, ARM_OUTER, ARM_INNER),
        "forearm_middle": _mid(234.0, ARM_OUTER, ARM_INNER),
    }
    if front:
        marks |= {
            "asis": (SIDE.x_at(ASIS) + 9.0, ASIS),
            "nipple": (CX - 21.0, 158.0),
            "clavicle": (CX - 24.0, 104.0),
            "groin": (CX - 22.0, 286.0),
            "kneecap": (CX - 24.5, 400.0),
            "toes": (CX - 24.0, 551.0),
            "eye": (HEAD[0] - 8.5, HEAD[1] - 1.0),
        }
    else:
        marks |= {
            "scapula": (CX - 24.0, 132.0),
            "psis": (CX - SACRUM_WIDTH - 2.0, SACRUM_TOP + 2.0),
            "buttock": (CX - 25.0, 292.0),
            "gluteal_fold": GLUTEAL_FOLD_MID,
            "popliteal": (CX - 24.0, 402.0),
            "olecranon": _mid(200.0, ARM_OUTER, ARM_INNER),
            "achilles": _mid(515.0, SIDE, LEG_INNER),
            "heel": (CX - 21.0, 546.0),
        }
    return marks


def _spine_levels() -> dict[str, Point]:
    """Spinous processes on the back: C7 at the neck base to L5 above the sacrum."""
    c7, t12, l5 = NECK_BASE + 6.0, MID_BACK_BOTTOM, SACRUM_TOP - 6.0
    levels = {"C7": (CX, c7)}
    for i in range(1, 13):
        levels[f"T{i}"] = (CX, c7 + (t12 - c7) * i / 12)
    for i in range(1, 6):
        levels[f"L{i}"] = (CX, t12 + (l5 - t12) * i / 5)
    return levels


def _anchors(front: bool, parts: dict[str, tuple[Point, ...]]) -> dict[str, Point]:
    cx, cy, rx, ry = HEAD
    anchors: dict[str, Point] = {name: centroid(points) for name, points in parts.items()}
    near, far = _sides(front)
    for name, p in _landmarks(front).items():
        anchors[f"{name}_{near}"] = p
        anchors[f"{name}_{far}"] = _mirror_point(p)
    anchors |= {"vertex": (cx, cy - ry), "head": (cx, cy), "chin": CHIN,
                "ear_" + near: (cx - rx - 1.2, cy + 3), "ear_" + far: (cx + rx + 1.2, cy + 3)}
    if front:
        anchors |= {"forehead": (CX, BROW_Y - 8.0), "nose": (CX, cy + 8.0),
                    "mouth": (CX, cy + 19.0), "throat": (CX, 86.0),
                    "sternal_notch": (CX, NECK_BASE + 5.0), "sternum": (CX, 140.0),
                    "xiphoid": (CX, 178.0), "navel": (CX, NAVEL_Y), "pubis": (CX, PUBIS - 4.0)}
    else:
        anchors |= {"occiput": (CX, cy + 12.0), "nape": (CX, 86.0),
                    "coccyx": (CX, SACRUM_TOP + 27.0), **_spine_levels()}
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in anchors.items()}


def _figure_decorations(front: bool) -> tuple[Decoration, ...]:
    details = _anterior_details() if front else _posterior_details()
    return (*_silhouette(front), *details, *_labels(front))


_LIMB_PARTS = {"upper_limb": ("shoulder", "upper_arm", "elbow", "forearm", "wrist", "hand"),
               "lower_limb": ("thigh", "knee", "lower_leg", "ankle", "foot")}


def _areas(front: bool) -> dict[str, tuple[str, ...]]:
    both = {"neck": ("neck",)}
    if front:
        both |= {"rib_cage": ("chest",), "abdomen": ("abdomen",), "groin": ("groin",)}
    else:
        both |= {"thoracic": ("upper_back", "mid_back"), "lumbar": ("low_back",),
                 "buttocks": ("buttock",)}
    areas = {name: tuple(f"{p}_{s}" for s in SIDES for p in parts)
             for name, parts in both.items()}
    for limb, parts in _LIMB_PARTS.items():
        for side in SIDES:
            areas[f"{limb}_{side}"] = tuple(f"{p}_{side}" for p in parts)
    if front:
        areas["head"] = ("head_top", "face_right", "face_left")
    return areas


@cache
def body_front() -> Figure:
    """The body from the front (anterior view): patient's right on the viewer's left.

    Parts (each ``_right`` and ``_left``): ``face``, ``neck``, ``shoulder``, ``chest``,
    ``abdomen``, ``groin``, ``upper_arm``, ``elbow``, ``forearm``, ``wrist``, ``hand``,
    ``thigh``, ``knee``, ``lower_leg``, ``ankle``, ``foot``; and ``head_top`` (forehead and
    scalp). Anchors: every part's centre by its name, ``vertex``, ``head``, ``forehead``,
    ``nose``, ``mouth``, ``chin``, ``throat``, ``sternal_notch``, ``sternum``, ``xiphoid``,
    ``navel``, ``pubis``, and per side ``eye``, ``ear``, ``clavicle``, ``shoulder``,
    ``nipple``, ``elbow``, ``upper_arm_middle``, ``forearm_middle``, ``wrist``, ``hand``,
    ``fingertips``, ``iliac_crest``, ``asis``, ``hip``, ``groin``, ``thigh_middle``,
    ``knee``, ``kneecap``, ``calf_or_shin``, ``ankle``, ``malleolus_medial``,
    ``malleolus_lateral``, ``toes`` (``knee_left``, ``malleolus_medial_right``, ...).
    Areas: ``head``, ``neck``, ``rib_cage``, ``abdomen``, ``groin`` (both sides),
    ``upper_limb_right`` / ``_left`` (shoulder to hand), ``lower_limb_right`` / ``_left``
    (thigh to foot).
    """
    parts = _parts(front=True)
    return Figure(name="body_front", width=WIDTH, height=HEIGHT,
                  decorations=_figure_decorations(True), anchors=_anchors(True, parts),
                  parts=parts, areas=_areas(True))


@cache
def body_back() -> Figure:
    """The body from behind (posterior view): patient's left on the viewer's left.

    Parts (each ``_left`` and ``_right``): ``neck``, ``shoulder``, ``upper_back``,
    ``mid_back``, ``low_back``, ``buttock``, ``upper_arm``, ``elbow``, ``forearm``,
    ``wrist``, ``hand``, ``thigh``, ``knee``, ``lower_leg``, ``ankle``, ``foot`` (the heel);
    and ``head``, ``sacrum``. Anchors: every part's centre by its name, ``vertex``, ``head``,
    ``occiput``, ``nape``, the spinous processes ``C7``, ``T1`` ... ``T12``, ``L1`` ...
    ``L5``, ``coccyx``, and per side ``ear``, ``shoulder``, ``scapula``, ``elbow``,
    ``olecranon``, ``upper_arm_middle``, ``forearm_middle``, ``wrist``, ``hand``,
    ``fingertips``, ``iliac_crest``, ``psis``, ``hip``, ``buttock``, ``gluteal_fold``,
    ``thigh_middle``, ``knee``, ``popliteal``, ``calf_or_shin``, ``achilles``, ``ankle``,
    ``malleolus_medial``, ``malleolus_lateral``, ``heel``. Areas: ``neck``, ``thoracic``
    (upper and mid back), ``lumbar``, ``buttocks`` (both sides), ``upper_limb_left`` /
    ``_right``, ``lower_limb_left`` / ``_right``.
    """
    parts = _parts(front=False)
    return Figure(name="body_back", width=WIDTH, height=HEIGHT,
                  decorations=_figure_decorations(False), anchors=_anchors(False, parts),
                  parts=parts, areas=_areas(False))
