"""The body from the side (:func:`body_side`): the patient's left side, facing left.

Standing, arms hanging with the thumb forward, drawn in a 260 x 562 box like the front and
back figures (vertex at ``y = 10``, soles at ``y = 555``), so that the three views line up
side by side. The face is on the viewer's left. Parts: ``body`` (head, trunk and leg) and
``arm``; anchors below.
"""

from __future__ import annotations

from functools import cache

from ..charts import Decoration, Path
from ._geometry import Point, centroid, smooth_path
from .figure import Figure

WIDTH, HEIGHT = 260.0, 562.0
#: The outline below is drawn in a 300 x 800 frame; this places it in the figure's box.
_SCALE, _DX, _DY = 0.7, 25.0, 0.2

# The left side, facing left, from the vertex round the face and down the front.
_SIDE_BODY: list[Point] = [
    (155, 14), (138, 16), (124, 24), (114, 36), (110, 50), (111, 58), (113, 63),
    (108, 71), (103, 79), (108, 84), (107.5, 89), (109, 93.5), (108, 98), (111, 102.5),
    (110, 108), (118, 114), (128, 117), (134, 122), (134, 134), (126, 142), (118, 160),
    (115, 195), (118, 225), (124, 262), (122, 300), (124, 332), (128, 362), (132, 392),
    (130, 450), (128, 520), (129, 548), (134, 575), (137, 612), (141, 670), (145, 718),
    (138, 738), (124, 752), (110, 766), (102, 776), (101, 786), (112, 791), (142, 792),
    (170, 791), (181, 783), (181, 766), (174, 740), (172, 700), (178, 642), (181, 600),
    (172, 568), (174, 520), (180, 450), (184, 405), (190, 375), (187, 330), (178, 300),
    (182, 262), (188, 210), (187, 160), (177, 132), (181, 112), (191, 96), (198, 76),
    (197, 46), (181, 22),
]
_SIDE_ARM: list[Point] = [
    (143, 140), (135, 160), (133, 220), (135, 282), (135, 332), (136, 386), (131, 396),
    (126, 416), (124, 432), (130, 434), (134, 420), (137, 432), (138, 466), (146, 472),
    (156, 466), (160, 440), (160, 405), (163, 360), (168, 300), (168, 250), (168, 190),
    (165, 152), (157, 138),
]
SIDE_DETAILS: list[list[Point]] = [
    [(156, 58), (163, 56), (167, 64), (166, 76), (161, 84), (156, 80), (157, 70)],  # ear
    [(114, 62), (120, 61), (124, 63), (119, 65)],  # eye
    [(150, 102), (140, 106), (122, 110)],  # jaw line
]


#: Landmarks in the 300 x 800 frame of the outline.
_LANDMARKS: dict[str, Point] = {
    "vertex": (155, 16), "forehead": (116, 40), "eye": (119, 63), "nose": (104, 79),
    "mouth": (110, 91), "chin": (111, 102), "ear": (162, 70), "occiput": (190, 80),
    "nape": (182, 112), "throat": (128, 118), "shoulder": (152, 148), "axilla": (150, 178),
    "chest": (124, 200), "upper_back": (180, 200), "navel": (119, 306), "low_back": (181, 290),
    "elbow": (150, 288), "forearm_middle": (148, 340), "wrist": (146, 391),
    "hand": (147, 432), "fingertips": (146, 470), "hip": (162, 372), "buttock": (183, 380),
    "thigh_middle": (156, 470), "knee": (152, 566), "kneecap": (132, 560),
    "popliteal": (176, 566), "calf_or_shin": (160, 640), "malleolus_lateral": (160, 722),
    "heel": (176, 782), "toes": (106, 784), "sole": (140, 790),
}


def _place(points: list[Point]) -> list[Point]:
    return [(round(x * _SCALE + _DX, 1), round(y * _SCALE + _DY, 1)) for x, y in points]


@cache
def body_side() -> Figure:
    """The patient's left side (module docs). Anchors: ``vertex``, ``forehead``, ``eye``,
    ``nose``, ``mouth``, ``chin``, ``ear``, ``occiput``, ``nape``, ``throat``, ``shoulder``,
    ``axilla``, ``chest``, ``upper_back``, ``navel``, ``low_back``, ``elbow``,
    ``forearm_middle``, ``wrist``, ``hand``, ``fingertips``, ``hip`` (greater trochanter),
    ``buttock``, ``thigh_middle``, ``knee``, ``kneecap``, ``popliteal``, ``calf_or_shin``,
    ``malleolus_lateral``, ``heel``, ``toes``, ``sole``; and ``body`` and ``arm`` (the
    parts' centres)."""
    body, arm = _place(_SIDE_BODY), _place(_SIDE_ARM)
    decorations = [Decoration(shape=Path(d=smooth_path(body))),
                   Decoration(shape=Path(d=smooth_path(arm)))]
    decorations += [Decoration(shape=Path(d=smooth_path(_place(d), closed=i < 2)),
                               role="detail") for i, d in enumerate(SIDE_DETAILS)]
    decorations.append(Decoration(text="Left side", at=(6.0, 14.0), role="label"))
    anchors = {k: _place([p])[0] for k, p in _LANDMARKS.items()}
    anchors |= {"body": centroid(body), "arm": centroid(arm)}
    return Figure(name="body_side", width=WIDTH, height=HEIGHT, decorations=tuple(decorations),
                  anchors=anchors, parts={"body": tuple(body), "arm": tuple(arm)})
