"""Outlines of the osteopathic body chart: an anterior and a posterior figure.

Pure functions returning SVG path data. The anterior figure shows the patient's right on
the viewer's left; the posterior figure the patient's left on the viewer's left. Paired
limbs are one region each (both upper extremities, both lower extremities), so their
outline is one path of two parts.
"""

from __future__ import annotations

Point = tuple[float, float]

SIZE = (230.0, 690.0)
MID = 115.0


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _p(dx: float, y: float, side: int = 1) -> str:
    return f"{_f(MID + side * dx)},{_f(y)}"


def head() -> tuple[str, Point]:
    d = (
        f"M{_p(0, 12)} C{_p(22, 12)} {_p(32, 30)} {_p(30, 56)} "
        f"C{_p(29, 76)} {_p(18, 92)} {_p(0, 94)} "
        f"C{_p(18, 92, -1)} {_p(29, 76, -1)} {_p(30, 56, -1)} "
        f"C{_p(32, 30, -1)} {_p(22, 12, -1)} {_p(0, 12)} Z"
    )
    return d, (MID, 52)


def neck() -> tuple[str, Point]:
    """From the base of the skull to the root of the neck."""
    d = f"M{_p(16, 84, -1)} L{_p(16, 84)} L{_p(17, 108)} Q{_p(0, 114)} {_p(17, 108, -1)} Z"
    return d, (MID, 98)


def rib_cage() -> tuple[str, Point]:
    """Chest wall from the clavicles to the costal margin."""
    d = (
        f"M{_p(48, 118, -1)} C{_p(20, 110, -1)} {_p(20, 110)} {_p(48, 118)} "
        f"C{_p(62, 130)} {_p(60, 196)} {_p(58, 226)} "
        f"C{_p(50, 236)} {_p(36, 236)} {_p(22, 222)} "
        f"Q{_p(8, 196)} {_p(0, 188)} "
        f"Q{_p(8, 196, -1)} {_p(22, 222, -1)} "
        f"C{_p(36, 236, -1)} {_p(50, 236, -1)} {_p(58, 226, -1)} "
        f"C{_p(60, 196, -1)} {_p(62, 130, -1)} {_p(48, 118, -1)} Z"
    )
    return d, (MID, 160)


def rib_details() -> list[str]:
    lines = [f"M{_p(0, 122)} L{_p(0, 186)}"]
    for i, y in enumerate((134, 152, 170, 188)):
        reach = 50 - abs(i - 1) * 2
        for side in (-1, 1):
            lines.append(f"M{_p(4, y, side)} Q{_p(reach * 0.6, y - 6, side)} "
                         f"{_p(reach, y + 10, side)}")
    return lines


def abdomen() -> tuple[str, Point]:
    d = (
        f"M{_p(0, 188)} Q{_p(8, 196)} {_p(22, 222)} "
        f"C{_p(36, 236)} {_p(50, 236)} {_p(58, 226)} "
        f"C{_p(58, 260)} {_p(58, 300)} {_p(56, 322)} "
        f"Q{_p(0, 334)} {_p(56, 322, -1)} "
        f"C{_p(58, 300, -1)} {_p(58, 260, -1)} {_p(58, 226, -1)} "
        f"C{_p(50, 236, -1)} {_p(36, 236, -1)} {_p(22, 222, -1)} "
        f"Q{_p(8, 196, -1)} {_p(0, 188)} Z"
    )
    return d, (MID, 272)


def abdomen_details() -> list[str]:
    """The umbilicus and the linea alba."""
    r = 2.5
    return [f"M{_p(0, 240)} L{_p(0, 318)}",
            f"M{_f(MID - r)},280 a{r},{r} 0 1 0 {2 * r},0 a{r},{r} 0 1 0 {-2 * r},0 Z"]


def front_pelvis() -> str:
    return (
        f"M{_p(56, 322, -1)} Q{_p(0, 334)} {_p(56, 322)} "
        f"C{_p(58, 334)} {_p(58, 344)} {_p(56, 350)} "
        f"C{_p(40, 344)} {_p(10, 350)} {_p(0, 366)} "
        f"C{_p(10, 350, -1)} {_p(40, 344, -1)} {_p(56, 350, -1)} "
        f"C{_p(58, 344, -1)} {_p(58, 334, -1)} {_p(56, 322, -1)} Z"
    )


def _arm(side: int) -> str:
    return (
        f"M{_p(50, 114, side)} C{_p(66, 118, side)} {_p(74, 140, side)} {_p(76, 196, side)} "
        f"C{_p(80, 250, side)} {_p(88, 300, side)} {_p(96, 340, side)} "
        f"C{_p(100, 360, side)} {_p(100, 382, side)} {_p(90, 392, side)} "
        f"C{_p(82, 392, side)} {_p(80, 372, side)} {_p(78, 352, side)} "
        f"C{_p(72, 320, side)} {_p(64, 268, side)} {_p(60, 214, side)} "
        f"C{_p(60, 180, side)} {_p(62, 140, side)} {_p(50, 114, side)} Z"
    )


