"""Boston Carpal Tunnel Questionnaire (BCTQ), the Symptom Severity and Functional Status Scales.

Levine DW, Simmons BP, Koris MJ, Daltroy LH, Hohl GG, Fossel AH, Katz JN. A self-administered
questionnaire for the assessment of severity of symptoms and functional status in carpal
tunnel syndrome. J Bone Joint Surg Am 1993;75(11):1585-92.

Two scales, each item answered 1 (no symptom, no difficulty) to 5 (most severe, cannot do):
the Symptom Severity Scale (SSS, 11 items) and the Functional Status Scale (FSS, 8 items).
Each scale's score is the mean of its items, 1 to 5, higher is worse. The questionnaire has
no total score: ``value`` is the SSS, and both scales are in ``subscores`` (``sss``,
``fss``), so a note shows each as published.

Unanswered items: the publication gives each scale as the mean of its items and publishes no
count of items that may be left out. This pack does not invent one: a scale with any item
unanswered is not scored (the other scale still is), and ``MissingRule.max_missing`` stays
``None`` with that said in its text.

The item wording is copyrighted by the Journal of Bone and Joint Surgery: the item labels
here are our own short words, and no item text ships.
"""

from __future__ import annotations

from vesalius_sdk import MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import round_half_up

SOURCE = ("Levine DW et al. A self-administered questionnaire for the assessment of severity "
          "of symptoms and functional status in carpal tunnel syndrome. J Bone Joint Surg Am "
          "1993;75(11):1585-92")
RULE = f"{SOURCE}: each scale's score is the mean of its items (1-5)"

# Our own short labels; the published items are questions we do not reproduce.
SYMPTOM_ITEMS = (
    ("night_pain", "Night pain: how bad"),
    ("night_pain_waking", "Night pain: how often it wakes"),
    ("day_pain", "Daytime pain: how bad"),
    ("day_pain_often", "Daytime pain: how often"),
    ("day_pain_length", "Daytime pain: how long it lasts"),
    ("numbness", "Numbness"),
    ("weakness", "Weakness"),
    ("tingling", "Tingling"),
    ("night_numbness", "Night numbness or tingling: how bad"),
    ("night_numbness_waking", "Night numbness or tingling: how often it wakes"),
    ("small_objects", "Handling small objects"),
)
FUNCTION_ITEMS = (
    ("writing", "Writing"),
    ("buttons", "Doing up buttons"),
    ("book", "Holding a book to read"),
    ("phone", "Holding a phone"),
    ("jars", "Opening jars"),
    ("housework", "Housework"),
    ("shopping_bag", "Carrying a shopping basket or bag"),
    ("washing_dressing", "Washing and dressing"),
)
N_SYMPTOM = len(SYMPTOM_ITEMS)


def _scale(values: Responses) -> float | None:
    """A scale's mean, or ``None`` when any of its items was not answered."""
    if any(v is None for v in values):
        return None
    return round_half_up(sum(values) / len(values), 2)  # type: ignore[arg-type]


def score(measure: OutcomeMeasure, responses: Responses) -> Score:
    """SSS (the value) and FSS, each the mean of its items when all are answered."""
    sss, fss = _scale(responses[:N_SYMPTOM]), _scale(responses[N_SYMPTOM:])
    subscores = {"sss": sss, "fss": fss}
    if sss is None:
        return measure.not_scorable(
            "the Symptom Severity Scale has unanswered items"
            + ("" if fss is None else "; the Functional Status Scale is scored"),
            subscores=subscores)
    complete = fss is not None
    return measure.result(sss, subscores=subscores, complete=complete,
                          reason=None if complete else
                          "the Functional Status Scale has unanswered items: not scored")


def _items(items: tuple[tuple[str, str], ...], prefix: str, low: str, high: str
           ) -> tuple[MeasureItem, ...]:
    return tuple(MeasureItem(id=f"{prefix}_{key}", label=label, minimum=1, maximum=5,
                             anchors={1: low, 5: high}) for key, label in items)


ALL_ONES = (1,) * 19
SSS_TYPICAL = (3, 2, 4, 3, 2, 3, 3, 4, 3, 2, 4)  # sum 33
FSS_TYPICAL = (2, 3, 2, 2, 4, 3, 2, 2)  # sum 20
TYPICAL = (*SSS_TYPICAL, *FSS_TYPICAL)

BCTQ = OutcomeMeasure(
    id="ot-bctq",
    title="Boston Carpal Tunnel Questionnaire",
    items=(_items(SYMPTOM_ITEMS, "sss", "None", "Very severe")
           + _items(FUNCTION_ITEMS, "fss", "No difficulty", "Cannot do")),
    scorer=score,
    direction="higher-is-worse",
    minimum=1,
    maximum=5,
    licence="The questionnaire's wording is copyright (c) 1993 The Journal of Bone and Joint "
            "Surgery (Levine et al.). No item text is included: the item labels are our own "
            "short words. Give the patient the published questionnaire.",
    source=SOURCE,
    instructions="The patient answers for a typical day over the past two weeks. The value "
                 "shown is the Symptom Severity Scale; the Functional Status Scale is its "
                 "subscore 'fss'. Each scale is the mean of its items (1-5, higher is worse).",
    missing_rule=MissingRule(
        max_missing=None,
        text="Levine et al. (1993) publish no count of items that may be left unanswered: "
             "each scale is the mean of its items. This pack scores a scale only when all of "
             "its items are answered; the other scale is still scored.",
        source=SOURCE,
    ),
    disciplines=("ot",),
    examples=(
        WorkedExample(responses=ALL_ONES, value=1.0, complete=True,
                      subscores={"sss": 1.0, "fss": 1.0},
                      source=f"{RULE}: every item 1 gives 1 on both scales, the best score"),
        WorkedExample(responses=(5,) * 19, value=5.0, complete=True,
                      subscores={"sss": 5.0, "fss": 5.0},
                      source=f"{RULE}: every item 5 gives 5 on both scales, the worst score"),
        WorkedExample(responses=TYPICAL, value=3.0, complete=True,
                      subscores={"sss": 3.0, "fss": 2.5},
                      source=f"{RULE}: SSS 33/11 = 3.0, FSS 20/8 = 2.5"),
        WorkedExample(responses=(*SSS_TYPICAL, *(None,) * 8), value=3.0,
                      complete=False, subscores={"sss": 3.0, "fss": None},
                      source=f"{RULE}: the FSS left blank is not scored, the SSS still is"),
        WorkedExample(responses=(None, *SSS_TYPICAL[1:], *FSS_TYPICAL), value=None, complete=False,
                      subscores={"sss": None, "fss": 2.5},
                      source=f"{RULE}; no published count of missing items, so an SSS "
                             "item left blank leaves the SSS unscored"),
    ),
)
