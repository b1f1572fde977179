"""FAAM Activities of Daily Living subscale (21 items), id ``faam-adl``."""

from __future__ import annotations

from vesalius_sdk import MeasureItem, OutcomeMeasure, WorkedExample

from ._faam import ANCHORS, INSTRUCTIONS, LICENCE, MARTIN_2005, SOURCE, missing_rule, scorer

# Our own short labels, in the published item order.
LABELS = (
    "Standing",
    "Walking on even ground",
    "Walking on even ground barefoot",
    "Walking uphill",
    "Walking downhill",
    "Going up stairs",
    "Going down stairs",
    "Walking on uneven ground",
    "Stepping up and down kerbs",
    "Squatting",
    "Rising onto the toes",
    "Walking at first (first steps)",
    "Walking up to 5 minutes",
    "Walking about 10 minutes",
    "Walking 15 minutes or more",
    "Home duties",
    "Daily activities",
    "Personal care",
    "Light to moderate work",
    "Heavy work",
    "Recreation",
)

FAAM_ADL = OutcomeMeasure(
    id="faam-adl",
    title="Foot and Ankle Ability Measure: ADL subscale",
    items=tuple(
        MeasureItem(id=f"adl{i}", label=label, minimum=0, maximum=4, anchors=ANCHORS)
        for i, label in enumerate(LABELS, start=1)
    ),
    scorer=scorer(minimum_answered=19),
    direction="higher-is-better",
    minimum=0,
    maximum=100,
    unit="%",
    mcid=8,
    mcid_source=f"{MARTIN_2005} (ADL 8 points)",
    licence=LICENCE,
    source=SOURCE,
    instructions=INSTRUCTIONS,
    disciplines=("podiatry",),
    missing_rule=missing_rule(21, 19),
    examples=(
        WorkedExample(
            responses=(3,) * 19 + (None, None),
            value=75.0,
            complete=False,
            source="FAAM rule (SRALab FAAM page, citing Martin 2005): 19 answered, 2 N/A, "
                   "sum 57 -> 57/76 = 75.0 %",
            subscores={"raw": 57.0, "answered": 19.0, "maximum": 76.0},
        ),
        WorkedExample(
            responses=(4,) * 21,
            value=100.0,
            complete=True,
            source="FAAM rule (SRALab): all 21 items 'no difficulty' -> 84/84 = 100 %",
            subscores={"raw": 84.0, "answered": 21.0, "maximum": 84.0},
        ),
        WorkedExample(
            responses=(3,) * 18 + (None, None, None),
            value=None,
            complete=False,
            source="FAAM 90 % rule (physio-pedia citing Martin 2005): 18 of 21 answered "
                   "is below 19, not scorable",
            subscores={"raw": 54.0, "answered": 18.0},
        ),
    ),
)
