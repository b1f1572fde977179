"""QuickDASH (Institute for Work & Health), CLINICAL.md sections 1.3 and 1.4.

Eleven disability/symptom items scored 1-5, then the optional Work and Sports/Performing
Arts modules of four items each. Score = ((sum of n answers / n) - 1) x 25, 0-100, higher
is worse, where n is the number answered; the 11-item score needs at least 10 answers, and
a module is scored only when all four of its items are answered.

The instrument is IWH's and needs a commercial licence, so no item wording ships here:
only our own short labels, the structure and the scoring rule.
"""

from vesalius_sdk import MeasureItem, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.scoring import answered, round_half_up

CORE_ITEMS = 11
MODULE_ITEMS = 4
#: The 11-item score needs at least this many answers (at most one missing).
CORE_MINIMUM = 10

ANCHORS = {1: "none / no difficulty", 5: "extreme / unable"}

_CORE = (
    ("tight_jar", "Opening a tight jar"),
    ("heavy_chores", "Heavy household chores"),
    ("carry_bag", "Carrying a shopping bag"),
    ("wash_back", "Washing one's back"),
    ("knife", "Cutting food with a knife"),
    ("forceful_recreation", "Recreation that loads the arm"),
    ("social_interference", "Interference with social activities"),
    ("work_limitation", "Limitation in work or daily activities"),
    ("pain", "Arm, shoulder or hand pain"),
    ("tingling", "Tingling in arm, shoulder or hand"),
    ("sleep", "Sleep disturbed by pain"),
)
_WORK = (
    ("work_technique", "Work module: usual technique"),
    ("work_usual", "Work module: doing usual work"),
    ("work_as_well", "Work module: working as well as wished"),
    ("work_time", "Work module: usual time at work"),
)
_SPORTS = (
    ("sports_technique", "Sports/arts module: usual technique"),
    ("sports_pain", "Sports/arts module: playing because of pain"),
    ("sports_as_well", "Sports/arts module: playing as well as wished"),
    ("sports_time", "Sports/arts module: usual time playing"),
)

ITEMS = tuple(
    MeasureItem(id=key, label=label, minimum=1, maximum=5, anchors=ANCHORS,
                optional=index >= CORE_ITEMS)
    for index, (key, label) in enumerate(_CORE + _WORK + _SPORTS)
)

ZARO = "https://zaro.info/outcome-measure-calculation/how-do-you-calculate-quick-dash"


def _dash(values: list[int]) -> float:
    """The DASH formula, ((mean of answers) - 1) x 25, two decimals."""
    return round_half_up((sum(values) / len(values) - 1) * 25, 2)


def _module(responses: tuple[int | None, ...]) -> float | None:
    values = answered(responses)
    return _dash(values) if len(values) == MODULE_ITEMS else None


def score_quickdash(measure: OutcomeMeasure, responses: tuple[int | None, ...]) -> Score:
    core = responses[:CORE_ITEMS]
    work = responses[CORE_ITEMS:CORE_ITEMS + MODULE_ITEMS]
    sports = responses[CORE_ITEMS + MODULE_ITEMS:]
    subscores = {"work": _module(work), "sports": _module(sports)}
    values = answered(core)
    if len(values) < CORE_MINIMUM:
        return measure.not_scorable(
            f"{CORE_ITEMS - len(values)} of the 11 items unanswered; QuickDASH needs at "
            f"least {CORE_MINIMUM}",
            subscores=subscores,
        )
    reason = None if len(values) == CORE_ITEMS else "one item unanswered: mean of 10 items"
    return measure.result(
        _dash(values), complete=len(values) == CORE_ITEMS, reason=reason, subscores=subscores
    )


QUICKDASH = OutcomeMeasure(
    id="quickdash",
    title="QuickDASH (Disabilities of the Arm, Shoulder and Hand, 11 items)",
    items=ITEMS,
    scorer=score_quickdash,
    direction="higher-is-worse",
    minimum=0,
    maximum=100,
    unit="points",
    # IWH publishes no bands; the calculator bands in CLINICAL.md 1.4 are not official.
    mcid=14,
    mcid_source=(
        "Sorensen et al. 2013 (95% CI 9-20), as listed by ISSH: "
        "https://issh.org/outcome-measures-general"
    ),
    licence=(
        "QuickDASH (c) Institute for Work & Health (https://dash.iwh.on.ca/licences). "
        "Commercial software needs an IWH licence (Category B) before the instrument is used. "
        "Item wording is not included: Vesalius ships its own short labels, the structure and "
        "the scoring rule; a licensed clinic loads the wording itself."
    ),
    item_text_included=False,
    source="Beaton DE et al. J Bone Joint Surg Am 2005;87(5):1038-46 (QuickDASH).",
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
            source=f"IWH formula: sum 24 over 11, ((24/11) - 1) x 25 = 29.55 ({ZARO}; "
                   "CLINICAL.md 1.4)",
        ),
        WorkedExample(
            responses=(2, 3, 2, 1, 2, 2, 3, 2, 2, 3, None),
            value=30.0,
            complete=False,
            source=f"IWH rule with one item missing: sum 22 over 10, (2.2 - 1) x 25 = 30.00 "
                   f"({ZARO}; CLINICAL.md 1.4)",
        ),
        WorkedExample(
            responses=(2, 3, 2, 1, 2, 2, 3, 2, 2, None, None),
            value=None,
            complete=False,
            source=f"IWH rule: two of 11 items missing is not scorable ({ZARO}; CLINICAL.md 1.4)",
        ),
        WorkedExample(
            responses=(1,) * 11 + (3, 3, 2, 4) + (5, None, 5, 5),
            value=0.0,
            complete=True,
            subscores={"work": 50.0, "sports": None},
            source="IWH module rule (CLINICAL.md 1.3): work module sum 12 over 4, "
                   "(3 - 1) x 25 = 50.0; the sports module with one answer missing is not "
                   "scored",
        ),
    ),
    disciplines=("physio",),
)
