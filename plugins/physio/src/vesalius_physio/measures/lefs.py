"""Lower Extremity Functional Scale (Binkley JM et al. Phys Ther 1999;79(4):371-83).

Twenty activities, each 0 (extreme difficulty or unable) to 4 (no difficulty); the score is
the sum, 0-80, higher is better. No published rule for missing items was found,
so ours is stated here and in the measure's missing rule: with up to two items unanswered
(at least 90% answered, the completeness FAAM's authors ask for) the sum is prorated to 20
items, one decimal, and marked incomplete; with more, the LEFS is not scored.
"""

from vesalius_sdk import MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.scoring import answered, missing, round_half_up

#: Our policy (no published rule): more unanswered items than this are not scored.
MAX_MISSING = 2

# The LEFS is listed as free by the Shirley Ryan AbilityLab Rehabilitation Measures
# Database, so the published activity wording ships with our short labels.
_ITEMS = (
    ("usual_work", "Usual work, housework or school",
     "Any of your usual work, housework or school activities."),
    ("hobbies", "Usual hobbies, recreation or sport",
     "Your usual hobbies, recreational or sporting activities."),
    ("bath", "Into or out of the bath", "Getting into or out of the bath."),
    ("walk_rooms", "Walking between rooms", "Walking between rooms."),
    ("shoes_socks", "Shoes or socks on", "Putting on your shoes or socks."),
    ("squatting", "Squatting", "Squatting."),
    ("lift_floor", "Lifting from the floor",
     "Lifting an object, like a bag of groceries from the floor."),
    ("light_home", "Light activities at home", "Performing light activities around your home."),
    ("heavy_home", "Heavy activities at home", "Performing heavy activities around your home."),
    ("car", "Into or out of a car", "Getting into or out of a car."),
    ("walk_2_blocks", "Walking 2 blocks", "Walking 2 blocks."),
    ("walk_mile", "Walking a mile", "Walking a mile."),
    ("stairs", "Up or down 10 stairs",
     "Going up or down 10 stairs (about 1 flight of stairs)."),
    ("stand_hour", "Standing 1 hour", "Standing for 1 hour."),
    ("sit_hour", "Sitting 1 hour", "Sitting for 1 hour."),
    ("run_even", "Running on even ground", "Running on even ground."),
    ("run_uneven", "Running on uneven ground", "Running on uneven ground."),
    ("sharp_turns", "Sharp turns while running", "Making sharp turns while running fast."),
    ("hopping", "Hopping", "Hopping."),
    ("roll_in_bed", "Rolling over in bed", "Rolling over in bed."),
)

ANCHORS = {
    0: "Extreme difficulty or unable to perform activity",
    1: "Quite a bit of difficulty",
    2: "Moderate difficulty",
    3: "A little bit of difficulty",
    4: "No difficulty",
}

ITEMS = tuple(
    MeasureItem(id=key, label=label, text=text, minimum=0, maximum=4, anchors=ANCHORS)
    for key, label, text in _ITEMS
)


def score_lefs(measure: OutcomeMeasure, responses: tuple[int | None, ...]) -> Score:
    """Sum of the 20 items (0-80); up to two missing items prorated (our documented policy)."""
    values = answered(responses)
    skipped = missing(responses)
    if skipped > MAX_MISSING:
        return measure.not_scorable(
            f"{skipped} items unanswered; the LEFS is scored with at most {MAX_MISSING} missing"
        )
    if skipped:
        value = round_half_up(sum(values) * len(responses) / len(values), 1)
        reason = f"{skipped} item(s) unanswered: sum of {len(values)} items prorated to 20"
    else:
        value, reason = float(sum(values)), None
    return measure.result(
        value,
        complete=skipped == 0,
        reason=reason,
        subscores={"percent_of_maximum": round_half_up(100 * value / 80, 1)},
    )


LEFS = OutcomeMeasure(
    id="lefs",
    title="Lower Extremity Functional Scale (LEFS)",
    items=ITEMS,
    scorer=score_lefs,
    direction="higher-is-better",
    minimum=0,
    maximum=80,
    unit="points",
    mcid=9,
    mcid_source=(
        "Binkley JM, Stratford PW, Lott SA, Riddle DL. Phys Ther 1999;79(4):371-83: MCID 9 "
        "points (MDC 9; error +/-5.3 at 90% confidence)."
    ),
    licence=(
        "LEFS (Binkley JM et al., Phys Ther 1999;79:371-83). Listed as free to use by the "
        "Shirley Ryan AbilityLab Rehabilitation Measures Database; the activity wording is "
        "included."
    ),
    item_text_included=True,
    source="Binkley JM, Stratford PW, Lott SA, Riddle DL. The Lower Extremity Functional "
           "Scale (LEFS): scale development, measurement properties, and clinical application. "
           "Phys Ther 1999;79(4):371-83.",
    missing_rule=MissingRule(
        max_missing=MAX_MISSING,
        text="Up to 2 of 20 items may be unanswered: the sum is then prorated to 20 items. "
             "Three or more: not scored. No published rule exists; this is our policy.",
        source="Vesalius policy (90% answered, the completeness Martin RL et al. ask of the "
               "FAAM, Foot Ankle Int 2005;26(11):968-83).",
    ),
    instructions=(
        "Today, do you or would you have any difficulty at all with the activities listed, "
        "because of your lower limb problem? One answer per activity. Scored with at most "
        "two activities unanswered (prorated); not scored with more."
    ),
    examples=(
        WorkedExample(
            responses=(3,) * 20,
            value=60.0,
            complete=True,
            subscores={"percent_of_maximum": 75.0},
            source="Binkley 1999 sum rule: all 20 items at 3 give 60/80, 75% of maximum "
                   "function",
        ),
        WorkedExample(
            responses=(4,) * 20,
            value=80.0,
            complete=True,
            source="Binkley 1999 sum rule: no difficulty with any activity is the maximum, 80",
        ),
        WorkedExample(
            responses=(3,) * 18 + (None, None),
            value=60.0,
            complete=False,
            source="Vesalius policy for missing items (no published rule): 54 over 18 "
                   "items, prorated x 20/18 = 60.0",
        ),
        WorkedExample(
            responses=(3,) * 17 + (None, None, None),
            value=None,
            complete=False,
            source="Vesalius policy (no published rule): three items unanswered is not "
                   "scorable",
        ),
    ),
    disciplines=("physio",),
)
