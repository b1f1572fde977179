"""The chiropractic spine chart ``chiro.spine``.

Two views: ``posterior``, the spine from behind with every segment its own element (occiput,
C1-C7, T1-T12, L1-L5, sacrum, coccyx, both ilia) and the ribs at their costovertebral
joints (``rib1-left`` ... ``rib12-right``); and ``extraspinal``, an anterior figure with the
five extraspinal CMT regions (head, upper and lower extremities by side, rib cage, abdomen).
Every region's ``group`` is its CMT region, which the charge rule counts.

Marks: subluxation (with an optional Gonstead listing, checked per segment), fixation,
hypermobility, tenderness, muscle spasm, and "adjusted" with the technique used.
"""

from __future__ import annotations

from vesalius_sdk import (
    ChartDefinition,
    ChartMark,
    ChartView,
    Decoration,
    MarkAttribute,
    MarkType,
    Path,
    Region,
)
from vesalius_sdk.anatomy import body_front, region_on

from .. import segments
from ..listings import listing_problem
from . import geometry as g

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


def _vertebrae() -> dict[str, g.Vertebra]:
    top = _ATLAS_TOP + 12 + _GAP
    out: dict[str, g.Vertebra] = {}
    for sid, height, half, reach, thick, spinous, bifid, at in _LEVELS:
        out[sid] = g.Vertebra(top=top, height=height, half_width=half, process=reach,
                              thickness=thick, spinous=spinous, bifid=bifid, process_at=at)
        top += height + _GAP + (2 if sid.startswith("L") else 0)
    return out


VERTEBRAE = _vertebrae()
SACRUM_TOP = VERTEBRAE["L5"].bottom + _GAP + 4
COCCYX_TOP = SACRUM_TOP + 72 + _GAP


def _posterior() -> tuple[list[Region], list[Decoration]]:
    regions: list[Region] = []
    details: list[str] = [g.back_outline()]
    bones: list[str] = []

    def add(rid: str, d: str, anchor: g.Point, side: str | None = "midline") -> None:
        bones.append(d)
        regions.append(Region(id=rid, label=segments.label(rid), view="posterior",
                              shape=Path(d=d), anchor=anchor, side=side,  # type: ignore[arg-type]
                              group=segments.GROUP[rid], aliases=segments.ALIASES.get(rid, ())))

    # Ribs first: the transverse processes they articulate with are drawn over their ends.
    for n, (reach, drop) in enumerate(_RIBS, start=1):
        v = VERTEBRAE[f"T{n}"]
        for side, sign in (("left", -1), ("right", 1)):
            start = (g.MID + sign * (v.process - 2.5), v.process_y - 2.5)
            add(f"rib{n}-{side}", g.rib_outline(start, sign, reach, drop),
                (start[0] + sign * 11, start[1] + 1.5), side)
    d, anchor = g.occiput_outline(_OCCIPUT_BOTTOM)
    add("occiput", d, anchor)
    details += g.occiput_details(_OCCIPUT_BOTTOM)
    d, anchor = g.atlas_outline(_ATLAS_TOP)
    add("C1", d, anchor)
    for sid, v in VERTEBRAE.items():
        add(sid, g.vertebra_outline(v), v.centre)
    for side, sign in (("left", -1), ("right", 1)):
        d, anchor = g.ilium_outline(SACRUM_TOP, sign)
        add(f"ilium-{side}", d, anchor, side)
    d, anchor = g.sacrum_outline(SACRUM_TOP)
    add("sacrum", d, anchor)
    details += g.sacrum_details(SACRUM_TOP)
    d, anchor = g.coccyx_outline(COCCYX_TOP)
    add("coccyx", d, anchor)

    decorations = [Decoration(shape=Path(d=d), role="detail") for d in details[:1]]
    decorations += [Decoration(shape=Path(d=d), role="outline") for d in bones]
    decorations += [Decoration(shape=Path(d=d), role="detail") for d in details[1:]]
    decorations += _posterior_labels()
    return regions, decorations


def _posterior_labels() -> list[Decoration]:
    labels = [Decoration(text="Left", at=(8, 12)), Decoration(text="Right", at=(368, 12)),
              Decoration(text="Occ", at=(16, _OCCIPUT_BOTTOM - 18)),
              Decoration(text="C1", at=(16, _ATLAS_TOP + 8))]
    for sid, v in VERTEBRAE.items():
        labels.append(Decoration(text=sid, at=(16, v.centre[1] + 3)))
    labels += [Decoration(text="Sacrum", at=(16, SACRUM_TOP + 30)),
               Decoration(text="Coccyx", at=(16, COCCYX_TOP + 14)),
               Decoration(text="Ilium", at=(g.MID - 104, SACRUM_TOP - 62)),
               Decoration(text="Ilium", at=(g.MID + 80, SACRUM_TOP - 62))]
    for n in (1, 4, 8, 12):
        v = VERTEBRAE[f"T{n}"]
        reach, drop = _RIBS[n - 1]
        labels.append(Decoration(text=f"R{n}",
                                 at=(g.MID + v.process + reach + 4, v.process_y + drop + 4)))
    return labels


