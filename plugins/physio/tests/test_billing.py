"""The charge rule on notes, against the CMS 8-minute rule examples.

Source of the rule and of examples 1-4: Medicare Claims Processing Manual 100-04, ch. 5,
section 20.2 (quoted at https://www.chirocode.com/article.html?id=25388 and by First Coast,
https://medicare.fcso.com/Rehabilitation_services/0508065.asp). Examples 5-8 apply the rule
text to other cases; the per-code variant is the AMA's "rule of eights" some payers use.
"""

from decimal import Decimal

import pytest
from vesalius_physio import billing
from vesalius_physio.billing import charge_lines


def units(lines):
    return {line.code: line.units for line in lines}


def timed(*pairs):
    return [{"code": code, "minutes": minutes} for code, minutes in pairs]


def test_cms_example_1_more_units_to_the_longer_service(follow_up):
    # 24 min 97112 + 23 min 97110 = 47 min -> 3 units: 97112 x 2, 97110 x 1
    assert units(charge_lines(follow_up(timed(("97112", 24), ("97110", 23))))) == {
        "97112": 2, "97110": 1}


def test_cms_example_2_equal_times_split_two_and_one(follow_up):
    # 20 + 20 = 40 min -> 3 units; either code x 2 and the other x 1, never 3 of one
    got = units(charge_lines(follow_up(timed(("97112", 20), ("97110", 20)))))
    assert sorted(got.values()) == [1, 2] and set(got) == {"97112", "97110"}


def test_cms_example_3_seven_minutes_of_a_second_code_earn_the_third_unit(follow_up):
    # 33 min 97110 + 7 min 97140 = 40 min -> 97110 x 2, 97140 x 1
    assert units(charge_lines(follow_up(timed(("97110", 33), ("97140", 7))))) == {
        "97110": 2, "97140": 1}


def test_cms_example_4_the_shortest_service_goes_unbilled(follow_up):
    # 18 97110 + 13 97140 + 10 97116 + 8 97035 = 49 min -> 3 units; 97035 not billed
    lines = charge_lines(follow_up(timed(("97110", 18), ("97140", 13), ("97116", 10),
                                         ("97035", 8))))
    assert units(lines) == {"97110": 1, "97140": 1, "97116": 1}


def test_example_5_several_short_services_totalling_eight_minutes_bill_one_unit(follow_up):
    got = units(charge_lines(follow_up(timed(("97112", 7), ("97110", 7)))))
    assert sum(got.values()) == 1 and set(got) <= {"97112", "97110"}


def test_example_6_a_single_service_under_eight_minutes_bills_nothing(follow_up):
    assert charge_lines(follow_up(timed(("97110", 7)))) == []


def test_example_7_eighty_minutes_of_four_codes(follow_up):
    lines = charge_lines(follow_up(timed(("97112", 27), ("97110", 23), ("97140", 20),
                                         ("97035", 10))))
    assert units(lines) == {"97112": 2, "97110": 1, "97140": 1, "97035": 1}


def test_example_8_untimed_codes_stay_out_of_the_timed_total(follow_up):
    # 45 97110 + 5 97140 + 5 97530 (55 timed min -> 4 units) + G0283 untimed
    lines = charge_lines(follow_up([*timed(("97110", 45), ("97140", 5), ("97530", 5)),
                                    {"code": "G0283", "minutes": 15}]))
    got = units(lines)
    assert got["97110"] == 3 and got["G0283"] == 1
    assert (got.get("97140", 0), got.get("97530", 0)) in ((1, 0), (0, 1))
    assert sum(got.values()) == 5


def test_per_code_payers_count_each_code_on_its_own(follow_up):
    # Per-code payer variant (each timed code on its own): example 3 gives 97110 x 2, 97140 x 0
    lines = charge_lines(follow_up(timed(("97110", 33), ("97140", 7)), method="per-code"))
    assert units(lines) == {"97110": 2}


@pytest.mark.parametrize(("minutes", "expected"), [
    (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4), (68, 5),
    (82, 5), (83, 6), (97, 6), (98, 7), (112, 7), (113, 8), (127, 8),
])
def test_units_by_total_timed_minutes_follow_the_cms_table(follow_up, minutes, expected):
    lines = charge_lines(follow_up(timed(("97110", minutes))))
    assert sum(units(lines).values()) == expected


def test_every_line_carries_the_gp_plan_of_care_modifier(follow_up):
    lines = charge_lines(follow_up([*timed(("97140", 30)), {"code": "97010"},
                                    {"code": "97110", "minutes": 15, "modifiers": ["59"]}]))
    assert lines and all(line.modifiers[0] == "GP" for line in lines)
    assert dict((line.code, line.modifiers) for line in lines)["97110"] == ("GP", "59")


def test_untimed_codes_bill_once_with_the_units_recorded(follow_up):
    lines = charge_lines(follow_up([{"code": "97010"}, {"code": "20561", "units": 2},
                                    {"code": "97010", "minutes": 10}]))
    assert units(lines) == {"97010": 1, "20561": 2}
    assert all(line.minutes is None for line in lines)


