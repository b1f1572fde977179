"""FAAM Sports subscale (8 items), id ``faam-sports``."""

from __future__ import annotations

from vesalius_sdk import MeasureItem, OutcomeMeasure, WorkedExample

from ._faam import ANCHORS, INSTRUCTIONS, LICENCE, MARTIN_2005, SOURCE, missing_rule, scorer

# Our own short labels, in the published item order (8 items, as in Martin 2005; at least
# one public implementation has 7).
LABELS = (
    "Running",
    "Jumping",
    "Landing",
    "Quick starts and stops",
    "Cutting and side-to-side moves",
    "Low-impact activities",
    "Usual technique in your activity",
    "Your sport for as long as you like",
)

FAAM_SPORTS = OutcomeMeasure(
    id="faam-sports",
    title="Foot and Ankle Ability Measure: Sports subscale",
    items=tuple(
        MeasureItem(id=f"sports{i}", label=label, minimum=0, maximum=4, anchors=ANCHORS)
        for i, label in enumerate(LABELS, start=1)
    ),
    scorer=scorer(minimum_answered=7),
    direction="higher-is-better",
    minimum=0,
    maximum=100,
    unit="%",
    mcid=9,
    mcid_source=f"{MARTIN_2005} (Sports 9 points)",
    licence=LICENCE,
    source=SOURCE + "; 8-item Sports subscale: https://www.physio-pedia.com/8-Item_Sports_Subscale",
    instructions=INSTRUCTIONS,
    disciplines=("podiatry",),
    missing_rule=missing_rule(8, 7),
    examples=(
        WorkedExample(
            responses=(3, 3, 3, 3, 3, 3, 3, 3),
            value=75.0,
            complete=True,
            source="FAAM rule (physio-pedia 8-Item Sports Subscale): sum 24 / max 32 = 75 %",
            subscores={"raw": 24.0, "answered": 8.0, "maximum": 32.0},
        ),
        WorkedExample(
            responses=(2, 3, 2, 3, 2, 3, 4, None),
            value=67.9,
            complete=False,
            source="FAAM rule (physio-pedia): 7 answered, 1 N/A, sum 19 / (4 x 7) = 67.86 "
                   "-> 67.9 %",
            subscores={"raw": 19.0, "answered": 7.0, "maximum": 28.0},
        ),
        WorkedExample(
            responses=(2, 3, 2, 3, 2, 3, None, None),
            value=None,
            complete=False,
            source="FAAM 90 % rule (physio-pedia citing Martin 2005): 6 of 8 answered is "
                   "below 7, not scorable",
            subscores={"raw": 15.0, "answered": 6.0},
        ),
    ),
)
