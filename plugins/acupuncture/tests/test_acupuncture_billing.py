"""acupuncture_codes against a table of cases (CLINICAL.md §2.8) and the charge rule."""

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
from vesalius_sdk import ChargeLine

T, F = True, False


@pytest.mark.parametrize(
    ("increments", "codes"),
    [
        ([], {}),
        ((), {}),
        ([F], {"97810": 1}),
        ([T], {"97813": 1}),
        # CLINICAL.md §2.8: 30 min, e-stim only in the second increment
        ([F, T], {"97810": 1, "97814": 1}),
        # CLINICAL.md §2.8: 45 min with e-stim throughout
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


# CLINICAL.md §2.8: 20 min without e-stim is one unit; a second needs at least 23 minutes.
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
