"""STarT Back against the Keele scoring rule (keele.ac.uk/sbst; Hill et al. 2008)."""

from __future__ import annotations

import pytest
from vesalius_osteo.measures import ALL, START_BACK
from vesalius_sdk import ResponseError


@pytest.mark.parametrize("example", START_BACK.examples,
                         ids=[str(i) for i in range(len(START_BACK.examples))])
def test_worked_examples(example) -> None:
    score = START_BACK.score(example.responses)
    assert score.value == example.value
    assert score.band == example.band
    if example.complete is not None:
        assert score.complete is example.complete
    for key, value in example.subscores.items():
        assert score.subscores[key] == value


@pytest.mark.parametrize(("bother", "counts"), [(1, 0), (2, 0), (3, 0), (4, 1), (5, 1)])
def test_item_9_counts_only_very_much_or_extremely(bother: int, counts: int) -> None:
    score = START_BACK.score([0, 0, 0, 0, 0, 0, 0, 0, bother])
    assert score.value == counts and score.subscores["psychosocial"] == counts


def test_risk_groups() -> None:
    # Total 0-3 low; total 4-9 with subscale 4-5 high; otherwise medium.
    assert START_BACK.score([1, 1, 1, 0, 0, 0, 0, 0, 1]).band == "low"
    assert START_BACK.score([1, 1, 1, 1, 0, 0, 0, 0, 1]).band == "medium"
    assert START_BACK.score([1, 1, 1, 1, 1, 1, 1, 0, 3]).band == "medium"
    assert START_BACK.score([1, 1, 1, 1, 1, 1, 1, 1, 1]).band == "high"
    assert START_BACK.score([0, 0, 0, 0, 1, 1, 1, 1, 1]).band == "high"


def test_shape_and_licence() -> None:
    assert [m.id for m in ALL] == ["start-back"]
    with pytest.raises(ResponseError):
        START_BACK.score([0] * 8 + [0])  # item 9 is answered 1-5
    with pytest.raises(ResponseError):
        START_BACK.score([2] + [0] * 7 + [1])
    assert not START_BACK.item_text_included
    assert "Keele" in START_BACK.licence
    assert (START_BACK.minimum, START_BACK.maximum, START_BACK.direction) == (
        0, 9, "higher-is-worse")


def test_the_missing_rule_is_declared_as_data() -> None:
    assert START_BACK.missing_rule is not None and START_BACK.missing_rule.max_missing == 0
