"""Discipline-agnostic measures: NPRS, VAS and PSFS (CLINICAL.md §1.6-1.8)."""

from __future__ import annotations

from vesalius_sdk import Band, MeasureItem, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import answered, mean_of_answered


def _single(measure: OutcomeMeasure, responses: Responses) -> Score:
    if responses[0] is None:
        return measure.not_scorable("the rating was not given")
    return measure.result(float(responses[0]))


def _psfs(measure: OutcomeMeasure, responses: Responses) -> Score:
    rated = answered(responses)
    if not rated:
        return measure.not_scorable("no activity was rated")
    return measure.result(mean_of_answered(responses), complete=True,
                          subscores={"activities": len(rated)})


NPRS = OutcomeMeasure(
    id="nprs",
    title="Numeric Pain Rating Scale",
    items=(MeasureItem(id="pain", label="Pain intensity", minimum=0, maximum=10,
                       anchors={0: "No pain", 10: "Worst imaginable pain"}),),
    scorer=_single,
    direction="higher-is-worse",
    minimum=0,
    maximum=10,
    unit="points",
    # Common convention; cut-offs are not universal (Boonstra 2016), so clinics may differ.
    bands=(Band(minimum=0, maximum=0, label="none"), Band(minimum=1, maximum=3, label="mild"),
           Band(minimum=4, maximum=6, label="moderate"),
           Band(minimum=7, maximum=10, label="severe")),
    mcid=2,
    mcid_source="Ostelo et al. 2008, Spine 33(1):90-94 (2 points or 30%)",
    licence="Generic 11-point rating scale; no item text to license.",
    loinc="72514-3",
    source="CLINICAL.md §1.6",
    examples=(
        WorkedExample(responses=(7,), value=7, band="severe",
                      source="CLINICAL.md §1.6 worked example (7 -> 5 meets the 2-point MCID)"),
        WorkedExample(responses=(5,), value=5, band="moderate",
                      source="CLINICAL.md §1.6 worked example (7 -> 5 meets the 2-point MCID)"),
    ),
)

VAS = OutcomeMeasure(
    id="vas",
    title="Visual Analogue Scale for pain",
    items=(MeasureItem(id="pain_mm", label="Distance from 'no pain' (mm)", minimum=0,
                       maximum=100, anchors={0: "No pain", 100: "Worst imaginable pain"}),),
    scorer=_single,
    direction="higher-is-worse",
    minimum=0,
    maximum=100,
    unit="mm",
    # Boonstra 2014 cut-offs for chronic musculoskeletal pain.
    bands=(Band(minimum=0, maximum=34, label="mild"),
           Band(minimum=35, maximum=74, label="moderate"),
           Band(minimum=75, maximum=100, label="severe")),
    mcid=15,
    mcid_source="Ostelo et al. 2008, Spine 33(1):90-94 (15 mm, low back pain)",
    licence="Generic 100 mm line; no item text to license.",
    source="CLINICAL.md §1.7",
    examples=(
        WorkedExample(responses=(34,), value=34, band="mild",
                      source="Boonstra et al. 2014 cut-offs, CLINICAL.md §1.7"),
        WorkedExample(responses=(75,), value=75, band="severe",
                      source="Boonstra et al. 2014 cut-offs, CLINICAL.md §1.7"),
    ),
)

PSFS = OutcomeMeasure(
    id="psfs",
    title="Patient-Specific Functional Scale",
    items=tuple(
        MeasureItem(id=f"activity_{n}", label=f"Activity {n}", minimum=0, maximum=10,
                    optional=n > 1,
                    anchors={0: "Unable to perform", 10: "Able to perform at prior level"})
        for n in range(1, 6)
    ),
    scorer=_psfs,
    direction="higher-is-better",
    minimum=0,
    maximum=10,
    unit="points",
    mcid=2,
    mcid_source="Stratford et al. 1995, Physiotherapy Canada 47:258-263 (2 points, average)",
    licence="Free to use (Stratford, Physiotherapy Canada 1995). The patient names the "
            "activities; the scale anchors here are our own wording.",
    source="CLINICAL.md §1.8",
    instructions="The patient names one to five activities they find hard and rates each.",
    examples=(
        WorkedExample(responses=(3, 5, 4), value=4.0,
                      source="CLINICAL.md §1.8 worked example (3, 5, 4 -> 4.0)"),
        WorkedExample(responses=(6, 7, 6), value=6.33,
                      source="CLINICAL.md §1.8 worked example (6, 7, 6 -> 6.33)"),
    ),
)

ALL = (NPRS, VAS, PSFS)
