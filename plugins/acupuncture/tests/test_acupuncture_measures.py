"""MYMOP2 against its worked examples (Paterson, BMJ 1996;312:1016-1020: the profile is the
mean of the items; makingcasescount.org scoring)."""

from __future__ import annotations

import pytest
from vesalius_acupuncture.measures import MEASURES, MYMOP2
from vesalius_sdk import ResponseError


@pytest.mark.parametrize("example", MYMOP2.examples, ids=lambda e: str(e.responses))
def test_worked_examples(example) -> None:
    score = MYMOP2.score(example.responses)
    assert score.value == example.value
    assert score.complete == example.complete
    assert dict(score.subscores) == dict(example.subscores)


def test_clinical_example_change_is_significant() -> None:
    # Paterson 1996 mean: 4, 3, 5, 2 -> 3.5; follow-up 2, 2, 3, 1 -> 2.0; change -1.5.
    before = MYMOP2.score([4, 3, 5, 2]).value
    after = MYMOP2.score([2, 2, 3, 1]).value
    assert (before, after) == (3.5, 2.0)
    assert MYMOP2.direction == "higher-is-worse"
    assert MYMOP2.reached_mcid(before, after) is True
    assert MYMOP2.reached_mcid(3.5, 3.0) is False


def test_symptom_two_is_optional() -> None:
    assert MYMOP2.score([4, None, 5, 2]).value == 3.67
    assert MYMOP2.score([6, None, 6, 6]).value == 6.0


@pytest.mark.parametrize("responses", [[None, 3, 5, 2], [4, 3, None, 2], [4, 3, 5, None],
                                       [None, None, None, None]])
def test_core_items_are_needed(responses: list[int | None]) -> None:
    score = MYMOP2.score(responses)
    assert score.value is None and not score.complete
    assert "not answered" in (score.reason or "")


def test_range_and_count() -> None:
    with pytest.raises(ResponseError):
        MYMOP2.score([7, 3, 5, 2])
    with pytest.raises(ResponseError):
        MYMOP2.score([4, 3, 5])  # the missing item is not the optional one
    with pytest.raises(ResponseError):
        MYMOP2.score([4, 3, 5, 2, 1])


def test_licence_and_no_item_text() -> None:
    assert MEASURES == (MYMOP2,)
    assert not MYMOP2.item_text_included
    assert "licence" in MYMOP2.licence.lower() and "Meaningful Measures" in MYMOP2.licence
    assert [i.id for i in MYMOP2.items] == ["symptom1", "symptom2", "activity", "wellbeing"]
    assert [i.maximum for i in MYMOP2.items] == [6, 6, 6, 6]


def test_missing_rule_is_data_the_scorer_honours() -> None:
    rule = MYMOP2.missing_rule
    assert rule is not None and rule.max_missing == 0
    assert MYMOP2.score([4, None, 5, 2]).value is not None  # the optional item
    assert MYMOP2.score([4, 3, None, 2]).value is None      # one required item missing
