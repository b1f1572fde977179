"""The FAAM scoring rule, shared by its two subscales.

Each item is 4 (no difficulty) .. 0 (unable); N/A (limited by something other than the
foot or ankle) is ``None`` and leaves the item out. Subscale % = sum / (4 x answered) x 100,
scored only when at least 90 % of the items are answered: 19 of 21 for ADL, 7 of 8 for
Sports (Martin 2005, via physio-pedia; awell-score's 20/21 and 6/7 come from its 7-item
Sports error and are not used).
"""

from __future__ import annotations

from vesalius_sdk import MissingRule, OutcomeMeasure, Score
from vesalius_sdk.measures import Responses
from vesalius_sdk.scoring import answered, percent_of_answered

ANCHORS = {4: "no difficulty", 3: "slight difficulty", 2: "moderate difficulty",
           1: "extreme difficulty", 0: "unable to do"}
LICENCE = (
    "FAAM (Martin et al., Foot Ankle Int 2005) is listed as free to use by the SRALab "
    "Rehabilitation Measures Database. Item labels here are our own short labels; a clinic "
    "may load the published item wording."
)
INSTRUCTIONS = (
    "Answer each item for the past week: 4 no difficulty, 3 slight, 2 moderate, 1 extreme, "
    "0 unable. Leave an item empty (N/A) when something other than the foot or ankle "
    "limits it."
)
MARTIN_2005 = (
    "Martin RL, Irrgang JJ, Burdett RG, Conti SF, Van Swearingen JM. Evidence of validity "
    "for the Foot and Ankle Ability Measure (FAAM). Foot Ankle Int 2005;26(11):968-983"
)
SRALAB = ("Shirley Ryan AbilityLab, Rehabilitation Measures Database: Foot and Ankle Ability "
          "Measure, https://www.sralab.org/rehabilitation-measures/foot-and-ankle-ability-"
          "measures")
SOURCE = f"{MARTIN_2005}; scoring via {SRALAB}"


def missing_rule(items: int, minimum_answered: int) -> MissingRule:
    """The 90 % rule as data: ``items - minimum_answered`` items may be N/A."""
    return MissingRule(
        max_missing=items - minimum_answered,
        text=f"Scored when at least {minimum_answered} of the {items} items are answered "
             "(90 %); N/A items are left out of the maximum.",
        source=f"{MARTIN_2005}, as summarised by the SRALab Rehabilitation Measures "
               "Database and Physiopedia (8-Item Sports Subscale)")


def scorer(minimum_answered: int):
    """A FAAM subscale scorer that needs ``minimum_answered`` non-N/A items."""

    def score(measure: OutcomeMeasure, responses: Responses) -> Score:
        values = answered(responses)
        total = len(measure.items)
        if len(values) < minimum_answered:
            return measure.not_scorable(
                f"{len(values)} of {total} items answered; the FAAM needs at least "
                f"{minimum_answered} (90 %)",
                subscores={"raw": float(sum(values)), "answered": float(len(values))},
            )
        return measure.result(
            percent_of_answered(measure, responses, digits=1),
            complete=len(values) == total,
            reason=None if len(values) == total
            else f"{total - len(values)} item(s) N/A, left out of the maximum",
            subscores={"raw": float(sum(values)), "answered": float(len(values)),
                       "maximum": float(4 * len(values))},
        )

    return score
