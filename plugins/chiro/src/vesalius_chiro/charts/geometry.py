"""Outlines of the spine chart: vertebrae, ribs, pelvis and an anterior body figure.

Pure functions from a few measurements to SVG path data. The posterior view is drawn as the
clinician sees the patient's back: the patient's left is on the viewer's left. Proportions
follow the posterior aspect of the skeleton loosely (wide atlas, bifid cervical spinous
processes, long downward thoracic spinous processes, broad lumbar transverse processes);
they are for finding a segment at a glance, not for measuring.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Point = tuple[float, float]

#: Midline and size of the posterior view.
MID = 200.0
POSTERIOR_SIZE = (400.0, 690.0)
#: Size of the anterior (extraspinal) view and its midline.
ANTERIOR_SIZE = (230.0, 690.0)
FRONT_MID = 115.0


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def polyline(points: Iterable[Point], closed: bool = True) -> str:
    """Path data through ``points`` with straight segments."""
    pts = list(points)
    data = f"M{_f(pts[0][0])},{_f(pts[0][1])} " + " ".join(
        f"L{_f(x)},{_f(y)}" for x, y in pts[1:]
    )
    return data + (" Z" if closed else "")


def mirror(points: Sequence[Point], mid: float = MID) -> list[Point]:
    """The points reflected about the vertical line ``x = mid``, in reverse order, so that a
    right half followed by its mirror is one closed outline."""
    return [(2 * mid - x, y) for x, y in reversed(points)]


@dataclass(frozen=True)
class Vertebra:
    """Measurements of one vertebra seen from behind, in chart units.

    ``top`` and ``height`` bound the lamina; ``half_width`` is half the laminar width;
    ``process`` is how far a transverse process reaches from the midline and ``thickness``
    its height; ``spinous`` how far the spinous process hangs below the lamina, ``bifid``
    whether its tip is split (C2-C6).
    """

    top: float
    height: float
    half_width: float
    process: float
    thickness: float
    spinous: float
    bifid: bool = False
    process_at: float = 0.45  # where the transverse process sits, as a share of the height

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def process_y(self) -> float:
        return self.top + self.height * self.process_at

    @property
    def centre(self) -> Point:
        return (MID, self.top + self.height * 0.5)


def vertebra_outline(v: Vertebra) -> str:
    """Lamina with superior articular processes, both transverse processes, spinous process."""
    w, t, r = v.half_width, v.process, v.thickness / 2
    y0, y1, ty = v.top, v.bottom, v.process_y
    half: list[Point] = [
        (MID, y0 + 1.5),
        (MID + w * 0.35, y0 + 1),
        (MID + w * 0.55, y0 - 2.5),  # superior articular process
        (MID + w * 0.85, y0 - 2.5),
        (MID + w, y0 + 1),
        (MID + w, ty - r),
        (MID + t - r * 0.8, ty - r * 1.05),
        (MID + t, ty - r * 0.4),  # rounded tip of the transverse process
        (MID + t, ty + r * 0.4),
        (MID + t - r * 0.8, ty + r * 1.05),
        (MID + w, ty + r),
        (MID + w * 0.92, y1 - 1),
        (MID + w * 0.75, y1 + 1.5),  # inferior articular process
        (MID + w * 0.4, y1),
        (MID + 3.2, y1),
    ]
    s = v.spinous
    if v.bifid:
        tip = [(MID + 4.2, y1 + s), (MID + 2.0, y1 + s + 0.8), (MID + 0.6, y1 + s - 2.2)]
    else:
        tip = [(MID + 2.6, y1 + s - 1), (MID + 1.2, y1 + s)]
    right = half + tip
    left = mirror(right)
    # The mirror repeats the midline points; drop the duplicates at the joins.
    return polyline(right + left[1:-1])


def atlas_outline(top: float) -> tuple[str, Point]:
    """C1 from behind: a slender posterior arch, lateral masses, long transverse processes."""
    half: list[Point] = [
        (MID, top + 3),
        (MID + 9, top + 2),
        (MID + 17, top - 1),
        (MID + 24, top - 1.5),  # lateral mass
        (MID + 31, top + 1),
        (MID + 37, top + 2),
        (MID + 39, top + 5),  # transverse process tip
        (MID + 36, top + 8),
        (MID + 26, top + 9),
        (MID + 20, top + 11),
        (MID + 12, top + 8),
        (MID + 5, top + 9),
        (MID + 3, top + 11),  # posterior tubercle
    ]
    return polyline(half + mirror(half)[1:-1]), (MID, top + 5)


def occiput_outline(bottom: float) -> tuple[str, Point]:
    """The occipital bone seen from behind: the back of the skull down to its base."""
    top = bottom - 60
    d = (
        f"M{_f(MID - 58)},{_f(bottom - 8)} "
        f"C{_f(MID - 72)},{_f(top + 30)} {_f(MID - 46)},{_f(top)} {_f(MID)},{_f(top)} "
        f"C{_f(MID + 46)},{_f(top)} {_f(MID + 72)},{_f(top + 30)} "
        f"{_f(MID + 58)},{_f(bottom - 8)} "
        f"Q{_f(MID + 54)},{_f(bottom + 4)} {_f(MID + 44)},{_f(bottom - 1)} "  # mastoid
        f"Q{_f(MID + 22)},{_f(bottom - 8)} {_f(MID)},{_f(bottom)} "
        f"Q{_f(MID - 22)},{_f(bottom - 8)} {_f(MID - 44)},{_f(bottom - 1)} "
        f"Q{_f(MID - 54)},{_f(bottom + 4)} {_f(MID - 58)},{_f(bottom - 8)} Z"
    )
    return d, (MID, bottom - 22)


def occiput_details(bottom: float) -> list[str]:
    """Nuchal lines and the external occipital protuberance."""
    return [
        f"M{_f(MID - 48)},{_f(bottom - 24)} Q{_f(MID)},{_f(bottom - 40)} "
        f"{_f(MID + 48)},{_f(bottom - 24)}",
        f"M{_f(MID - 40)},{_f(bottom - 12)} Q{_f(MID)},{_f(bottom - 24)} "
        f"{_f(MID + 40)},{_f(bottom - 12)}",
        f"M{_f(MID)},{_f(bottom - 33)} L{_f(MID)},{_f(bottom - 2)}",
    ]


def sacrum_outline(top: float) -> tuple[str, Point]:
    """An inverted triangle with the base (S1) up."""
    d = (
        f"M{_f(MID - 36)},{_f(top + 2)} Q{_f(MID)},{_f(top - 5)} {_f(MID + 36)},{_f(top + 2)} "
        f"L{_f(MID + 31)},{_f(top + 26)} Q{_f(MID + 20)},{_f(top + 56)} "
        f"{_f(MID + 7)},{_f(top + 72)} L{_f(MID - 7)},{_f(top + 72)} "
        f"Q{_f(MID - 20)},{_f(top + 56)} {_f(MID - 31)},{_f(top + 26)} Z"
    )
    return d, (MID, top + 26)


def sacrum_details(top: float) -> list[str]:
    """The posterior sacral foramina (four pairs) and the median crest."""
    details = [f"M{_f(MID)},{_f(top + 3)} L{_f(MID)},{_f(top + 64)}"]
    for i, (dx, dy) in enumerate(((17, 12), (15, 27), (12.5, 41), (10, 54))):
        r = 2.6 - i * 0.3
        for x in (MID - dx, MID + dx):
            details.append(
                f"M{_f(x - r)},{_f(top + dy)} a{_f(r)},{_f(r)} 0 1 0 {_f(2 * r)},0 "
                f"a{_f(r)},{_f(r)} 0 1 0 {_f(-2 * r)},0 Z"
            )
    return details


def coccyx_outline(top: float) -> tuple[str, Point]:
    """Three to four small fused segments tapering down."""
    half: list[Point] = [
        (MID, top),
        (MID + 7, top + 0.5),
        (MID + 6, top + 7),
        (MID + 4.5, top + 8),
        (MID + 4, top + 14),
        (MID + 3, top + 15),
        (MID + 2.2, top + 21),
        (MID, top + 23),
    ]
    return polyline(half + mirror(half)[1:-1]), (MID, top + 10)


def ilium_outline(sacrum_top: float, side: int) -> tuple[str, Point]:
    """One ilium beside the sacrum; ``side`` is -1 for the viewer's left, +1 for the right."""

    def p(dx: float, dy: float) -> str:
        return f"{_f(MID + side * dx)},{_f(sacrum_top + dy)}"

    d = (
        f"M{p(37, 4)} "
        f"C{p(38, -22)} {p(58, -54)} {p(90, -58)} "  # posterior crest up to the top
        f"C{p(114, -60)} {p(134, -44)} {p(136, -24)} "  # iliac crest to its lateral lip
        f"C{p(136, -2)} {p(120, 22)} {p(108, 44)} "  # lateral border narrowing down
        f"C{p(104, 56)} {p(108, 74)} {p(100, 86)} "  # acetabular rim to the ischium
        f"C{p(92, 96)} {p(78, 92)} {p(78, 78)} "  # ischial tuberosity
        f"C{p(76, 56)} {p(60, 40)} {p(46, 46)} "  # greater sciatic notch
        f"L{p(31, 28)} Q{p(33, 14)} {p(37, 4)} Z"  # along the sacro-iliac joint
    )
    return d, (MID + side * 88, sacrum_top - 18)


