"""A back chart, posterior view: where the practitioner found and treated something.

Region ids are stored in signed notes: never rename or remove one after release.
"""

from __future__ import annotations

from vesalius_sdk import (
    ChartDefinition,
    ChartView,
    Decoration,
    Ellipse,
    MarkAttribute,
    MarkType,
    Rect,
    Region,
)

WIDTH, HEIGHT = 200.0, 260.0

# (id, label, shape), drawn from the viewer's side: in a posterior view the patient's left
# is on the viewer's left.
_PAIRED = (
    ("neck", "neck", Rect(x=82, y=22, width=17, height=28, rx=4)),
    ("shoulder", "shoulder", Ellipse(cx=58, cy=62, rx=22, ry=12)),
    ("upper-back", "upper back", Rect(x=62, y=76, width=37, height=52, rx=6)),
    ("low-back", "low back", Rect(x=66, y=130, width=33, height=46, rx=6)),
    ("hip", "hip and buttock", Ellipse(cx=80, cy=200, rx=22, ry=20)),
)


def _regions() -> tuple[Region, ...]:
    regions = []
    for part, label, shape in _PAIRED:
        if isinstance(shape, Rect):
            mirrored = shape.model_copy(update={"x": WIDTH - shape.x - shape.width})
        else:
            mirrored = shape.model_copy(update={"cx": WIDTH - shape.cx})
        regions.append(Region(id=f"{part}-left", label=f"Left {label}", view="posterior",
                              side="left", shape=shape))
        regions.append(Region(id=f"{part}-right", label=f"Right {label}", view="posterior",
                              side="right", shape=mirrored))
    return tuple(regions)


_LEVEL = MarkAttribute(id="level", label="Level (0-10)", kind="integer", minimum=0,
                       maximum=10)

BACK = ChartDefinition(
    id="massage.back",
    title="Back chart",
    description="Neck, shoulders, back and hips from behind, each side on its own.",
    views=(ChartView(
        id="posterior", title="Posterior", width=WIDTH, height=HEIGHT,
        decorations=(Decoration(shape=Rect(x=52, y=16, width=96, height=226, rx=30)),
                     Decoration(text="L", at=(20, 20), role="label"),
                     Decoration(text="R", at=(174, 20), role="label")),
    ),),
    regions=_regions(),
    mark_types=(
        MarkType(id="tender", label="Tenderness", abbreviation="T", color="#c0392b",
                 attributes=(_LEVEL,)),
        MarkType(id="tight", label="Tightness", abbreviation="Ti", symbol="square",
                 color="#8e44ad", attributes=(_LEVEL,)),
        MarkType(id="treated", label="Treated", abbreviation="Tx", symbol="ring",
                 color="#1e8449"),
    ),
)
