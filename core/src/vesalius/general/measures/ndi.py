"""Neck Disability Index (Vernon H, Mior S. J Manipulative Physiol Ther 1991;14(7):409-15).

Ten items scored 0-5 give a raw score 0-50, reported as a percentage (raw x 2). One item
left blank is imputed with the mean of the other nine ("the average of all other items is
then added to the completed items", Vernon's scoring instructions as quoted by chiro.org,
https://www.chiro.org/LINKS/OUTCOME/Painter_1.shtml); two or more blanks cannot be scored.
The item statements are not shipped (licence unconfirmed), so every response step carries
our own label. Vernon's bands apply to the raw score (imputed where an
item is missing): 0-4 none, 5-14 mild, 15-24 moderate, 25-34 severe, above 34 complete.

Owned by the core's ``general`` pack; up to vesalius-chiro 0.2.0 it was the chiro pack's,
with the same id, version, scoring and examples, so results recorded under either owner
trend together.
"""

from __future__ import annotations

from vesalius_sdk import Band, MeasureItem, MissingRule, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import answered, missing, round_half_up

SOURCE = ("Vernon H, Mior S. The Neck Disability Index: a study of reliability and validity. "
          "J Manipulative Physiol Ther 1991;14(7):409-15.")
SCORING = ("Vernon's scoring instructions, as quoted by chiro.org "
           "(https://www.chiro.org/LINKS/OUTCOME/Painter_1.shtml)")
#: Our own labels of the six steps of every section (first statement 0 to last 5).
ANCHORS = {0: "none / no disability", 1: "slight", 2: "moderate", 3: "fairly severe",
           4: "very severe", 5: "worst / unable"}

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
                    anchors=ANCHORS)
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
    mcid_source="Vernon's scoring notes (chiro.org, Painter_1): 5 raw points = 10 percentage "
                "points; Young BA et al., Responsiveness of the Neck Disability Index in "
                "patients with mechanical neck disorders, Spine J 2009;9(10):802-8, report "
                "7.5 raw points with a minimal detectable change of 10.2.",
    licence="NDI © Howard Vernon. Licensing for software is unconfirmed, so the published "
            "item wording is not included: items carry our own short labels. A clinic may "
            "load the wording it is licensed to use.",
    item_text_included=False,
    source=SOURCE,
    missing_rule=MissingRule(
        max_missing=1,
        text="One section may be unanswered: it takes the mean of the other nine. Two or "
             "more: not scored.",
        source=SCORING,
    ),
    instructions="One answer 0-5 per section. Report the percentage; the raw score (0-50) "
                 "and Vernon's band are given with it.",
    examples=(
        WorkedExample(responses=(2, 1, 2, 1, 3, 1, 2, 1, 1, 2), value=32.0, band="moderate",
                      complete=True, subscores={"raw": 16.0},
                      source=f"{SCORING}: raw 16 x 2 = 32%, moderate (15-24)"),
        WorkedExample(responses=(2, 1, 2, 1, 3, 1, 2, None, 2, 2), value=35.6, band="moderate",
                      complete=False, subscores={"raw": 17.78},
                      source=f"{SCORING}: driving missing, other nine sum 16 -> 16 + 16/9 "
                             "= 17.78 raw -> 35.6%, moderate"),
        WorkedExample(responses=(1, 1, 0, 1, 0, 1, 0, 0, 0, 0), value=8.0, band="none",
                      complete=True, subscores={"raw": 4.0},
                      source="Vernon & Mior 1991 bands: raw 4 is none"),
        WorkedExample(responses=(1, 1, 1, 1, 0, 1, 0, 0, 0, 0), value=10.0, band="mild",
                      complete=True, subscores={"raw": 5.0},
                      source="Vernon & Mior 1991 bands: raw 5 is mild"),
        WorkedExample(responses=(4, 4, 4, 4, 3, 4, 3, 3, 3, 3), value=70.0, band="complete",
                      complete=True, subscores={"raw": 35.0},
                      source="Vernon & Mior 1991 bands: raw above 34 is complete"),
        WorkedExample(responses=(2, 1, 2, 1, 3, 1, 2, None, None, 2), value=None,
                      complete=False,
                      source=f"{SCORING}: a single missing item is imputed; two missing "
                             "cannot be scored"),
    ),
)
