"""acupuncture_codes against a table of cases and the charge rule.

Source of the rules: the AMA's CPT guidelines for 97810-97814 (American Medical Association,
CPT Professional Edition, Physical Medicine and Rehabilitation, Acupuncture): 15-minute
increments of personal one-on-one contact; an increment with electro-stimulation on any
needle uses 97813/97814; one initial code (97810 or 97813) per day, further increments are
the add-on codes.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from vesalius_acupuncture.billing import (
    CODE_SET,
    CODES,
    acupuncture_codes,
    charge_lines,
    increments_for_minutes,
)
from vesalius_sdk import ChargeLine, NoteSummary

T, F = True, False


@pytest.mark.parametrize(
    ("increments", "codes"),
    [
        ([], {}),
        ((), {}),
        ([F], {"97810": 1}),
        ([T], {"97813": 1}),
        # 30 min, e-stim only in the second increment
        ([F, T], {"97810": 1, "97814": 1}),
        # 45 min with e-stim throughout
        ([T, T, T], {"97813": 1, "97814": 2}),
        ([F, F], {"97810": 1, "97811": 1}),
        ([T, F], {"97813": 1, "97811": 1}),
        ([F, F, T, F], {"97810": 1, "97811": 2, "97814": 1}),
        ([T, F, T, F, T], {"97813": 1, "97811": 2, "97814": 2}),
        ([F] * 4, {"97810": 1, "97811": 3}),
    ],
)
def test_acupuncture_codes(increments, codes: dict[str, int]) -> None:
    assert acupuncture_codes(increments) == codes
    assert sum(codes.values()) == len(increments)
    # only one initial code, ever
    assert codes.get("97810", 0) + codes.get("97813", 0) == (1 if increments else 0)


@pytest.mark.parametrize("increments", [[1, 0], [None], ["yes"], "TF", [True, "no"]])
def test_acupuncture_codes_rejects_non_booleans(increments) -> None:
    with pytest.raises(ValueError):
        acupuncture_codes(increments)


def test_acupuncture_codes_takes_any_sequence() -> None:
    assert acupuncture_codes((False, True)) == {"97810": 1, "97814": 1}


# The midpoint rule (CMS, Medicare Claims Processing Manual 100-04, ch. 5, section 20.2):
# 20 min without e-stim is one unit; a second needs at least 23 minutes.
@pytest.mark.parametrize(
    ("minutes", "increments"),
    [(0, 0), (7, 0), (8, 1), (15, 1), (20, 1), (22, 1), (23, 2), (30, 2), (37, 2),
     (38, 3), (45, 3), (53, 4), (60, 4)],
)
def test_increments_for_minutes(minutes: int, increments: int) -> None:
    assert increments_for_minutes(minutes) == increments


def test_codes_registered_in_our_words_with_decimal_fees() -> None:
    assert {"97810", "97811", "97813", "97814"} == CODE_SET
    for code in CODES:
        assert isinstance(code.default_fee, Decimal) and code.timed
        assert code.unit_minutes == 15


def test_charge_rule_reads_the_increments(note_factory) -> None:
    note = note_factory({"contact": {"contact_minutes": 45, "increments": [
        {"electro": False, "activity": "intake, needling"},
        {"electro": True, "activity": "e-stim ST36-ST37"},
        {"electro": True},
    ]}})
    assert charge_lines(note) == [
        ChargeLine(code="97810", units=1, minutes=15),
        ChargeLine(code="97814", units=2, minutes=30),
    ]


def test_charge_rule_nothing_recorded(note_factory) -> None:
    assert charge_lines(note_factory({"points": {"needle_count": 6}})) == []


def test_charge_rule_on_intake_with_treatment(note_factory) -> None:
    note = note_factory({"contact": {"increments": [{}]}}, template="acupuncture.intake")
    assert charge_lines(note) == [ChargeLine(code="97810", units=1, minutes=15)]


def summary(*charged: str, template: str = "acupuncture.treatment") -> NoteSummary:
    return NoteSummary(id="other", template_id=template, signed=True, charged_codes=charged)


# One initial code per day (CPT guidelines for 97810-97814): the case's other note of the
# same day decides whether this note's first increment is an initial or an add-on code.
@pytest.mark.parametrize(
    ("increments", "same_day", "lines"),
    [
        # no other note today: the first increment is the initial code
        ([F, T], (), [("97810", 1), ("97814", 1)]),
        ([T], (), [("97813", 1)]),
        # an earlier note today charged 97810: every increment is an add-on
        ([F, T], (summary("97810", "97814"),), [("97811", 1), ("97814", 1)]),
        ([F], (summary("97810"),), [("97811", 1)]),
        # ... or 97813, with electro-stimulation: still one initial code per day
        ([T, T], (summary("97813"),), [("97814", 2)]),
        # an intake earlier today that billed the initial code counts the same
        ([F], (summary("97813", template="acupuncture.intake"),), [("97811", 1)]),
        # another note today that charged add-ons only, or nothing: ours is the initial
        ([F, F], (summary("97811"),), [("97810", 1), ("97811", 1)]),
        ([T], (summary(),), [("97813", 1)]),
        # nothing recorded today: nothing billed, whatever the other note charged
        ([], (summary("97810"),), []),
    ],
)
def test_one_initial_code_per_day(note_factory, increments, same_day, lines) -> None:
    note = note_factory({"contact": {"increments": [{"electro": e} for e in increments]}})
    note = note.model_copy(update={"same_day_notes": same_day})
    assert [(line.code, line.units) for line in charge_lines(note)] == lines


@pytest.mark.parametrize(("increments", "codes"), [
    ([F], {"97811": 1}), ([T], {"97814": 1}), ([F, T, F], {"97811": 2, "97814": 1}),
    ([], {}),
])
def test_acupuncture_codes_after_the_initial_code(increments, codes) -> None:
    assert acupuncture_codes(increments, initial_billed=True) == codes
