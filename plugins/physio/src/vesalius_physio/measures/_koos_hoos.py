"""What KOOS and HOOS (and their JR short forms) share: the response labels, the subscale
rule and the raw-sum-to-interval conversion.

KOOS and HOOS items are scored 0 (no problems) to 4 (extreme problems). Each subscale is
scored on its own: ``100 - mean of the answered items x 100 / 4``, so 100 is no problems
and 0 extreme problems, and only when at least half of its items are answered (the 2012
KOOS and 2013 HOOS missing-item rules; before then two missing items were allowed per
subscale). The developers publish no total: "subscale scores are independent and can be
reported for any number of the individual subscales".

The SDK's :class:`~vesalius_sdk.Score` has one headline ``value`` (what the editor, the
printed note and the case's trend show); here it is the Pain subscale, said in each
measure's title, and all five subscales are in ``subscores``. Pain is the subscale every
patient can answer (Sport/Rec is often left blank soon after a joint replacement, the
scoring sheets' own example) and the one most trials of knee and hip osteoarthritis
report first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vesalius_sdk import MeasureItem, OutcomeMeasure, Score
from vesalius_sdk import Subscale as ShownSubscale
from vesalius_sdk.measures import Scorer
from vesalius_sdk.scoring import answered, round_half_up

#: Our own words for each response step, by the kind of question an item asks.
SEVERITY = {0: "none", 1: "mild", 2: "moderate", 3: "severe", 4: "extreme"}
FREQUENCY = {0: "never", 1: "rarely", 2: "sometimes", 3: "often", 4: "always"}
#: "Can you straighten/bend fully?": 0 is always able, 4 never.
ABILITY = {0: "always", 1: "often", 2: "sometimes", 3: "rarely", 4: "never"}
PAIN_FREQUENCY = {0: "never", 1: "monthly", 2: "weekly", 3: "daily", 4: "always"}
AWARENESS = {0: "never", 1: "monthly", 2: "weekly", 3: "daily", 4: "constantly"}
LIFESTYLE = {0: "not at all", 1: "mildly", 2: "moderately", 3: "severely", 4: "totally"}
CONFIDENCE = {0: "not at all", 1: "mildly", 2: "moderately", 3: "severely", 4: "extremely"}

#: The five subscales, in the order the questionnaires ask them.
SUBSCALE_NAMES = {"symptoms": "Symptoms", "pain": "Pain", "adl": "ADL",
                  "sport_rec": "Sport/Rec", "qol": "QOL"}
#: The subscales as the note editor, the signed note and the case's trend label them.
SHOWN = tuple(ShownSubscale(id=key, label=label) for key, label in (
    ("symptoms", "Symptoms"), ("pain", "Pain"), ("adl", "Daily living (ADL)"),
    ("sport_rec", "Sport and recreation"), ("qol", "Quality of life")))
#: The subscale that is the Score's headline value.
HEADLINE = "pain"

#: The four quality-of-life items, the same in KOOS and HOOS but for the joint named.
QOL_ITEMS = (
    ("q1_awareness", "Q1 Aware of the {joint} problem", AWARENESS),
    ("q2_lifestyle", "Q2 Lifestyle changed to protect the {joint}", LIFESTYLE),
    ("q3_confidence", "Q3 Lack of confidence in the {joint}", CONFIDENCE),
    ("q4_difficulty", "Q4 Overall difficulty with the {joint}", SEVERITY),
)
#: The seventeen daily-living items (WOMAC's function items), the same in KOOS and HOOS.
ADL_ITEMS = tuple(
    (f"a{n}_{key}", f"A{n} {label}", SEVERITY)
    for n, (key, label) in enumerate((
        ("stairs_down", "Descending stairs"),
        ("stairs_up", "Ascending stairs"),
        ("rise_sitting", "Rising from sitting"),
        ("standing", "Standing"),
        ("bend_floor", "Bending to the floor"),
        ("walk_flat", "Walking on the flat"),
        ("car", "In or out of a car"),
        ("shopping", "Going shopping"),
        ("socks_on", "Socks on"),
        ("rise_bed", "Rising from bed"),
        ("socks_off", "Socks off"),
        ("lying_bed", "Lying in bed"),
        ("bath", "In or out of the bath"),
        ("sitting", "Sitting"),
        ("toilet", "On or off the toilet"),
        ("heavy_duties", "Heavy household duties"),
        ("light_duties", "Light household duties"),
    ), start=1)
)


@dataclass(frozen=True)
class Subscale:
    """One subscale: its key in ``subscores`` and the items that make it up."""

    key: str
    items: tuple[tuple[str, str, Mapping[int, str]], ...]

    @property
    def needed(self) -> int:
        """At least half of the items, rounded up (Pain 5 of 9, Symptoms 3 of 5, ...)."""
        return (len(self.items) + 1) // 2


def items_of(subscales: Sequence[Subscale], joint: str) -> tuple[MeasureItem, ...]:
    """The measure's items, subscale by subscale, every response step labelled."""
    return tuple(
        MeasureItem(id=key, label=label.format(joint=joint), minimum=0, maximum=4,
                    anchors=anchors)
        for subscale in subscales for key, label, anchors in subscale.items
    )


