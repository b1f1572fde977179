"""Foot Function Index (FFI 1991, 0-10 version), id ``ffi``.

23 items scored 0 (no pain or difficulty) .. 10 (worst): pain 1-9, disability 10-18,
activity limitation 19-23. An item the patient marks not applicable is ``None``.
Each subscale = sum / (10 x applicable items) x 100; the total is the pooled method,
sum of all applicable items / (10 x applicable items) x 100 (the "sum over the applicable
maximum"). The other published total, the mean of the three subscales, is not used; the
subscales are reported beside the total so it can be derived.

No published threshold for N/A items was found; our rule: a subscale with no applicable
item has no score, and the total needs at least one applicable item in every subscale.
"""

from __future__ import annotations

from vesalius_sdk import MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import round_half_up

SUBSCALES: dict[str, range] = {
    "pain": range(0, 9),
    "disability": range(9, 18),
    "activity": range(18, 23),
}
# Our own short labels (FFI item wording is not free to ship).
LABELS = {
    "pain": ("Worst pain", "Pain, first steps in the morning", "Pain walking barefoot",
             "Pain standing barefoot", "Pain walking in shoes", "Pain standing in shoes",
             "Pain walking with orthoses", "Pain standing with orthoses",
             "Pain at the end of the day"),
    "disability": ("Walking in the house", "Walking outside", "Walking four blocks",
                   "Climbing stairs", "Descending stairs", "Standing on tiptoe",
                   "Getting up from a chair", "Climbing kerbs", "Walking fast"),
    "activity": ("Staying indoors all day", "Staying in bed all day",
                 "Limiting activities", "Using a walking aid indoors",
                 "Using a walking aid outdoors"),
}
LICENCE = (
    "FFI (Budiman-Mak, Conrad & Roach, J Clin Epidemiol 1991): SRALab lists it as not free "
    "(actual cost $0.00); permission from Budiman-Mak is needed. Item wording is not "
    "shipped: labels here are our own, and a clinic with permission may load the text."
)


def _percent(values: list[int]) -> float:
    return round_half_up(100 * sum(values) / (10 * len(values)), 2)


def score_ffi(measure: OutcomeMeasure, responses: Responses) -> Score:
    subscores: dict[str, float | None] = {}
    empty = []
    for name, items in SUBSCALES.items():
        values = [responses[i] for i in items if responses[i] is not None]
        subscores[name] = _percent(values) if values else None  # type: ignore[arg-type]
        if not values:
            empty.append(name)
    applicable = [r for r in responses if r is not None]
    subscores["applicable"] = float(len(applicable))
    if empty:
        return measure.not_scorable(
            f"no applicable item in the {' and '.join(empty)} subscale(s)", subscores=subscores
        )
    total = _percent(applicable)
    n_na = len(responses) - len(applicable)
    return measure.result(
        total,
        complete=n_na == 0,
        reason=None if n_na == 0 else f"{n_na} item(s) not applicable, left out of the maximum",
        subscores=subscores,
    )


FFI = OutcomeMeasure(
    id="ffi",
    title="Foot Function Index",
    version="1991 (0-10)",
    items=tuple(
        MeasureItem(id=f"{name}{i}", label=label, minimum=0, maximum=10,
                    anchors={0: "none", 10: "worst"})
        for name, labels in LABELS.items()
        for i, label in enumerate(labels, start=1)
    ),
    scorer=score_ffi,
    direction="higher-is-worse",
    minimum=0,
    maximum=100,
    unit="%",
    licence=LICENCE,
    source="Budiman-Mak E, Conrad KJ, Roach KE. J Clin Epidemiol 1991;44(6):561-570; "
           "scoring via https://www.sralab.org/rehabilitation-measures/foot-function-index",
    instructions="Rate each item for the past week from 0 (none) to 10 (worst). Leave an "
                 "item empty when it does not apply (for example no orthoses).",
    disciplines=("podiatry",),
    # Not a count of items: our per-subscale rule (no published threshold was found).
    missing_rule=MissingRule(text="Items marked not applicable are left out of the maximum; "
                                  "the total needs at least one applicable item in each of "
                                  "the three subscales (our rule: no published threshold "
                                  "was found)."),
    examples=(
        WorkedExample(
            responses=(5,) * 9 + (5, 5, 5, 5, 4, 4, 4, 4, None) + (2,) * 5,
            value=41.36,
            complete=False,
            source="SRALab FFI rule (Budiman-Mak et al. 1991): pain 45/90 = 50.0, "
                   "disability 36/80 = 45.0 (1 N/A), activity 10/50 = 20.0; pooled total "
                   "91/220 = 41.36 %",
            subscores={"pain": 50.0, "disability": 45.0, "activity": 20.0,
                       "applicable": 22.0},
        ),
        WorkedExample(
            responses=(10,) * 23,
            value=100.0,
            complete=True,
            source="SRALab FFI page: all items at the maximum give 230/230 = 100 %",
            subscores={"pain": 100.0, "disability": 100.0, "activity": 100.0,
                       "applicable": 23.0},
        ),
        WorkedExample(
            responses=(3,) * 18 + (None,) * 5,
            value=None,
            complete=False,
            source="Our rule (no published N/A threshold was found): the "
                   "activity subscale has no applicable item, so no total",
            subscores={"pain": 30.0, "disability": 30.0, "activity": None,
                       "applicable": 18.0},
        ),
    ),
)
