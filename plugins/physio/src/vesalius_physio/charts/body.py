"""The physiotherapy body chart ``physio.body``: anterior and posterior views.

Sixty-seven regions at the resolution a physiotherapist charts symptoms (the regions of
CLINICAL.md 3.1, split front and back), each left and right where paired. Region ids are
stable forever (signed notes store them): ``<part>-<right|left>`` or a midline part alone.

The drawing is a standing figure, arms slightly away from the body, palms forward: a
silhouette decoration with face, clavicles, kneecaps, spine and shoulder blades as details,
and region shapes that tile the silhouette. Like every clinical body chart, the anterior view
shows the patient's right on the viewer's left and the posterior view on the viewer's right;
both views are labelled so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

from vesalius_sdk import (
    ChartDefinition,
    ChartView,
    Decoration,
    Ellipse,
    MarkAttribute,
    MarkType,
    Path,
    Polygon,
    Region,
)

from .geometry import (
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
    rounded,
)

Side = Literal["left", "right", "midline"]
Symbol = Literal["dot", "ring", "cross", "square", "triangle", "diamond"]

CHART_ID = "physio.body"
WIDTH, HEIGHT = 260.0, 562.0
CX = 130.0

# Head: an ellipse; the brow line splits scalp from face in the anterior view.
HEAD = (CX, 44.0, 25.0, 32.0)
BROW_Y = 34.0
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
            Decoration(shape=Ellipse(cx=CX, cy=214.0, rx=1.8, ry=2.6), role="detail"),
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


# --- regions, named ----------------------------------------------------------------------

#: part key -> (anterior id stem, label with {side}, group)
ANTERIOR_PARTS: dict[str, tuple[str, str, str]] = {
    "face": ("face", "{side} face and jaw (TMJ)", "head"),
    "neck": ("neck-front", "{side} front of neck", "neck"),
    "shoulder": ("shoulder-front", "{side} front of shoulder", "shoulder"),
    "chest": ("chest", "{side} chest", "chest"),
    "abdomen": ("abdomen", "{side} abdomen", "abdomen"),
    "groin": ("hip-front", "{side} hip and groin", "hip"),
    "upper_arm": ("upper-arm-front", "{side} upper arm, front", "upper-arm"),
    "elbow": ("elbow-front", "{side} elbow crease (cubital fossa)", "elbow"),
    "forearm": ("forearm-front", "{side} forearm, palm side", "forearm"),
    "wrist": ("wrist-front", "{side} wrist, palm side", "wrist-hand"),
    "hand": ("hand-palm", "{side} palm and fingers", "wrist-hand"),
    "thigh": ("thigh-front", "{side} front of thigh", "thigh"),
    "knee": ("knee-front", "{side} front of knee", "knee"),
    "lower_leg": ("shin", "{side} shin", "lower-leg"),
    "ankle": ("ankle-front", "{side} front of ankle", "ankle-foot"),
    "foot": ("foot-top", "{side} top of foot and toes", "ankle-foot"),
}
POSTERIOR_PARTS: dict[str, tuple[str, str, str]] = {
    "neck": ("neck-back", "{side} back of neck", "neck"),
    "shoulder": ("shoulder-back", "{side} back of shoulder", "shoulder"),
    "upper_back": ("upper-back", "{side} upper back and shoulder blade", "thoracic"),
    "mid_back": ("mid-back", "{side} mid back", "thoracic"),
    "low_back": ("low-back", "{side} low back", "lumbar"),
    "buttock": ("buttock", "{side} buttock and outer hip", "hip"),
    "upper_arm": ("upper-arm-back", "{side} upper arm, back", "upper-arm"),
    "elbow": ("elbow-back", "{side} point of elbow (olecranon)", "elbow"),
    "forearm": ("forearm-back", "{side} forearm, back", "forearm"),
    "wrist": ("wrist-back", "{side} wrist, back", "wrist-hand"),
    "hand": ("hand-back", "{side} back of hand and fingers", "wrist-hand"),
    "thigh": ("thigh-back", "{side} back of thigh", "thigh"),
    "knee": ("knee-back", "{side} back of knee (popliteal fossa)", "knee"),
    "lower_leg": ("calf", "{side} calf", "lower-leg"),
    "ankle": ("ankle-back", "{side} back of ankle (Achilles)", "ankle-foot"),
    "foot": ("heel", "{side} heel and sole", "ankle-foot"),
}


def _polygon_region(region_id: str, label: str, view: str, points: list[Point],
                    side: Side, group: str) -> Region:
    shape = rounded(points)
    x, y = centroid(shape)
    return Region(id=region_id, label=label, view=view, shape=Polygon(points=shape),
                  side=side, group=group, anchor=(round(x, 1), round(y, 1)))


def _sided(view: str, half: dict[str, list[Point]], parts: dict[str, tuple[str, str, str]],
           viewer_left: Side) -> list[Region]:
    """Both sides of every part; ``viewer_left`` is the patient's side drawn on the left."""
    viewer_right: Side = "left" if viewer_left == "right" else "right"
    regions = []
    for key, (stem, label, group) in parts.items():
        sides: tuple[tuple[Side, list[Point]], ...] = (
            (viewer_left, half[key]), (viewer_right, mirror(half[key], CX)))
        for side, points in sides:
            regions.append(_polygon_region(f"{stem}-{side}", label.format(side=side.title()),
                                           view, points, side, group))
    return regions


