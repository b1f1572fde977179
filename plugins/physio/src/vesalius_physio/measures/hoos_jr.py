"""HOOS, JR. (Lyman S, Lee YY, Franklin PD, Li W, Mayman DJ, Padgett DE. Validation of the
HOOS, JR: a short-form hip replacement survey. Clin Orthop Relat Res 2016;474(6):1472-82).

Six HOOS items (pain on stairs and walking on uneven ground; difficulty rising from
sitting, bending to the floor, lying in bed and sitting), each 0 (none) to 4 (extreme).
The raw sum (0-24) is converted to an interval score with the Rasch-based table Hospital
for Special Surgery distributes with the survey: 0 is total hip disability, 100 perfect
hip health.

The table: transcribed from the HSS scoring table as reproduced identically in two
independent public implementations (Stanford's CHOIR registry and one labelled "Tabla de
conversion OFICIAL HSS"), and consistent with a third that keeps its whole numbers; the HSS
sheet itself could not be retrieved to check against, so this is the verification, said
here and in the measure's ``source``. The HSS sheet gives no rule for a missing item, so an
unanswered item leaves the survey unscored.

LOINC 82316-1 (HOOS JR), the code CMS's total hip replacement functional status measure
(CMS56) asks for. MCID: published anchor-based values exist (Lyman S et al. Clin Orthop
Relat Res 2018;476(12):2432-41) but were not verified here, so ``mcid`` is unset.
"""

from vesalius_sdk import MissingRule, OutcomeMeasure, WorkedExample

from ._koos_hoos import interval_scorer, severity_items

#: Raw sum 0..24 -> interval score (HSS table; see the module docstring).
TABLE = (
    100.000, 92.340, 85.257, 80.550, 76.776, 73.472, 70.426, 67.516, 64.664, 61.815,
    58.930, 55.985, 52.965, 49.858, 46.652, 43.335, 39.902, 36.363, 32.735, 29.009,
    25.103, 20.805, 15.633, 8.104, 0.000,
)

_ITEMS = (
    ("pain_stairs", "Pain on stairs"),
    ("pain_uneven", "Pain walking on uneven ground"),
    ("rise_sitting", "Rising from sitting"),
    ("bend_floor", "Bending to the floor"),
    ("lying_bed", "Lying in bed"),
    ("sitting", "Sitting"),
)

ITEMS = severity_items(_ITEMS)

HSS = ("Hospital for Special Surgery, HOOS, JR. scoring table (raw sum 0-24 to interval "
       "score 0-100), as reproduced identically in independent public implementations")



HOOS_JR = OutcomeMeasure(
    id="hoos-jr",
    title="HOOS, JR. (hip, joint replacement short form, 6 items)",
    items=ITEMS,
    scorer=interval_scorer(TABLE),
    direction="higher-is-better",
    minimum=0,
    maximum=100,
    unit="points",
    loinc="82316-1",
    licence=(
        "HOOS, JR. (c) Hospital for Special Surgery; its items come from the HOOS (c) Ewa "
        "M. Roos and colleagues. Item wording is not included: Vesalius ships its own short "
        "labels, the structure and the scoring table."
    ),
    item_text_included=False,
    source="Lyman S, Lee YY, Franklin PD, Li W, Mayman DJ, Padgett DE. Validation of the "
           "HOOS, JR: a short-form hip replacement survey. Clin Orthop Relat Res "
           f"2016;474(6):1472-82. Conversion table: {HSS} (the HSS sheet itself not "
           "retrieved).",
    missing_rule=MissingRule(
        max_missing=0,
        text="Every item must be answered: the interval table converts the sum of all six, "
             "and the scoring sheet gives no rule for a missing item.",
        source=HSS,
    ),
    instructions=(
        "About the last week; each answer 0 (none) to 4 (extreme). The sum of the six "
        "answers (0-24) is converted to 0-100, 100 = perfect hip health."
    ),
    examples=(
        WorkedExample(
            responses=(1, 2, 1, 2, 1, 1),
            value=64.664,
            complete=True,
            subscores={"raw": 8.0},
            source=f"{HSS}: raw sum 8 reads 64.664",
        ),
        WorkedExample(responses=(0,) * 6, value=100.0, subscores={"raw": 0.0},
                      source=f"{HSS}: raw sum 0 reads 100.000"),
        WorkedExample(responses=(4,) * 6, value=0.0, subscores={"raw": 24.0},
                      source=f"{HSS}: raw sum 24 reads 0.000"),
        WorkedExample(
            responses=(1, 2, 1, 2, None, 1),
            value=None,
            complete=False,
            source="Vesalius policy (the HSS sheet gives no missing-item rule): one item "
                   "missing is not scored",
        ),
    ),
    disciplines=("physio",),
)
