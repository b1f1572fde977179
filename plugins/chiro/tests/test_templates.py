"""Templates validate documents with this pack's charts and measures only (no physio), and
with the core's general pack, which owns the NDI and the ODI."""

from __future__ import annotations

import pytest
from vesalius_chiro import charts, measures, templates
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


def test_template_ids_are_namespaced_and_chiro() -> None:
    assert [t.id for t in templates.ALL] == ["chiro.initial-exam", "chiro.visit",
                                             "chiro.re-exam"]
    assert all(t.discipline == "chiro" for t in templates.ALL)


@pytest.mark.parametrize("template", templates.ALL, ids=lambda t: t.id)
def test_references_to_other_packs_are_optional_and_name_the_pack(template) -> None:
    for path, field in template.references():
        own = (isinstance(field, ChartField) and field.chart in OWN_CHARTS) or (
            isinstance(field, MeasureField) and field.measure in OWN_MEASURES)
        if not own:
            assert not field.required, path
            assert isinstance(field, MeasureField) and field.pack == "general", path
            assert field.measure in ("ndi", "odi"), path


@pytest.mark.parametrize("template", templates.ALL, ids=lambda t: t.id)
def test_empty_draft_is_valid_and_lists_what_signing_needs(template) -> None:
    assert validate_document(_model(template), {}) == {}
    required = {p.field for p in missing_required(template, {})}
    assert required  # every chiro template asks for something before signing


INITIAL = {
    "history": {
        "chief_complaint": "Neck pain radiating to the right shoulder after a fall.",
        "onset": "2025-02-20", "mechanism": "fall", "pain_now": 6, "pain_worst": 8,
        "red_flags": [],
    },
    "outcomes": {
        # ndi and odi belong to the core's general pack, not in this model: stored as given.
        "ndi": {"responses": [2, 1, 2, 1, 3, 1, 2, 1, 1, 2]},
        "bq_neck": {"responses": [6, 5, 7, 3, 2, 4, 5]},
        "odi": {"responses": [2, 1, 3, 2, 2, 1, 2, 1, 1, 1]},
    },
    "posture": {"head_carriage": "anterior", "shoulder_level": "right-high",
                "weight_left": 38.5, "weight_right": 41.0},
    "examination": {
        "rom": [{"region": "cervical", "movement": "rotation-right", "degrees": 55,
                 "pain": True}],
        "ortho_tests": [{"test": "spurling", "side": "right", "result": "positive"}],
        "reflexes": [{"reflex": "biceps", "left": "2+", "right": "1+"}],
        "myotomes": [{"level": "C5", "side": "right", "grade": 4}],
    },
    "palpation": {
        "spine": [
            {"region": "C5", "type": "subluxation", "attributes": {"listing": "PRS-la"}},
            {"region": "C5", "type": "adjusted", "attributes": {"technique": "diversified"}},
            {"region": "T4", "type": "fixation", "attributes": {"motion": "extension"}},
        ],
        "part": [{"region": "cervical", "pain": 6, "asymmetry": True, "rom": "reduced",
                  "tissue": "hypertonic"}],
    },
    "radiographs": {"taken": True, "date": "2025-02-27", "views": ["lateral-cervical"]},
    "assessment": {"diagnosis": ["m99.01", "M54.2"], "prognosis": "good"},
    "plan": {"care_type": "active", "visits_per_week": 3, "weeks": 4,
             "techniques": ["diversified", "activator"], "consent": True},
}


def test_filled_initial_exam_validates_and_is_signable() -> None:
    document = validate_document(_model(templates.INITIAL_EXAM), INITIAL)
    assert document["assessment"]["diagnosis"] == ["M99.01", "M54.2"]
    assert missing_required(templates.INITIAL_EXAM, document) == []


def test_measure_responses_are_checked_for_own_measures() -> None:
    bad = {"outcomes": {"bq_neck": {"responses": [6, 5, 7, 3, 2, 4, 11]}}}
    with pytest.raises(DocumentError) as error:
        validate_document(_model(templates.INITIAL_EXAM), bad)
    assert error.value.problems[0].field == "outcomes.bq_neck"


