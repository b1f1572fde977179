"""MYMOP2 (Measure Yourself Medical Outcome Profile), id ``mymop2``.

Four scored items, each 0 (as good as it could be) .. 6 (as bad as it could be) for the
past week: symptom 1, symptom 2 (optional: some patients name one symptom), one activity the
problem limits, and wellbeing. The profile score is the mean of the answered items. The
patient names the symptoms and the activity in their own words; the templates record those
words beside the measure.

MYMOP needs a licence (Meaningful Measures): only the structure, the scoring and our own
labels ship. Our rule for missing items: symptom 1, the activity and wellbeing are the core
of the profile, so without any of them it is not scored.

It stays in this pack rather than the core's general pack: it is discipline-agnostic in
design, but it needs a licence, which the core (installed by every clinic) must not imply.
"""

from __future__ import annotations

from vesalius_sdk import MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import answered, mean_of_answered

PATERSON_1996 = ("Paterson C. Measuring outcomes in primary care: a patient generated "
                 "measure, MYMOP, compared with the SF-36 health survey. BMJ 1996;312(7037):"
                 "1016-1020")
SCORING = "https://www.makingcasescount.org/mymop (Meaningful Measures, the MYMOP owner)"
ANCHORS = {0: "as good as it could be", 6: "as bad as it could be"}
ITEMS = (
    MeasureItem(id="symptom1", label="Symptom 1 (patient's own words)", maximum=6,
                anchors=ANCHORS),
    MeasureItem(id="symptom2", label="Symptom 2 (patient's own words)", maximum=6,
                optional=True, anchors=ANCHORS),
    MeasureItem(id="activity", label="Activity limited by the problem", maximum=6,
                anchors=ANCHORS),
    MeasureItem(id="wellbeing", label="General wellbeing", maximum=6, anchors=ANCHORS),
)


def score_mymop2(measure: OutcomeMeasure, responses: Responses) -> Score:
    by_id = {item.id: value for item, value in zip(measure.items, responses, strict=True)}
    missing = [item.label for item in measure.items
               if not item.optional and by_id[item.id] is None]
    subscores = {k: (None if v is None else float(v)) for k, v in by_id.items()}
    if missing:
        return measure.not_scorable(f"not answered: {', '.join(missing)}",
                                    subscores=subscores)
    count = len(answered(responses))
    return measure.result(
        mean_of_answered(responses, digits=2),
        complete=True,
        reason=None if count == 4 else "one symptom named: mean of three items",
        subscores=subscores,
    )


MYMOP2 = OutcomeMeasure(
    id="mymop2",
    title="Measure Yourself Medical Outcome Profile (MYMOP2)",
    version="MYMOP2",
    items=ITEMS,
    scorer=score_mymop2,
    direction="higher-is-worse",
    minimum=0,
    maximum=6,
    mcid=1.0,
    mcid_source="Physiopedia, 'MYMOP - Measure Yourself Medical Outcome Profile' "
                "(https://www.physio-pedia.com/MYMOP_-_Measure_Yourself_Medical_Outcome_"
                "Profile): a change of more than 1.0 is clinically significant; 0.5-1.0 is "
                "also reported",
    licence="MYMOP is licensed by Meaningful Measures (https://www.makingcasescount.org/mymop)"
            ": a licence is needed to use it. Item wording is not shipped; the labels here "
            "are our own and a licensed clinic may load the text.",
    source=f"{PATERSON_1996}; scoring: {SCORING}",
    instructions="Each item 0 (as good as it could be) to 6 (as bad as it could be) for the "
                 "past week. Symptom 2 may be left empty when the patient names one symptom.",
    disciplines=("acupuncture",),
    missing_rule=MissingRule(
        max_missing=0,
        text="Symptom 2 may be left empty when the patient names one symptom; without "
             "symptom 1, the activity or wellbeing there is no score (our rule: no "
             "published count of missing items was found)."),
    examples=(
        WorkedExample(
            responses=(4, 3, 5, 2),
            value=3.5,
            complete=True,
            source=f"Mean of the items ({PATERSON_1996}), initial visit: 4, 3, 5, 2 -> 3.5",
            subscores={"symptom1": 4.0, "symptom2": 3.0, "activity": 5.0, "wellbeing": 2.0},
        ),
        WorkedExample(
            responses=(2, 2, 3, 1),
            value=2.0,
            complete=True,
            source=f"Mean of the items ({PATERSON_1996}), follow-up: 2, 2, 3, 1 -> 2.0 "
                   "(change -1.5, more than the 1.0 MCID)",
            subscores={"symptom1": 2.0, "symptom2": 2.0, "activity": 3.0, "wellbeing": 1.0},
        ),
        WorkedExample(
            responses=(4, None, 5, 2),
            value=3.67,
            complete=True,
            source=f"Mean of the answered items ({SCORING}): one symptom named, "
                   "(4 + 5 + 2) / 3 = 3.67",
            subscores={"symptom1": 4.0, "symptom2": None, "activity": 5.0, "wellbeing": 2.0},
        ),
        WorkedExample(
            responses=(None, 3, 5, 2),
            value=None,
            complete=False,
            source="Our rule (module docstring): without symptom 1 the profile is not scored",
            subscores={"symptom1": None, "symptom2": 3.0, "activity": 5.0, "wellbeing": 2.0},
        ),
    ),
)
