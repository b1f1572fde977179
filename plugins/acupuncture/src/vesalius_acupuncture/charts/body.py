"""Body outlines of the meridian chart, in model coordinates (300 x 800, midline x = 150).

Front and back views are drawn in the anatomical position (palms forward, feet turned a
little outward so that the inner ankle shows); the side view is the left side, facing left,
arms hanging with the thumb forward. Points are placed on the patient's left side in every
view (layout.py).
"""

from __future__ import annotations

from .geometry import Point, mirror

# Front, the patient's left half (x >= 150), from the vertex down to the crotch.
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
# The patient's left arm seen from the front, palm forward, from the shoulder round.
_FRONT_ARM: list[Point] = [
    (222, 148), (236, 160), (244, 200), (249, 250), (255, 288), (261, 340), (264, 388),
    (268, 398), (274, 418), (277, 438), (271, 444), (265, 430), (262, 425), (265, 445),
    (264, 467), (258, 474), (251, 472), (244, 465), (240, 445), (237, 415), (237, 393),
    (231, 345), (223, 296), (219, 260), (215, 222), (212, 190), (214, 166),
]
FRONT_DETAILS: list[list[Point]] = [
    # eyes, nose and mouth on the face, the nipple line and the navel
    [(158, 64), (165, 61.5), (172, 64), (165, 66.5)],
    [(142, 64), (135, 61.5), (128, 64), (135, 66.5)],
    [(150, 70), (152, 80), (156, 85), (150, 87), (144, 85), (148, 80)],
    [(158, 97), (150, 99.5), (142, 97), (150, 95)],
    [(152, 304), (152, 308), (148, 308), (148, 304)],
]

# Back: the same body from behind (the face is hidden); heels instead of the feet.
_BACK_HALF: list[Point] = [
    *(_FRONT_HALF[:31]),
    (186, 742), (183, 768), (172, 781), (160, 776), (155, 752), (152, 712),
    *(_FRONT_HALF[41:-1]),
    (150, 398),
]
BACK_DETAILS: list[list[Point]] = [
    [(150, 338), (150, 392)],  # natal cleft
    [(150, 130), (150, 330)],  # spine
    [(122, 168), (96, 150), (78, 148)],  # scapular spine (left)
    [(122, 168), (119, 232), (98, 205), (96, 150)],  # scapula (left)
    [(178, 168), (204, 150), (222, 148)],
    [(178, 168), (181, 232), (202, 205), (204, 150)],
]

# Side: the left side, facing left, from the vertex round the face and down the front.
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


def _whole(half: list[Point]) -> list[Point]:
    return half + [mirror(p) for p in reversed(half[1:-1])]


FRONT_BODY: list[Point] = _whole(_FRONT_HALF)
FRONT_ARMS: list[list[Point]] = [_FRONT_ARM, [mirror(p) for p in _FRONT_ARM]]
BACK_BODY: list[Point] = _whole(_BACK_HALF)
BACK_ARMS: list[list[Point]] = FRONT_ARMS
SIDE_BODY: list[Point] = _SIDE_BODY
SIDE_ARM: list[Point] = _SIDE_ARM
