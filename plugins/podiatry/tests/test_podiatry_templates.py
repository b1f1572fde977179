"""Templates validate documents against the pack's chart and measures; cross-field rules."""

from __future__ import annotations

from importlib.metadata import entry_points

import pluggy
import pytest
from vesalius_podiatry.charts import FEET_CHART
from vesalius_podiatry.measures import MEASURES
from vesalius_podiatry.plugin import pack
from vesalius_podiatry.templates import (
    INITIAL_ASSESSMENT,
    ORTHOTIC_PRESCRIPTION,
    ROUTINE_FOOT_CARE,
    TEMPLATES,
)
from vesalius_podiatry.validation import validate
from vesalius_sdk import (
    DocumentError,
    MeasureField,
    NoteSummary,
    Pack,
    carried_forward,
    document_model,
    hookspecs,
    missing_required,
    validate_document,
)

CHARTS = {FEET_CHART.id: FEET_CHART}
MEASURE_INDEX = {m.id: m for m in MEASURES}


def model(template):
    return document_model(template, CHARTS, MEASURE_INDEX)


ROUTINE_DOC = {
    "subjective": {"report": "Nails painful in shoes", "pain_now": 3},
    "coverage": {"conditions": ["diabetes-type-2", "peripheral-neuropathy"],
                 "physician_last_seen": "2025-01-20", "diagnoses": ["E11.42", "B35.1"]},
    "class_findings": {"absent_pulses": ["absent-dorsalis-pedis"],
                       "class_c": ["paresthesia", "burning"]},
    "findings": {"foot_chart": [
        {"region": "left-nail-1", "type": "onychomycosis", "attributes": {"thickness_mm": 3}},
        {"region": "left-met-head-2", "type": "plantar-keratosis",
         "attributes": {"size_mm": 5}},
    ]},
    "treatment": {
        "nails_debrided": ["left-nail-1", "left-nail-2", "right-nail-1"],
        "lesions_pared": [{"site": "left-met-head-2", "lesion": "plantar-keratosis",
                           "size_mm": 5}],
    },
    "plan": {"next_visit_weeks": 9},
}


def test_every_template_builds_a_document_model() -> None:
    assert [t.id for t in TEMPLATES] == ["podiatry.initial-assessment",
                                         "podiatry.routine-foot-care",
                                         "podiatry.orthotic-prescription"]
    for template in TEMPLATES:
        assert template.discipline == "podiatry"
        assert validate_document(model(template), {}) == {}
        for _, field in template.references():
            target = getattr(field, "chart", None) or getattr(field, "measure", None)
            assert target in CHARTS or target in MEASURE_INDEX


def test_routine_visit_document_validates() -> None:
    data = validate_document(model(ROUTINE_FOOT_CARE), ROUTINE_DOC)
    assert data["treatment"]["nails_debrided"] == ["left-nail-1", "left-nail-2", "right-nail-1"]
    assert missing_required(ROUTINE_FOOT_CARE, data) == []


def test_document_rejects_a_nail_condition_on_skin() -> None:
    doc = {"findings": {"foot_chart": [{"region": "left-heel-plantar",
                                        "type": "onychomycosis"}]}}
    with pytest.raises(DocumentError) as error:
        validate_document(model(ROUTINE_FOOT_CARE), doc)
    assert error.value.problems[0].field.startswith("findings.foot_chart")
    assert "nail condition" in str(error.value)


def test_document_rejects_unknown_nail_and_measure_out_of_range() -> None:
    with pytest.raises(DocumentError):
        validate_document(model(ROUTINE_FOOT_CARE),
                          {"treatment": {"nails_debrided": ["left-nail-6"]}})
    with pytest.raises(DocumentError):
        validate_document(model(INITIAL_ASSESSMENT),
                          {"assessment": {"faam_sports": {"responses": [5] * 8}}})


def test_initial_assessment_required_fields() -> None:
    missing = {p.field for p in missing_required(INITIAL_ASSESSMENT, {})}
    assert missing == {"presenting.complaint", "assessment.impression", "assessment.plan"}


