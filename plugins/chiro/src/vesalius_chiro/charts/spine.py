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
    MarkAttribute,
    MarkType,
    Region,
)
from vesalius_sdk.anatomy import body_front, region_on, spine

from .. import segments
from ..listings import listing_problem


def _figure_name(region_id: str) -> str:
    """``rib3-left`` -> ``rib3_left``, ``ilium-right`` -> ``ilium_right``: the shared
    figure's outline names."""
    return region_id.replace("-", "_")


def _posterior() -> list[Region]:
    figure = spine()
    regions = []
    # Ribs first: the transverse processes they articulate with are drawn over their ends.
    for rid in (*segments.RIBS, "occiput", *segments.CERVICAL, *segments.THORACIC,
                *segments.LUMBAR, *segments.ILIA, "sacrum", "coccyx"):
        name = _figure_name(rid)
        side = "left" if rid.endswith("-left") else "right" if rid.endswith("-right") else None
        label_at = f"label_{name}"
        regions.append(region_on(
            figure, name, id=rid, label=segments.label(rid), view="posterior",
            side=side or "midline", group=segments.GROUP[rid],
            aliases=segments.ALIASES.get(rid, ()),
            text_at=label_at if label_at in figure.anchors else None))
    return regions


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

#: Shown: the chart writes the listing next to its segment.
_LISTING = MarkAttribute(id="listing", label="Listing (Gonstead)", kind="text", show=True)
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
    posterior_regions = _posterior()
    extraspinal_regions = _extraspinal()
    return ChartDefinition(
        id="chiro.spine",
        title="Spine chart",
        description="Posterior spine with every segment and rib, and the extraspinal regions; "
                    "subluxation listings, fixations, tenderness, spasm and adjustments.",
        views=(
            spine().view("posterior", "Spine (posterior)"),
            body_front().view("extraspinal", "Extraspinal (anterior)"),
        ),
        regions=(*posterior_regions, *extraspinal_regions),
        mark_types=MARK_TYPES,
        validator=check_mark,
    )


SPINE = build()
