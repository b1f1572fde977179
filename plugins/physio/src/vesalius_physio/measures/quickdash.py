"""QuickDASH (Beaton DE et al. J Bone Joint Surg Am 2005;87(5):1038-46; Institute for Work &
Health).

Eleven disability/symptom items scored 1-5, then the optional Work and Sports/Performing
Arts modules of four items each. Score = ((sum of n answers / n) - 1) x 25, 0-100, higher
is worse, where n is the number answered; the 11-item score needs at least 10 answers, and
a module is scored only when all four of its items are answered.

The instrument is IWH's and needs a commercial licence, so no item wording ships here:
only our own short labels, the structure and the scoring rule. The editor shows our own
words for every response step of each item kind (difficulty, symptom severity,
interference, limitation, sleep), never a bare number.
"""

from vesalius_sdk import (
    MeasureItem,
    MissingRule,
    OutcomeMeasure,
    Score,
    Subscale,
    WorkedExample,
)
from vesalius_sdk.scoring import answered, round_half_up

CORE_ITEMS = 11
MODULE_ITEMS = 4
#: The 11-item score needs at least this many answers (at most one missing).
CORE_MINIMUM = 10

#: Our own labels of the five steps, by the kind of question an item asks.
DIFFICULTY = {1: "no difficulty", 2: "a little", 3: "some", 4: "a lot", 5: "cannot do it"}
SEVERITY = {1: "none", 2: "mild", 3: "moderate", 4: "severe", 5: "extreme"}
INTERFERENCE = {1: "not at all", 2: "a little", 3: "somewhat", 4: "a lot", 5: "extremely"}
LIMITATION = {1: "not limited", 2: "a little", 3: "somewhat", 4: "very limited",
              5: "unable"}
SLEEP = {1: "no difficulty", 2: "a little", 3: "some", 4: "a lot", 5: "cannot sleep"}

_CORE = (
    ("tight_jar", "Opening a tight jar", DIFFICULTY),
    ("heavy_chores", "Heavy household chores", DIFFICULTY),
    ("carry_bag", "Carrying a shopping bag", DIFFICULTY),
    ("wash_back", "Washing one's back", DIFFICULTY),
    ("knife", "Cutting food with a knife", DIFFICULTY),
    ("forceful_recreation", "Recreation that loads the arm", DIFFICULTY),
    ("social_interference", "Interference with social activities", INTERFERENCE),
    ("work_limitation", "Limitation in work or daily activities", LIMITATION),
    ("pain", "Arm, shoulder or hand pain", SEVERITY),
    ("tingling", "Tingling in arm, shoulder or hand", SEVERITY),
    ("sleep", "Sleep disturbed by pain", SLEEP),
)
_WORK = (
    ("work_technique", "Work module: usual technique", DIFFICULTY),
    ("work_usual", "Work module: doing usual work", DIFFICULTY),
    ("work_as_well", "Work module: working as well as wished", DIFFICULTY),
    ("work_time", "Work module: usual time at work", DIFFICULTY),
)
_SPORTS = (
    ("sports_technique", "Sports/arts module: usual technique", DIFFICULTY),
    ("sports_pain", "Sports/arts module: playing because of pain", DIFFICULTY),
    ("sports_as_well", "Sports/arts module: playing as well as wished", DIFFICULTY),
    ("sports_time", "Sports/arts module: usual time playing", DIFFICULTY),
)

ITEMS = tuple(
    MeasureItem(id=key, label=label, minimum=1, maximum=5, anchors=anchors,
                optional=index >= CORE_ITEMS)
    for index, (key, label, anchors) in enumerate(_CORE + _WORK + _SPORTS)
)

IWH = ("Institute for Work & Health, The DASH Outcome Measure: scoring the QuickDASH "
       "(https://dash.iwh.on.ca/scoring)")


def _dash(values: list[int]) -> float:
    """The DASH formula, ((mean of answers) - 1) x 25, two decimals."""
    return round_half_up((sum(values) / len(values) - 1) * 25, 2)


#: The two optional modules as the note editor, the signed note and the case's trend label
#: them (the DASH and the QuickDASH share them).
MODULES = (Subscale(id="work", label="Work module"),
           Subscale(id="sports", label="Sports/performing arts module"))


def _module(responses: tuple[int | None, ...]) -> float | None:
    values = answered(responses)
    return _dash(values) if len(values) == MODULE_ITEMS else None


def _module_reason(responses: tuple[int | None, ...]) -> str | None:
    """Why a module is not scored (``None`` when it is)."""
    given = len(answered(responses))
    if given == MODULE_ITEMS:
        return None
    if given == 0:
        return "not answered (optional)"
    return f"{given} of {MODULE_ITEMS} answered, all {MODULE_ITEMS} needed"


