"""The templates' document models accept a complete note and reject a malformed one,
naming the field."""

import pytest
from vesalius_physio.charts import CHARTS
from vesalius_physio.measures import MEASURES
from vesalius_physio.templates import BY_ID, TEMPLATES
from vesalius_sdk import DocumentError, document_model, missing_required, validate_document
from vesalius_sdk.templates import FIELD_KINDS

CHARTS_BY_ID = {c.id: c for c in CHARTS}
MEASURES_BY_ID = {m.id: m for m in MEASURES}


def model(template_id):
    return document_model(BY_ID[template_id], CHARTS_BY_ID, MEASURES_BY_ID)


def problems(template_id, document):
    with pytest.raises(DocumentError) as info:
        validate_document(model(template_id), document)
    return {p.field: p.message for p in info.value.problems}


def test_the_five_templates_and_their_kinds():
    assert {t.id: t.kind for t in TEMPLATES} == {
        "physio.initial-assessment": "initial", "physio.follow-up": "follow-up",
        "physio.re-assessment": "re-assessment", "physio.discharge": "discharge",
        "physio.exercise-programme": "treatment",
    }
    assert all(t.discipline == "physio" for t in TEMPLATES)


def test_the_pack_uses_every_field_kind_of_the_sdk():
    kinds = {field.kind for t in TEMPLATES for _, field in t.iter_fields()}
    assert kinds == set(FIELD_KINDS)


def test_references_to_other_packs_are_never_required():
    for template in TEMPLATES:
        for path, field in template.references():
            if getattr(field, "pack", None):
                assert not field.required, path


def test_a_complete_initial_assessment_is_accepted(initial_document):
    clean = validate_document(model("physio.initial-assessment"), initial_document)
    assert clean["assessment"]["diagnosis_codes"] == ["M54.50"]
    assert clean["subjective"]["body_chart"][0]["region"] == "low-back-right"
    assert missing_required(BY_ID["physio.initial-assessment"], clean) == []


def test_an_empty_draft_is_accepted_but_lists_what_signing_needs():
    template = BY_ID["physio.initial-assessment"]
    assert validate_document(model(template.id), {}) == {}
    assert {p.field for p in missing_required(template, {})} == {
        "referral.consent", "subjective.chief_complaint", "subjective.history",
        "subjective.red_flags_screened", "assessment.impression"}


def test_a_wrong_type_in_the_rom_table_is_named_by_row_and_column(initial_document):
    initial_document["objective"]["rom"][1]["active"] = "ninety"
    assert list(problems("physio.initial-assessment", initial_document)) == [
        "objective.rom[1].active"]


def test_an_oxford_grade_outside_zero_to_five_is_refused(initial_document):
    initial_document["objective"]["strength"][0]["grade"] = "6"
    assert "objective.strength[0].grade" in problems("physio.initial-assessment",
                                                     initial_document)


def test_a_field_the_template_does_not_have_is_named(initial_document):
    initial_document["subjective"]["favourite_colour"] = "blue"
    assert problems("physio.initial-assessment", initial_document) == {
        "subjective.favourite_colour": "is not a field of this template"}


def test_an_invalid_icd10_code_is_refused(initial_document):
    initial_document["assessment"]["diagnosis_codes"] = ["back pain"]
    assert "assessment.diagnosis_codes" in " ".join(
        problems("physio.initial-assessment", initial_document))


def test_a_mark_on_an_unknown_region_or_out_of_range_is_refused(initial_document):
    initial_document["subjective"]["body_chart"][0]["attributes"]["intensity"] = 12
    found = problems("physio.initial-assessment", initial_document)
    assert list(found) == ["subjective.body_chart"]
    assert "intensity must be at most 10" in found["subjective.body_chart"]


def test_measure_responses_are_checked_against_the_measure(initial_document):
    initial_document["outcome_measures"]["lefs"] = {"responses": [5] + [0] * 19}
    found = problems("physio.initial-assessment", initial_document)
    assert "outcome_measures.lefs" in found and "outside 0-4" in found["outcome_measures.lefs"]


