"""Signing rules of chiropractic notes."""

from __future__ import annotations

from datetime import date
from typing import Any

from vesalius_chiro.notes import meets_part, part_by_region
from vesalius_chiro.validation import validate
from vesalius_sdk import CaseContext, NoteContext, PayerContext


def _note(template: str, document: dict[str, Any], kind: Any = "commercial",
          diagnosis: tuple[str, ...] = ()) -> NoteContext:
    return NoteContext(template_id=template, template_version=1, document=document,
                       date_of_service=date(2025, 3, 4),
                       case=CaseContext(discipline="chiro", diagnosis_codes=diagnosis,
                                        payer=PayerContext(kind=kind)))


def _adjusted(*regions: str) -> list[dict[str, Any]]:
    return [{"region": r, "type": "adjusted", "attributes": {"technique": "diversified"}}
            for r in regions]


def test_part_rule_two_of_four_one_of_them_a_or_r() -> None:
    # Medicare Benefit Policy Manual, Pub. 100-02, ch. 15, §240.1.2.
    assert meets_part({"A", "P"}) and meets_part({"R", "T"}) and meets_part({"P", "A", "R", "T"})
    assert not meets_part({"P", "T"})
    assert not meets_part({"A"})
    assert not meets_part(set())


def test_part_comes_from_the_table_and_the_chart() -> None:
    note = _note("chiro.visit", {"objective": {
        "part": [{"region": "lumbar", "pain": 4, "rom": "normal", "tissue": "spasm"}],
        "spine": [{"region": "C5", "type": "subluxation", "attributes": {}},
                  {"region": "C6", "type": "tenderness", "attributes": {}},
                  {"region": "D8", "type": "fixation", "attributes": {}}],
    }})
    assert part_by_region(note) == {"lumbar": {"P", "T"}, "cervical": {"A", "P"},
                                    "thoracic": {"R"}}


def test_medicare_active_cmt_needs_part_in_each_region_adjusted() -> None:
    document = {
        "objective": {
            "part": [{"region": "cervical", "pain": 5, "asymmetry": True},
                     {"region": "lumbar", "pain": 5, "tissue": "hypertonic"}],
            "spine": _adjusted("C5", "L5", "head"),
        },
        "treatment": {"care_type": "active"},
    }
    problems = validate(_note("chiro.visit", document, kind="medicare", diagnosis=("M99.01",)))
    assert [p.field for p in problems] == ["objective.part"]
    assert "lumbar region was adjusted but PART shows PT" in problems[0].message


def test_medicare_primary_diagnosis_must_be_spinal_segmental_dysfunction() -> None:
    document = {"objective": {"part": [{"region": "cervical", "asymmetry": True, "pain": 2}],
                              "spine": _adjusted("C5")},
                "treatment": {"care_type": "active"}}
    assert validate(_note("chiro.visit", document, "medicare", ("M99.01", "M54.2"))) == []
    problems = validate(_note("chiro.visit", document, "medicare", ("M54.2", "M99.01")))
    assert len(problems) == 1 and "M99.01-M99.05" in problems[0].message
    assert validate(_note("chiro.visit", document, "medicare", ("M99.08",)))


def test_part_and_diagnosis_rules_are_medicare_and_active_only() -> None:
    document = {"objective": {"spine": _adjusted("C5", "T4")},
                "treatment": {"care_type": "active"}}
    assert validate(_note("chiro.visit", document, kind="commercial")) == []
    document["treatment"]["care_type"] = "maintenance"
    assert validate(_note("chiro.visit", document, kind="medicare")) == []


def test_extraspinal_only_is_not_spinal_cmt() -> None:
    document = {"objective": {"spine": _adjusted("head")}, "treatment": {"care_type": "active"}}
    assert validate(_note("chiro.visit", document, kind="medicare")) == []


def test_exam_diagnosis_names_the_segmental_dysfunction_of_each_subluxation() -> None:
    document = {
        "palpation": {"spine": [
            {"region": "C5", "type": "subluxation", "attributes": {"listing": "PRS"}},
            {"region": "ilium-left", "type": "subluxation", "attributes": {"listing": "PI"}},
            {"region": "T4", "type": "fixation", "attributes": {}},
        ]},
        "assessment": {"diagnosis": ["M99.01", "M54.2"]},
    }
    problems = validate(_note("chiro.initial-exam", document))
    assert [(p.field, p.message) for p in problems] == [(
        "assessment.diagnosis",
        "A subluxation is charted at ilium-left: add segmental dysfunction M99.05")]
    document["assessment"]["diagnosis"].append("M99.05")
    assert validate(_note("chiro.initial-exam", document)) == []


def test_red_flags_need_an_action() -> None:
    document = {"history": {"red_flags": ["night-pain"]}, "assessment": {"diagnosis": []}}
    problems = validate(_note("chiro.initial-exam", document))
    assert [p.field for p in problems] == ["history.red_flag_action"]
    document["history"]["red_flag_action"] = "Referred to GP for bloods."
    assert validate(_note("chiro.initial-exam", document)) == []


def test_adverse_reaction_needs_details() -> None:
    document = {"treatment": {"care_type": "active", "response": "adverse-reaction"}}
    problems = validate(_note("chiro.visit", document))
    assert [p.field for p in problems] == ["treatment.adverse_details"]
    document["treatment"]["adverse_details"] = "Transient dizziness, settled in 5 minutes."
    assert validate(_note("chiro.visit", document)) == []


def test_a_visit_judges_subluxations_by_its_own_codes_else_warns_on_the_cases() -> None:
    spine = [{"region": "L4", "type": "subluxation", "attributes": {}}]
    visit = _note("chiro.visit", {"objective": {"spine": spine}}, diagnosis=("M54.50",))
    [problem] = validate(visit)
    assert (problem.field, problem.severity) == ("assessment.diagnosis", "warning")
    assert "M99.03" in problem.message
    own = _note("chiro.visit", {"objective": {"spine": spine},
                                "assessment": {"diagnosis": ["M54.50"]}})
    assert [p.severity for p in validate(own)] == ["error"]
    carried = _note("chiro.visit", {"objective": {"spine": spine},
                                    "assessment": {"diagnosis": ["M99.03", "M54.50"]}})
    assert validate(carried) == []


def test_cmt_already_charged_today_is_a_warning_naming_the_note() -> None:
    from vesalius_sdk import NoteSummary

    note = _note("chiro.visit", {"objective": {"spine": _adjusted("C5")},
                                 "treatment": {"care_type": "maintenance"}})
    note = note.model_copy(update={"same_day_notes": (
        NoteSummary(id="7", template_id="chiro.initial-exam", charged_codes=("98941",)),)})
    [problem] = validate(note)
    assert (problem.field, problem.severity) == ("objective.spine", "warning")
    assert "note 7" in problem.message and "98940 is not billed again" in problem.message
