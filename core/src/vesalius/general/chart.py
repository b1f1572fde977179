"""A simple body chart, anterior and posterior, for any discipline.

Discipline packs bring finer charts (physio's body chart, chiro's spine); this one covers
the main body areas so that a clinic with no pack can still chart where it hurts, on the
SDK's shared body figure (:mod:`vesalius_sdk.anatomy`).
"""

from __future__ import annotations

from vesalius_sdk import ChartDefinition, MarkAttribute, MarkType, Region
from vesalius_sdk.anatomy import Figure, body_back, body_front, region_on

#: (part, label, parts of the shared figure, ``{side}`` filled in) for paired parts.
PAIRED = (
    ("shoulder", "shoulder", ("shoulder_{side}",)),
    ("upper-arm", "upper arm", ("upper_arm_{side}", "elbow_{side}")),
    ("forearm", "forearm and wrist", ("forearm_{side}", "wrist_{side}")),
    ("hand", "hand", ("hand_{side}",)),
    ("thigh", "thigh", ("thigh_{side}",)),
    ("knee", "knee", ("knee_{side}",)),
    ("leg", "lower leg", ("lower_leg_{side}",)),
    ("foot", "ankle and foot", ("ankle_{side}", "foot_{side}")),
)
# (part, label, areas or parts of the shared figure) per view for midline parts.
MIDLINE = {
    "anterior": (
        ("head", "head and face", ("head",)),
        ("neck", "neck (front)", ("neck",)),
        ("chest", "chest", ("rib_cage",)),
        ("abdomen", "abdomen", ("abdomen",)),
        ("pelvis", "pelvis and groin", ("groin",)),
    ),
    "posterior": (
        ("head", "back of head", ("head",)),
        ("neck", "neck (back)", ("neck",)),
        ("upper-back", "upper and mid back", ("thoracic",)),
        ("low-back", "low back", ("lumbar",)),
        ("buttocks", "buttocks and sacrum", ("buttocks", "sacrum")),
    ),
}


def _regions() -> list[Region]:
    regions = []
    figures: dict[str, Figure] = {"anterior": body_front(), "posterior": body_back()}
    for view, midline in MIDLINE.items():
        figure = figures[view]
        for part, label, parts in midline:
            regions.append(region_on(figure, parts, id=f"{view}-{part}",
                                     label=label.capitalize(), view=view, side="midline"))
        # Anterior view: the patient's right is on the viewer's left; posterior: the reverse.
        sides = ("right", "left") if view == "anterior" else ("left", "right")
        for part, label, parts in PAIRED:
            for side in sides:
                regions.append(region_on(
                    figure, [p.format(side=side) for p in parts], id=f"{view}-{part}-{side}",
                    label=f"{side.capitalize()} {label} ({view})", view=view, side=side))
    return regions


_INTENSITY = MarkAttribute(id="intensity", label="Intensity (0-10)", kind="integer",
                           minimum=0, maximum=10)

BODY = ChartDefinition(
    id="general.body",
    title="Body chart",
    description="Main body areas, front and back, with pain and other symptoms.",
    views=(body_front().view("anterior", "Front"), body_back().view("posterior", "Back")),
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
