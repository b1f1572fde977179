"""Patient Global Impression of Change (PGIC): the patient's own rating of change.

The seven-point improvement scale of the Clinical Global Impression (Guy 1976, ECDEU
Assessment Manual for Psychopharmacology, US DHEW publication ADM 76-338, pp. 217-222),
answered by the patient: 1 very much improved ... 4 no change ... 7 very much worse. The
rating is the score; 1 or 2 ("much" or "very much" improved) is the usual responder
threshold. Item labels here are our own words.
"""

from __future__ import annotations

from vesalius_sdk import Band, MeasureItem, OutcomeMeasure, Score, WorkedExample
from vesalius_sdk.measures import Responses

SOURCE = "Guy 1976, ECDEU Assessment Manual, CGI improvement item (pp. 217-222)"


def score(measure: OutcomeMeasure, responses: Responses) -> Score:
    """The rating itself; nothing to score when it was not given."""
    rating = responses[0]
    if rating is None:
        return measure.not_scorable("the rating was not given")
    return measure.result(float(rating))


PGIC = OutcomeMeasure(
    id="pgic",
    title="Patient Global Impression of Change",
    items=(MeasureItem(id="change", label="Change since care began", minimum=1, maximum=7,
                       anchors={1: "Very much better", 4: "No change",
                                7: "Very much worse"}),),
    scorer=score,
    direction="higher-is-worse",
    minimum=1,
    maximum=7,
    bands=(Band(minimum=1, maximum=2, label="much improved"),
           Band(minimum=3, maximum=5, label="little or no change"),
           Band(minimum=6, maximum=7, label="much worse")),
    licence="Public domain (US government publication, Guy 1976); labels are our own "
            "wording, no published item text is included.",
    source=SOURCE,
    instructions="Ask the patient to rate the change in their condition since care began.",
    examples=(
        WorkedExample(responses=(2,), value=2, band="much improved",
                      source=f"{SOURCE}: 2 = much improved, a responder"),
        WorkedExample(responses=(4,), value=4, band="little or no change",
                      source=f"{SOURCE}: 4 = no change"),
        WorkedExample(responses=(None,), value=None, complete=False,
                      source=f"{SOURCE}: an unanswered rating has no score"),
    ),
)
