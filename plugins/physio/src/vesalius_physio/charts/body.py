"""The physiotherapy body chart ``physio.body``: anterior and posterior views.

Sixty-seven regions at the resolution a physiotherapist charts symptoms (our own region set
in the manner of the Michigan Body Map, Brummett CM et al., Reg Anesth Pain Med
2016;41(4):479-87, split front and back), each left and right where paired. Region ids are
stable forever (signed notes store them): ``<part>-<right|left>`` or a midline part alone.

The drawing is the SDK's shared standing figure (:func:`vesalius_sdk.anatomy.body_front`
and ``body_back``): each region covers one of its named parts, so the regions tile the
silhouette. Like every clinical body chart, the anterior view shows the patient's right on
the viewer's left and the posterior view on the viewer's right; both views are labelled so.
"""

from __future__ import annotations

from typing import Literal

from vesalius_sdk import ChartDefinition, MarkAttribute, MarkType, Region
from vesalius_sdk.anatomy import Figure, body_back, body_front, region_on

Side = Literal["left", "right", "midline"]
Symbol = Literal["dot", "ring", "cross", "square", "triangle", "diamond"]

CHART_ID = "physio.body"

#: part key -> (anterior id stem, label with {side}, group)
ANTERIOR_PARTS: dict[str, tuple[str, str, str]] = {
    "face": ("face", "{side} face and jaw (TMJ)", "head"),
    "neck": ("neck-front", "{side} front of neck", "neck"),
    "shoulder": ("shoulder-front", "{side} front of shoulder", "shoulder"),
    "chest": ("chest", "{side} chest", "chest"),
    "abdomen": ("abdomen", "{side} abdomen", "abdomen"),
    "groin": ("hip-front", "{side} hip and groin", "hip"),
    "upper_arm": ("upper-arm-front", "{side} upper arm, front", "upper-arm"),
    "elbow": ("elbow-front", "{side} elbow crease (cubital fossa)", "elbow"),
    "forearm": ("forearm-front", "{side} forearm, palm side", "forearm"),
    "wrist": ("wrist-front", "{side} wrist, palm side", "wrist-hand"),
    "hand": ("hand-palm", "{side} palm and fingers", "wrist-hand"),
    "thigh": ("thigh-front", "{side} front of thigh", "thigh"),
    "knee": ("knee-front", "{side} front of knee", "knee"),
    "lower_leg": ("shin", "{side} shin", "lower-leg"),
    "ankle": ("ankle-front", "{side} front of ankle", "ankle-foot"),
    "foot": ("foot-top", "{side} top of foot and toes", "ankle-foot"),
}
POSTERIOR_PARTS: dict[str, tuple[str, str, str]] = {
    "neck": ("neck-back", "{side} back of neck", "neck"),
    "shoulder": ("shoulder-back", "{side} back of shoulder", "shoulder"),
    "upper_back": ("upper-back", "{side} upper back and shoulder blade", "thoracic"),
    "mid_back": ("mid-back", "{side} mid back", "thoracic"),
    "low_back": ("low-back", "{side} low back", "lumbar"),
    "buttock": ("buttock", "{side} buttock and outer hip", "hip"),
    "upper_arm": ("upper-arm-back", "{side} upper arm, back", "upper-arm"),
    "elbow": ("elbow-back", "{side} point of elbow (olecranon)", "elbow"),
    "forearm": ("forearm-back", "{side} forearm, back", "forearm"),
    "wrist": ("wrist-back", "{side} wrist, back", "wrist-hand"),
    "hand": ("hand-back", "{side} back of hand and fingers", "wrist-hand"),
    "thigh": ("thigh-back", "{side} back of thigh", "thigh"),
    "knee": ("knee-back", "{side} back of knee (popliteal fossa)", "knee"),
    "lower_leg": ("calf", "{side} calf", "lower-leg"),
    "ankle": ("ankle-back", "{side} back of ankle (Achilles)", "ankle-foot"),
    "foot": ("heel", "{side} heel and sole", "ankle-foot"),
}


def _sided(view: str, figure: Figure, parts: dict[str, tuple[str, str, str]]) -> list[Region]:
    """Both sides of every part, the side drawn on the viewer's left first."""
    first: tuple[Side, Side] = ("right", "left") if view == "anterior" else ("left", "right")
    return [region_on(figure, f"{key}_{side}", id=f"{stem}-{side}",
                      label=label.format(side=side.title()), view=view, side=side, group=group)
            for key, (stem, label, group) in parts.items() for side in first]


def _regions() -> tuple[Region, ...]:
    front, back = body_front(), body_back()
    return (
        region_on(front, "head_top", id="head-front", label="Forehead and scalp",
                  view="anterior", side="midline", group="head"),
        *_sided("anterior", front, ANTERIOR_PARTS),
        region_on(back, "head", id="head-back", label="Back of the head", view="posterior",
                  side="midline", group="head"),
        *_sided("posterior", back, POSTERIOR_PARTS),
        region_on(back, "sacrum", id="sacrum", label="Sacrum and coccyx", view="posterior",
                  side="midline", group="pelvis"),
    )


# --- the mark vocabulary -----------------------------------------------------------------

ATTRIBUTES = (
    MarkAttribute(id="intensity", label="Intensity (0-10)", kind="integer", minimum=0,
                  maximum=10),
    MarkAttribute(id="depth", label="Depth", kind="choice", options=("superficial", "deep")),
    MarkAttribute(id="pattern", label="Pattern", kind="choice",
                  options=("constant", "intermittent")),
)


def _mark(mark_id: str, label: str, symbol: Symbol, abbreviation: str, color: str) -> MarkType:
    return MarkType(id=mark_id, label=label, symbol=symbol, abbreviation=abbreviation,
                    color=color, attributes=ATTRIBUTES)


#: Symptom types of a pain drawing (after Ransford AO, Cairns D, Mooney V, Spine
#: 1976;1(2):127-34), each its own colour and shape so a printed chart reads in greyscale too.
MARK_TYPES = (
    _mark("aching", "Aching", "dot", "A", "#c0392b"),
    _mark("sharp", "Sharp or stabbing", "triangle", "S", "#7d3c98"),
    _mark("burning", "Burning", "diamond", "B", "#d35400"),
    _mark("pins-and-needles", "Pins and needles", "ring", "P", "#1f618d"),
    _mark("numbness", "Numbness", "square", "N", "#117a65"),
    _mark("stiffness", "Stiffness", "cross", "St", "#2c3e50"),
)


BODY_CHART = ChartDefinition(
    id=CHART_ID,
    title="Body chart",
    description=(
        "Front and back of the body in 67 regions, left and right. Mark each area with the "
        "type of symptom, its intensity (0-10), whether it is superficial or deep, and "
        "whether it is constant or comes and goes."
    ),
    views=(body_front().view("anterior", "Front (anterior)"),
           body_back().view("posterior", "Back (posterior)")),
    regions=_regions(),
    mark_types=MARK_TYPES,
)
