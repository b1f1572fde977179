"""Measure response checks and the scoring helpers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from vesalius_sdk import (
    Band,
    MeasureItem,
    OutcomeMeasure,
    ResponseError,
    Score,
    Subscale,
    WorkedExample,
)
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


def inner_optional() -> OutcomeMeasure:
    """Like the ODI: an optional item (2) that is not the last."""
    return measure(items=[MeasureItem(id=f"i{n}", label=f"Item {n}", maximum=5,
                                      optional=n == 2) for n in range(1, 5)])


def test_responses_by_item_id_or_number_skip_any_optional_item():
    m = inner_optional()
    assert m.check_responses({"i1": 1, "i3": 2, "i4": 3}) == (1, None, 2, 3)
    assert m.check_responses({1: 1, "3": 2, 4: 3}) == (1, None, 2, 3)
    assert m.score({"i1": 1, "i3": 1, "i4": 1}).value == 20.0


@pytest.mark.parametrize(("responses", "message"), [
    ({"i9": 1}, "demo has no item 'i9' (items: i1, i2, i3, i4)"),
    ({5: 1}, "demo has items 1 to 4, not 5"),
])
def test_responses_by_key_name_the_wrong_key(responses, message):
    with pytest.raises(ResponseError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        inner_optional().check_responses(responses)


def test_a_short_list_says_how_to_skip_an_optional_item_that_is_not_last():
    with pytest.raises(ResponseError) as excinfo:
        inner_optional().score([1, 2, 3])
    assert str(excinfo.value) == (
        "demo takes 3 to 4 responses, got 3; to skip optional item 2 (i2) give null in its "
        "place, or give responses by item id or number")


def test_a_missing_item_rule_is_data_and_must_fit_the_items():
    from vesalius_sdk import MissingRule

    rule = MissingRule(max_missing=1, text="Up to one item may be left unanswered.")
    assert measure(missing_rule=rule).missing_rule.max_missing == 1
    with pytest.raises(ValidationError, match="max_missing must be below the 3 items"):
        measure(missing_rule=MissingRule(max_missing=3, text="Any number may be missing."))


def test_a_band_may_cite_its_own_source():
    band = Band(minimum=0, maximum=20, label="minimal",
                source="Fairbank JC, Pynsent PB. Spine 2000;25(22):2940-52")
    assert band.source.startswith("Fairbank")


def test_subscales_are_optional_labelled_and_unique():
    assert measure().subscales == ()  # a 0.2.0 measure declares none and still loads
    shown = measure(subscales=[Subscale(id="grip", label="Grip"),
                               Subscale(id="pinch", label="Pinch")])
    assert [(s.id, s.label) for s in shown.subscales] == [("grip", "Grip"), ("pinch", "Pinch")]
    with pytest.raises(ValidationError, match="duplicate subscale of measure 'demo' id 'grip'"):
        measure(subscales=[Subscale(id="grip", label="Grip"), Subscale(id="grip", label="G")])
    with pytest.raises(ValidationError):
        Subscale(id="grip", label="")


def test_a_score_says_why_a_subscore_is_not_scored():
    score = Score(value=1, minimum=0, maximum=2, direction="higher-is-worse",
                  subscores={"grip": None}, subscore_reasons={"grip": "1 of 4 answered"})
    assert score.subscore_reasons["grip"] == "1 of 4 answered"
    assert Score(value=1, minimum=0, maximum=2,
                 direction="higher-is-worse").subscore_reasons == {}
