"""Signing rules of osteopathic notes."""

from __future__ import annotations

from datetime import date
from typing import Any

from vesalius_osteo.validation import validate
from vesalius_sdk import CaseContext, NoteContext, PayerContext


def _note(template: str, document: dict[str, Any], kind: Any = "commercial",
          diagnoses: tuple[str, ...] = ()) -> NoteContext:
    return NoteContext(template_id=template, template_version=1, document=document,
                       date_of_service=date(2025, 5, 6),
                       case=CaseContext(discipline="osteo", diagnosis_codes=diagnoses,
                                        payer=PayerContext(kind=kind)))


def _marks(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"region": r, "type": t, "attributes": {}} for r, t in pairs]


def test_insurer_billed_region_needs_tart_and_its_m99_code() -> None:
    document = {"findings": {"body": _marks(("lumbar", "restriction"), ("lumbar", "hvla"),
                                            ("head", "cranial"))}}
    problems = validate(_note("osteo.treatment", document, diagnoses=("M99.03",)))
    assert [(p.field, p.message) for p in problems] == [
        ("findings.body", "Head was treated: chart the somatic dysfunction found there (TART)"),
        # The treatment note's own diagnosis field (version 2), judged by the case's codes
        # while it is empty.
        ("diagnosis.codes", "Head was treated: add somatic dysfunction M99.00 to the "
                            "diagnosis"),
    ]
    document["findings"]["body"].append({"region": "head", "type": "tenderness",
                                         "attributes": {}})
    assert validate(_note("osteo.treatment", document, diagnoses=("M99.03", "M99.00"))) == []


def test_initial_assessment_checks_its_own_diagnosis_field() -> None:
    document = {"findings": {"body": _marks(("sacral", "asymmetry"), ("sacral", "articulatory"))},
                "diagnosis": {"codes": ["M54.50"]}}
    problems = validate(_note("osteo.initial-assessment", document, kind="medicare"))
    assert [p.field for p in problems] == ["diagnosis.codes"]
    assert "M99.04" in problems[0].message
    document["diagnosis"]["codes"].append("m99.04")
    assert validate(_note("osteo.initial-assessment", document, kind="medicare")) == []


def test_self_pay_is_not_held_to_billing_documentation() -> None:
    document = {"findings": {"body": _marks(("head", "cranial"))}}
    assert validate(_note("osteo.treatment", document, kind="self-pay")) == []


def test_red_flags_and_adverse_reactions_need_details() -> None:
    document = {"history": {"red_flags": ["chest-abdominal"]},
                "treatment": {"consent": True, "response": "adverse-reaction"}}
    problems = validate(_note("osteo.initial-assessment", document))
    assert [p.field for p in problems] == ["history.red_flag_action",
                                           "treatment.adverse_details"]
    document["history"]["red_flag_action"] = "Same-day GP referral."
    document["treatment"]["adverse_details"] = "Light-headed after HVLA, settled lying down."
    assert validate(_note("osteo.initial-assessment", document)) == []



def test_omt_charged_today_elsewhere_warns_naming_the_note() -> None:
    from vesalius_sdk import NoteSummary

    note = _note("osteo.treatment", {"findings": {"body": _marks(("lumbar", "restriction"),
                                                                 ("lumbar", "hvla"))}},
                 kind="self-pay")
    note = note.model_copy(update={"same_day_notes": (
        NoteSummary(id="3", template_id="osteo.initial-assessment", charged_codes=("98925",)),)})
    [problem] = validate(note)
    assert (problem.field, problem.severity) == ("findings.body", "warning")
    assert "note 3" in problem.message and "not billed again" in problem.message
