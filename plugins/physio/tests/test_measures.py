"""Each measure against the worked examples of its published source and its missing-item rule.

Sources: LEFS, Binkley et al., Phys Ther
1999;79(4):371-83; QuickDASH, Beaton et al., J Bone Joint Surg Am 2005;87(5):1038-46 and the
Institute for Work & Health's scoring rules; SPADI, Roach et al., Arthritis Care Res
1991;4(4):143-9 and its scoring form (cited per test). The ODI moved to the core's general
pack with its tests (core/tests/host/test_spine_measures.py).
"""

import pytest
from vesalius_physio.measures import LEFS, MEASURES, QUICKDASH, SPADI
from vesalius_sdk import ResponseError

EXAMPLES = [(m, e) for m in MEASURES for e in m.examples]
#: Measures whose published MCID could not be verified against its publication: unset.
NO_MCID = {"hoos", "koos-jr", "hoos-jr"}


@pytest.mark.parametrize(("measure", "example"), EXAMPLES,
                         ids=[f"{m.id}-{i}" for i, (m, _) in enumerate(EXAMPLES)])
def test_worked_examples_score_as_their_source_says(measure, example):
    score = measure.score(example.responses)
    assert score.value == example.value
    if example.complete is not None:
        assert score.complete is example.complete
    if example.band is not None:
        assert score.band == example.band
    for key, value in example.subscores.items():
        assert score.subscores[key] == value


def test_every_measure_has_examples_with_sources_and_a_not_scorable_one():
    for measure in MEASURES:
        assert measure.examples, measure.id
        assert all(len(e.source) > 20 for e in measure.examples)
        assert any(e.value is None for e in measure.examples), measure.id
        assert (measure.mcid is not None and measure.mcid_source) or measure.id in NO_MCID


# --- LEFS: Binkley 1999 ------------------------------------------------------------------


def test_lefs_is_the_sum_of_twenty_items_higher_is_better():
    score = LEFS.score([3] * 20)
    assert (score.value, score.subscores["percent_of_maximum"]) == (60.0, 75.0)
    assert score.direction == "higher-is-better"
    assert LEFS.reached_mcid(51, 60) is True and LEFS.reached_mcid(52, 60) is False


def test_lefs_prorates_up_to_two_missing_and_refuses_three():
    # Our documented policy: no published missing-item rule exists.
    one_missing = LEFS.score([4] * 19 + [None])
    assert one_missing.value == 80.0 and not one_missing.complete
    assert LEFS.score([2] * 17 + [None] * 3).value is None


def test_lefs_ships_item_text_because_its_licence_is_free():
    assert LEFS.item_text_included and all(i.text for i in LEFS.items)
    assert len(LEFS.items) == 20


# --- QuickDASH: IWH formula ---------------------------------------------------------------


def test_quickdash_formula_and_its_one_missing_item_rule():
    assert QUICKDASH.score([2, 3, 2, 1, 2, 2, 3, 2, 2, 3, 2]).value == 29.55
    assert QUICKDASH.score([2, 3, 2, 1, 2, 2, 3, 2, 2, 3, None]).value == 30.0
    assert QUICKDASH.score([2, 3, 2, 1, 2, 2, 3, 2, 2, None, None]).value is None


def test_quickdash_extremes_and_range():
    assert QUICKDASH.score([1] * 11).value == 0.0
    assert QUICKDASH.score([5] * 11).value == 100.0
    with pytest.raises(ResponseError):
        QUICKDASH.score([0] + [1] * 10)


def test_quickdash_modules_need_all_four_items():
    # IWH: an optional module is scored only with all four of its items answered.
    score = QUICKDASH.score([3] * 11 + [5, 5, 5, 5] + [1, 1, 1, None])
    assert score.value == 50.0
    assert score.subscores == {"work": 100.0, "sports": None}


def test_quickdash_ships_no_item_text():
    assert not QUICKDASH.item_text_included
    assert not any(i.text for i in QUICKDASH.items)
    assert "licence" in QUICKDASH.licence.lower()


# --- SPADI: Roach 1991 scoring form ------------------------------------------------------


def test_spadi_total_is_over_130_not_the_mean_of_subscales():
    score = SPADI.score([7, 6, 8, 5, 4, 5, 6, 4, 3, 2, 7, 6, 5])
    assert score.value == 52.31
    assert score.value != (60.0 + 47.5) / 2  # the awell-score method gives 53.75


def test_spadi_missing_items_come_off_each_denominator():
    # "if 1 question missed divide by 40" (pain), "by 70" (disability), "by 120" (total)
    score = SPADI.score([7, 6, None, 5, 4, 5, 6, 4, 3, 2, 7, 6, 5])
    assert score.subscores["pain"] == round(100 * 22 / 40, 2)
    assert score.value == round(100 * 60 / 120, 2)


def test_spadi_two_missing_in_one_subscale_is_not_scorable():
    score = SPADI.score([7, 6, 8, 5, 4, None, None, 4, 3, 2, 7, 6, 5])
    assert score.value is None and score.subscores["disability"] is None
    assert score.subscores["pain"] == 60.0


def test_item_text_ships_only_where_the_licence_table_says_free():
    shipped = {m.id for m in MEASURES if m.item_text_included}
    assert shipped == {"lefs", "spadi"}


# --- 0.2: missing-item rules as data, labelled responses, band sources --------------------


def test_missing_rules_are_declared_and_match_the_scorers():
    rules = {m.id: m.missing_rule for m in MEASURES}
    assert {k: r.max_missing for k, r in rules.items()} == {
        "lefs": 2, "quickdash": 1, "spadi": None,
        "dash": 3, "koos": None, "hoos": None, "koos-jr": 0, "hoos-jr": 0}
    assert "each part" in rules["spadi"].text  # a per-subscale rule: said, not counted
    assert all(r.source for r in rules.values())


@pytest.mark.parametrize("measure", [QUICKDASH], ids=lambda m: m.id)
def test_items_without_licensed_text_label_every_response_value(measure):
    # The editor shows "n · label" for each value: no bare numbers where text may not ship.
    for item in measure.items:
        assert item.text is None
        assert set(item.anchors) == set(range(item.minimum, item.maximum + 1)), item.id
        assert all(label.strip() for label in item.anchors.values())


def test_quickdash_labels_follow_what_each_item_asks():
    by_id = {i.id: i for i in QUICKDASH.items}
    assert by_id["tight_jar"].anchors[5] == "cannot do it"
    assert by_id["pain"].anchors[5] == "extreme"
    assert by_id["sleep"].anchors[5] == "cannot sleep"


def test_no_source_names_a_file_outside_the_repository():
    for m in MEASURES:
        for text in [m.source, m.mcid_source, m.licence,
                     m.missing_rule and m.missing_rule.source,
                     *(e.source for e in m.examples), *(b.source for b in m.bands)]:
            assert ".md" not in (text or ""), m.id