def test_the_odi_is_the_core_general_packs_and_checked_by_the_host(initial_document,
                                                                   vesalius_registry):
    """Since 0.2.1 the ODI is the core's (issue 20): named pack="general", checked there."""
    assert [f.pack for _, f in BY_ID["physio.initial-assessment"].references()
            if getattr(f, "measure", None) == "odi"] == ["general"]
    registry = vesalius_registry("physio")
    initial_document["outcome_measures"]["odi"] = {"responses": [6] + [0] * 9}
    with pytest.raises(DocumentError) as info:
        registry.validate_document("physio.initial-assessment", initial_document)
    found = {p.field: p.message for p in info.value.problems}
    assert "outside 0-5" in found["outcome_measures.odi"]


def test_follow_up_offers_treatment_codes_but_not_evaluations():
    document = {"subjective": {"report": "Better"},
                "treatment": {"procedures": [{"code": "97161", "minutes": 20}]}}
    found = problems("physio.follow-up", document)
    assert "treatment.procedures" in found and "not offered" in found["treatment.procedures"]


def test_re_assessment_offers_the_re_evaluation_code():
    # The SDK's minutes-recording field wants minutes or units on every entry, so the
    # untimed re-evaluation is recorded with its unit.
    document = {"treatment": {"procedures": [{"code": "97164", "units": 1},
                                             {"code": "97110", "minutes": 15}]},
                "plan": {"decision": "continue"}}
    model_ = model("physio.re-assessment")
    assert validate_document(model_, document)["plan"]["decision"] == "continue"
    bad = {"treatment": {"procedures": [{"code": "97162", "units": 1}]}}
    assert "treatment.procedures" in problems("physio.re-assessment", bad)


def test_a_complete_follow_up_and_discharge_are_accepted():
    follow_up = {
        "subjective": {"report": "Sitting tolerance up to 45 minutes.",
                       "nprs": {"responses": [3]}, "change": "improving",
                       "hep_adherence": "full"},
        "objective": {"findings": "Flexion to ankles.",
                      "rom": [{"joint": "lumbar", "movement": "flexion", "active": 55}]},
        "treatment": {"procedures": [{"code": "97140", "minutes": 15},
                                     {"code": "97110", "minutes": 23}]},
        "assessment": {"progress": "improving", "assessment": "On track."},
        "plan": {"plan": "Progress loading.", "next_visit": "2026-11-09"},
    }
    assert validate_document(model("physio.follow-up"), follow_up)["plan"]["next_visit"] == (
        "2026-11-09")
    discharge = {
        "summary": {"discharge_date": "2026-12-14", "reason": "goals-met", "visits": 9},
        "outcome_measures": {"odi": {"responses": [0, 0, 1, 0, 1, 0, 0, None, 0, 1]}},
        "outcomes": {"outcome_change": "ODI 32% to 6.67%: improvement beyond the MCID."},
        "goals": {"goals": [{"goal": "Sit 60 minutes", "term": "short", "status": "met"}]},
        "recommendations": {"recommendations": "Continue the programme twice a week.",
                            "continue_home_programme": True, "return_if": "as-needed"},
    }
    clean = validate_document(model("physio.discharge"), discharge)
    assert missing_required(BY_ID["physio.discharge"], clean) == []


def test_an_exercise_row_must_come_from_the_library():
    bad = {"programme": {"exercises": [{"exercise": "juggling", "sets": 3}]}}
    assert "programme.exercises[0].exercise" in problems("physio.exercise-programme", bad)


# -- daily charting: defaults per visit kind, copy-forward, short notes ----------------


def test_the_initial_assessment_and_the_follow_up_are_the_defaults_per_visit_kind():
    defaults = {kind: [t.id for t in TEMPLATES if kind in t.default_for]
                for kind in ("initial", "follow-up")}
    assert defaults == {"initial": ["physio.initial-assessment"],
                        "follow-up": ["physio.follow-up"]}


