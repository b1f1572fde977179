"""KOOS, JR. (Lyman S, Lee YY, Franklin PD, Li W, Cross MB, Padgett DE. Validation of the
KOOS, JR: a short-form knee arthroplasty outcomes survey. Clin Orthop Relat Res
2016;474(6):1461-71).

Seven KOOS items (stiffness on waking; pain twisting, straightening fully, on stairs,
standing upright; difficulty rising from sitting and bending to the floor), each 0 (none)
to 4 (extreme). The raw sum (0-28) is converted to an interval score with the Rasch-based
table Hospital for Special Surgery distributes with the survey: 0 is total knee
disability, 100 perfect knee health.

The table: transcribed from the HSS scoring table as reproduced identically in several
independent public implementations (among them Stanford's CHOIR registry and one labelled
"Tabla oficial HSS 2022"); the HSS sheet itself could not be retrieved to check against, so
this is the verification, said here and in the measure's ``source``. The HSS sheet gives
no rule for a missing item, so an unanswered item leaves the survey unscored.

LOINC 82324-5 (KOOS JR), the code CMS's total knee replacement functional status measure
(CMS66) asks for. MCID: published anchor-based values exist (Lyman S et al. Clin Orthop
Relat Res 2018;476(12):2432-41) but were not verified here, so ``mcid`` is unset.
"""

from vesalius_sdk import MissingRule, OutcomeMeasure, WorkedExample

from ._koos_hoos import interval_scorer, severity_items

#: Raw sum 0..28 -> interval score (HSS table; see the module docstring).
TABLE = (
    100.000, 91.975, 84.600, 79.914, 76.332, 73.342, 70.704, 68.284, 65.994, 63.776,
    61.583, 59.381, 57.140, 54.840, 52.465, 50.012, 47.487, 44.905, 42.281, 39.625,
    36.931, 34.174, 31.307, 28.251, 24.875, 20.941, 15.939, 8.291, 0.000,
)

_ITEMS = (
    ("stiffness", "Stiffness on waking"),
    ("pain_twisting", "Pain twisting or pivoting"),
    ("pain_straightening", "Pain straightening fully"),
    ("pain_stairs", "Pain on stairs"),
    ("pain_standing", "Pain standing upright"),
    ("rise_sitting", "Rising from sitting"),
    ("bend_floor", "Bending to the floor"),
)

ITEMS = severity_items(_ITEMS)

HSS = ("Hospital for Special Surgery, KOOS, JR. scoring table (raw sum 0-28 to interval "
       "score 0-100), as reproduced identically in independent public implementations")



KOOS_JR = OutcomeMeasure(
    id="koos-jr",
    title="KOOS, JR. (knee, joint replacement short form, 7 items)",
    items=ITEMS,
    scorer=interval_scorer(TABLE),
    direction="higher-is-better",
    minimum=0,
    maximum=100,
    unit="points",
    loinc="82324-5",
    licence=(
        "KOOS, JR. (c) Hospital for Special Surgery; its items come from the KOOS (c) Ewa "
        "M. Roos. Item wording is not included: Vesalius ships its own short labels, the "
        "structure and the scoring table."
    ),
    item_text_included=False,
    source="Lyman S, Lee YY, Franklin PD, Li W, Cross MB, Padgett DE. Validation of the "
           "KOOS, JR: a short-form knee arthroplasty outcomes survey. Clin Orthop Relat Res "
           f"2016;474(6):1461-71. Conversion table: {HSS} (the HSS sheet itself not "
           "retrieved).",
    missing_rule=MissingRule(
        max_missing=0,
        text="Every item must be answered: the interval table converts the sum of all "
             "seven, and the scoring sheet gives no rule for a missing item.",
        source=HSS,
    ),
    instructions=(
        "About the last week; each answer 0 (none) to 4 (extreme). The sum of the seven "
        "answers (0-28) is converted to 0-100, 100 = perfect knee health."
    ),
    examples=(
        WorkedExample(
            responses=(2, 2, 1, 3, 2, 2, 3),
            value=50.012,
            complete=True,
            subscores={"raw": 15.0},
            source=f"{HSS}: raw sum 15 reads 50.012",
        ),
        WorkedExample(responses=(0,) * 7, value=100.0, subscores={"raw": 0.0},
                      source=f"{HSS}: raw sum 0 reads 100.000"),
        WorkedExample(responses=(4,) * 7, value=0.0, subscores={"raw": 28.0},
                      source=f"{HSS}: raw sum 28 reads 0.000"),
        WorkedExample(
            responses=(2, 2, 1, 3, 2, 2, None),
            value=None,
            complete=False,
            source="Vesalius policy (the HSS sheet gives no missing-item rule): one item "
                   "missing is not scored",
        ),
    ),
    disciplines=("physio",),
)