def rib_outline(start: Point, side: int, length: float, drop: float,
                thickness: float = 5.5) -> str:
    """A rib from its costotransverse joint, outward and down; ``side`` as for the ilium."""
    x0, y0 = start
    cx, cy = x0 + side * length * 0.55, y0 - 5
    x1, y1 = x0 + side * length, y0 + drop
    t = thickness
    return (
        f"M{_f(x0)},{_f(y0)} Q{_f(cx)},{_f(cy)} {_f(x1)},{_f(y1)} "
        f"Q{_f(x1 + side * 2.5)},{_f(y1 + t * 0.6)} {_f(x1 - side * 0.5)},{_f(y1 + t * 1.1)} "
        f"Q{_f(cx - side * 1.5)},{_f(cy + t)} {_f(x0)},{_f(y0 + t)} Z"
    )


def back_outline() -> str:
    """A faint outline of the neck, shoulders and trunk behind the skeleton."""
    return (
        f"M{_f(MID - 30)},72 C{_f(MID - 30)},104 {_f(MID - 60)},118 {_f(MID - 118)},132 "
        f"C{_f(MID - 158)},144 {_f(MID - 166)},168 {_f(MID - 160)},210 "
        f"C{_f(MID - 150)},300 {_f(MID - 140)},360 {_f(MID - 140)},430 "
        f"C{_f(MID - 142)},480 {_f(MID - 160)},540 {_f(MID - 158)},600 "
        f"C{_f(MID - 156)},640 {_f(MID - 120)},672 {_f(MID - 60)},676 "
        f"L{_f(MID + 60)},676 "
        f"C{_f(MID + 120)},672 {_f(MID + 156)},640 {_f(MID + 158)},600 "
        f"C{_f(MID + 160)},540 {_f(MID + 142)},480 {_f(MID + 140)},430 "
        f"C{_f(MID + 140)},360 {_f(MID + 150)},300 {_f(MID + 160)},210 "
        f"C{_f(MID + 166)},168 {_f(MID + 158)},144 {_f(MID + 118)},132 "
        f"C{_f(MID + 60)},118 {_f(MID + 30)},104 {_f(MID + 30)},72"
    )


