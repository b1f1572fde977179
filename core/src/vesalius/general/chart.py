"""A simple body chart, anterior and posterior, for any discipline.

Discipline packs bring finer charts (physio's body chart, chiro's spine); this one covers
the main body areas so that a clinic with no pack can still chart where it hurts.
"""

from __future__ import annotations

from vesalius_sdk import (
    ChartDefinition,
    ChartView,
    Ellipse,
    MarkAttribute,
    MarkType,
    Rect,
    Region,
)

WIDTH, HEIGHT = 200.0, 430.0

# (part, label, shape on the viewer's left half) for paired parts; mirrored for the other.
PAIRED = (
    ("shoulder", "shoulder", Ellipse(cx=62, cy=88, rx=16, ry=12)),
    ("upper-arm", "upper arm", Rect(x=40, y=100, width=20, height=58, rx=9)),
    ("forearm", "forearm and wrist", Rect(x=34, y=161, width=18, height=60, rx=8)),
    ("hand", "hand", Ellipse(cx=42, cy=236, rx=10, ry=15)),
    ("thigh", "thigh", Rect(x=74, y=208, width=24, height=84, rx=10)),
    ("knee", "knee", Ellipse(cx=86, cy=302, rx=12, ry=11)),
    ("leg", "lower leg", Rect(x=76, y=315, width=20, height=78, rx=8)),
    ("foot", "ankle and foot", Ellipse(cx=86, cy=406, rx=11, ry=15)),
)
# (part, label, shape) per view for midline parts.
MIDLINE = {
    "anterior": (
        ("head", "head and face", Ellipse(cx=100, cy=35, rx=22, ry=27)),
        ("neck", "neck (front)", Rect(x=90, y=60, width=20, height=16, rx=4)),
        ("chest", "chest", Rect(x=72, y=78, width=56, height=52, rx=8)),
        ("abdomen", "abdomen", Rect(x=74, y=131, width=52, height=44, rx=6)),
        ("pelvis", "pelvis and groin", Rect(x=72, y=176, width=56, height=30, rx=8)),
    ),
    "posterior": (
        ("head", "back of head", Ellipse(cx=100, cy=35, rx=22, ry=27)),
        ("neck", "neck (back)", Rect(x=90, y=60, width=20, height=16, rx=4)),
        ("upper-back", "upper and mid back", Rect(x=72, y=78, width=56, height=62, rx=8)),
        ("low-back", "low back", Rect(x=74, y=141, width=52, height=34, rx=6)),
        ("buttocks", "buttocks and sacrum", Rect(x=72, y=176, width=56, height=30, rx=8)),
    ),
}


def _mirror(shape: Ellipse | Rect) -> Ellipse | Rect:
    if isinstance(shape, Ellipse):
        return shape.model_copy(update={"cx": WIDTH - shape.cx})
    return shape.model_copy(update={"x": WIDTH - shape.x - shape.width})


def _regions() -> list[Region]:
    regions = []
    for view, midline in MIDLINE.items():
        for part, label, shape in midline:
            regions.append(Region(id=f"{view}-{part}", label=f"{label.capitalize()}",
                                  view=view, shape=shape, side="midline"))
        # Anterior view: the patient's right is on the viewer's left; posterior: the reverse.
        viewer_left = "right" if view == "anterior" else "left"
        viewer_right = "left" if view == "anterior" else "right"
        for part, label, shape in PAIRED:
            for side, drawn in ((viewer_left, shape), (viewer_right, _mirror(shape))):
                regions.append(Region(
                    id=f"{view}-{part}-{side}", label=f"{side.capitalize()} {label} ({view})",
                    view=view, shape=drawn, side=side,
                ))
    return regions


_INTENSITY = MarkAttribute(id="intensity", label="Intensity (0-10)", kind="integer",
                           minimum=0, maximum=10)

BODY = ChartDefinition(
    id="general.body",
    title="Body chart",
    description="Main body areas, front and back, with pain and other symptoms.",
    views=(ChartView(id="anterior", title="Front", width=WIDTH, height=HEIGHT),
           ChartView(id="posterior", title="Back", width=WIDTH, height=HEIGHT)),
    regions=tuple(_regions()),
    mark_types=(
        MarkType(id="pain", label="Pain", abbreviation="P", color="#c0392b",
                 attributes=(_INTENSITY,)),
        MarkType(id="stiffness", label="Stiffness", abbreviation="S", symbol="square",
                 color="#8e44ad", attributes=(_INTENSITY,)),
        MarkType(id="numbness", label="Numbness or tingling", abbreviation="N",
                 symbol="triangle", color="#2471a3"),
        MarkType(id="other", label="Other finding", abbreviation="O", symbol="ring",
                 color="#117a65"),
    ),
)