def test_copy_forward_carries_the_plan_of_care_never_today():
    carried = {t.id: t.carried_paths() for t in TEMPLATES}
    assert carried["physio.follow-up"] == ["objective.body_chart",
                                           "assessment.diagnosis_codes", "plan.plan"]
    assert carried["physio.re-assessment"] == [
        "subjective.body_chart", "goals.goals", "assessment.diagnosis_codes",
        "plan.frequency_per_week", "plan.duration_weeks", "plan.interventions",
        "plan.plan_notes"]
    assert carried["physio.exercise-programme"] == [
        "programme.title", "programme.exercises", "programme.advice", "programme.precautions"]
    today = ("report", "interval_history", "history", "chief_complaint", "findings",
             "procedures", "treatment_notes", "response", "nprs", "odi")
    for paths in carried.values():
        assert not [p for p in paths if p.split(".")[1] in today]


def test_the_initial_assessment_opens_the_pain_rating_and_folds_the_rest():
    template = BY_ID["physio.initial-assessment"]
    measures = {f.measure: f.default for _, f in template.iter_fields() if f.kind == "measure"}
    assert measures == {"nprs": True, "psfs": False, "odi": False, "lefs": False,
                        "koos": False, "hoos": False, "quickdash": False, "dash": False,
                        "spadi": False}
    for template in TEMPLATES:
        assert sum(f.default for _, f in template.iter_fields() if f.kind == "measure") <= 2


def test_nprs_and_psfs_are_referred_to_by_id_as_the_core_general_packs():
    for template in TEMPLATES:
        for path, field in template.references():
            if field.kind == "measure" and field.measure in ("nprs", "psfs"):
                assert field.pack is None, path


def test_the_examination_plan_and_treatment_start_folded():
    """The intake opens as an overview (issue 11: at most 4,000 px tall at 1440 px); a
    section with a value or a required field opens by itself."""
    sections = {s.id: s.collapsed for s in BY_ID["physio.initial-assessment"].sections}
    assert [s for s, folded in sections.items() if folded] == [
        "objective", "neuro", "plan", "treatment"]
    assert {s.id for s in BY_ID["physio.discharge"].sections if s.collapsed} == {"treatment"}


def test_consent_and_the_red_flag_screen_must_be_ticked_to_sign(initial_document):
    template = BY_ID["physio.initial-assessment"]
    assert template.version == 2
    initial_document["referral"]["consent"] = False
    initial_document["subjective"]["red_flags_screened"] = False
    clean = validate_document(model(template.id), initial_document)
    assert {p.field for p in missing_required(template, clean)} == {
        "referral.consent", "subjective.red_flags_screened"}


def test_red_flag_values_of_signed_notes_stay_valid(initial_document):
    # Values stored since 0.1 (physio's own list) and the SDK's action field id.
    initial_document["subjective"]["red_flags"] = ["saddle-anaesthesia", "vascular",
                                                   "bone-health"]
    initial_document["subjective"]["red_flag_action"] = "Same-day referral."
    clean = validate_document(model("physio.initial-assessment"), initial_document)
    assert clean["subjective"]["red_flags"][0] == "saddle-anaesthesia"


def test_the_first_follow_up_starts_from_the_initial_assessments_diagnosis(initial_document):
    from vesalius_sdk import carried_forward

    follow_up = BY_ID["physio.follow-up"]
    carried = carried_forward(follow_up, initial_document, model(follow_up.id))
    assert carried["assessment"] == {"diagnosis_codes": ["M54.50"]}
    # The initial assessment keeps its chart and plan notes under other paths.
    initial_document["plan"]["plan_notes"] = "Progress loading twice a week"
    carried = carried_forward(follow_up, initial_document, model(follow_up.id))
    assert carried["objective"]["body_chart"] == initial_document["subjective"]["body_chart"]
    assert carried["plan"]["plan"] == "Progress loading twice a week"
    assert follow_up.version == 2