# ---------------------------------------------------------------------------------------
# Anterior figure for the extraspinal regions (the patient's right on the viewer's left).
# ---------------------------------------------------------------------------------------


def _fp(dx: float, y: float, side: int = 1) -> str:
    return f"{_f(FRONT_MID + side * dx)},{_f(y)}"


def front_neck() -> str:
    """The neck between head and chest (not a region: drawn only)."""
    return (
        f"M{_fp(15, 86, -1)} L{_fp(15, 86)} L{_fp(16, 106)} "
        f"Q{_fp(0, 112)} {_fp(16, 106, -1)} Z"
    )


def front_head() -> tuple[str, Point]:
    d = (
        f"M{_fp(0, 12)} C{_fp(22, 12)} {_fp(32, 30)} {_fp(30, 56)} "
        f"C{_fp(29, 76)} {_fp(18, 92)} {_fp(0, 94)} "
        f"C{_fp(18, 92, -1)} {_fp(29, 76, -1)} {_fp(30, 56, -1)} "
        f"C{_fp(32, 30, -1)} {_fp(22, 12, -1)} {_fp(0, 12)} Z"
    )
    return d, (FRONT_MID, 52)


def front_rib_cage() -> tuple[str, Point]:
    """Chest wall from the clavicles down to the costal margin (its arch at the bottom)."""
    d = (
        f"M{_fp(48, 118, -1)} C{_fp(20, 110, -1)} {_fp(20, 110)} {_fp(48, 118)} "
        f"C{_fp(62, 130)} {_fp(60, 196)} {_fp(58, 226)} "
        f"C{_fp(50, 236)} {_fp(36, 236)} {_fp(22, 222)} "
        f"Q{_fp(8, 196)} {_fp(0, 188)} "
        f"Q{_fp(8, 196, -1)} {_fp(22, 222, -1)} "
        f"C{_fp(36, 236, -1)} {_fp(50, 236, -1)} {_fp(58, 226, -1)} "
        f"C{_fp(60, 196, -1)} {_fp(62, 130, -1)} {_fp(48, 118, -1)} Z"
    )
    return d, (FRONT_MID, 160)