def test_timed_lines_record_the_minutes_behind_them_in_recorded_order(follow_up):
    # Two blocks of 97140 add up (18 min); 38 timed minutes make 3 units, the third to the
    # larger remainder (97110: 5 min over its full unit, 97140: 3).
    lines = charge_lines(follow_up([*timed(("97140", 10), ("97110", 20), ("97140", 8))]))
    assert [(line.code, line.minutes, line.units) for line in lines] == [
        ("97140", 18, 1), ("97110", 20, 2)]


def test_a_timed_entry_without_minutes_bills_nothing(follow_up):
    # Validation stops such a note from being signed; the live preview must not fail.
    assert charge_lines(follow_up([{"code": "97110", "units": 2}])) == []


def test_evaluations_bill_once_from_the_initial_assessment(note):
    document = {"treatment": {"procedures": [{"code": "97162", "minutes": 30},
                                             {"code": "97110", "minutes": 15}]}}
    lines = charge_lines(note("physio.initial-assessment", document))
    assert [(line.code, line.units, line.modifiers) for line in lines] == [
        ("97162", 1, ("GP",)), ("97110", 1, ("GP",))]


def test_a_code_this_pack_does_not_bill_fails_closed(follow_up):
    with pytest.raises(ValueError, match="99213"):
        charge_lines(follow_up([{"code": "99213", "units": 1}]))


def test_the_same_note_gives_the_same_lines(follow_up):
    procedures = timed(("97112", 20), ("97110", 20))
    assert charge_lines(follow_up(procedures)) == charge_lines(follow_up(procedures))


def test_codes_are_labelled_in_our_words_with_decimal_fees():
    assert {c.code for c in billing.CODES} == {
        "97161", "97162", "97163", "97164", "97110", "97112", "97113", "97116", "97140",
        "97530", "97535", "97032", "97033", "97035", "97010", "97012", "97014", "G0283",
        "97016", "97018", "97022", "97026", "97150", "20560", "20561"}
    assert set(billing.TIMED_CODES) == {"97110", "97112", "97113", "97116", "97140", "97530",
                                        "97535", "97032", "97033", "97035"}
    assert all(isinstance(c.default_fee, Decimal) for c in billing.CODES)
    assert billing.BY_CODE["G0283"].system == "HCPCS"


# -- the evaluation chosen in the initial assessment (issue: "Evaluation complexity:
# Moderate (97162)" billed nothing unless also listed under procedures) -------------------
#
# Codes: AMA CPT 2017 physical therapy evaluation codes, 97161 low, 97162 moderate, 97163
# high complexity, 97164 re-evaluation; each untimed, one unit per date of service (CMS
# medically unlikely edits, practitioner services: 1 for each of 97161-97164).

EVALUATION_TABLE = [
    # (complexity, procedures, codes charged today in the case's other notes, billed)
    ("moderate", [], (), {"97162": 1}),
    ("low", [], (), {"97161": 1}),
    ("high", [], (), {"97163": 1}),
    (None, [], (), {}),
    ("moderate", [{"code": "97162", "units": 1}], (), {"97162": 1}),
    ("moderate", [{"code": "97162", "minutes": 35}, {"code": "97140", "minutes": 12}], (),
     {"97162": 1, "97140": 1}),
    ("moderate", [{"code": "97110", "minutes": 23}], (), {"97162": 1, "97110": 2}),
    (None, [{"code": "97163", "units": 1}], (), {"97163": 1}),
    ("moderate", [], ("97162",), {}),
    ("high", [{"code": "97140", "minutes": 15}], ("97161", "97140"), {"97140": 1}),
    ("moderate", [{"code": "97162", "units": 1}], ("97164",), {}),
    ("moderate", [], ("97110",), {"97162": 1}),
]


@pytest.mark.parametrize(("complexity", "procedures", "charged_today", "billed"),
                         EVALUATION_TABLE)
def test_the_evaluation_is_billed_from_the_complexity_once(note, complexity, procedures,
                                                           charged_today, billed):
    from vesalius_sdk import NoteSummary

    document = {"treatment": {"procedures": procedures}}
    if complexity:
        document["assessment"] = {"complexity": complexity}
    same_day = (NoteSummary(id="41", template_id="physio.follow-up", signed=True,
                            charged_codes=charged_today),) if charged_today else ()
    lines = charge_lines(note("physio.initial-assessment", document, same_day=same_day))
    assert units(lines) == billed
    assert all(line.modifiers[0] == "GP" for line in lines)


def test_the_chosen_evaluation_comes_first_with_gp(note):
    document = {"assessment": {"complexity": "moderate"},
                "treatment": {"procedures": timed(("97140", 15))}}
    lines = charge_lines(note("physio.initial-assessment", document))
    assert [(line.code, line.units, line.minutes, line.modifiers) for line in lines] == [
        ("97162", 1, None, ("GP",)), ("97140", 1, 15, ("GP",))]


def test_only_the_initial_assessment_bills_an_evaluation_from_a_field(note):
    # Other templates have no complexity field: a stray value in the document bills nothing.
    document = {"assessment": {"complexity": "high"},
                "treatment": {"procedures": timed(("97110", 15))}}
    assert units(charge_lines(note("physio.follow-up", document))) == {"97110": 1}
