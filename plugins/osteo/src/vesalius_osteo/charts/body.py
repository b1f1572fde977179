"""The osteopathic body chart ``osteo.body``: the ten body regions of OMT.

Anterior view: head, rib cage, abdomen/viscera, upper extremities, lower extremities.
Posterior view: cervical, thoracic, lumbar, sacral, pelvic. Each region is one element
(paired limbs are one region, as OMT counts them), drawn over the areas of the SDK's shared
body figure (:mod:`vesalius_sdk.anatomy`).

Marks record somatic dysfunction by its TART elements (tissue texture change, asymmetry,
restriction of motion, tenderness) and the technique applied; the charge rule counts the
regions with a technique mark.
"""

from __future__ import annotations

from vesalius_sdk import ChartDefinition, MarkAttribute, MarkType, Region
from vesalius_sdk.anatomy import body_back, body_front, region_on

from .. import regions

ANTERIOR = ("head", "rib-cage", "abdomen", "upper-extremities", "lower-extremities")
POSTERIOR = ("cervical", "thoracic", "lumbar", "sacral", "pelvic")

#: region id -> (areas or parts of the shared figure, where marks go). Paired limbs are one
#: region each, as OMT counts them; their marks go on the limb drawn on the viewer's left.
_ON_FIGURE: dict[str, tuple[tuple[str, ...], str | None]] = {
    "head": (("head",), None),
    "rib-cage": (("rib_cage",), None),
    "abdomen": (("abdomen",), None),
    "upper-extremities": (("upper_limb_right", "upper_limb_left"), "upper_arm_middle_right"),
    "lower-extremities": (("lower_limb_right", "lower_limb_left"), "thigh_middle_right"),
    "cervical": (("neck",), None),
    "thoracic": (("thoracic",), None),
    "lumbar": (("lumbar",), None),
    "sacral": (("sacrum",), None),
    "pelvic": (("buttocks",), "buttock_left"),
}


def _regions() -> list[Region]:
    out = []
    for view, figure, ids in (("anterior", body_front(), ANTERIOR),
                              ("posterior", body_back(), POSTERIOR)):
        for rid in ids:
            parts, anchor = _ON_FIGURE[rid]
            paired = rid.endswith("-extremities") or rid == "pelvic"
            out.append(region_on(figure, parts, id=rid, label=regions.LABEL[rid], view=view,
                                 anchor=anchor, side=None if paired else "midline",
                                 group=rid))
    return out


_SIDE = MarkAttribute(id="side", label="Side", kind="choice",
                      options=("left", "right", "bilateral", "midline"))
_SEVERITY = MarkAttribute(id="severity", label="Severity", kind="choice",
                          options=("mild", "moderate", "severe"))
_RESPONSE = MarkAttribute(id="response", label="Response", kind="choice",
                          options=("improved", "unchanged", "worse"))

#: TART: the four findings of somatic dysfunction.
TART = (
    MarkType(id="tissue-texture", label="Tissue texture change", abbreviation="TT",
             symbol="square", color="#7d3c98", attributes=(_SEVERITY, _SIDE)),
    MarkType(id="asymmetry", label="Asymmetry", abbreviation="A", symbol="triangle",
             color="#b9770e", attributes=(_SEVERITY, _SIDE)),
    MarkType(id="restriction", label="Restriction of motion", abbreviation="R",
             symbol="cross", color="#943126",
             attributes=(_SEVERITY, _SIDE,
                         MarkAttribute(id="diagnosis", label="Positional diagnosis (e.g. "
                                       "T4 ERS left, anterior innominate)", kind="text"))),
    MarkType(id="tenderness", label="Tenderness", abbreviation="T", symbol="dot",
             color="#d35400",
             attributes=(MarkAttribute(id="intensity", label="Intensity (0-10)",
                                       kind="integer", minimum=0, maximum=10), _SIDE)),
)

#: Techniques applied, one mark type each so the chart shows which was used where.
TECHNIQUES = (
    MarkType(id="hvla", label="High-velocity low-amplitude (HVLA)", abbreviation="HV",
             symbol="diamond", color="#1e8449", attributes=(_SIDE, _RESPONSE)),
    MarkType(id="muscle-energy", label="Muscle energy", abbreviation="ME", symbol="diamond",
             color="#117a65", attributes=(_SIDE, _RESPONSE)),
    MarkType(id="counterstrain", label="Counterstrain", abbreviation="CS", symbol="diamond",
             color="#1f618d", attributes=(_SIDE, _RESPONSE)),
    MarkType(id="myofascial-release", label="Myofascial release", abbreviation="MF",
             symbol="diamond", color="#2874a6", attributes=(_SIDE, _RESPONSE)),
    MarkType(id="cranial", label="Cranial (osteopathy in the cranial field)",
             abbreviation="CR", symbol="diamond", color="#6c3483",
             attributes=(_SIDE, _RESPONSE)),
    MarkType(id="visceral", label="Visceral", abbreviation="V", symbol="diamond",
             color="#a04000", attributes=(_SIDE, _RESPONSE)),
    MarkType(id="lymphatic", label="Lymphatic", abbreviation="LY", symbol="diamond",
             color="#148f77", attributes=(_SIDE, _RESPONSE)),
    MarkType(id="articulatory", label="Articulatory", abbreviation="AR", symbol="diamond",
             color="#196f3d", attributes=(_SIDE, _RESPONSE)),
)
TECHNIQUE_IDS = tuple(m.id for m in TECHNIQUES)
TART_IDS = tuple(m.id for m in TART)

BODY = ChartDefinition(
    id="osteo.body",
    title="Osteopathic body regions",
    description="The ten body regions of osteopathic treatment, with somatic dysfunction "
                "findings (TART) and the techniques applied.",
    views=(body_front().view("anterior", "Front"), body_back().view("posterior", "Back")),
    regions=tuple(_regions()),
    mark_types=TART + TECHNIQUES,
)