def _head_top() -> list[Point]:
    brow = math.asin((BROW_Y - HEAD[1]) / HEAD[3])
    return ellipse_arc(*HEAD, math.pi - brow, 2 * math.pi + brow)


def _regions() -> tuple[Region, ...]:
    cx, cy, rx, ry = HEAD
    sacrum = [(CX - SACRUM_WIDTH, SACRUM_TOP), (CX + SACRUM_WIDTH, SACRUM_TOP),
              (CX, SACRUM_TOP + 30.0)]
    return (
        _polygon_region("head-front", "Forehead and scalp", "anterior", _head_top(),
                        "midline", "head"),
        *_sided("anterior", _anterior_half(), ANTERIOR_PARTS, viewer_left="right"),
        Region(id="head-back", label="Back of the head", view="posterior",
               shape=Ellipse(cx=cx, cy=cy, rx=rx, ry=ry), side="midline", group="head"),
        *_sided("posterior", _posterior_half(), POSTERIOR_PARTS, viewer_left="left"),
        _polygon_region("sacrum", "Sacrum and coccyx", "posterior", sacrum, "midline",
                        "pelvis"),
    )


# --- the mark vocabulary -----------------------------------------------------------------

ATTRIBUTES = (
    MarkAttribute(id="intensity", label="Intensity (0-10)", kind="integer", minimum=0,
                  maximum=10),
    MarkAttribute(id="depth", label="Depth", kind="choice", options=("superficial", "deep")),
    MarkAttribute(id="pattern", label="Pattern", kind="choice",
                  options=("constant", "intermittent")),
)


def _mark(mark_id: str, label: str, symbol: Symbol, abbreviation: str, color: str) -> MarkType:
    return MarkType(id=mark_id, label=label, symbol=symbol, abbreviation=abbreviation,
                    color=color, attributes=ATTRIBUTES)


#: Symptom types of a pain drawing (Ransford-style, CLINICAL.md 3.1), each its own colour
#: and shape so a printed chart reads in greyscale too.
MARK_TYPES = (
    _mark("aching", "Aching", "dot", "A", "#c0392b"),
    _mark("sharp", "Sharp or stabbing", "triangle", "S", "#7d3c98"),
    _mark("burning", "Burning", "diamond", "B", "#d35400"),
    _mark("pins-and-needles", "Pins and needles", "ring", "P", "#1f618d"),
    _mark("numbness", "Numbness", "square", "N", "#117a65"),
    _mark("stiffness", "Stiffness", "cross", "St", "#2c3e50"),
)


def _view(view_id: str, title: str, front: bool,
          details: Callable[[], tuple[Decoration, ...]]) -> ChartView:
    return ChartView(id=view_id, title=title, width=WIDTH, height=HEIGHT,
                     decorations=(*_silhouette(front), *details(), *_labels(front)))


BODY_CHART = ChartDefinition(
    id=CHART_ID,
    title="Body chart",
    description=(
        "Front and back of the body in 67 regions, left and right. Mark each area with the "
        "type of symptom, its intensity (0-10), whether it is superficial or deep, and "
        "whether it is constant or comes and goes."
    ),
    views=(
        _view("anterior", "Front (anterior)", True, _anterior_details),
        _view("posterior", "Back (posterior)", False, _posterior_details),
    ),
    regions=_regions(),
    mark_types=MARK_TYPES,
)
