"""CMT codes by spinal regions adjusted (AMA, CPT Assistant, February 1997)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from vesalius_chiro.billing import CODES, charge_lines, cmt_codes
from vesalius_sdk import CaseContext, NoteContext, PayerContext

CASES = [
    ([], []),
    (["C5"], ["98940"]),
    (["C3", "C5", "C7"], ["98940"]),  # several segments of one region count once
    (["occiput"], ["98940"]),  # the atlanto-occipital joint is cervical
    (["occiput", "C1", "C2"], ["98940"]),
    (["rib4-left"], ["98940"]),  # costovertebral joints are thoracic
    (["rib4-left", "T4", "rib12-right"], ["98940"]),
    (["ilium-left", "ilium-right"], ["98940"]),  # both sacro-iliac joints: one pelvic region
    (["sacrum", "coccyx"], ["98940"]),
    (["C5", "T4"], ["98940"]),
    (["C5", "T4", "L5"], ["98941"]),
    (["C5", "rib2-right", "L5", "sacrum"], ["98941"]),
    (["occiput", "T1", "L3", "coccyx", "ilium-right"], ["98942"]),
    (["C1", "C2", "T6", "T7", "L4", "L5", "sacrum", "ilium-left", "ilium-right"], ["98942"]),
    (["head"], ["98943"]),  # extraspinal only
    (["rib-cage", "abdomen", "upper-extremity-left"], ["98943"]),
    (["C5", "head"], ["98940", "98943"]),
    (["C5", "T4", "L5", "lower-extremity-right"], ["98941", "98943"]),
    (["C5", "C5", "C5"], ["98940"]),  # duplicates
    (["T1", "T1", "L1", "L1", "rib-cage", "rib-cage"], ["98940", "98943"]),
    (["D6", "C0"], ["98940"]),  # aliases
]


@pytest.mark.parametrize(("adjusted", "codes"), CASES)
def test_cmt_codes(adjusted: list[str], codes: list[str]) -> None:
    assert cmt_codes(adjusted) == codes


def test_cmt_codes_takes_any_iterable() -> None:
    assert cmt_codes(iter(["C5", "L5", "T5"])) == ["98941"]
    assert cmt_codes(r for r in ("sacrum",)) == ["98940"]


@pytest.mark.parametrize("unknown", ["C8", "T13", "rib13-left", "c5", "pelvis", ""])
def test_unknown_id_is_an_error_naming_it(unknown: str) -> None:
    with pytest.raises(ValueError, match=repr(unknown)):
        cmt_codes(["C5", unknown])


def test_codes_are_registered_in_own_words_with_decimal_fees() -> None:
    assert [c.code for c in CODES] == ["98940", "98941", "98942", "98943"]
    for code in CODES:
        assert isinstance(code.default_fee, Decimal)
        assert not code.timed
        assert "manipulative treatment" not in code.label.lower()  # not the CPT descriptor


def _visit(adjusted: list[str], care: str | None = "active",
           modifiers: frozenset[str] = frozenset(), kind: Any = "commercial") -> NoteContext:
    marks = [{"region": r, "type": "adjusted", "attributes": {"technique": "diversified"}}
             for r in adjusted]
    marks.append({"region": "T9", "type": "tenderness", "attributes": {}})
    treatment = {"care_type": care} if care else {}
    return NoteContext(
        template_id="chiro.visit", template_version=1, date_of_service=date(2025, 3, 4),
        document={"objective": {"spine": marks}, "treatment": treatment},
        case=CaseContext(discipline="chiro",
                         payer=PayerContext(kind=kind, modifiers=modifiers)),
    )


def test_charge_rule_bills_the_cmt_code_of_the_adjusted_marks() -> None:
    lines = charge_lines(_visit(["C5", "T4", "L5", "head"]))
    assert [(line.code, line.units, line.modifiers) for line in lines] == [
        ("98941", 1, ()), ("98943", 1, ())]


def test_at_modifier_on_active_treatment_when_the_payer_asks() -> None:
    lines = charge_lines(_visit(["C5", "head"], modifiers=frozenset({"AT"}), kind="medicare"))
    assert [(line.code, line.modifiers) for line in lines] == [("98940", ("AT",)), ("98943", ())]


def test_no_at_modifier_on_maintenance_care() -> None:
    lines = charge_lines(_visit(["C5"], care="maintenance", modifiers=frozenset({"AT"})))
    assert [(line.code, line.modifiers) for line in lines] == [("98940", ())]


def test_no_at_modifier_when_the_payer_does_not_ask() -> None:
    lines = charge_lines(_visit(["C5", "L1"]))
    assert [(line.code, line.modifiers) for line in lines] == [("98940", ())]


def test_nothing_adjusted_bills_nothing() -> None:
    assert charge_lines(_visit([])) == []


def test_same_segment_marked_twice_bills_once() -> None:
    lines = charge_lines(_visit(["L5", "L5", "L4"]))
    assert [(line.code, line.units) for line in lines] == [("98940", 1)]


def test_adjustments_on_an_initial_exam_are_billed_too() -> None:
    note = NoteContext(
        template_id="chiro.initial-exam", template_version=1, date_of_service=date(2025, 3, 4),
        document={"palpation": {"spine": [
            {"region": "C2", "type": "adjusted", "attributes": {"technique": "gonstead"}},
            {"region": "ilium-left", "type": "adjusted", "attributes": {"technique": "sot"}},
            {"region": "T4", "type": "adjusted", "attributes": {"technique": "activator"}},
        ]}, "plan": {"care_type": "active"}},
        case=CaseContext(discipline="chiro", payer=PayerContext(modifiers=frozenset({"AT"}))),
    )
    assert [(line.code, line.modifiers) for line in charge_lines(note)] == [("98941", ("AT",))]


# What each visit kind's default template bills, with the case's other notes of the day
# (SDK 0.2 same_day_notes). Codes: CPT 98940-98943, one CMT code per encounter (AMA CPT
# Assistant, February 1997); CMS medically unlikely edits: one unit of each per day; AT on
# active spinal CMT where the payer asks (Medicare Benefit Policy Manual, ch. 15,
# §240.1.3). No template field chooses a code: the chart's "adjusted" marks do.
DEFAULT_TEMPLATE_TABLE = [
    # (template, chart section, adjusted, phase, codes charged today elsewhere, lines)
    ("chiro.initial-exam", "palpation", [], "active", (), []),
    ("chiro.initial-exam", "palpation", ["C5"], "active", (), [("98940", ("AT",))]),
    ("chiro.initial-exam", "palpation", ["C5", "T4", "L5"], "maintenance", (),
     [("98941", ())]),
    ("chiro.initial-exam", "palpation", ["C5", "head"], "active", ("98940",),
     [("98943", ())]),
    ("chiro.visit", "objective", ["C5", "head"], "active", (), [("98940", ("AT",)),
                                                                 ("98943", ())]),
    ("chiro.visit", "objective", ["C5", "T4", "L5"], "active", ("98942",), []),
    ("chiro.visit", "objective", ["head"], "active", ("98940",), [("98943", ())]),
    ("chiro.visit", "objective", ["C5", "head"], "active", ("98943", "97140"),
     [("98940", ("AT",))]),
    ("chiro.visit", "objective", ["C5"], "active", ("97140",), [("98940", ("AT",))]),
]


@pytest.mark.parametrize(("template", "section", "adjusted", "phase", "today", "lines"),
                         DEFAULT_TEMPLATE_TABLE)
def test_default_templates_bill_cmt_once_a_day(template: str, section: str,
                                               adjusted: list[str], phase: str,
                                               today: tuple[str, ...], lines: list) -> None:
    from vesalius_chiro.templates import BY_ID
    from vesalius_sdk import NoteSummary

    marks = [{"region": r, "type": "adjusted", "attributes": {"technique": "diversified"}}
             for r in adjusted]
    phase_section = "plan" if template == "chiro.initial-exam" else "treatment"
    note = NoteContext(
        template_id=template, template_version=2, date_of_service=date(2025, 3, 4),
        template=BY_ID[template],
        document={section: {"spine": marks}, phase_section: {"care_type": phase}},
        case=CaseContext(discipline="chiro",
                         payer=PayerContext(kind="medicare", modifiers=frozenset({"AT"}))),
        same_day_notes=(NoteSummary(id="7", template_id="chiro.visit", signed=True,
                                    charged_codes=today),) if today else (),
    )
    assert [(line.code, line.modifiers) for line in charge_lines(note)] == lines
