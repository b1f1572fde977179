"""Measure response checks and the scoring helpers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from vesalius_sdk import Band, MeasureItem, OutcomeMeasure, ResponseError, WorkedExample
from vesalius_sdk.scoring import (
    answered,
    mean_of_answered,
    missing,
    percent_of_answered,
    round_half_up,
)


def measure(**extra) -> OutcomeMeasure:
    fields = dict(
        id="demo", title="Demo", direction="higher-is-worse", minimum=0, maximum=100, unit="%",
        licence="Made up for tests; no text.",
        items=[MeasureItem(id=f"i{n}", label=f"Item {n}", maximum=5, optional=n > 3)
               for n in range(1, 5)],
        scorer=lambda m, r: m.result(percent_of_answered(m, r)) if answered(r) else
        m.not_scorable("nothing answered"),
        bands=[Band(minimum=0, maximum=20, label="minimal"),
               Band(minimum=20.1, maximum=100, label="more")],
    )
    fields.update(extra)
    return OutcomeMeasure(**fields)


def test_scoring_and_bands():
    m = measure()
    score = m.score([1, 1, 1, 1])
    assert (score.value, score.band, score.unit, score.complete) == (20.0, "minimal", "%", True)
    assert m.score([5, 5, 5]).value == 100.0  # a trailing optional item may be left off
    nothing = m.score([None, None, None])
    assert (nothing.value, nothing.complete, nothing.reason) == (None, False, "nothing answered")


@pytest.mark.parametrize(("responses", "message", "item"), [
    ([1, 1], "demo takes 3 to 4 responses, got 2", None),
    ([1, 1, 1, 1, 1], "demo takes 3 to 4 responses, got 5", None),
    ([1, 6, 1], "demo item 2 (i2): 6 is outside 0-5", 2),
    ([1, "2", 1], "demo item 2 (i2): '2' is not a whole number", 2),
    ([1, True, 1], "demo item 2 (i2): True is not a whole number", 2),
    ([1, 1.5, 1], "demo item 2 (i2): 1.5 is not a whole number", 2),
])
def test_bad_responses_name_the_item(responses, message, item):
    with pytest.raises(ResponseError) as excinfo:
        measure().score(responses)
    assert str(excinfo.value) == message
    assert excinfo.value.item == item


def test_whole_floats_are_accepted():
    assert measure().check_responses([1.0, 2, 3]) == (1, 2, 3, None)


def test_mcid_direction():
    worse = measure(mcid=10, mcid_source="made up")
    assert worse.reached_mcid(50, 38) is True
    assert worse.reached_mcid(50, 45) is False
    better = measure(direction="higher-is-better", mcid=2, mcid_source="made up")
    assert better.reached_mcid(4, 6.33) is True
    assert measure().reached_mcid(1, 2) is None


def test_declarations_are_checked():
    with pytest.raises(ValidationError, match="give mcid_source with mcid"):
        measure(mcid=3)
    with pytest.raises(ValidationError, match="item_text_included must say"):
        measure(item_text_included=True)
    with pytest.raises(ValidationError, match="source"):
        WorkedExample(responses=(1,), value=1, source="")
    with pytest.raises(ValidationError, match="loinc"):
        measure(loinc="ABC")


def test_helpers():
    assert round_half_up(2.25, 1) == 2.3
    assert round_half_up(2.35, 1) == 2.4
    assert round_half_up(19 / 3, 2) == 6.33
    assert mean_of_answered((6, 7, 6, None, None)) == 6.33
    assert missing((1, None, None)) == 2
