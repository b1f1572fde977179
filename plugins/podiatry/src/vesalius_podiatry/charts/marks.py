"""What a podiatrist marks on the foot chart, and the rules that tie marks to sites.

Lesion vocabulary in common podiatric usage (Wagner grades after Wagner FW, Foot Ankle
1981;2(2):64-122; University of Texas grades after Armstrong DG, Lavery LA, Harkless LB,
Diabetes Care 1998;21(5):855-9): heloma durum (hard corn), heloma molle (soft
corn), callus, intractable plantar keratosis, verruca plantaris, ulcer graded by Wagner
(0-5) or by University of Texas grade (0-3) and stage (A-D), and the nail conditions.
"""

from __future__ import annotations

from vesalius_sdk import ChartDefinition, ChartMark, MarkAttribute, MarkType

from .sites import SITES

SIZE = MarkAttribute(id="size_mm", label="Size (mm, longest diameter)", kind="number",
                     minimum=0.5, maximum=300)
THICKNESS = MarkAttribute(id="thickness_mm", label="Nail thickness (mm)", kind="number",
                          minimum=0.1, maximum=20)
UT_STAGES = ("A", "B", "C", "D")

MARK_TYPES: tuple[MarkType, ...] = (
    MarkType(id="hard-corn", label="Hard corn (heloma durum)", abbreviation="HD",
             symbol="dot", color="#8e44ad", attributes=(SIZE,)),
    MarkType(id="soft-corn", label="Soft corn (heloma molle)", abbreviation="HM",
             symbol="ring", color="#8e44ad", attributes=(SIZE,)),
    MarkType(id="callus", label="Callus (tyloma)", abbreviation="CAL", symbol="square",
             color="#d35400", attributes=(SIZE,)),
    MarkType(id="plantar-keratosis", label="Intractable plantar keratosis",
             abbreviation="IPK", symbol="diamond", color="#e67e22", attributes=(SIZE,)),
    MarkType(id="verruca", label="Verruca plantaris", abbreviation="VP", symbol="triangle",
             color="#27ae60", attributes=(
                 SIZE,
                 MarkAttribute(id="count", label="Number of lesions (mosaic)",
                               kind="integer", minimum=1, maximum=50),
             )),
    MarkType(id="fissure", label="Fissure", abbreviation="FIS", symbol="cross",
             color="#a04000", attributes=(SIZE,)),
    MarkType(id="ulcer", label="Ulcer", abbreviation="U", symbol="dot", color="#c0392b",
             attributes=(
                 SIZE,
                 MarkAttribute(id="depth_mm", label="Depth (mm)", kind="number",
                               minimum=0, maximum=100),
                 MarkAttribute(id="wagner", label="Wagner grade (0-5)", kind="integer",
                               minimum=0, maximum=5),
                 MarkAttribute(id="ut_grade", label="University of Texas grade (0-3)",
                               kind="integer", minimum=0, maximum=3),
                 MarkAttribute(id="ut_stage", label="University of Texas stage",
                               kind="choice", options=UT_STAGES),
                 MarkAttribute(id="probe_to_bone", label="Probes to bone", kind="boolean"),
             )),
    MarkType(id="onychomycosis", label="Onychomycosis", abbreviation="OM", symbol="letter",
             color="#b7950b", attributes=(
                 THICKNESS,
                 MarkAttribute(id="involvement_pct", label="Nail plate involved (%)",
                               kind="integer", minimum=1, maximum=100),
             )),
    MarkType(id="onychocryptosis", label="Onychocryptosis (ingrown nail)", abbreviation="OC",
             symbol="triangle", color="#c0392b", attributes=(
                 MarkAttribute(id="border", label="Nail border", kind="choice",
                               options=("medial", "lateral"), required=True),
                 MarkAttribute(id="infected", label="Infected (paronychia)", kind="boolean"),
             )),
    MarkType(id="dystrophic-nail", label="Dystrophic or thickened nail", abbreviation="DN",
             symbol="square", color="#7f8c8d", attributes=(THICKNESS,)),
    MarkType(id="subungual-haematoma", label="Subungual haematoma", abbreviation="SH",
             symbol="dot", color="#641e16", attributes=(
                 MarkAttribute(id="involvement_pct", label="Nail plate involved (%)",
                               kind="integer", minimum=1, maximum=100),
             )),
)

NAIL_CONDITIONS = frozenset(
    {"onychomycosis", "onychocryptosis", "dystrophic-nail", "subungual-haematoma"}
)
SKIN_LESIONS = frozenset(m.id for m in MARK_TYPES) - NAIL_CONDITIONS
#: Soft corns are interdigital by definition (heloma molle); allow the toes beside the web.
SOFT_CORN_KINDS = frozenset({"interdigital", "digit"})


def check_mark(chart: ChartDefinition, mark: ChartMark) -> str | None:
    """Site and grading rules the generic attribute checks cannot express."""
    site = SITES.get(chart.region(mark.region).id)
    if site is None:  # pragma: no cover - the chart's regions are exactly the sites
        return f"{mark.region!r} is not a foot site"
    if mark.type in NAIL_CONDITIONS and not site.is_nail:
        return f"{mark.type} is a nail condition: mark it on a nail, not on {site.label}"
    if mark.type in SKIN_LESIONS and site.is_nail:
        return f"{mark.type} is a skin lesion: mark it on the skin, not on {site.label}"
    if mark.type == "soft-corn" and site.kind not in SOFT_CORN_KINDS:
        return f"a soft corn lies between the toes: mark a web space or a toe, not {site.label}"
    if mark.type == "plantar-keratosis" and not site.plantar:
        return f"a plantar keratosis is on the sole: {site.label} is not plantar"
    if mark.type == "ulcer":
        return _ulcer_grading(mark)
    return None


def _ulcer_grading(mark: ChartMark) -> str | None:
    """An ulcer carries one grading: Wagner, or University of Texas grade with stage."""
    attrs = mark.attributes
    wagner = "wagner" in attrs
    texas = [name for name in ("ut_grade", "ut_stage") if name in attrs]
    if wagner and texas:
        return "grade the ulcer with one system: Wagner or University of Texas, not both"
    if not wagner and not texas:
        return "an ulcer needs a grade: Wagner 0-5, or University of Texas grade and stage"
    if texas and len(texas) != 2:
        return "a University of Texas grading needs both the grade (0-3) and the stage (A-D)"
    return None
