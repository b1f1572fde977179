"""The osteopathic body chart ``osteo.body``: the ten body regions of OMT.

Anterior view: head, rib cage, abdomen/viscera, upper extremities, lower extremities.
Posterior view: cervical, thoracic, lumbar, sacral, pelvic. Each region is one element
(paired limbs are one region, as OMT counts them).

Marks record somatic dysfunction by its TART elements (tissue texture change, asymmetry,
restriction of motion, tenderness) and the technique applied; the charge rule counts the
regions with a technique mark.
"""

from __future__ import annotations

from vesalius_sdk import (
    ChartDefinition,
    ChartView,
    Decoration,
    MarkAttribute,
    MarkType,
    Path,
    Region,
)

from .. import regions
from . import geometry as g

ANTERIOR = ("head", "rib-cage", "abdomen", "upper-extremities", "lower-extremities")
POSTERIOR = ("cervical", "thoracic", "lumbar", "sacral", "pelvic")

_SHAPES = {
    "head": g.head(),
    "rib-cage": g.rib_cage(),
    "abdomen": g.abdomen(),
    "upper-extremities": g.arms(),
    "lower-extremities": g.legs(),
    "cervical": g.neck(),
    "thoracic": g.upper_back(),
    "lumbar": g.low_back(),
    "sacral": g.sacrum(),
    "pelvic": g.pelvis(),
}


def _regions() -> list[Region]:
    out = []
    for view, ids in (("anterior", ANTERIOR), ("posterior", POSTERIOR)):
        for rid in ids:
            d, anchor = _SHAPES[rid]
            paired = rid.endswith("-extremities") or rid == "pelvic"
            out.append(Region(id=rid, label=regions.LABEL[rid], view=view, shape=Path(d=d),
                              anchor=anchor, side=None if paired else "midline", group=rid))
    return out


def _outline(*paths: str) -> list[Decoration]:
    return [Decoration(shape=Path(d=d), role="outline") for d in paths]


def _detail(*paths: str) -> list[Decoration]:
    return [Decoration(shape=Path(d=d), role="detail") for d in paths]


def _views() -> tuple[ChartView, ChartView]:
    width, height = g.SIZE
    anterior = [
        *_outline(g.neck()[0], g.front_pelvis(), *(_SHAPES[r][0] for r in ANTERIOR)),
        *_detail(*g.rib_details(), *g.abdomen_details()),
        Decoration(text="Right", at=(6, 12)), Decoration(text="Left", at=(198, 12)),
    ]
    posterior = [
        *_outline(g.head()[0], g.back_arms(), g.back_legs(), *(_SHAPES[r][0] for r in POSTERIOR)),
        *_detail(*g.upper_back_details()),
        Decoration(text="Left", at=(6, 12)), Decoration(text="Right", at=(192, 12)),
    ]
    return (
        ChartView(id="anterior", title="Front", width=width, height=height,
                  decorations=tuple(anterior)),
        ChartView(id="posterior", title="Back", width=width, height=height,
                  decorations=tuple(posterior)),
    )


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
    views=_views(),
    regions=tuple(_regions()),
    mark_types=TART + TECHNIQUES,
)