#: Extraspinal region id -> areas of the shared front figure (patient's right drawn on the
#: viewer's left).
_EXTRASPINAL_AREAS = {
    "head": "head",
    "rib-cage": "rib_cage",
    "abdomen": "abdomen",
    "upper-extremity-right": "upper_limb_right",
    "upper-extremity-left": "upper_limb_left",
    "lower-extremity-right": "lower_limb_right",
    "lower-extremity-left": "lower_limb_left",
}


def _extraspinal() -> list[Region]:
    front = body_front()
    regions = []
    for rid in segments.EXTRASPINAL:
        side = "left" if rid.endswith("-left") else "right" if rid.endswith("-right") else None
        regions.append(region_on(front, _EXTRASPINAL_AREAS[rid], id=rid,
                                 label=segments.label(rid), view="extraspinal",
                                 side=side or "midline", group="extraspinal"))
    return regions


#: Techniques a chiropractor records on an "adjusted" mark.
TECHNIQUES = (
    "diversified",
    "gonstead",
    "activator",
    "thompson-drop",
    "flexion-distraction",
    "sot",
    "toggle-recoil",
    "drop-table",
    "instrument-assisted",
    "extremity-manipulation",
    "mobilisation",
    "other",
)

_LISTING = MarkAttribute(id="listing", label="Listing (Gonstead)", kind="text")
_SEVERITY = MarkAttribute(id="severity", label="Severity", kind="choice",
                          options=("mild", "moderate", "severe"))
_SIDE = MarkAttribute(id="side", label="Side", kind="choice",
                      options=("left", "right", "bilateral"))

MARK_TYPES = (
    MarkType(id="subluxation", label="Subluxation / misalignment", abbreviation="S",
             symbol="dot", color="#c0392b", attributes=(_LISTING, _SEVERITY)),
    MarkType(id="fixation", label="Fixation (hypomobility)", abbreviation="X",
             symbol="cross", color="#6c3483",
             attributes=(MarkAttribute(id="motion", label="Restricted motion", kind="choice",
                                       options=("flexion", "extension", "lateral-flexion-left",
                                                "lateral-flexion-right", "rotation-left",
                                                "rotation-right", "global")),)),
    MarkType(id="hypermobility", label="Hypermobility", abbreviation="H", symbol="ring",
             color="#b9770e"),
    MarkType(id="tenderness", label="Tenderness", abbreviation="T", symbol="triangle",
             color="#d35400",
             attributes=(MarkAttribute(id="intensity", label="Intensity (0-10)",
                                       kind="integer", minimum=0, maximum=10), _SIDE)),
    MarkType(id="muscle-spasm", label="Muscle spasm / hypertonicity", abbreviation="M",
             symbol="square", color="#1f618d", attributes=(_SEVERITY, _SIDE)),
    MarkType(id="adjusted", label="Adjusted", abbreviation="A", symbol="diamond",
             color="#1e8449",
             attributes=(MarkAttribute(id="technique", label="Technique", kind="choice",
                                       options=TECHNIQUES, required=True),
                         _LISTING)),
)


def check_mark(chart: ChartDefinition, mark: ChartMark) -> str | None:
    """The chart's own check: a listing must be valid for the segment it is written on."""
    listing = mark.attributes.get("listing")
    if isinstance(listing, str) and listing.strip():
        return listing_problem(chart.region(mark.region).id, listing)
    return None


def build() -> ChartDefinition:
    posterior_regions, posterior_decorations = _posterior()
    extraspinal_regions = _extraspinal()
    width, height = g.POSTERIOR_SIZE
    return ChartDefinition(
        id="chiro.spine",
        title="Spine chart",
        description="Posterior spine with every segment and rib, and the extraspinal regions; "
                    "subluxation listings, fixations, tenderness, spasm and adjustments.",
        views=(
            ChartView(id="posterior", title="Spine (posterior)", width=width, height=height,
                      decorations=tuple(posterior_decorations)),
            body_front().view("extraspinal", "Extraspinal (anterior)"),
        ),
        regions=(*posterior_regions, *extraspinal_regions),
        mark_types=MARK_TYPES,
        validator=check_mark,
    )


SPINE = build()
