"""What the back and neck Bournemouth Questionnaires share.

Seven 0-10 ratings, all oriented so that higher is worse; the total is their sum, 0-70
(Bolton & Breen 1999, back; Bolton & Humphreys 2002, neck). No published rule for missing
items was found, so any blank makes the questionnaire not scorable rather than a guessed
total (our policy, declared as the measures' missing rule). Each item is an 11-point
numeric rating with words at its two ends, as on the published form.
"""

from __future__ import annotations

from vesalius_sdk import MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import missing

LICENCE = ("Bournemouth Questionnaire © Bolton et al. / AECC University College. Licensing "
           "for software is unconfirmed, so the published item wording is not included: "
           "items carry our own short labels. A clinic may load the wording it is licensed "
           "to use.")
BACK = ("Bolton JE, Breen AC. The Bournemouth Questionnaire: a short-form comprehensive "
        "outcome measure. I. Psychometric properties in back pain patients. J Manipulative "
        "Physiol Ther 1999;22(8):503-10.")
NECK = ("Bolton JE, Humphreys BK. The Bournemouth Questionnaire: a short-form comprehensive "
        "outcome measure. II. Psychometric properties in neck pain patients. J Manipulative "
        "Physiol Ther 2002;25(3):141-8.")
MISSING = MissingRule(
    max_missing=0,
    text="Every item is needed: with any item unanswered the questionnaire is not scored "
         "(no published rule; our policy).",
)


def items(daily_activities: str) -> tuple[MeasureItem, ...]:
    """The seven items; only the daily-activities item differs between back and neck."""
    labels = (
        ("pain", "Pain intensity, past week"),
        ("daily_activities", daily_activities),
        ("social", "Interference with social and recreational activities"),
        ("anxiety", "Anxiety (tension, nervousness)"),
        ("depression", "Depression (low mood)"),
        ("work_fear", "Expected effect of work on the pain"),
        ("control", "Ability to control the pain (reversed)"),
    )
    return tuple(
        MeasureItem(id=item_id, label=label, minimum=0, maximum=10,
                    anchors={0: "Best", 10: "Worst"})
        for item_id, label in labels
    )


def score(measure: OutcomeMeasure, responses: Responses) -> Score:
    blanks = missing(responses)
    if blanks:
        return measure.not_scorable(
            f"{blanks} of 7 items unanswered; no published rule scores a partial "
            "Bournemouth Questionnaire"
        )
    return measure.result(float(sum(responses)))  # type: ignore[arg-type]


def examples(source: str) -> tuple[WorkedExample, ...]:
    """Worked examples of the sum rule of ``source`` (the back or neck publication)."""
    return (
        WorkedExample(responses=(6, 5, 7, 3, 2, 4, 5), value=32, complete=True,
                      source=f"{source} Sum rule: [6,5,7,3,2,4,5] = 32/70"),
        WorkedExample(responses=(10,) * 7, value=70, complete=True,
                      source=f"{source} Range 0-70, the sum of seven 0-10 items"),
        WorkedExample(responses=(6, 5, 7, None, 2, 4, 5), value=None, complete=False,
                      source="No published missing-item rule: not scored (our policy)"),
    )
