"""FAAM ADL, FAAM Sports and FFI against their worked examples and thresholds.

Sources: FAAM (Martin et al., Foot Ankle Int 2005;26(11):968-983), its rule as given by
Physiopedia (8-Item Sports Subscale) and the SRALab FAAM page; FFI (Budiman-Mak, Conrad and
Roach, J Clin Epidemiol 1991;44(6):561-570), its rule as given by the SRALab FFI page.
"""

from __future__ import annotations

import pytest
from vesalius_podiatry.measures import FAAM_ADL, FAAM_SPORTS, FFI, MEASURES
from vesalius_sdk import OutcomeMeasure, ResponseError


@pytest.mark.parametrize(
    ("measure", "example"),
    [(m, e) for m in MEASURES for e in m.examples],
    ids=[f"{m.id}-{i}" for m in MEASURES for i, _ in enumerate(m.examples)],
)
def test_worked_examples(measure: OutcomeMeasure, example) -> None:
    score = measure.score(example.responses)
    assert score.value == example.value
    if example.complete is not None:
        assert score.complete == example.complete
    for name, value in example.subscores.items():
        assert score.subscores[name] == value


def test_every_measure_has_sourced_examples_and_licence() -> None:
    for measure in MEASURES:
        assert len(measure.examples) >= 3
        assert any(e.value is None for e in measure.examples), "a not-scorable example"
        assert not measure.item_text_included
    assert "not free" in FFI.licence.lower()
    assert [len(m.items) for m in MEASURES] == [21, 8, 23]


def test_faam_adl_clinical_example() -> None:
    # FAAM rule (Martin 2005): 19 answered, 2 N/A, sum 57 -> 57/76 = 75.0 %.
    responses = [3] * 19 + [None, None]
    score = FAAM_ADL.score(responses)
    assert score.value == 75.0 and score.subscores["maximum"] == 76


@pytest.mark.parametrize(
    ("answered", "scorable"), [(21, True), (20, True), (19, True), (18, False), (0, False)]
)
def test_faam_adl_needs_19_of_21(answered: int, scorable: bool) -> None:
    responses = [2] * answered + [None] * (21 - answered)
    score = FAAM_ADL.score(responses)
    assert (score.value is not None) == scorable
    if scorable:
        assert score.value == 50.0
    else:
        assert "at least 19" in (score.reason or "")


@pytest.mark.parametrize(("answered", "scorable"), [(8, True), (7, True), (6, False)])
def test_faam_sports_needs_7_of_8(answered: int, scorable: bool) -> None:
    responses = [4] * answered + [None] * (8 - answered)
    assert (FAAM_SPORTS.score(responses).value is not None) == scorable


def test_faam_direction_and_range() -> None:
    assert FAAM_ADL.direction == FAAM_SPORTS.direction == "higher-is-better"
    assert FAAM_ADL.score([0] * 21).value == 0.0
    assert FAAM_SPORTS.score([4] * 8).value == 100.0
    assert FAAM_ADL.reached_mcid(60.0, 68.0) is True
    assert FAAM_SPORTS.reached_mcid(60.0, 68.0) is False


def test_faam_rejects_out_of_range_and_wrong_count() -> None:
    with pytest.raises(ResponseError):
        FAAM_ADL.score([5] + [4] * 20)
    with pytest.raises(ResponseError):
        FAAM_SPORTS.score([4] * 7 + [4, 4])
    with pytest.raises(ResponseError):
        FAAM_SPORTS.score([4] * 7)  # 7 values for 8 items: N/A must be given as None


def test_ffi_clinical_example_and_subscales() -> None:
    # SRALab FFI rule: pain 45/90, disability 36/80 with one N/A, activity 10/50;
    # pooled total 91/220 = 41.36 % (the mean-of-subscales method would give 38.33).
    responses = [5] * 9 + [5, 5, 5, 5, 4, 4, 4, 4, None] + [2] * 5
    score = FFI.score(responses)
    assert score.value == 41.36
    assert score.subscores["pain"] == 50.0
    assert score.subscores["disability"] == 45.0
    assert score.subscores["activity"] == 20.0
    assert score.direction == "higher-is-worse"
    assert not score.complete


def test_ffi_all_items_answered_uses_230() -> None:
    # SRALab: total = sum / 230 x 100 when every item applies.
    responses = [3] * 23
    assert FFI.score(responses).value == round(69 / 230 * 100, 2)


def test_ffi_subscale_without_applicable_items() -> None:
    responses = [None] * 9 + [4] * 9 + [1] * 5
    score = FFI.score(responses)
    assert score.value is None and "pain" in (score.reason or "")
    assert score.subscores["pain"] is None
    assert score.subscores["disability"] == 40.0


def test_ffi_item_range() -> None:
    with pytest.raises(ResponseError):
        FFI.score([11] + [0] * 22)


@pytest.mark.parametrize(("measure", "max_missing"), [(FAAM_ADL, 2), (FAAM_SPORTS, 1),
                                                      (FFI, None)])
def test_missing_rules_are_data(measure: OutcomeMeasure, max_missing: int | None) -> None:
    """FAAM: the 90 % rule as a count (19 of 21, 7 of 8); FFI: a per-subscale rule, text."""
    assert measure.missing_rule is not None
    assert measure.missing_rule.max_missing == max_missing


def test_items_are_labelled_without_published_text() -> None:
    for measure in MEASURES:
        assert not measure.item_text_included
        assert all(item.anchors for item in measure.items)
