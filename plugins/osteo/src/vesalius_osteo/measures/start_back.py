"""Keele STarT Back Screening Tool, 9-item version (Hill et al. 2008).

Items 1-8 are agree (1) / disagree (0). Item 9, bothersomeness, is answered 1-5 (not at
all, slightly, moderately, very much, extremely) and counts 1 for "very much" or
"extremely". The total (0-9) adds every positive item; the psychosocial (distress)
subscale adds items 5-9 (fear, anxiety, catastrophising, low mood, bothersomeness), 0-5.
Total 0-3 is low risk; otherwise a subscale of 4 or 5 is high risk, anything else medium.
Source: Keele University, "Using and scoring the Keele STarT Back Screening Tool"
(keele.ac.uk/sbst/startbacktool/usingandscoring), citing Hill JC et al., Arthritis Rheum
2008;59(5):632-41. The tool gives no rule for unanswered items, so any blank is not scored.
"""

from __future__ import annotations

from vesalius_sdk import MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import missing

SOURCE = ("Keele University, Using and scoring the Keele STarT Back Screening Tool "
          "(keele.ac.uk/sbst); Hill et al., Arthritis Rheum 2008;59(5):632-41")

_AGREE = {0: "Disagree", 1: "Agree"}
# Our own short labels of each item's topic, in the published order.
_LABELS = (
    ("leg_pain", "Back pain spread down the leg"),
    ("shoulder_neck", "Pain in the shoulder or neck"),
    ("walking", "Walked only short distances"),
    ("dressing", "Dressed more slowly"),
    ("fear", "Physical activity not safe (fear)"),
    ("anxiety", "Worrying thoughts (anxiety)"),
    ("catastrophising", "Pain terrible, never better (catastrophising)"),
    ("low_mood", "Not enjoying things (low mood)"),
)
#: Item 9 answers that count as positive: "very much" (4) and "extremely" (5).
BOTHERSOME = (4, 5)


def _score(measure: OutcomeMeasure, responses: Responses) -> Score:
    blanks = missing(responses)
    if blanks:
        return measure.not_scorable(f"{blanks} of 9 items unanswered; the tool is scored "
                                    "only when complete")
    *agree, bother = responses
    bothersome = 1 if bother in BOTHERSOME else 0
    total = sum(agree) + bothersome  # type: ignore[arg-type]
    psychosocial = sum(agree[4:8]) + bothersome  # type: ignore[arg-type]
    # Low risk is decided on the total; above it, the subscale separates high from medium.
    band = "low" if total <= 3 else "high" if psychosocial >= 4 else "medium"
    return measure.result(float(total), band=band,
                          subscores={"total": float(total), "psychosocial": float(psychosocial)})


START_BACK = OutcomeMeasure(
    id="start-back",
    title="Keele STarT Back Screening Tool",
    version="9-item",
    items=(
        *(MeasureItem(id=item_id, label=label, minimum=0, maximum=1, anchors=_AGREE)
          for item_id, label in _LABELS),
        MeasureItem(id="bothersomeness", label="How bothersome the back pain was", minimum=1,
                    maximum=5, anchors={1: "Not at all", 2: "Slightly", 3: "Moderately",
                                        4: "Very much", 5: "Extremely"}),
    ),
    scorer=_score,
    direction="higher-is-worse",
    minimum=0,
    maximum=9,
    unit="points",
    licence="Keele STarT Back Screening Tool © Keele University. No licence is needed for "
            "non-commercial use; commercial products must ask Keele University, so the "
            "published item wording is not included: items carry our own short labels. A "
            "clinic may load the wording it is licensed to use.",
    item_text_included=False,
    source=SOURCE,
    missing_rule=MissingRule(max_missing=0, text="Every item is needed: the tool gives no "
                             "rule for unanswered items, so with any blank it is not scored."),
    instructions="For low back pain, about the last two weeks. Items 1-8 agree or disagree; "
                 "item 9 on five steps. The band is the risk group: low, medium or high.",
    disciplines=("osteo",),
    examples=(
        WorkedExample(responses=(0, 0, 1, 0, 0, 1, 0, 0, 2), value=2, band="low",
                      subscores={"total": 2, "psychosocial": 1}, source=SOURCE + ": total 0-3"),
        WorkedExample(responses=(0, 0, 0, 0, 1, 1, 1, 0, 3), value=3, band="low",
                      subscores={"total": 3, "psychosocial": 3},
                      source=SOURCE + ": total 3 is low; 'moderately' is not positive"),
        WorkedExample(responses=(1, 1, 1, 1, 0, 1, 0, 0, 3), value=5, band="medium",
                      subscores={"total": 5, "psychosocial": 1},
                      source=SOURCE + ": total 4-9 with subscale 0-3"),
        WorkedExample(responses=(1, 1, 1, 1, 1, 1, 1, 0, 2), value=7, band="medium",
                      subscores={"total": 7, "psychosocial": 3},
                      source=SOURCE + ": subscale 3 stays medium"),
        WorkedExample(responses=(0, 0, 0, 0, 1, 1, 1, 0, 4), value=4, band="high",
                      subscores={"total": 4, "psychosocial": 4},
                      source=SOURCE + ": 'very much' counts; subscale 4 is high"),
        WorkedExample(responses=(1, 1, 1, 1, 1, 1, 1, 1, 5), value=9, band="high",
                      subscores={"total": 9, "psychosocial": 5}, source=SOURCE + ": maximum"),
        WorkedExample(responses=(1, 1, 1, 1, 1, None, 1, 1, 5), value=None, complete=False,
                      source=SOURCE + ": no rule for unanswered items, not scored"),
    ),
)
