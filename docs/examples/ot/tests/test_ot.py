"""The ot pack's own rules, each against its published source."""

from __future__ import annotations

import pytest
from vesalius_ot.charts import HANDS
from vesalius_ot.measures import BCTQ, SYMPTOM_ITEMS
from vesalius_ot.templates import GRIP, HAND_ASSESSMENT
from vesalius_sdk import NoteSummary, PayerContext

ASSESSMENT = "ot.hand-assessment"
VISIT = "ot.hand-therapy-visit"

# --- BCTQ -----------------------------------------------------------------------------------


@pytest.mark.parametrize("example", BCTQ.examples, ids=lambda e: e.source[-40:])
def test_bctq_worked_examples(example):
    """Levine DW et al., J Bone Joint Surg Am 1993;75(11):1585-92: each scale is the mean of
    its items."""
    score = BCTQ.score(example.responses)
    assert score.value == example.value
    assert score.complete == example.complete
    assert dict(score.subscores) == dict(example.subscores)


def test_bctq_scales_are_means_rounded_to_two_places():
    """SSS 29/11 = 2.636... -> 2.64; FSS 19/8 = 2.375 -> 2.38 (half up)."""
    score = BCTQ.score((*(3,) * 7, *(2,) * 4, *(3,) * 3, *(2,) * 5))
    assert (score.subscores["sss"], score.subscores["fss"]) == (2.64, 2.38)


def test_bctq_by_item_id_leaves_the_rest_unanswered():
    """Responses may be given by item id; an SSS item left out leaves the SSS unscored."""
    score = BCTQ.score({f"sss_{key}": 2 for key, _ in SYMPTOM_ITEMS[1:]})
    assert score.value is None and score.complete is False
    assert "Symptom Severity" in score.reason


def test_bctq_missing_rule_is_data_shown_to_the_practitioner():
    """No published count of missing items: max_missing stays None and the text says so."""
    assert BCTQ.missing_rule.max_missing is None
    assert "publish no count" in BCTQ.missing_rule.text


def test_bctq_refuses_a_response_off_the_scale():
    with pytest.raises(ValueError, match="outside 1-5"):
        BCTQ.score((6,) + (1,) * 18)


def test_bctq_has_no_item_text():
    assert not BCTQ.item_text_included
    assert all(item.text is None for item in BCTQ.items)
    assert len(BCTQ.items) == 19


# --- the hand chart -------------------------------------------------------------------------


def test_every_joint_is_one_region_in_both_views():
    joints = [r for r in HANDS.regions if r.id.split("-")[0] in
              ("wrist", "cmc", "mcp", "ip", "pip", "dip")]
    assert len(joints) == 2 * (1 + 3 + 4 * 3)  # wrist, thumb CMC/MCP/IP, 3 per finger
    assert all(r.views == ("dorsal", "palmar") for r in joints)
    assert HANDS.region("pip-2-right").groups == ("digit-2", "pip")


def test_a_mark_on_a_joint_is_drawn_in_both_views():
    from vesalius_sdk import ChartMark

    mark = ChartMark(region="ip-1-left", type="pain", attributes={"intensity": 7})
    for view in ("dorsal", "palmar"):
        svg = HANDS.render([mark], views=[view])
        assert 'data-region="ip-1-left"' in svg
        assert "7" in svg


def test_marks_are_checked(make_note):
    mark = {"region": "mcp-3-right", "type": "swelling", "attributes": {"grade": "huge"}}
    with pytest.raises(ValueError, match="grade must be one of mild, moderate, severe"):
        make_note(VISIT, {"objective": {"hands": [mark]}})
    with pytest.raises(ValueError, match="numbness: kind is required"):
        make_note(VISIT, {"objective": {"hands": [{"region": "digit-2-right",
                                                    "type": "numbness"}]}})


# --- the tables -----------------------------------------------------------------------------


def test_grip_table_starts_with_the_second_handle_position():
    """Mathiowetz V et al., J Hand Surg Am 1984;9(2):222-6: the second handle position."""
    assert HAND_ASSESSMENT.new_document()["objective"]["grip"] == [{"position": "2"}]


