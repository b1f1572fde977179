"""The vertebral column from behind (:func:`spine`): every segment, the ribs and the ilia.

Drawn once in a 400 x 690 box, midline ``x = 200``: occiput, atlas, C2-C7, T1-T12, L1-L5,
sacrum and coccyx, both ilia, and ribs 1-12 from their costotransverse joints, over a faint
outline of the back. Seen as the clinician sees the patient's back: the patient's left on
the viewer's left. Proportions follow the posterior aspect of the skeleton (wide atlas,
bifid cervical spinous processes C2-C6, long downward thoracic spinous processes, broad
lumbar transverse processes; the gap between segments stands for the disc); they are for
finding a segment at a glance, not for measuring.

Outlines (``figure.outlines``, SVG path data) and anchors are named by segment: ``occiput``,
``C1`` ... ``C7``, ``T1`` ... ``T12``, ``L1`` ... ``L5``, ``sacrum``, ``coccyx``,
``ilium_left`` / ``ilium_right``, ``rib1_left`` ... ``rib12_right``. Each segment also has a
``label_<segment>`` anchor in the left margin, after the printed segment name, where a pack
writes what it records there (a chiropractic listing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from ..charts import Decoration, Path
from .figure import Figure

Point = tuple[float, float]

#: Midline and size of the view.
MID = 200.0
SIZE = (400.0, 690.0)
#: ``x`` of the margin where segment names are printed, and of the text written after them.
NAME_X, LABEL_X = 16.0, 36.0


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


# (id, lamina height, half width, transverse reach, process thickness, spinous, bifid,
#  process position); the gap between segments stands for the disc.
_LEVELS: tuple[tuple[str, float, float, float, float, float, bool, float], ...] = (
    ("C2", 15, 14, 23, 5, 7, True, 0.55),
    ("C3", 12, 15, 25, 5, 5, True, 0.5),
    ("C4", 12, 15.5, 25.5, 5, 5, True, 0.5),
    ("C5", 12, 16, 26, 5, 5, True, 0.5),
    ("C6", 12.5, 16.5, 27, 5, 5.5, True, 0.5),
    ("C7", 13, 17, 31, 5.5, 8, False, 0.5),
    ("T1", 14, 17, 34, 6, 8, False, 0.4),
    ("T2", 14.5, 16, 32.5, 6, 9, False, 0.35),
    ("T3", 15, 15.5, 31.5, 6, 10, False, 0.35),
    ("T4", 15, 15, 30.5, 6, 10, False, 0.35),
    ("T5", 15.5, 15, 29.5, 6, 10.5, False, 0.35),
    ("T6", 15.5, 15, 29, 6, 10.5, False, 0.35),
    ("T7", 16, 15, 28.5, 6, 10.5, False, 0.35),
    ("T8", 16, 15.5, 28, 6, 10, False, 0.35),
    ("T9", 16.5, 16, 27, 6, 9.5, False, 0.35),
    ("T10", 17, 16.5, 26, 6, 8.5, False, 0.35),
    ("T11", 17.5, 17, 24, 6, 7.5, False, 0.4),
    ("T12", 18, 18, 22, 6, 7, False, 0.45),
    ("L1", 20, 19, 31, 7, 6.5, False, 0.5),
    ("L2", 21, 20, 35, 7.5, 6.5, False, 0.5),
    ("L3", 21.5, 21, 39, 8, 6.5, False, 0.5),
    ("L4", 22, 22, 37, 8, 6.5, False, 0.5),
    ("L5", 22, 23, 38, 8.5, 6, False, 0.5),
)
# (lateral reach beyond the transverse process, drop at its end) of ribs 1-12.
_RIBS = (
    (24, 7), (48, 15), (68, 23), (82, 29), (92, 33), (98, 37),
    (102, 40), (103, 41), (100, 40), (92, 36), (62, 22), (38, 13),
)
_GAP = 3.5
_OCCIPUT_BOTTOM = 64.0
_ATLAS_TOP = 69.0


def _vertebrae() -> dict[str, Vertebra]:
    top = _ATLAS_TOP + 12 + _GAP
    out: dict[str, Vertebra] = {}
    for sid, height, half, reach, thick, spinous, bifid, at in _LEVELS:
        out[sid] = Vertebra(top=top, height=height, half_width=half, process=reach,
                            thickness=thick, spinous=spinous, bifid=bifid, process_at=at)
        top += height + _GAP + (2 if sid.startswith("L") else 0)
    return out


VERTEBRAE = _vertebrae()
SACRUM_TOP = VERTEBRAE["L5"].bottom + _GAP + 4
COCCYX_TOP = SACRUM_TOP + 72 + _GAP


def _bones() -> tuple[dict[str, str], dict[str, Point]]:
    """Outline and mark anchor of every bone, ribs first (drawn under the processes)."""
    outlines: dict[str, str] = {}
    anchors: dict[str, Point] = {}
    for n, (reach, drop) in enumerate(_RIBS, start=1):
        v = VERTEBRAE[f"T{n}"]
        for side, sign in (("left", -1), ("right", 1)):
            start = (MID + sign * (v.process - 2.5), v.process_y - 2.5)
            outlines[f"rib{n}_{side}"] = rib_outline(start, sign, reach, drop)
            anchors[f"rib{n}_{side}"] = (start[0] + sign * 11, start[1] + 1.5)
    outlines["occiput"], anchors["occiput"] = occiput_outline(_OCCIPUT_BOTTOM)
    outlines["C1"], anchors["C1"] = atlas_outline(_ATLAS_TOP)
    for sid, v in VERTEBRAE.items():
        outlines[sid], anchors[sid] = vertebra_outline(v), v.centre
    for side, sign in (("left", -1), ("right", 1)):
        outlines[f"ilium_{side}"], anchors[f"ilium_{side}"] = ilium_outline(SACRUM_TOP, sign)
    outlines["sacrum"], anchors["sacrum"] = sacrum_outline(SACRUM_TOP)
    outlines["coccyx"], anchors["coccyx"] = coccyx_outline(COCCYX_TOP)
    return outlines, anchors


def _labels() -> list[Decoration]:
    labels = [Decoration(text="Left", at=(8, 12)), Decoration(text="Right", at=(368, 12)),
              Decoration(text="Occ", at=(NAME_X, _OCCIPUT_BOTTOM - 18)),
              Decoration(text="C1", at=(NAME_X, _ATLAS_TOP + 8))]
    for sid, v in VERTEBRAE.items():
        labels.append(Decoration(text=sid, at=(NAME_X, v.centre[1] + 3)))
    labels += [Decoration(text="Sacrum", at=(NAME_X, SACRUM_TOP + 30)),
               Decoration(text="Coccyx", at=(NAME_X, COCCYX_TOP + 14)),
               Decoration(text="Ilium", at=(MID - 104, SACRUM_TOP - 62)),
               Decoration(text="Ilium", at=(MID + 80, SACRUM_TOP - 62))]
    for n in (1, 4, 8, 12):
        v = VERTEBRAE[f"T{n}"]
        reach, drop = _RIBS[n - 1]
        labels.append(Decoration(text=f"R{n}",
                                 at=(MID + v.process + reach + 4, v.process_y + drop + 4)))
    return labels


def _label_anchors() -> dict[str, Point]:
    """Where text about a segment goes: after its name in the left margin."""
    at = {"occiput": (LABEL_X + 4, _OCCIPUT_BOTTOM - 18), "C1": (LABEL_X, _ATLAS_TOP + 8),
          "sacrum": (LABEL_X + 30, SACRUM_TOP + 30), "coccyx": (LABEL_X + 30, COCCYX_TOP + 14),
          "ilium_left": (MID - 104, SACRUM_TOP - 50),
          "ilium_right": (MID + 80, SACRUM_TOP - 50)}
    for sid, v in VERTEBRAE.items():
        at[sid] = (LABEL_X, v.centre[1] + 3)
    return {f"label_{k}": v for k, v in at.items()}


@cache
def spine() -> Figure:
    """The vertebral column, posterior view (module docs for names and layout)."""
    outlines, anchors = _bones()
    decorations = [Decoration(shape=Path(d=back_outline()), role="detail")]
    decorations += [Decoration(shape=Path(d=d), role="outline") for d in outlines.values()]
    decorations += [Decoration(shape=Path(d=d), role="detail")
                    for d in (*occiput_details(_OCCIPUT_BOTTOM), *sacrum_details(SACRUM_TOP))]
    decorations += _labels()
    return Figure(name="spine", width=SIZE[0], height=SIZE[1], decorations=tuple(decorations),
                  anchors={**anchors, **_label_anchors()}, outlines=outlines)
