"""Measures against the worked examples of their sources (Roland & Morris 1983, Roland &
Fairbank 2000; Bolton & Breen 1999, Bolton & Humphreys 2002). The NDI moved to the core's
general pack with its tests (core/tests/host/test_spine_measures.py)."""

from __future__ import annotations

import pytest
from vesalius_chiro.measures import ALL, BQ_BACK, BQ_NECK, RMDQ
from vesalius_sdk import OutcomeMeasure, ResponseError

EXAMPLES = [(m, e) for m in ALL for e in m.examples]


@pytest.mark.parametrize(("measure", "example"), EXAMPLES,
                         ids=[f"{m.id}-{i}" for i, (m, _) in enumerate(EXAMPLES)])
def test_worked_examples(measure: OutcomeMeasure, example) -> None:
    score = measure.score(example.responses)
    assert score.value == (pytest.approx(example.value) if example.value is not None else None)
    if example.band is not None:
        assert score.band == example.band
    if example.complete is not None:
        assert score.complete is example.complete
    for key, value in example.subscores.items():
        assert score.subscores[key] == pytest.approx(value)


def test_every_measure_has_sourced_examples_and_a_licence_without_item_text() -> None:
    assert {m.id for m in ALL} == {"bq-back", "bq-neck", "rmdq"}
    for measure in ALL:
        assert measure.examples and all(e.source for e in measure.examples)
        assert not measure.item_text_included
        assert all(item.text is None for item in measure.items)
        assert "not included" in measure.licence


def test_bournemouth_total_and_missing_items() -> None:
    for measure in (BQ_BACK, BQ_NECK):
        assert measure.score([6, 5, 7, 3, 2, 4, 5]).value == 32  # sum rule, Bolton & Breen 1999
        assert measure.score([0] * 7).value == 0
        missing = measure.score([6, 5, 7, 3, 2, None, 5])
        assert missing.value is None and not missing.complete
        with pytest.raises(ResponseError):
            measure.score([6, 5, 7, 3, 2, 4, 11])
    # Newell & Bolton 2010: 18 points for subacute/chronic low back pain.
    assert BQ_BACK.reached_mcid(50, 32) is True and BQ_BACK.reached_mcid(50, 33) is False
    assert BQ_NECK.mcid is None
    assert BQ_BACK.items[1].label != BQ_NECK.items[1].label


def test_rmdq_counts_ticks_and_scores_blanks_as_no() -> None:
    assert RMDQ.score([1] * 9 + [0] * 15).value == 9  # count rule, Roland & Morris 1983
    blanks = RMDQ.score([1, None, 1] + [None] * 21)
    assert blanks.value == 2 and blanks.complete is False and "'no'" in (blanks.reason or "")
    assert RMDQ.score([None] * 24).value is None
    with pytest.raises(ResponseError):
        RMDQ.score([2] + [0] * 23)
    with pytest.raises(ResponseError):
        RMDQ.score([0] * 23)


def test_rmdq_mcid_from_twelve_to_two() -> None:
    # 12 -> 2 is an 83% improvement, well past 5 points (Ostelo et al. 2008).
    assert RMDQ.reached_mcid(12, 2) is True
    assert RMDQ.reached_mcid(12, 8) is False
    assert round((12 - 2) / 12 * 100) == 83


def test_missing_rules_are_data_the_kit_checks_against_the_scorers() -> None:
    rules = {m.id: m.missing_rule for m in ALL}
    assert {k: r.max_missing for k, r in rules.items()} == {
        "bq-back": 0, "bq-neck": 0, "rmdq": None}
    assert "'no'" in rules["rmdq"].text  # not a count: blanks are scored as "no"


def test_sources_cite_publications_not_files() -> None:
    for measure in ALL:
        texts = [measure.source, measure.mcid_source, *(e.source for e in measure.examples),
                 measure.missing_rule.source if measure.missing_rule else None]
        assert not [t for t in texts if t and ".md" in t], measure.id
    assert "J Manipulative Physiol Ther 1999;22(8):503-10" in BQ_BACK.source
    assert "J Manipulative Physiol Ther 2002;25(3):141-8" in BQ_NECK.source
