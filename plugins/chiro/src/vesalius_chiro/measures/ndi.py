"""Neck Disability Index (Vernon & Mior 1991), CLINICAL.md §1.2.

Ten items scored 0-5 give a raw score 0-50, reported as a percentage (raw x 2). One item
left blank is imputed with the mean of the other nine ("the average of all other items is
then added to the completed items", Vernon, via chiro.org/LINKS/OUTCOME/Painter_1.shtml);
two or more blanks cannot be scored. Vernon's bands apply to the raw score (imputed where an
item is missing): 0-4 none, 5-14 mild, 15-24 moderate, 25-34 severe, above 34 complete.
"""

from __future__ import annotations

from vesalius_sdk import Band, MeasureItem, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import answered, missing, round_half_up

SOURCE = "Vernon & Mior 1991, via chiro.org/LINKS/OUTCOME/Painter_1.shtml (CLINICAL.md §1.2)"

_ITEMS = (
    ("pain_intensity", "Pain intensity"),
    ("personal_care", "Personal care"),
    ("lifting", "Lifting"),
    ("reading", "Reading"),
    ("headaches", "Headaches"),
    ("concentration", "Concentration"),
    ("work", "Work"),
    ("driving", "Driving"),
    ("sleeping", "Sleeping"),
    ("recreation", "Recreation"),
)

#: Upper bounds of Vernon's raw-score bands; "complete" is anything above 34.
_RAW_BANDS = ((4.0, "none"), (14.0, "mild"), (24.0, "moderate"), (34.0, "severe"))


def vernon_band(raw: float) -> str:
    """Vernon's band for a raw score 0-50 (imputed raw scores fall between the integers:
    17.78 is above 14 and not above 24, so moderate)."""
    for upper, label in _RAW_BANDS:
        if raw <= upper:
            return label
    return "complete"


def _score(measure: OutcomeMeasure, responses: Responses) -> Score:
    blanks = missing(responses)
    if blanks > 1:
        return measure.not_scorable(
            f"{blanks} items unanswered; the NDI imputes one missing item at most"
        )
    raw = float(sum(answered(responses)))
    reason = None
    if blanks == 1:
        raw += raw / 9  # the mean of the nine answered items stands in for the blank one
        reason = "one item unanswered: imputed with the mean of the other nine (Vernon)"
    return measure.result(
        round_half_up(raw * 2, 1),
        band=vernon_band(raw),
        complete=blanks == 0,
        reason=reason,
        subscores={"raw": round_half_up(raw, 2), "answered": float(10 - blanks)},
    )


NDI = OutcomeMeasure(
    id="ndi",
    title="Neck Disability Index",
    items=tuple(
        MeasureItem(id=item_id, label=label, minimum=0, maximum=5,
                    anchors={0: "No disability", 5: "Most severe"})
        for item_id, label in _ITEMS
    ),
    scorer=_score,
    direction="higher-is-worse",
    minimum=0,
    maximum=100,
    unit="%",
    # Vernon's raw bands restated on the percentage (raw x 2), upper bounds inclusive and
    # first match wins, so that every raw score lands in the same band as vernon_band().
    bands=(
        Band(minimum=0, maximum=8, label="none"),
        Band(minimum=8, maximum=28, label="mild"),
        Band(minimum=28, maximum=48, label="moderate"),
        Band(minimum=48, maximum=68, label="severe"),
        Band(minimum=68, maximum=100, label="complete"),
    ),
    mcid=10,
    mcid_source="Vernon (chiro.org Painter_1): 5 raw points = 10 percentage points; other "
                "studies report 7.5-10 raw points (Young/Cleland 2009) (CLINICAL.md §1.2)",
    licence="NDI © Howard Vernon. Licensing for software is unconfirmed, so the published "
            "item wording is not included: items carry our own short labels. A clinic may "
            "load the wording it is licensed to use.",
    item_text_included=False,
    source=SOURCE,
    instructions="One answer 0-5 per section. Report the percentage; the raw score (0-50) "
                 "and Vernon's band are given with it.",
    disciplines=("chiro",),
    examples=(
        WorkedExample(responses=(2, 1, 2, 1, 3, 1, 2, 1, 1, 2), value=32.0, band="moderate",
                      complete=True, subscores={"raw": 16.0},
                      source="CLINICAL.md §1.2 worked example: raw 16 -> 32%, moderate"),
        WorkedExample(responses=(2, 1, 2, 1, 3, 1, 2, None, 2, 2), value=35.6, band="moderate",
                      complete=False, subscores={"raw": 17.78},
                      source="CLINICAL.md §1.2 worked example: driving missing, other nine "
                             "sum 16 -> 16 + 16/9 = 17.78 raw -> 35.6%, moderate"),
        WorkedExample(responses=(1, 1, 0, 1, 0, 1, 0, 0, 0, 0), value=8.0, band="none",
                      complete=True, subscores={"raw": 4.0},
                      source="Vernon & Mior 1991 bands (CLINICAL.md §1.2): raw 4 is none"),
        WorkedExample(responses=(1, 1, 1, 1, 0, 1, 0, 0, 0, 0), value=10.0, band="mild",
                      complete=True, subscores={"raw": 5.0},
                      source="Vernon & Mior 1991 bands (CLINICAL.md §1.2): raw 5 is mild"),
        WorkedExample(responses=(4, 4, 4, 4, 3, 4, 3, 3, 3, 3), value=70.0, band="complete",
                      complete=True, subscores={"raw": 35.0},
                      source="Vernon & Mior 1991 bands (CLINICAL.md §1.2): raw above 34 is "
                             "complete"),
        WorkedExample(responses=(2, 1, 2, 1, 3, 1, 2, None, None, 2), value=None,
                      complete=False,
                      source="Vernon's rule imputes a single missing item (CLINICAL.md "
                             "§1.2); two missing cannot be scored"),
    ),
)
