"""What the back and neck Bournemouth Questionnaires share (CLINICAL.md §1.13).

Seven 0-10 ratings, all oriented so that higher is worse; the total is their sum, 0-70
(Bolton & Breen 1999, back; Bolton & Humphreys 2002, neck; medicalalgorithms.com and
physio-pedia summaries). No published rule for missing items was found, so any blank makes
the questionnaire not scorable rather than a guessed total.
"""

from __future__ import annotations

from vesalius_sdk import MeasureItem, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import missing

LICENCE = ("Bournemouth Questionnaire © Bolton et al. / AECC University College. Licensing "
           "for software is unconfirmed, so the published item wording is not included: "
           "items carry our own short labels. A clinic may load the wording it is licensed "
           "to use.")
SOURCE = ("Bolton & Breen 1999 (back), Bolton & Humphreys 2002 (neck); "
          "medicalalgorithms.com/bournemouth-questionnaire (CLINICAL.md §1.13)")


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


def examples(version: str) -> tuple[WorkedExample, ...]:
    return (
        WorkedExample(responses=(6, 5, 7, 3, 2, 4, 5), value=32, complete=True,
                      source="CLINICAL.md §1.13 worked example: [6,5,7,3,2,4,5] = 32/70"),
        WorkedExample(responses=(10,) * 7, value=70, complete=True,
                      source=f"Bournemouth Questionnaire ({version}) range 0-70, sum of "
                             "seven 0-10 items (CLINICAL.md §1.13)"),
        WorkedExample(responses=(6, 5, 7, None, 2, 4, 5), value=None, complete=False,
                      source="CLINICAL.md §1.13: no missing-item rule found, not scored"),
    )