def severity_items(pairs: Sequence[tuple[str, str]]) -> tuple[MeasureItem, ...]:
    """Items 0 (none) to 4 (extreme) from ``(id, label)`` pairs: the JR short forms."""
    return tuple(MeasureItem(id=key, label=label, minimum=0, maximum=4, anchors=SEVERITY)
                 for key, label in pairs)


def subscale_score(values: list[int]) -> float:
    """``100 - mean x 100 / 4``, two decimals."""
    return round_half_up(100 - sum(values) / len(values) * 25, 2)


def score_subscales(measure: OutcomeMeasure, subscales: Sequence[Subscale],
                    responses: tuple[int | None, ...]) -> Score:
    """Each subscale by the 50% rule; Pain is the headline value."""
    subscores: dict[str, float | None] = {}
    why: dict[str, str] = {}
    short: list[str] = []
    start = 0
    for subscale in subscales:
        values = answered(responses[start:start + len(subscale.items)])
        start += len(subscale.items)
        if len(values) >= subscale.needed:
            subscores[subscale.key] = subscale_score(values)
        else:
            subscores[subscale.key] = None
            why[subscale.key] = (f"{len(values)} of {len(subscale.items)} answered, "
                                 f"{subscale.needed} needed")
            short.append(f"{SUBSCALE_NAMES[subscale.key]} not scored ({len(values)} of "
                         f"{len(subscale.items)} answered, {subscale.needed} needed)")
    complete = all(r is not None for r in responses)
    if subscores[HEADLINE] is None:
        return measure.not_scorable("; ".join(short), subscores=subscores,
                                    subscore_reasons=why)
    reason = None
    if short:
        reason = "; ".join(short)
    elif not complete:
        reason = "some items unanswered: each subscale is the mean of its answered items"
    return measure.result(subscores[HEADLINE], complete=complete, reason=reason,
                          subscores=subscores, subscore_reasons=why)


def subscale_scorer(subscales: Sequence[Subscale]) -> Scorer:
    """The scorer of a KOOS-style measure made of ``subscales``."""
    def score(measure: OutcomeMeasure, responses: tuple[int | None, ...]) -> Score:
        return score_subscales(measure, subscales, responses)
    return score


def interval_scorer(table: Sequence[float]) -> Scorer:
    """The scorer of a JR short form converted with ``table``."""
    def score(measure: OutcomeMeasure, responses: tuple[int | None, ...]) -> Score:
        return interval_score(measure, table, responses)
    return score


def interval_score(measure: OutcomeMeasure, table: Sequence[float],
                   responses: tuple[int | None, ...]) -> Score:
    """A JR short form: the raw sum looked up in the published interval table.

    Any unanswered item leaves it unscored: the table converts a sum over every item.
    """
    values = answered(responses)
    raw = sum(values)
    if len(values) < len(responses):
        return measure.not_scorable(
            f"{len(responses) - len(values)} of {len(responses)} items unanswered; the "
            "interval table converts the sum of all items, so every item is needed",
            subscores={"raw": None})
    return measure.result(table[raw], subscores={"raw": float(raw)})
