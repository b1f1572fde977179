"""The signing rules across fields: a diagnosis and an outcome measure at intake, minutes on
every timed procedure, untimed codes and evaluations once."""

from vesalius_physio.validation import problems as validate_note

INITIAL = "physio.initial-assessment"


def fields(problems):
    return [p.field for p in problems]


def test_a_complete_initial_assessment_can_be_signed(note, initial_document):
    assert validate_note(note(INITIAL, initial_document)) == []


def test_an_initial_assessment_needs_an_icd10_diagnosis(note, initial_document):
    del initial_document["assessment"]["diagnosis_codes"]
    problems = validate_note(note(INITIAL, initial_document))
    assert fields(problems) == ["assessment.diagnosis_codes"]
    assert "ICD-10" in problems[0].message


def test_an_initial_assessment_without_a_measure_warns_but_may_be_signed(note,
                                                                         initial_document):
    initial_document["outcome_measures"] = {"odi": {"responses": [None] * 10}}
    problems = validate_note(note(INITIAL, initial_document))
    assert fields(problems) == ["outcome_measures.nprs"]
    assert "Oswestry" in problems[0].message
    assert problems[0].severity == "warning" and not problems[0].blocks_signing


def test_any_one_measure_will_do_including_the_core_nprs(note, initial_document):
    initial_document["outcome_measures"] = {"nprs": {"responses": [6]}}
    assert validate_note(note(INITIAL, initial_document)) == []


def test_red_flags_need_the_action_taken(note, initial_document):
    initial_document["subjective"]["red_flags"] = ["night-pain"]
    assert fields(validate_note(note(INITIAL, initial_document))) == [
        "subjective.red_flag_action"]
    initial_document["subjective"]["red_flag_action"] = "Letter to GP; review in one week."
    assert validate_note(note(INITIAL, initial_document)) == []


def test_a_follow_up_with_timed_procedures_needs_minutes_on_each(note):
    document = {"treatment": {"procedures": [{"code": "97140", "minutes": 12},
                                             {"code": "97110", "units": 2},
                                             {"code": "97010", "units": 1}]}}
    problems = validate_note(note("physio.follow-up", document))
    assert fields(problems) == ["treatment.procedures"]
    assert problems[0].message.startswith("97110 (entry 2) is a timed code")


def test_untimed_procedures_need_no_minutes(note):
    document = {"treatment": {"procedures": [{"code": "97010", "units": 1},
                                             {"code": "97110", "minutes": 20}]}}
    assert validate_note(note("physio.follow-up", document)) == []


def test_an_untimed_code_recorded_twice_is_a_duplicate(note):
    document = {"treatment": {"procedures": [{"code": "97010", "units": 1},
                                             {"code": "97010", "units": 1}]}}
    problems = validate_note(note("physio.follow-up", document))
    assert [p.message for p in problems] == [
        "97010 is recorded 2 times; an untimed code is billed once per visit"]


def test_unattended_stimulation_is_not_recorded_under_both_codes(note):
    document = {"treatment": {"procedures": [{"code": "97014", "units": 1},
                                             {"code": "G0283", "units": 1}]}}
    assert [p.message for p in validate_note(note("physio.follow-up", document))] == [
        "97014 and G0283 are one service: record one of them"]


def test_one_evaluation_code_matching_the_complexity(note, initial_document):
    procedures = initial_document["treatment"]["procedures"]
    procedures.append({"code": "97163", "units": 1})
    problems = validate_note(note(INITIAL, initial_document))
    assert "only one evaluation code per visit, not 97162 and 97163" in [
        p.message for p in problems]
    procedures[:] = [{"code": "97161", "units": 1}]
    problems = validate_note(note(INITIAL, initial_document))
    assert fields(problems) == ["assessment.complexity"]
    assert problems[0].message.startswith("moderate complexity is billed as 97162, but 97161 "
                                          "is recorded")


def test_an_exercise_programme_needs_exercises(note):
    assert fields(validate_note(note("physio.exercise-programme", {}))) == [
        "programme.exercises"]
    rows = {"programme": {"exercises": [{"exercise": "bridge"}, {"sets": 3}]}}
    assert [p.message for p in validate_note(note("physio.exercise-programme", rows))] == [
        "row 2 names no exercise"]


def test_an_evaluation_already_charged_today_warns_that_it_is_not_billed_again(
        note, initial_document):
    from vesalius_sdk import NoteSummary

    same_day = (NoteSummary(id="41", template_id=INITIAL, signed=True,
                            charged_codes=("97162",)),)
    problems = validate_note(note(INITIAL, initial_document, same_day=same_day))
    assert [(p.field, p.severity) for p in problems] == [("assessment.complexity", "warning")]
    assert "97162 was already charged today" in problems[0].message


def test_an_adverse_reaction_free_text_response_is_not_a_safety_problem(note):
    # Physio's "response" is free text (stored since 0.1), not the SDK's choice field.
    document = {"treatment": {"procedures": [{"code": "97110", "minutes": 15}],
                              "response": "adverse-reaction"}}
    assert validate_note(note("physio.follow-up", document)) == []
