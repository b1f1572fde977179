"""OMT codes by body regions treated (AAP OMT coding fact sheet)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from vesalius_osteo.billing import CODES, charge_lines, omt_code
from vesalius_osteo.regions import REGIONS
from vesalius_sdk import CaseContext, NoteContext, PayerContext

CASES = [
    ([], None),
    (["head"], "98925"),
    (["cervical", "thoracic"], "98925"),
    (["cervical", "thoracic", "lumbar"], "98926"),
    (["cervical", "thoracic", "lumbar", "sacral"], "98926"),
    (["cervical", "thoracic", "lumbar", "sacral", "pelvic"], "98927"),
    (list(REGIONS[:6]), "98927"),
    (list(REGIONS[:7]), "98928"),
    (list(REGIONS[:8]), "98928"),
    (list(REGIONS[:9]), "98929"),
    (list(REGIONS), "98929"),
    (["lumbar", "lumbar", "lumbar"], "98925"),  # duplicates count once
    (["rib-cage", "thoracic", "rib-cage", "thoracic", "abdomen"], "98926"),
    # Both upper extremities are one region, so the chart has one id for them.
    (["upper-extremities", "lower-extremities"], "98925"),
    (list(REGIONS) * 2, "98929"),
]


@pytest.mark.parametrize(("treated", "code"), CASES)
def test_omt_code(treated: list[str], code: str | None) -> None:
    assert omt_code(treated) == code


def test_omt_code_takes_any_iterable() -> None:
    assert omt_code(r for r in ("head", "cervical", "thoracic")) == "98926"
    assert omt_code(iter([])) is None


@pytest.mark.parametrize("unknown", ["neck", "Head", "upper-extremity-left", "ribs", ""])
def test_unknown_region_is_an_error_naming_it(unknown: str) -> None:
    with pytest.raises(ValueError, match=repr(unknown)):
        omt_code(["head", unknown])


def test_codes_are_registered_in_own_words_with_decimal_fees() -> None:
    assert [c.code for c in CODES] == ["98925", "98926", "98927", "98928", "98929"]
    for code in CODES:
        assert isinstance(code.default_fee, Decimal) and not code.timed
        assert "manipulative treatment" not in code.label.lower()


def _note(marks: list[dict[str, Any]], template: str = "osteo.treatment") -> NoteContext:
    return NoteContext(template_id=template, template_version=1,
                       date_of_service=date(2025, 5, 6),
                       document={"findings": {"body": marks}},
                       case=CaseContext(discipline="osteo", payer=PayerContext()))


def _mark(region: str, kind: str) -> dict[str, Any]:
    return {"region": region, "type": kind, "attributes": {}}


def test_charge_rule_counts_regions_with_a_technique_mark() -> None:
    marks = [_mark("thoracic", "restriction"), _mark("thoracic", "hvla"),
             _mark("thoracic", "muscle-energy"), _mark("lumbar", "tenderness"),
             _mark("sacral", "articulatory"), _mark("head", "cranial")]
    lines = charge_lines(_note(marks))
    assert [(line.code, line.units, line.modifiers) for line in lines] == [("98926", 1, ())]


def test_findings_without_treatment_bill_nothing() -> None:
    assert charge_lines(_note([_mark("lumbar", "tenderness")])) == []
    assert charge_lines(_note([])) == []


def test_initial_assessment_bills_the_treatment_given_that_day() -> None:
    note = _note([_mark("pelvic", "muscle-energy")], template="osteo.initial-assessment")
    assert [line.code for line in charge_lines(note)] == ["98925"]



# What each visit kind's default template bills, with the case's other notes of the day
# (SDK 0.2 same_day_notes). Codes: CPT 98925-98929 by body regions treated (American Academy
# of Pediatrics, "Osteopathic Manipulative Treatment Coding Fact Sheet"); one OMT code per
# encounter and CMS's medically unlikely edits of one unit a day. No template field chooses
# a code: the chart's technique marks do.
TODAY_TABLE = [
    # (template, regions with a technique, codes charged today elsewhere, codes billed)
    ("osteo.initial-assessment", [], (), []),
    ("osteo.initial-assessment", ["cervical", "thoracic", "lumbar"], (), ["98926"]),
    ("osteo.initial-assessment", ["cervical"], ("98925",), []),
    ("osteo.treatment", ["head", "pelvic"], (), ["98925"]),
    ("osteo.treatment", ["head", "pelvic"], ("98927",), []),
    ("osteo.treatment", ["head", "pelvic", "sacral"], ("99203",), ["98926"]),
    ("osteo.treatment", ["lumbar"], ("97140", "98929"), []),
]


@pytest.mark.parametrize(("template", "treated", "today", "codes"), TODAY_TABLE)
def test_omt_is_billed_once_a_day_whichever_template(template: str, treated: list[str],
                                                     today: tuple[str, ...],
                                                     codes: list[str]) -> None:
    from vesalius_sdk import NoteSummary

    summaries = (NoteSummary(id="3", template_id="osteo.treatment", charged_codes=today),)
    note = _note([_mark(region, "articulatory") for region in treated], template)
    note = note.model_copy(update={"same_day_notes": summaries if today else ()})
    assert [line.code for line in charge_lines(note)] == codes
