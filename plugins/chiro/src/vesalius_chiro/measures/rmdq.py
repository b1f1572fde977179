"""Roland-Morris Disability Questionnaire, 24 items (Roland & Morris 1983).

The score is the number of statements ticked, 0-24. An item left blank counts as "no": the
form is a tick list and "if patients indicate in any way that an item is not applicable ...
scored 'No'" (Roland & Fairbank 2000). A form with nothing recorded at all is not scored.
"""

from __future__ import annotations

from vesalius_sdk import MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import answered, missing

SOURCE = ("Roland M, Morris R. A study of the natural history of back pain. Part I: "
          "development of a reliable and sensitive measure of disability in low-back pain. "
          "Spine 1983;8(2):141-4.")
SCORING = ("Roland M, Fairbank J. The Roland-Morris Disability Questionnaire and the Oswestry "
           "Disability Questionnaire. Spine 2000;25(24):3115-24.")

# Our own short labels of the topic of each statement, in the published order.
_LABELS = (
    "Stays at home", "Changes position often", "Walks more slowly", "Does fewer jobs at home",
    "Uses a handrail on stairs", "Lies down to rest more", "Needs support to rise from a chair",
    "Asks others to do things", "Dresses more slowly", "Stands only briefly",
    "Avoids bending or kneeling", "Difficulty rising from a chair", "Pain almost all the time",
    "Difficulty turning in bed", "Poor appetite", "Difficulty with socks or stockings",
    "Walks only short distances", "Sleeps less well", "Dresses with help",
    "Sits most of the day", "Avoids heavy jobs", "More irritable", "Climbs stairs more slowly",
    "Stays in bed most of the time",
)


def _score(measure: OutcomeMeasure, responses: Responses) -> Score:
    blanks = missing(responses)
    if blanks == len(responses):
        return measure.not_scorable("nothing was recorded")
    reason = None
    if blanks:
        reason = f"{blanks} statements left blank were scored 'no', as the RMDQ directs"
    return measure.result(float(sum(answered(responses))), complete=blanks == 0, reason=reason)


RMDQ = OutcomeMeasure(
    id="rmdq",
    title="Roland-Morris Disability Questionnaire",
    version="24",
    items=tuple(
        MeasureItem(id=f"item_{n}", label=label, minimum=0, maximum=1,
                    anchors={0: "No", 1: "Yes"})
        for n, label in enumerate(_LABELS, start=1)
    ),
    scorer=_score,
    direction="higher-is-worse",
    minimum=0,
    maximum=24,
    unit="points",
    mcid=5,
    mcid_source="Ostelo RW et al. Interpreting change scores for pain and functional status "
                "in low back pain. Spine 2008;33(1):90-4 (5 points or 30%).",
    licence="RMDQ © Roland & Morris. The 2000 statement (Roland & Fairbank, Spine) waives "
            "permission for the appendix forms, but electronic and commercial use is "
            "unconfirmed, so the published statements are not included: items carry our own "
            "short labels. A clinic may load the wording it is licensed to use.",
    item_text_included=False,
    source=SOURCE,
    missing_rule=MissingRule(
        text="A statement left blank counts as 'no' (not ticked); only a form with nothing "
             "recorded is not scored.",
        source=SCORING,
    ),
    instructions="Tick (1) each statement that applies today; leave the rest blank or 0. "
                 "Scores under 4 or over 20 may not show change (floor and ceiling).",
    disciplines=("chiro",),
    examples=(
        WorkedExample(responses=(1,) * 9 + (0,) * 15, value=9, complete=True,
                      source=f"{SOURCE} Count rule: 9 ticks -> 9/24"),
        WorkedExample(responses=(1,) * 12 + (0,) * 12, value=12, complete=True,
                      source=f"{SOURCE} Count rule: 12 ticks at baseline -> 12"),
        WorkedExample(responses=(1,) * 2 + (0,) * 22, value=2, complete=True,
                      source=f"{SOURCE} Count rule: 2 at follow-up, an 83% improvement "
                             "from 12"),
        WorkedExample(responses=(1,) * 9 + (None,) * 15, value=9, complete=False,
                      source=f"{SCORING}: items not marked are "
                             "scored 'No'"),
        WorkedExample(responses=(None,) * 24, value=None, complete=False,
                      source="Nothing recorded: no form to score (our rule)"),
    ),
)
