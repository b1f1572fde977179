"""DASH, Disabilities of the Arm, Shoulder and Hand (Hudak PL, Amadio PC, Bombardier C;
Upper Extremity Collaborative Group. Am J Ind Med 1996;29(6):602-8; Institute for Work &
Health).

Thirty disability/symptom items scored 1-5, then the optional Work and Sports/Performing
Arts modules of four items each (the same modules as the QuickDASH's). Score = ((sum of n
answers / n) - 1) x 25, 0-100, higher is worse, where n is the number answered; the
30-item score needs at least 27 answers, and a module is scored only when all four of its
items are answered.

The modules are subscores of this measure, not measures of their own: they are printed on
the same form, filled at the same sitting, optional, and scored alone; IWH reports them
beside the disability/symptom score, not instead of it. As subscores they ride with the
DASH in one note field and one trend (the QuickDASH does the same), and a patient who
skips them still has a complete DASH.

The instrument is IWH's and needs a commercial licence, so no item wording ships here:
only our own short labels, the structure and the scoring rule.
"""

from vesalius_sdk import MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample

from .quickdash import (
    _SPORTS,
    _WORK,
    DIFFICULTY,
    INTERFERENCE,
    LIMITATION,
    MODULES,
    SEVERITY,
    SLEEP,
    score_dash_form,
)

CORE_ITEMS = 30
#: The 30-item score needs at least this many answers (at most three missing).
CORE_MINIMUM = 27

AGREEMENT = {1: "strongly disagree", 2: "disagree", 3: "neither", 4: "agree",
             5: "strongly agree"}

_CORE = (
    ("tight_jar", "Opening a tight jar", DIFFICULTY),
    ("write", "Writing", DIFFICULTY),
    ("turn_key", "Turning a key", DIFFICULTY),
    ("prepare_meal", "Preparing a meal", DIFFICULTY),
    ("heavy_door", "Pushing open a heavy door", DIFFICULTY),
    ("shelf_overhead", "Object onto a shelf overhead", DIFFICULTY),
    ("heavy_chores", "Heavy household chores", DIFFICULTY),
    ("garden", "Gardening or yard work", DIFFICULTY),
    ("make_bed", "Making a bed", DIFFICULTY),
    ("carry_bag", "Carrying a shopping bag", DIFFICULTY),
    ("carry_heavy", "Carrying a heavy object", DIFFICULTY),
    ("light_bulb", "Changing an overhead bulb", DIFFICULTY),
    ("wash_hair", "Washing or drying hair", DIFFICULTY),
    ("wash_back", "Washing one's back", DIFFICULTY),
    ("pullover", "Pulling on a sweater", DIFFICULTY),
    ("knife", "Cutting food with a knife", DIFFICULTY),
    ("light_recreation", "Light recreation", DIFFICULTY),
    ("forceful_recreation", "Recreation that loads the arm", DIFFICULTY),
    ("free_recreation", "Recreation moving the arm freely", DIFFICULTY),
    ("transport", "Getting about (transport)", DIFFICULTY),
    ("sexual", "Sexual activity", DIFFICULTY),
    ("social_interference", "Interference with social activities", INTERFERENCE),
    ("work_limitation", "Limitation in work or daily activities", LIMITATION),
    ("pain", "Arm, shoulder or hand pain", SEVERITY),
    ("activity_pain", "Pain during a specific activity", SEVERITY),
    ("tingling", "Tingling in arm, shoulder or hand", SEVERITY),
    ("weakness", "Weakness in arm, shoulder or hand", SEVERITY),
    ("stiffness", "Stiffness in arm, shoulder or hand", SEVERITY),
    ("sleep", "Sleep disturbed by pain", SLEEP),
    ("less_capable", "Feeling less capable or useful", AGREEMENT),
)

