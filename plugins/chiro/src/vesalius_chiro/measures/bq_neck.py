"""Bournemouth Questionnaire, neck version (Bolton & Humphreys 2002).

The neck version changes only the examples of the daily-activities item. We found no
published minimal clinically important change for the neck version, so none is set.
"""

from __future__ import annotations

from vesalius_sdk import OutcomeMeasure

from . import _bournemouth as bq

BQ_NECK = OutcomeMeasure(
    id="bq-neck",
    title="Bournemouth Questionnaire (neck)",
    items=bq.items("Interference with daily activities (lifting, reading, driving)"),
    scorer=bq.score,
    direction="higher-is-worse",
    minimum=0,
    maximum=70,
    unit="points",
    licence=bq.LICENCE,
    item_text_included=False,
    source=bq.NECK,
    missing_rule=bq.MISSING,
    instructions="Seven ratings 0-10 about the past week; every item is needed.",
    disciplines=("chiro",),
    examples=bq.examples(bq.NECK),
)