def test_validation_nail_in_two_kinds_of_care(note_factory) -> None:
    note = note_factory("podiatry.routine-foot-care", {"treatment": {
        "nails_debrided": ["left-nail-1"], "nails_trimmed": ["left-nail-1"]}})
    assert "more than one kind of nail care" in validate(note)[0].message


def test_validation_nail_procedure_rows(note_factory) -> None:
    note = note_factory("podiatry.routine-foot-care", {"treatment": {"nail_procedures": [
        {"nail": "right-nail-1", "procedure": "partial-avulsion"},
        {"nail": "right-nail-1", "procedure": "haematoma-evacuation"},
        {"procedure": "total-avulsion"},
    ]}})
    messages = [p.message for p in validate(note)]
    assert any("say which border" in m for m in messages)
    assert any("2 nail procedures" in m for m in messages)
    assert any("give the nail and the procedure" in m for m in messages)


def test_validation_medicare_needs_a_qualifying_condition(note_factory) -> None:
    """A warning: the care may be given and billed to the patient, the note is not wrong."""
    doc = {"treatment": {"nails_debrided": ["left-nail-1"]}}
    problems = validate(note_factory("podiatry.routine-foot-care", doc, payer="medicare"))
    assert [(p.field, p.severity) for p in problems] == [("coverage.conditions", "warning")]
    assert not problems[0].blocks_signing
    assert validate(note_factory("podiatry.routine-foot-care", doc)) == []
    doc["coverage"] = {"conditions": ["peripheral-arterial-disease"]}
    assert validate(note_factory("podiatry.routine-foot-care", doc, payer="medicare")) == []


def test_validation_diabetes_needs_a_risk_category(note_factory) -> None:
    doc = {"history": {"conditions": ["diabetes-type-1"]}}
    problems = validate(note_factory("podiatry.initial-assessment", doc))
    assert [p.field for p in problems] == ["risk.iwgdf"]
    doc["risk"] = {"iwgdf": "2"}
    assert validate(note_factory("podiatry.initial-assessment", doc)) == []


def test_validation_device_billed_needs_its_code(note_factory) -> None:
    doc = {"device": {"device_type": "custom-functional", "feet": "both",
                      "bill_with_note": True}}
    assert [p.field for p in validate(note_factory("podiatry.orthotic-prescription", doc))] \
        == ["device.hcpcs"]


def summary(*charged: str) -> NoteSummary:
    return NoteSummary(id="earlier", template_id="podiatry.routine-foot-care", signed=True,
                       charged_codes=charged)


# Counted routine foot care codes cover the day's nails or lesions (CPT: 11720 one to five
# nails, 11721 six or more; 11055-11057 by lesions): a second note of the same case on the
# same day must not bill another code of the same count.
@pytest.mark.parametrize(
    ("treatment", "same_day", "flagged"),
    [
        ({"nails_debrided": ["left-nail-1"]}, (), []),
        ({"nails_debrided": ["left-nail-1"]}, (summary("11720"),), ["11720"]),
        ({"nails_debrided": ["left-nail-1", *(f"right-nail-{n}" for n in range(1, 6))]},
         (summary("11720"),), ["11721"]),
        ({"lesions_pared": [{"site": "left-heel-plantar", "lesion": "callus"}] * 2},
         (summary("11055"),), ["11056"]),
        ({"nails_trimmed": ["left-nail-2"]}, (summary("11720", "G0127"),), []),
        ({"nails_trimmed": ["left-nail-2"]}, (summary("11719"),), ["11719"]),
        ({"nail_procedures": [{"nail": "left-nail-1", "procedure": "total-avulsion"}]},
         (summary("11730"),), []),
    ],
)
def test_validation_counted_codes_once_a_day(note_factory, treatment, same_day,
                                             flagged) -> None:
    note = note_factory("podiatry.routine-foot-care", {"treatment": treatment})
    note = note.model_copy(update={"same_day_notes": same_day})
    problems = validate(note)
    assert [p.field for p in problems] == (["treatment"] if flagged else [])
    for code in flagged:
        assert code in problems[0].message and problems[0].blocks_signing