ITEMS = tuple(
    MeasureItem(id=key, label=label, minimum=1, maximum=5, anchors=anchors,
                optional=index >= CORE_ITEMS)
    for index, (key, label, anchors) in enumerate(_CORE + _WORK + _SPORTS)
)

IWH = ("Institute for Work & Health, The DASH Outcome Measure: scoring the DASH "
       "(https://dash.iwh.on.ca/scoring)")


def score_dash(measure: OutcomeMeasure, responses: tuple[int | None, ...]) -> Score:
    return score_dash_form(measure, responses, CORE_ITEMS, CORE_MINIMUM, "the DASH")


DASH = OutcomeMeasure(
    id="dash",
    title="DASH (Disabilities of the Arm, Shoulder and Hand, 30 items)",
    items=ITEMS,
    scorer=score_dash,
    subscales=MODULES,
    direction="higher-is-worse",
    minimum=0,
    maximum=100,
    unit="points",
    # IWH publishes no bands (a score "cannot say" mild, moderate or severe), so none here.
    mcid=10,
    mcid_source=(
        "Sorensen AA, Howard D, Tan WH, Ketchersid J, Calfee RP. Minimal clinically important "
        "differences of 3 patient-rated outcomes instruments. J Hand Surg Am "
        "2013;38(4):641-9 (DASH 10 points, 95% CI 5-15)."
    ),
    licence=(
        "DASH (c) Institute for Work & Health (https://dash.iwh.on.ca/licences). Commercial "
        "software needs an IWH licence (Category B) before the instrument is used. Item "
        "wording is not included: Vesalius ships its own short labels, the structure and "
        "the scoring rule; a licensed clinic loads the wording itself."
    ),
    item_text_included=False,
    source="Hudak PL, Amadio PC, Bombardier C; Upper Extremity Collaborative Group. "
           "Development of an upper extremity outcome measure: the DASH (disabilities of "
           "the arm, shoulder and hand). Am J Ind Med 1996;29(6):602-8.",
    missing_rule=MissingRule(
        max_missing=3,
        text="At least 27 of the 30 items must be answered (three may be missing); each "
             "optional module is scored only with all four of its items answered.",
        source=IWH,
    ),
    instructions=(
        "Items 1-30 are the DASH; 31-34 the optional Work module, 35-38 the optional "
        "Sports/Performing Arts module. Each answer 1 (none) to 5 (extreme/unable). The "
        "score needs at least 27 of items 1-30; a module is scored only when all four of "
        "its items are answered."
    ),
    examples=(
        WorkedExample(
            responses=(2,) * 30,
            value=25.0,
            complete=True,
            subscores={"work": None, "sports": None},
            source=f"Constructed from the published rule ({IWH}): all 30 answered 2, "
                   "((60/30) - 1) x 25 = 25.0",
        ),
        WorkedExample(
            responses=(3,) * 27 + (None,) * 3,
            value=50.0,
            complete=False,
            source=f"{IWH}, three items missing (the most allowed): sum 81 over 27, "
                   "((81/27) - 1) x 25 = 50.0",
        ),
        WorkedExample(
            responses=(3,) * 26 + (None,) * 4,
            value=None,
            complete=False,
            source=f"{IWH}: four of 30 items missing is not scorable",
        ),
        WorkedExample(
            responses=(1, 2, 3, 4, 5, 2) * 5,
            value=45.83,
            complete=True,
            source=f"Constructed from the published rule ({IWH}): sum 85 over 30, "
                   "((85/30) - 1) x 25 = 45.83",
        ),
        WorkedExample(
            responses=(1,) * 30 + (3, 3, 2, 4) + (5, None, 5, 5),
            value=0.0,
            complete=True,
            subscores={"work": 50.0, "sports": None},
            source=f"{IWH}, optional modules: work module sum 12 over 4, ((12/4) - 1) x 25 = "
                   "50.0; the sports module with one answer missing is not scored",
        ),
    ),
    disciplines=("physio",),
)