def front_rib_details() -> list[str]:
    """Sternum and a few rib lines over the chest."""
    lines = [f"M{_fp(0, 122)} L{_fp(0, 186)}"]
    for i, y in enumerate((134, 152, 170, 188)):
        reach = 50 - abs(i - 1) * 2
        for side in (-1, 1):
            lines.append(f"M{_fp(4, y, side)} Q{_fp(reach * 0.6, y - 6, side)} "
                         f"{_fp(reach, y + 10, side)}")
    return lines


def front_abdomen() -> tuple[str, Point]:
    d = (
        f"M{_fp(0, 188)} Q{_fp(8, 196)} {_fp(22, 222)} "
        f"C{_fp(36, 236)} {_fp(50, 236)} {_fp(58, 226)} "
        f"C{_fp(58, 260)} {_fp(58, 300)} {_fp(56, 322)} "
        f"Q{_fp(0, 334)} {_fp(56, 322, -1)} "
        f"C{_fp(58, 300, -1)} {_fp(58, 260, -1)} {_fp(58, 226, -1)} "
        f"C{_fp(50, 236, -1)} {_fp(36, 236, -1)} {_fp(22, 222, -1)} "
        f"Q{_fp(8, 196, -1)} {_fp(0, 188)} Z"
    )
    return d, (FRONT_MID, 272)


def front_arm(side: int) -> tuple[str, Point]:
    """Shoulder to fingertips; ``side`` -1 is the viewer's left (the patient's right)."""
    d = (
        f"M{_fp(50, 114, side)} C{_fp(66, 118, side)} {_fp(74, 140, side)} "
        f"{_fp(76, 196, side)} "
        f"C{_fp(80, 250, side)} {_fp(88, 300, side)} {_fp(96, 340, side)} "
        f"C{_fp(100, 360, side)} {_fp(100, 382, side)} {_fp(90, 392, side)} "
        f"C{_fp(82, 392, side)} {_fp(80, 372, side)} {_fp(78, 352, side)} "
        f"C{_fp(72, 320, side)} {_fp(64, 268, side)} {_fp(60, 214, side)} "
        f"C{_fp(60, 180, side)} {_fp(62, 140, side)} {_fp(50, 114, side)} Z"
    )
    return d, (FRONT_MID + side * 72, 220)


def front_leg(side: int) -> tuple[str, Point]:
    """Hip to toes."""
    d = (
        f"M{_fp(2, 350, side)} C{_fp(20, 344, side)} {_fp(50, 340, side)} "
        f"{_fp(56, 350, side)} "
        f"C{_fp(58, 380, side)} {_fp(54, 420, side)} {_fp(52, 460, side)} "
        f"C{_fp(48, 530, side)} {_fp(42, 590, side)} {_fp(38, 640, side)} "
        f"C{_fp(40, 662, side)} {_fp(52, 672, side)} {_fp(46, 680, side)} "
        f"L{_fp(18, 680, side)} C{_fp(14, 660, side)} {_fp(18, 600, side)} "
        f"{_fp(14, 500, side)} "
        f"C{_fp(10, 440, side)} {_fp(6, 400, side)} {_fp(2, 350, side)} Z"
    )
    return d, (FRONT_MID + side * 32, 470)


def front_pelvis() -> str:
    """The pelvis between abdomen and thighs (not an extraspinal region: drawn only)."""
    return (
        f"M{_fp(56, 322, -1)} Q{_fp(0, 334)} {_fp(56, 322)} "
        f"C{_fp(58, 334)} {_fp(58, 344)} {_fp(56, 350)} "
        f"C{_fp(40, 344)} {_fp(10, 350)} {_fp(0, 366)} "
        f"C{_fp(10, 350, -1)} {_fp(40, 344, -1)} {_fp(56, 350, -1)} "
        f"C{_fp(58, 344, -1)} {_fp(58, 334, -1)} {_fp(56, 322, -1)} Z"
    )