@pytest.mark.parametrize("template", templates.ALL, ids=lambda t: t.id)
def test_with_the_core_alone_ndi_and_odi_are_available_and_checked(template,
                                                                   vesalius_registry) -> None:
    """Issue 20: a clinic with the core and this pack, no physio, has both spine measures."""
    registry = vesalius_registry("chiro")
    assert dict(registry.unavailable_fields(template.id)) == {}
    for measure in ("ndi", "odi"):
        assert registry.owner("measure", measure) == "general"
        bad = {"outcomes": {measure: {"responses": [2, 1, 2, 1, 3, 1, 2, 1, 1, 9]}}}
        with pytest.raises(DocumentError) as error:
            registry.validate_document(template.id, bad)
        assert error.value.problems[0].field == f"outcomes.{measure}"


def test_invalid_listing_on_the_chart_is_a_document_error() -> None:
    bad = {"objective": {"spine": [
        {"region": "C1", "type": "subluxation", "attributes": {"listing": "PRS"}}]}}
    with pytest.raises(DocumentError) as error:
        validate_document(_model(templates.VISIT), bad)
    problem = error.value.problems[0]
    assert problem.field == "objective.spine"
    assert "not a valid listing for C1" in problem.message


def test_visit_note_round_trip() -> None:
    visit = {
        "subjective": {"progress": "better", "pain_now": 3},
        "objective": {
            "part": [{"region": "lumbar", "pain": 3, "asymmetry": True, "rom": "reduced"}],
            "spine": [{"region": "L5", "type": "adjusted",
                       "attributes": {"technique": "flexion-distraction"}}],
        },
        "treatment": {"care_type": "active", "response": "tolerated-well"},
    }
    document = validate_document(_model(templates.VISIT), visit)
    assert missing_required(templates.VISIT, document) == []
    assert [p.field for p in missing_required(templates.VISIT, {})] == ["treatment.care_type"]


def test_unknown_part_region_is_rejected() -> None:
    with pytest.raises(DocumentError):
        validate_document(_model(templates.VISIT),
                          {"objective": {"part": [{"region": "cranial"}]}})


# -- daily charting and the SDK's common safety fields ---------------------------------


def test_the_exam_opens_a_case_and_the_visit_every_later_visit() -> None:
    assert {t.id: t.default_for for t in templates.ALL} == {
        "chiro.initial-exam": ("initial",), "chiro.visit": ("follow-up",),
        "chiro.re-exam": ()}


def test_copy_forward_carries_diagnosis_phase_and_plan_but_never_the_spine_chart() -> None:
    assert templates.VISIT.carried_paths() == [
        "treatment.care_type", "assessment.diagnosis", "plan.plan", "plan.home_care"]
    assert templates.RE_EXAM.carried_paths() == [
        "assessment.diagnosis", "plan.care_type", "plan.visits_per_week", "plan.weeks",
        "plan.plan"]
    # Adjusted marks bill CMT: a copied chart would bill the last visit's adjustments.
    for template in templates.ALL:
        assert "spine" not in {p.split(".")[1] for p in template.carried_paths()}


def test_safety_fields_are_the_sdks_with_the_values_stored_since_0_1() -> None:
    from vesalius_sdk.safety import RED_FLAGS, RESPONSES

    exam = templates.INITIAL_EXAM
    assert exam.field("history.red_flags").options == RED_FLAGS
    assert [o.value for o in RED_FLAGS] == [
        "cauda-equina", "progressive-neuro", "weight-loss", "fever-infection",
        "cancer-history", "major-trauma", "osteoporosis", "night-pain", "cervical-arterial"]
    assert exam.field("history.red_flag_action").kind == "long-text"
    for template in templates.ALL:
        response = next(f for _, f in template.iter_fields() if f.id == "response")
        assert response.options == RESPONSES
    consent = exam.field("plan.consent")
    assert consent.must_be_true and consent.required and exam.version == 2


def test_an_unticked_consent_box_stops_signing() -> None:
    exam = templates.INITIAL_EXAM
    document = {"plan": {"consent": False}}
    missing = {p.field for p in missing_required(exam, validate_document(_model(exam), document))}
    assert "plan.consent" in missing


def test_the_radiographs_section_starts_folded() -> None:
    assert [s.id for s in templates.INITIAL_EXAM.sections if s.collapsed] == ["radiographs"]