def test_grip_means_and_deficit_are_worked_out_by_the_host(make_note):
    """Mean of three trials each hand; deficit = (other - affected) / other * 100."""
    row = {"position": "2", "affected": "right", "right_1": 20, "right_2": 22, "right_3": 24,
           "left_1": 30, "left_2": 30, "left_3": 30, "deficit": 99}  # a sent value is replaced
    note = make_note(VISIT, {"objective": {"grip": [row]}})
    stored = note.value("objective.grip")[0]
    assert (stored["right_mean"], stored["left_mean"], stored["deficit"]) == (22.0, 30.0, 27)


def test_grip_deficit_needs_the_affected_hand():
    row = {"right_1": 20, "left_1": 30}
    assert GRIP.compute_row(dict(row)) == {**row, "right_mean": 20.0, "left_mean": 30.0}


def test_range_of_motion_rows_pick_a_joint_of_the_hand_chart(make_note):
    rom = [{"joint": "PIP-2-RIGHT", "motion": "flexion", "active": 85, "passive": 95}]
    note = make_note(VISIT, {"objective": {"rom": rom}})
    assert note.value("objective.rom")[0]["joint"] == "pip-2-right"
    with pytest.raises(ValueError, match=r"not a region of chart ot\.hands"):
        make_note(VISIT, {"objective": {"rom": [{**rom[0], "joint": "knee-left"}]}})


# --- billing --------------------------------------------------------------------------------


def visit(*procedures: tuple[str, int], **plan) -> dict:
    return {
        "subjective": {"progress": "Less night tingling"},
        "objective": {"findings": "Grip improving"},
        "plan": {"consent": True, **plan,
                 "procedures": [{"code": c, "minutes": m} for c, m in procedures]},
    }


def billed(registry, note) -> list[tuple[str, int]]:
    return [(line.code, line.units) for line in registry.charge_lines(note)]


# Medicare Claims Processing Manual 100-04, ch. 5, section 20.2 (the 8-minute rule): the
# total timed minutes of the day give the units (8-22 one, 23-37 two, 38-52 three), more
# units to the code with more minutes, the last unit to the largest remainder.
CMS_CASES = [
    ([("97530", 7)], []),                                   # under 8 minutes: nothing
    ([("97530", 8)], [("97530", 1)]),
    ([("97530", 22)], [("97530", 1)]),
    ([("97530", 23)], [("97530", 2)]),
    ([("97530", 37)], [("97530", 2)]),
    ([("97530", 38)], [("97530", 3)]),
    # 24 + 23 = 47 minutes, 3 units: the larger remainder (9) takes the third (CMS ex. 1).
    ([("97530", 24), ("97110", 23)], [("97530", 2), ("97110", 1)]),
    # 33 + 7 = 40 minutes, 3 units: 7 minutes of 97140 beats 3 left of 97110 (CMS ex. 3).
    ([("97110", 33), ("97140", 7)], [("97110", 2), ("97140", 1)]),
    # 18 + 13 + 10 + 8 = 49 minutes, 3 units: the 8 minutes of 97760 go unbilled (CMS ex. 4).
    ([("97110", 18), ("97140", 13), ("97530", 10), ("97760", 8)],
     [("97110", 1), ("97140", 1), ("97530", 1)]),
]


@pytest.mark.parametrize(("procedures", "lines"), CMS_CASES)
def test_timed_codes_follow_the_cms_8_minute_rule(vesalius_registry, make_note, procedures,
                                                  lines):
    registry = vesalius_registry("ot")
    note = make_note(VISIT, visit(*procedures, orthosis="Wrist orthosis, neutral, nights"),
                     payer=PayerContext(kind="medicare", timed_method="cms"))
    assert billed(registry, note) == lines


