"""Osteo templates validate documents with this pack's own chart and measure only."""

from __future__ import annotations

import pytest
from vesalius_osteo import charts, measures, templates
from vesalius_sdk import (
    ChartField,
    DocumentError,
    MeasureField,
    document_model,
    missing_required,
    validate_document,
)

OWN_CHARTS = {c.id: c for c in charts.ALL}
OWN_MEASURES = {m.id: m for m in measures.ALL}


def _model(template):
    return document_model(template, charts=OWN_CHARTS, measures=OWN_MEASURES)


def test_template_ids() -> None:
    assert [t.id for t in templates.ALL] == ["osteo.initial-assessment", "osteo.treatment"]
    assert {t.kind for t in templates.ALL} == {"initial", "treatment"}


@pytest.mark.parametrize("template", templates.ALL, ids=lambda t: t.id)
def test_measures_of_other_packs_are_soft_references(template) -> None:
    foreign = {}
    for path, field in template.references():
        if isinstance(field, MeasureField) and field.measure not in OWN_MEASURES:
            assert not field.required, path
            foreign[field.measure] = field.pack
        if isinstance(field, ChartField):
            assert field.chart in OWN_CHARTS
    assert foreign == {"odi": "general", "ndi": "general", "mymop2": "acupuncture"}


def test_initial_assessment_round_trip() -> None:
    document = {
        "history": {"presenting_complaint": "Low back pain for three weeks after gardening.",
                    "pain_now": 5, "red_flags": []},
        "outcomes": {"start_back": {"responses": [1, 0, 1, 0, 0, 1, 0, 0, 3]},
                     "odi": {"responses": [2, 1, 3, 2, 2, 1, 2, 1, 1, 1]}},
        "examination": {"movements": [{"region": "lumbar", "movement": "flexion",
                                       "range": "reduced", "pain": True}]},
        "findings": {"body": [
            {"region": "lumbar", "type": "restriction", "attributes": {"diagnosis": "L4 FRS R"}},
            {"region": "lumbar", "type": "muscle-energy", "attributes": {"response": "improved"}},
        ]},
        "diagnosis": {"codes": ["M99.03", "M54.50"], "working_diagnosis": "Mechanical LBP"},
        "treatment": {"consent": True, "response": "tolerated-well"},
    }
    clean = validate_document(_model(templates.INITIAL_ASSESSMENT), document)
    assert missing_required(templates.INITIAL_ASSESSMENT, clean) == []
    required = {p.field for p in missing_required(templates.INITIAL_ASSESSMENT, {})}
    assert required == {"history.presenting_complaint", "diagnosis.codes",
                        "diagnosis.working_diagnosis", "treatment.consent"}


def test_bad_marks_and_responses_are_document_errors() -> None:
    with pytest.raises(DocumentError) as error:
        validate_document(_model(templates.TREATMENT),
                          {"findings": {"body": [{"region": "neck", "type": "hvla"}]}})
    assert error.value.problems[0].field == "findings.body"
    with pytest.raises(DocumentError) as error:
        validate_document(_model(templates.TREATMENT),
                          {"outcomes": {"start_back": {"responses": [1] * 9 + [1]}}})
    assert error.value.problems[0].field == "outcomes.start_back"


def test_treatment_note_needs_consent() -> None:
    assert [p.field for p in missing_required(templates.TREATMENT, {})] == ["treatment.consent"]


def test_defaults_per_visit_kind_and_what_a_treatment_note_starts_from() -> None:
    initial, treatment = templates.INITIAL_ASSESSMENT, templates.TREATMENT
    assert (initial.default_for, treatment.default_for) == (("initial",), ("follow-up",))
    assert treatment.version == 2 and initial.version == 2
    # The working diagnosis sits at the initial assessment's paths, so it carries across.
    assert treatment.carried_paths() == [
        "diagnosis.codes", "diagnosis.working_diagnosis", "treatment.advice", "plan.plan"]
    assert set(treatment.carried_paths()) - {"treatment.advice", "plan.plan"} <= set(
        initial.carried_paths())
    assert "findings.body" not in initial.carried_paths() + treatment.carried_paths()
    assert "history.goals" not in initial.carried_paths()
    assert [s.id for s in treatment.sections if s.collapsed] == ["outcomes"]


def test_red_flags_are_the_sdks_plus_the_chest_and_abdominal_flag() -> None:
    from vesalius_sdk.safety import RED_FLAGS, RESPONSES

    flags = templates.INITIAL_ASSESSMENT.field("history.red_flags")
    assert [o.value for o in flags.options] == [o.value for o in RED_FLAGS] + [
        "chest-abdominal"]
    for template in (templates.INITIAL_ASSESSMENT, templates.TREATMENT):
        assert template.field("treatment.response").options == RESPONSES
        assert template.field("treatment.consent").must_be_true