def test_defaults_per_visit_kind() -> None:
    assert {t.id: t.default_for for t in TEMPLATES} == {
        "podiatry.initial-assessment": ("initial",),
        "podiatry.routine-foot-care": ("follow-up",),
        "podiatry.orthotic-prescription": ()}


def test_one_measure_opens_and_class_findings_fold_at_the_first_visit() -> None:
    opened = [f.measure for _, f in INITIAL_ASSESSMENT.iter_fields()
              if isinstance(f, MeasureField) and f.default]
    assert opened == ["faam-adl"]
    assert [s.id for s in INITIAL_ASSESSMENT.sections if s.collapsed] == ["class_findings"]
    assert not [s.id for s in ROUTINE_FOOT_CARE.sections if s.collapsed]


def test_what_a_routine_visit_carries_forward() -> None:
    assert ROUTINE_FOOT_CARE.carried_paths() == [
        "coverage.conditions", "coverage.managing_physician", "coverage.physician_last_seen",
        "coverage.diagnoses", "class_findings.amputation", "findings.foot_chart",
        "plan.next_visit_weeks", "plan.plan"]


def test_copy_forward_from_the_last_routine_visit() -> None:
    """Findings Medicare wants found at each visit, and the treatment billed, start empty."""
    copied = carried_forward(ROUTINE_FOOT_CARE, {**ROUTINE_DOC, "class_findings": {
        **ROUTINE_DOC["class_findings"], "amputation": True}}, model(ROUTINE_FOOT_CARE))
    assert set(copied) == {"coverage", "class_findings", "findings", "plan"}
    assert copied["class_findings"] == {"amputation": True}
    assert copied["coverage"]["conditions"] == ["diabetes-type-2", "peripheral-neuropathy"]
    assert "treatment" not in copied and "subjective" not in copied


def test_orthotic_prescription_copies_the_last_device_but_not_its_billing() -> None:
    carried = ORTHOTIC_PRESCRIPTION.carried_paths()
    assert {"device.device_type", "device.shell_material", "posting.posts",
            "posting.additions", "indication.indication"} <= set(carried)
    assert "device.bill_with_note" not in carried


def test_entry_point_names_the_declared_pack() -> None:
    [ep] = [e for e in entry_points(group="vesalius.plugins") if e.name == "podiatry"]
    assert ep.value == "vesalius_podiatry.plugin:pack"
    assert isinstance(ep.load(), Pack) and ep.load() is pack


def test_plugin_registers_through_pluggy(note_factory) -> None:
    pm = pluggy.PluginManager("vesalius")
    pm.add_hookspecs(hookspecs)
    pm.register(pack, name="podiatry")
    pm.check_pending()
    got: dict[str, list] = {}
    for hook in ("register_disciplines", "register_note_templates", "register_charts",
                 "register_measures", "register_billing_codes"):
        got[hook] = []
        getattr(pm.hook, hook)(register=got[hook].append)
    assert [d.id for d in got["register_disciplines"]] == ["podiatry"]
    assert len(got["register_note_templates"]) == 3
    assert [c.id for c in got["register_charts"]] == ["podiatry.feet"]
    assert [m.id for m in got["register_measures"]] == ["faam-adl", "faam-sports", "ffi"]
    assert all(t.id.startswith("podiatry.") for t in got["register_note_templates"])
    note = note_factory("podiatry.routine-foot-care", ROUTINE_DOC, payer="medicare")
    [lines] = pm.hook.charge_lines(note=note)
    assert [(line.code, line.modifiers) for line in lines] == [("11720", ("Q9",)),
                                                               ("11055", ("Q9",))]
    assert pm.hook.validate_note(note=note) == [[]]