def _leg(side: int) -> str:
    return (
        f"M{_p(2, 350, side)} C{_p(20, 344, side)} {_p(50, 340, side)} {_p(56, 350, side)} "
        f"C{_p(58, 380, side)} {_p(54, 420, side)} {_p(52, 460, side)} "
        f"C{_p(48, 530, side)} {_p(42, 590, side)} {_p(38, 640, side)} "
        f"C{_p(40, 662, side)} {_p(52, 672, side)} {_p(46, 680, side)} "
        f"L{_p(18, 680, side)} C{_p(14, 660, side)} {_p(18, 600, side)} {_p(14, 500, side)} "
        f"C{_p(10, 440, side)} {_p(6, 400, side)} {_p(2, 350, side)} Z"
    )


def arms() -> tuple[str, Point]:
    """Both upper extremities as one outline; marks go on the viewer's left arm."""
    return f"{_arm(-1)} {_arm(1)}", (MID - 72, 220)


def legs() -> tuple[str, Point]:
    """Both lower extremities as one outline; marks go on the viewer's left leg."""
    return f"{_leg(-1)} {_leg(1)}", (MID - 32, 470)


# ---------------------------------------------------------------------------------------
# Posterior figure: the spinal regions and the pelvis.
# ---------------------------------------------------------------------------------------


def upper_back() -> tuple[str, Point]:
    """Thoracic region: from the root of the neck and the shoulders to the lowest ribs."""
    d = (
        f"M{_p(17, 108, -1)} Q{_p(0, 114)} {_p(17, 108)} "
        f"C{_p(30, 112)} {_p(52, 112)} {_p(62, 124)} "
        f"C{_p(70, 140)} {_p(62, 196)} {_p(60, 232)} "
        f"L{_p(60, 232, -1)} "
        f"C{_p(62, 196, -1)} {_p(70, 140, -1)} {_p(62, 124, -1)} "
        f"C{_p(52, 112, -1)} {_p(30, 112, -1)} {_p(17, 108, -1)} Z"
    )
    return d, (MID, 168)


def upper_back_details() -> list[str]:
    """Scapulae and the thoracic spinous processes, for orientation."""
    details = []
    for side in (-1, 1):
        details.append(f"M{_p(18, 132, side)} L{_p(48, 128, side)} "
                       f"Q{_p(44, 170, side)} {_p(26, 196, side)} Q{_p(20, 160, side)} "
                       f"{_p(18, 132, side)} Z")
    details.append(f"M{_p(0, 116)} L{_p(0, 230)}")
    return details


def low_back() -> tuple[str, Point]:
    """Lumbar region: from the lowest ribs to the iliac crests."""
    d = (
        f"M{_p(60, 232, -1)} L{_p(60, 232)} "
        f"C{_p(58, 262)} {_p(58, 286)} {_p(57, 300)} "
        f"Q{_p(40, 292)} {_p(22, 296)} Q{_p(0, 290)} {_p(22, 296, -1)} "
        f"Q{_p(40, 292, -1)} {_p(57, 300, -1)} "
        f"C{_p(58, 286, -1)} {_p(58, 262, -1)} {_p(60, 232, -1)} Z"
    )
    return d, (MID, 262)


def sacrum() -> tuple[str, Point]:
    d = (
        f"M{_p(22, 296, -1)} Q{_p(0, 290)} {_p(22, 296)} "
        f"Q{_p(16, 326)} {_p(6, 352)} L{_p(6, 352, -1)} Q{_p(16, 326, -1)} {_p(22, 296, -1)} Z"
    )
    return d, (MID, 316)


def _innominate(side: int) -> str:
    return (
        f"M{_p(57, 300, side)} Q{_p(40, 292, side)} {_p(22, 296, side)} "
        f"Q{_p(16, 326, side)} {_p(6, 352, side)} "
        f"C{_p(18, 366, side)} {_p(46, 368, side)} {_p(56, 352, side)} "
        f"C{_p(60, 336, side)} {_p(58, 316, side)} {_p(57, 300, side)} Z"
    )


def pelvis() -> tuple[str, Point]:
    """Both innominates and the buttocks as one outline; marks go on the viewer's left."""
    return f"{_innominate(-1)} {_innominate(1)}", (MID - 38, 330)


def back_legs() -> str:
    """Thighs and legs under the pelvis (drawn only, their region is anterior)."""
    return f"{_leg(-1)} {_leg(1)}"


def back_arms() -> str:
    return f"{_arm(-1)} {_arm(1)}"
