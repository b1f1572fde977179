"""Bournemouth Questionnaire, back version (Bolton & Breen 1999), CLINICAL.md §1.13."""

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
    mcid_source="Newell & Bolton, Spine 2010: 18 points subacute/chronic, 26 points acute low "
                "back pain (CLINICAL.md §1.13)",
    licence=bq.LICENCE,
    item_text_included=False,
    source=bq.SOURCE,
    instructions="Seven ratings 0-10 about the past week; every item is needed.",
    disciplines=("chiro",),
    examples=bq.examples("back"),
)
