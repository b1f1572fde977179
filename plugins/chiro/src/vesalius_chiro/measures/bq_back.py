"""Bournemouth Questionnaire, back version (Bolton & Breen 1999)."""

from __future__ import annotations

from vesalius_sdk import OutcomeMeasure

from . import _bournemouth as bq

BQ_BACK = OutcomeMeasure(
    id="bq-back",
    title="Bournemouth Questionnaire (back)",
    items=bq.items("Interference with daily activities (walking, stairs, getting out of bed)"),
    scorer=bq.score,
    direction="higher-is-worse",
    minimum=0,
    maximum=70,
    unit="points",
    # Newell & Bolton (Spine 2010) found 26 points for acute and 18 for subacute/chronic low
    # back pain; the smaller is the default because most chiropractic episodes are not acute.
    mcid=18,
    mcid_source="Newell D, Bolton JE. Responsiveness of the Bournemouth Questionnaire in "
                "determining minimal clinically important change in subgroups of low back "
                "pain patients. Spine 2010;35(19):1801-6: 18 points subacute/chronic, 26 "
                "points acute.",
    licence=bq.LICENCE,
    item_text_included=False,
    source=bq.BACK,
    missing_rule=bq.MISSING,
    instructions="Seven ratings 0-10 about the past week; every item is needed.",
    disciplines=("chiro",),
    examples=bq.examples(bq.BACK),
)
