"""Shoulder Pain and Disability Index (Roach KE et al. Arthritis Care Res 1991;4(4):143-9).

Five pain items and eight disability items, each 0-10. Pain % = sum / 50 x 100,
disability % = sum / 80 x 100, total % = sum of all items / 130 x 100 (the Roach form; not
the mean of the two subscales, which gives a different number). Higher is worse. Unanswered
items come off the denominator ("if 1 question missed divide by 40", /70, /120). The form
sets no limit on how many may be missing; our documented policy is at most one per subscale,
the case the form's own notes show.
"""

from vesalius_sdk import MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.scoring import answered, round_half_up

PAIN_ITEMS = 5
#: Our policy: at most this many unanswered items in each subscale.
MAX_MISSING_PER_SUBSCALE = 1

# Listed as free by the Shirley Ryan AbilityLab Rehabilitation Measures Database: the
# published wording ships.
_PAIN = (
    ("pain_worst", "Pain at its worst", "At its worst?"),
    ("pain_lying", "Pain lying on the involved side", "When lying on the involved side?"),
    ("pain_high_shelf", "Pain reaching a high shelf", "Reaching for something on a high shelf?"),
    ("pain_back_of_neck", "Pain touching the back of the neck",
     "Touching the back of your neck?"),
    ("pain_pushing", "Pain pushing with the involved arm", "Pushing with the involved arm?"),
)
_DISABILITY = (
    ("wash_hair", "Washing hair", "Washing your hair?"),
    ("wash_back", "Washing back", "Washing your back?"),
    ("undershirt", "Undershirt or jumper on", "Putting on an undershirt or jumper?"),
    ("button_shirt", "Button-front shirt on", "Putting on a shirt that buttons down the front?"),
    ("pants", "Pants on", "Putting on your pants?"),
    ("object_high_shelf", "Object onto a high shelf", "Placing an object on a high shelf?"),
    ("carry_heavy", "Carrying a heavy object",
     "Carrying a heavy object of 10 pounds (4.5 kilograms)?"),
    ("back_pocket", "Reaching the back pocket", "Removing something from your back pocket?"),
)

ITEMS = tuple(
    MeasureItem(id=key, label=label, text=text, minimum=0, maximum=10,
                anchors={0: "no pain", 10: "worst pain imaginable"})
    for key, label, text in _PAIN
) + tuple(
    MeasureItem(id=key, label=label, text=text, minimum=0, maximum=10,
                anchors={0: "no difficulty", 10: "so difficult it requires help"})
    for key, label, text in _DISABILITY
)

FORM = "Roach 1991 scoring form, https://www.scribd.com/doc/189573731/Shoulder-Pain-and-Disaliblity-Index"


def _percent(values: list[int]) -> float:
    return round_half_up(100 * sum(values) / (10 * len(values)), 2)


def score_spadi(measure: OutcomeMeasure, responses: tuple[int | None, ...]) -> Score:
    pain, disability = answered(responses[:PAIN_ITEMS]), answered(responses[PAIN_ITEMS:])
    missing_pain = PAIN_ITEMS - len(pain)
    missing_disability = len(responses) - PAIN_ITEMS - len(disability)
    subscores = {
        "pain": _percent(pain) if missing_pain <= MAX_MISSING_PER_SUBSCALE else None,
        "disability": (_percent(disability)
                       if missing_disability <= MAX_MISSING_PER_SUBSCALE else None),
    }
    if subscores["pain"] is None or subscores["disability"] is None:
        return measure.not_scorable(
            f"{missing_pain} pain and {missing_disability} disability items unanswered; "
            f"SPADI is scored with at most {MAX_MISSING_PER_SUBSCALE} missing per subscale",
            subscores=subscores,
        )
    total = pain + disability
    skipped = len(responses) - len(total)
    reason = f"{skipped} item(s) unanswered: scored out of {10 * len(total)}" if skipped else None
    return measure.result(
        _percent(total),
        complete=skipped == 0,
        reason=reason,
        subscores=subscores,
    )


SPADI = OutcomeMeasure(
    id="spadi",
    title="Shoulder Pain and Disability Index (SPADI)",
    items=ITEMS,
    scorer=score_spadi,
    direction="higher-is-worse",
    minimum=0,
    maximum=100,
    unit="%",
    mcid=13,
    mcid_source=(
        "Roy JS, MacDermid JC, Woodhouse LJ. Measuring shoulder function: a systematic review "
        "of four questionnaires. Arthritis Rheum 2009;61(5):623-32 (MCID 8-13 points); we use "
        f"13, the top of that range and the form's minimum detectable change (90%). {FORM}"
    ),
    licence=(
        "SPADI (Roach KE et al., Arthritis Care Res 1991;4:143-9). Listed as free by the "
        "SRALab Rehabilitation Measures Database; the item wording is included."
    ),
    item_text_included=True,
    source="Roach KE, Budiman-Mak E, Songsiridej N, Lertratanakul Y. Development of a "
           "shoulder pain and disability index. Arthritis Care Res 1991;4(4):143-9.",
    missing_rule=MissingRule(
        text="At most one item may be unanswered in each part (pain, disability): each part "
             "and the total are then out of the items answered. The form sets no limit; the "
             "one-per-part limit is our policy.",
        source=FORM,
    ),
    instructions=(
        "Think of the last week and your shoulder problem. Items 1-5: how severe is your "
        "pain (0 no pain, 10 worst imaginable)? Items 6-13: how much difficulty do you have "
        "(0 no difficulty, 10 so difficult it requires help)? Scored with at most one item "
        "unanswered in each part."
    ),
    examples=(
        WorkedExample(
            responses=(7, 6, 8, 5, 4, 5, 6, 4, 3, 2, 7, 6, 5),
            value=52.31,
            complete=True,
            subscores={"pain": 60.0, "disability": 47.5},
            source=f"{FORM}: pain 30/50 = 60.0%, disability 38/80 = 47.5%, total 68/130 = "
                   "52.31%",
        ),
        WorkedExample(
            responses=(7, 6, 8, 5, 4, 5, 6, 4, 3, 2, 7, 6, None),
            value=52.5,
            complete=False,
            subscores={"pain": 60.0, "disability": 47.14},
            source=f"{FORM}, one disability item missed: disability 33/70 = 47.14% ('divide "
                   "by 70'), total 63/120 = 52.5% ('divide by 120')",
        ),
        WorkedExample(
            responses=(7, None, None, 5, 4, 5, 6, 4, 3, 2, 7, 6, 5),
            value=None,
            complete=False,
            source="Vesalius policy (the Roach 1991 form sets no limit): two pain items "
                   "missing is not scorable",
        ),
    ),
    disciplines=("physio",),
)