def test_a_per_code_payer_counts_each_code_on_its_own(vesalius_registry, make_note):
    """The rule of eights per code: 7 minutes of 97140 earn nothing (CMS ex. 3 would give 1)."""
    registry = vesalius_registry("ot")
    note = make_note(VISIT, visit(("97110", 33), ("97140", 7)),
                     payer=PayerContext(timed_method="per-code"))
    assert billed(registry, note) == [("97110", 2)]


def assessment(complexity: str, *procedures: tuple[str, int]) -> dict:
    return {"history": {"complaint": "Night tingling, right hand"},
            "objective": {"findings": "Positive Phalen"},
            "assessment": {"complexity": complexity},
            "plan": {"consent": True, "orthosis": "Wrist orthosis, neutral, nights",
                     "procedures": [{"code": c, "minutes": m} for c, m in procedures]}}


def test_the_evaluation_chosen_is_billed_once_beside_timed_codes(vesalius_registry, make_note):
    registry = vesalius_registry("ot")
    note = make_note(ASSESSMENT, assessment("97166", ("97760", 30)))
    assert billed(registry, note) == [("97166", 1), ("97760", 2)]


def test_an_evaluation_already_charged_today_is_not_billed_again(vesalius_registry,
                                                                 make_note):
    registry = vesalius_registry("ot")
    note = make_note(ASSESSMENT, assessment("97165"))
    earlier = NoteSummary(id="n1", template_id=ASSESSMENT, signed=True,
                          charged_codes=("97165",))
    again = note.model_copy(update={"same_day_notes": (earlier,)})
    assert billed(registry, again) == []
    assert [(p.field, p.severity) for p in registry.problems_before_signing(again)] == [
        ("assessment.complexity", "warning")]


def test_the_ot_modifier_when_the_payer_asks_for_it(vesalius_registry, make_note):
    """GO marks services under an OT plan of care (Medicare Claims Processing Manual 100-04,
    ch. 5, section 20.1)."""
    registry = vesalius_registry("ot")
    note = make_note(VISIT, visit(("97530", 30)),
                     payer=PayerContext(kind="medicare", modifiers=frozenset({"GO"})))
    assert [tuple(line.modifiers) for line in registry.charge_lines(note)] == [("GO",)]


# --- signing rules --------------------------------------------------------------------------


def test_signing_needs_consent(vesalius_registry, make_note):
    registry = vesalius_registry("ot")
    note = make_note(VISIT, {**visit(("97110", 15)), "plan": {"consent": False}})
    assert [(p.field, p.severity) for p in registry.problems_before_signing(note)] == [
        ("plan.consent", "error")]


def test_billed_treatment_needs_findings(vesalius_registry, make_note):
    registry = vesalius_registry("ot")
    bare = {**visit(("97110", 15)), "objective": {}}
    assert [p.field for p in registry.problems_before_signing(make_note(VISIT, bare))] == [
        "objective.findings"]
    assert registry.problems_before_signing(make_note(VISIT, visit(("97110", 15)))) == []
    # The rows a new note starts with are not findings; a measured grip is.
    prefilled = {**bare, "objective": {"grip": [{"position": "2"}],
                                       "pinch": [{"pinch": "tip"}]}}
    assert [p.field for p in registry.problems_before_signing(make_note(VISIT, prefilled))] == [
        "objective.findings"]
    measured = {**bare, "objective": {"grip": [{"position": "2", "right_1": 20}]}}
    assert registry.problems_before_signing(make_note(VISIT, measured)) == []


def test_orthotic_management_needs_the_orthosis_described(vesalius_registry, make_note):
    registry = vesalius_registry("ot")
    note = make_note(VISIT, visit(("97760", 20)))
    assert [p.field for p in registry.problems_before_signing(note)] == ["plan.orthosis"]


def test_an_adverse_reaction_must_be_described(vesalius_registry, make_note):
    """The SDK's common safety rule, on the SDK's own fields."""
    registry = vesalius_registry("ot")
    note = make_note(VISIT, visit(("97110", 15), response="adverse-reaction"))
    assert [p.field for p in registry.problems_before_signing(note)] == [
        "plan.adverse_details"]