def score_dash_form(measure: OutcomeMeasure, responses: tuple[int | None, ...],
                    core_items: int, core_minimum: int, name: str) -> Score:
    """The IWH rule shared by the DASH and the QuickDASH: the first ``core_items`` scored
    with at least ``core_minimum`` answered, then the two four-item modules as subscores."""
    core = responses[:core_items]
    work = responses[core_items:core_items + MODULE_ITEMS]
    sports = responses[core_items + MODULE_ITEMS:]
    subscores = {"work": _module(work), "sports": _module(sports)}
    why = {key: reason for key, reason in (("work", _module_reason(work)),
                                           ("sports", _module_reason(sports))) if reason}
    values = answered(core)
    skipped = core_items - len(values)
    if len(values) < core_minimum:
        return measure.not_scorable(
            f"{skipped} of the {core_items} items unanswered; {name} needs at least "
            f"{core_minimum}",
            subscores=subscores, subscore_reasons=why,
        )
    reason = f"{skipped} item(s) unanswered: mean of {len(values)} items" if skipped else None
    return measure.result(_dash(values), complete=skipped == 0, reason=reason,
                          subscores=subscores, subscore_reasons=why)


def score_quickdash(measure: OutcomeMeasure, responses: tuple[int | None, ...]) -> Score:
    return score_dash_form(measure, responses, CORE_ITEMS, CORE_MINIMUM, "QuickDASH")


QUICKDASH = OutcomeMeasure(
    id="quickdash",
    title="QuickDASH (Disabilities of the Arm, Shoulder and Hand, 11 items)",
    items=ITEMS,
    scorer=score_quickdash,
    subscales=MODULES,
    direction="higher-is-worse",
    minimum=0,
    maximum=100,
    unit="points",
    # IWH publishes no bands; calculator sites' bands are not official, so none here.
    mcid=14,
    mcid_source=(
        "Sorensen AA, Howard D, Tan WH, Ketchersid J, Calfee RP. Minimal clinically important "
        "differences of 3 patient-rated outcomes instruments. J Hand Surg Am "
        "2013;38(4):641-9 (QuickDASH 14 points, 95% CI 9-20)."
    ),
    licence=(
        "QuickDASH (c) Institute for Work & Health (https://dash.iwh.on.ca/licences). "
        "Commercial software needs an IWH licence (Category B) before the instrument is used. "
        "Item wording is not included: Vesalius ships its own short labels, the structure and "
        "the scoring rule; a licensed clinic loads the wording itself."
    ),
    item_text_included=False,
    source="Beaton DE, Wright JG, Katz JN; Upper Extremity Collaborative Group. "
           "Development of the QuickDASH: comparison of three item-reduction approaches. "
           "J Bone Joint Surg Am 2005;87(5):1038-46.",
    missing_rule=MissingRule(
        max_missing=1,
        text="At least 10 of the 11 items must be answered (one may be missing); each "
             "optional module is scored only with all four of its items answered.",
        source=IWH,
    ),
    instructions=(
        "Items 1-11 are the QuickDASH; 12-15 the optional Work module, 16-19 the optional "
        "Sports/Performing Arts module. Each answer 1 (none) to 5 (extreme/unable). The "
        "score needs at least 10 of items 1-11; a module is scored only when all four of "
        "its items are answered."
    ),
    examples=(
        WorkedExample(
            responses=(2, 3, 2, 1, 2, 2, 3, 2, 2, 3, 2),
            value=29.55,
            complete=True,
            subscores={"work": None, "sports": None},
            source=f"{IWH}: sum 24 over 11, ((24/11) - 1) x 25 = 29.55",
        ),
        WorkedExample(
            responses=(2, 3, 2, 1, 2, 2, 3, 2, 2, 3, None),
            value=30.0,
            complete=False,
            source=f"{IWH}, one item missing: sum 22 over 10, (2.2 - 1) x 25 = 30.00",
        ),
        WorkedExample(
            responses=(2, 3, 2, 1, 2, 2, 3, 2, 2, None, None),
            value=None,
            complete=False,
            source=f"{IWH}: two of 11 items missing is not scorable",
        ),
        WorkedExample(
            responses=(1,) * 11 + (3, 3, 2, 4) + (5, None, 5, 5),
            value=0.0,
            complete=True,
            subscores={"work": 50.0, "sports": None},
            source=f"{IWH}, optional modules: work module sum 12 over 4, "
                   "(3 - 1) x 25 = 50.0; the sports module with one answer missing is not "
                   "scored",
        ),
    ),
    disciplines=("physio",),
)
