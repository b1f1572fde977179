"""Podiatry billing functions against tables of cases and the charge rule.

Sources: the AMA CPT code set (11055-11057 paring by lesion count, 11719-11721 nail care by
nail count); CMS HCPCS Level II modifiers (TA, T1-T9 toe modifiers; Q7-Q9 class findings);
CMS Medicare Benefit Policy Manual (Pub. 100-02), ch. 15, section 290 (class findings A, B
and C for routine foot care).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from vesalius_podiatry.billing import (
    CODE_SET,
    CODES,
    advanced_trophic_changes,
    charge_lines,
    class_finding_modifier,
    class_findings,
    nail_debridement_code,
    paring_code,
    toe_modifier,
)
from vesalius_sdk import ChargeLine


# CPT: 11720 debride 1-5 nails, 11721 six or more.
@pytest.mark.parametrize(
    ("nails", "code"),
    [(0, None), (1, "11720"), (3, "11720"), (5, "11720"), (6, "11721"), (9, "11721"),
     (10, "11721")],
)
def test_nail_debridement_code(nails: int, code: str | None) -> None:
    assert nail_debridement_code(nails) == code


@pytest.mark.parametrize("nails", [-1, 11, 20, 2.5, True, "3", None])
def test_nail_debridement_code_rejects(nails: object) -> None:
    with pytest.raises(ValueError):
        nail_debridement_code(nails)  # type: ignore[arg-type]


# CPT: 11055 one lesion, 11056 two to four, 11057 more than four.
@pytest.mark.parametrize(
    ("lesions", "code"),
    [(0, None), (1, "11055"), (2, "11056"), (4, "11056"), (5, "11057"), (12, "11057")],
)
def test_paring_code(lesions: int, code: str | None) -> None:
    assert paring_code(lesions) == code


@pytest.mark.parametrize("lesions", [-1, 1.0, False])
def test_paring_code_rejects(lesions: object) -> None:
    with pytest.raises(ValueError):
        paring_code(lesions)  # type: ignore[arg-type]


# HCPCS Level II toe modifiers (CMS; listed at hcpcsdata.com/Modifiers/T).
TOES = [
    ("left", 1, "TA"), ("left", 2, "T1"), ("left", 3, "T2"), ("left", 4, "T3"),
    ("left", 5, "T4"), ("right", 1, "T5"), ("right", 2, "T6"), ("right", 3, "T7"),
    ("right", 4, "T8"), ("right", 5, "T9"),
]


@pytest.mark.parametrize(("foot", "digit", "modifier"), TOES)
def test_toe_modifier(foot: str, digit: int, modifier: str) -> None:
    assert toe_modifier(foot, digit) == modifier


def test_toe_modifier_accepts_short_forms() -> None:
    assert toe_modifier("L", 1) == "TA"
    assert toe_modifier("RT", 5) == "T9"
    assert toe_modifier(" Right ", 2) == "T6"


@pytest.mark.parametrize(("foot", "digit"), [("left", 0), ("left", 6), ("both", 1),
                                             ("", 1), ("right", True), ("right", 2.0)])
def test_toe_modifier_rejects(foot: str, digit: object) -> None:
    with pytest.raises(ValueError):
        toe_modifier(foot, digit)  # type: ignore[arg-type]


# Medicare Benefit Policy Manual ch. 15 s. 290: Q7 one Class A; Q8 two Class B; Q9 one
# Class B and two Class C.
@pytest.mark.parametrize(
    ("a", "b", "c", "modifier"),
    [
        (1, 0, 0, "Q7"), (1, 2, 3, "Q7"),
        (0, 2, 0, "Q8"), (0, 3, 0, "Q8"), (0, 2, 2, "Q8"),
        (0, 1, 2, "Q9"), (0, 1, 5, "Q9"),
        (0, 1, 1, None), (0, 0, 5, None), (0, 0, 0, None),
    ],
)
def test_class_finding_modifier(a: int, b: int, c: int, modifier: str | None) -> None:
    assert class_finding_modifier(a, b, c) == modifier


def test_class_finding_modifier_rejects_negative() -> None:
    with pytest.raises(ValueError):
        class_finding_modifier(0, -1, 0)


def test_trophic_changes_count_as_one_class_b_finding_from_three() -> None:
    assert not advanced_trophic_changes(["hair-loss", "rubor"])
    assert advanced_trophic_changes(["hair-loss", "rubor", "nail-thickening"])
    with pytest.raises(ValueError):
        advanced_trophic_changes(["warts"])


def test_class_findings_from_a_note_section() -> None:
    section = {
        "amputation": False,
        "absent_pulses": ["absent-posterior-tibial"],
        "trophic_changes": ["hair-loss", "thin-shiny-skin", "discolouration"],
        "class_c": ["claudication", "burning"],
    }
    assert class_findings(section) == (0, 2, 2)
    assert class_finding_modifier(*class_findings(section)) == "Q8"
    assert class_findings({}) == (0, 0, 0)
    assert class_findings({"amputation": True}) == (1, 0, 0)


def test_codes_registered_in_our_words_with_decimal_fees() -> None:
    assert {"11055", "11056", "11057", "11719", "11720", "11721", "G0127",
            "11730", "11732", "11740", "11750"} <= CODE_SET
    for code in CODES:
        assert isinstance(code.default_fee, Decimal)
        assert not code.timed


def routine(treatment: dict, findings: dict | None = None) -> dict:
    return {"treatment": treatment, "class_findings": findings or {}}


Q9_FINDINGS = {"absent_pulses": ["absent-dorsalis-pedis"],
               "class_c": ["paresthesia", "temperature-change"]}


def test_charge_rule_routine_visit_medicare(note_factory) -> None:
    note = note_factory("podiatry.routine-foot-care", routine(
        {
            "nails_debrided": ["left-nail-1", "left-nail-2", "left-nail-3", "right-nail-1",
                               "right-nail-2", "right-nail-5"],
            "lesions_pared": [{"site": "left-met-head-2", "lesion": "plantar-keratosis"},
                              {"site": "right-digit-5-dorsal", "lesion": "hard-corn"}],
        },
        Q9_FINDINGS,
    ), payer="medicare")
    assert charge_lines(note) == [
        ChargeLine(code="11721", units=1, modifiers=("Q9",)),
        ChargeLine(code="11056", units=1, modifiers=("Q9",)),
    ]


def test_charge_rule_self_pay_gets_no_class_modifier(note_factory) -> None:
    note = note_factory("podiatry.routine-foot-care", routine(
        {"nails_debrided": ["left-nail-1"],
         "lesions_pared": [{"site": "left-heel-plantar", "lesion": "callus"}]},
        Q9_FINDINGS,
    ))
    assert charge_lines(note) == [ChargeLine(code="11720", units=1),
                                  ChargeLine(code="11055", units=1)]


def test_charge_rule_payer_asking_for_q_modifiers(note_factory) -> None:
    note = note_factory("podiatry.routine-foot-care",
                        routine({"nails_debrided": ["left-nail-1"]}, {"amputation": True}),
                        payer="commercial", modifiers=frozenset({"Q7"}))
    assert charge_lines(note) == [ChargeLine(code="11720", units=1, modifiers=("Q7",))]


def test_charge_rule_medicare_without_findings_has_no_q_modifier(note_factory) -> None:
    note = note_factory("podiatry.routine-foot-care",
                        routine({"nails_trimmed_dystrophic": ["right-nail-1"],
                                 "nails_trimmed": ["left-nail-3"]}), payer="medicare")
    assert charge_lines(note) == [ChargeLine(code="G0127", units=1),
                                  ChargeLine(code="11719", units=1)]


def test_charge_rule_per_toe_procedures_carry_toe_modifiers(note_factory) -> None:
    note = note_factory("podiatry.routine-foot-care", routine({
        "nail_procedures": [
            {"nail": "right-nail-1", "procedure": "partial-avulsion", "border": "lateral"},
            {"nail": "left-nail-1", "procedure": "total-avulsion"},
            {"nail": "left-nail-2", "procedure": "haematoma-evacuation"},
            {"nail": "right-nail-5", "procedure": "matrixectomy", "border": "medial"},
        ],
    }))
    assert charge_lines(note) == [
        ChargeLine(code="11730", units=1, modifiers=("T5",)),
        ChargeLine(code="11732", units=1, modifiers=("TA",)),
        ChargeLine(code="11740", units=1, modifiers=("T1",)),
        ChargeLine(code="11750", units=1, modifiers=("T9",)),
    ]


def test_charge_rule_empty_visit_bills_nothing(note_factory) -> None:
    note = note_factory("podiatry.routine-foot-care", {"subjective": {"report": "well"}})
    assert charge_lines(note) == []


@pytest.mark.parametrize(
    ("device", "lines"),
    [
        ({"hcpcs": "L3020", "feet": "both", "bill_with_note": True},
         [ChargeLine(code="L3020", units=1, modifiers=("RT",)),
          ChargeLine(code="L3020", units=1, modifiers=("LT",))]),
        ({"hcpcs": "L3000", "feet": "left", "bill_with_note": True},
         [ChargeLine(code="L3000", units=1, modifiers=("LT",))]),
        ({"hcpcs": "L3000", "feet": "left", "bill_with_note": False}, []),
        ({"hcpcs": "L3000", "feet": "left"}, []),
    ],
)
def test_charge_rule_orthotic_prescription(note_factory, device: dict,
                                           lines: list[ChargeLine]) -> None:
    note = note_factory("podiatry.orthotic-prescription", {"device": device})
    assert charge_lines(note) == lines


def test_charge_rule_bills_only_registered_codes(note_factory) -> None:
    note = note_factory("podiatry.initial-assessment", routine(
        {"nails_debrided": [f"left-nail-{n}" for n in range(1, 6)],
         "nails_trimmed": ["right-nail-1"],
         "lesions_pared": [{"site": "left-arch", "lesion": "callus"}] * 5,
         "nail_procedures": [{"nail": "left-nail-3", "procedure": "partial-avulsion",
                              "border": "medial"}]},
        {"amputation": True}), payer="medicare")
    lines = charge_lines(note)
    assert {line.code for line in lines} <= CODE_SET
    assert [line.code for line in lines] == ["11720", "11719", "11057", "11730"]
    assert lines[-1].modifiers == ("T2",)


# The initial assessment chooses no evaluation code (the evaluation is an E/M code outside
# this pack's code set): it bills exactly the treatment recorded on it, by the same rules
# as a routine visit (CPT counts; Q modifiers per Medicare Benefit Policy Manual ch. 15
# s. 290).
@pytest.mark.parametrize(
    ("document", "payer", "lines"),
    [
        ({}, "self-pay", []),
        ({"presenting": {"complaint": "Thick nails"}, "assessment": {"plan": "Review"}},
         "medicare", []),
        ({"treatment": {"nails_debrided": ["left-nail-1", "left-nail-2"]}}, "self-pay",
         [("11720", ())]),
        ({"treatment": {"nails_debrided": ["left-nail-1"]},
          "class_findings": {"absent_pulses": ["absent-dorsalis-pedis",
                                               "absent-posterior-tibial"]}},
         "medicare", [("11720", ("Q8",))]),
        ({"treatment": {"nail_procedures": [{"nail": "right-nail-1",
                                              "procedure": "matrixectomy",
                                              "border": "medial"}]}},
         "self-pay", [("11750", ("T5",))]),
    ],
)
def test_initial_assessment_bills_the_treatment_given(note_factory, document, payer,
                                                      lines) -> None:
    note = note_factory("podiatry.initial-assessment", document, payer=payer)
    assert [(line.code, line.modifiers) for line in charge_lines(note)] == lines
