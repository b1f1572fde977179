"""DASH, KOOS, HOOS, KOOS, JR. and HOOS, JR. against their published scoring rules.

Sources: DASH, Hudak et al., Am J Ind Med 1996;29(6):602-8 and the Institute for Work &
Health's "Scoring the DASH"; KOOS, Roos et al., J Orthop Sports Phys Ther 1998;28(2):88-96
and "KOOS Scoring 2012"; HOOS, Nilsdotter et al., BMC Musculoskelet Disord 2003;4:10 and
"HOOS Scoring 2013"; KOOS, JR. and HOOS, JR., Lyman et al., Clin Orthop Relat Res
2016;474(6):1461-71 and 1472-82, with the HSS interval tables.
"""

from itertools import pairwise

import pytest
from vesalius_physio.measures import DASH, HOOS, HOOS_JR, KOOS, KOOS_JR
from vesalius_physio.measures import hoos as hoos_module
from vesalius_physio.measures import koos as koos_module
from vesalius_sdk import ResponseError

ALL = (DASH, KOOS, HOOS, KOOS_JR, HOOS_JR)


# --- DASH: IWH "Scoring the DASH" ----------------------------------------------------------


def test_dash_is_thirty_items_and_two_optional_modules_of_four():
    assert len(DASH.items) == 38
    assert [i.optional for i in DASH.items] == [False] * 30 + [True] * 8
    assert all((i.minimum, i.maximum) == (1, 5) for i in DASH.items)


def test_dash_formula_is_mean_minus_one_times_25():
    # "[(sum of n responses / n) - 1] x 25, where n is equal to the number of completed
    # responses"
    assert DASH.score([1] * 30).value == 0.0
    assert DASH.score([5] * 30).value == 100.0
    assert DASH.score([2] * 30).value == 25.0
    assert DASH.score([4] * 15 + [2] * 15).value == 50.0


def test_dash_needs_27_of_30_answers():
    # "At least 27 of the 30 items must be completed for a score to be calculated."
    three_missing = DASH.score([3] * 27 + [None] * 3)
    assert three_missing.value == 50.0 and not three_missing.complete
    four_missing = DASH.score([3] * 26 + [None] * 4)
    assert four_missing.value is None and "at least 27" in four_missing.reason


def test_dash_modules_are_subscores_scored_only_when_complete():
    # "All four questions must be answered in order to calculate the score."
    score = DASH.score([2] * 30 + [5, 5, 5, 5] + [1, 1, None, 1])
    assert score.value == 25.0 and score.complete
    assert score.subscores == {"work": 100.0, "sports": None}
    # A module is optional: leaving both out keeps the DASH complete.
    assert DASH.score([2] * 30).complete


def test_dash_ships_no_item_text_and_labels_every_step():
    assert not DASH.item_text_included and not any(i.text for i in DASH.items)
    for item in DASH.items:
        assert set(item.anchors) == {1, 2, 3, 4, 5}, item.id
    by_id = {i.id: i for i in DASH.items}
    assert by_id["less_capable"].anchors[5] == "strongly agree"
    assert DASH.reached_mcid(45, 35) is True and DASH.reached_mcid(45, 36) is False


# --- KOOS: "KOOS Scoring 2012" -------------------------------------------------------------


def _subscale_sizes(module):
    return {s.key: (len(s.items), s.needed) for s in module.SUBSCALES}


def test_koos_has_the_published_subscales_and_50_percent_minimums():
    # Pain 5 of 9, Symptoms 4 of 7, ADL 9 of 17, Sport/Rec 3 of 5, QOL 2 of 4.
    assert _subscale_sizes(koos_module) == {
        "symptoms": (7, 4), "pain": (9, 5), "adl": (17, 9), "sport_rec": (5, 3),
        "qol": (4, 2)}
    assert len(KOOS.items) == 42


def test_hoos_has_the_published_subscales_and_50_percent_minimums():
    # "HOOS Scoring 2013": Pain 5 of 10, Symptoms 3 of 5, ADL 9, Sport/Rec 2, QOL 2.
    assert _subscale_sizes(hoos_module) == {
        "symptoms": (5, 3), "pain": (10, 5), "adl": (17, 9), "sport_rec": (4, 2),
        "qol": (4, 2)}
    assert len(HOOS.items) == 40


@pytest.mark.parametrize("measure", [KOOS, HOOS], ids=lambda m: m.id)
def test_subscales_run_from_100_no_problems_to_0_extreme(measure):
    best, worst = measure.score([0] * len(measure.items)), measure.score(
        [4] * len(measure.items))
    assert set(best.subscores.values()) == {100.0} and best.value == 100.0
    assert set(worst.subscores.values()) == {0.0} and worst.value == 0.0
    assert measure.direction == "higher-is-better"


@pytest.mark.parametrize("module", [koos_module, hoos_module], ids=["koos", "hoos"])
def test_each_subscale_is_scored_at_its_minimum_and_not_one_below(module):
    measure = module.KOOS if hasattr(module, "KOOS") else module.HOOS
    start = 0
    for subscale in module.SUBSCALES:
        size = len(subscale.items)
        for answered, scored in ((subscale.needed, True), (subscale.needed - 1, False)):
            responses = [1] * len(measure.items)
            for n in range(start + answered, start + size):
                responses[n] = None
            score = measure.score(responses)
            assert (score.subscores[subscale.key] is not None) is scored, (subscale.key,
                                                                            answered)
            if scored:
                assert score.subscores[subscale.key] == 75.0  # mean 1: 100 - 25
            others = {k: v for k, v in score.subscores.items() if k != subscale.key}
            assert set(others.values()) == {75.0}  # subscales are independent
        start += size


def test_koos_pain_mean_of_one_and_a_half_is_62_5():
    # 100 - 1.5 x 100 / 4 = 62.5, with one pain item unanswered (mean of the other eight)
    pain_ids = [i.id for i in KOOS.items[7:16]]
    given = dict(zip(pain_ids[:8], [1, 2, 1, 2, 1, 2, 1, 2], strict=True))
    score = KOOS.score(given)
    assert score.subscores["pain"] == 62.5 and score.value == 62.5
    assert score.subscores["symptoms"] is None  # none of its items given


def test_the_headline_is_pain_and_a_missing_pain_subscale_is_not_scorable():
    responses = [0] * 42
    for n in range(7, 12):  # five of the nine pain items left out: four remain
        responses[n] = None
    score = KOOS.score(responses)
    assert score.value is None and "Pain not scored (4 of 9 answered, 5 needed)" in score.reason
    assert score.subscores["adl"] == 100.0
    assert "Pain subscale" in KOOS.title and "Pain subscale" in HOOS.title


def test_an_unscored_sport_subscale_leaves_the_knee_score_incomplete_not_lost():
    # "if a particular subscale is not considered valid (for example, the subscale
    # Sport/Rec 2 weeks after total knee replacement), the results from the other subscale
    # can be reported"
    responses = [1] * 33 + [None] * 5 + [1] * 4
    score = KOOS.score(responses)
    assert score.value == 75.0 and not score.complete
    assert score.subscores["sport_rec"] is None
    assert score.reason == "Sport/Rec not scored (0 of 5 answered, 3 needed)"


@pytest.mark.parametrize("measure", [KOOS, HOOS, KOOS_JR, HOOS_JR], ids=lambda m: m.id)
def test_knee_and_hip_items_take_0_to_4_with_a_label_for_each(measure):
    for item in measure.items:
        assert (item.minimum, item.maximum) == (0, 4) and item.text is None
        assert set(item.anchors) == {0, 1, 2, 3, 4}, item.id
    with pytest.raises(ResponseError) as info:
        measure.score([5] + [0] * (len(measure.items) - 1))
    assert info.value.item == 1


def test_koos_mcid_is_the_pain_subscales_in_rehabilitation():
    # Monticone et al. 2013: minimal important change 16.7 for KOOS Pain
    assert KOOS.mcid == 16.7 and "Pain subscale 16.7" in KOOS.mcid_source
    assert KOOS.reached_mcid(40, 56.7) is True and KOOS.reached_mcid(40, 56) is False
    assert HOOS.mcid is None  # none verified: not borrowed from the KOOS


def test_koos_takes_responses_by_item_id():
    score = KOOS.score({i.id: 2 for i in KOOS.items})
    assert score.value == 50.0 and score.complete


# --- KOOS, JR. and HOOS, JR.: the HSS interval tables ---------------------------------------


def test_jr_tables_cover_every_raw_sum_from_perfect_to_total_disability():
    for measure, items in ((KOOS_JR, 7), (HOOS_JR, 6)):
        assert len(measure.items) == items
    from vesalius_physio.measures import hoos_jr, koos_jr

    for table, top in ((koos_jr.TABLE, 28), (hoos_jr.TABLE, 24)):
        assert len(table) == top + 1
        assert table[0] == 100.0 and table[-1] == 0.0
        assert all(a > b for a, b in pairwise(table))


def test_koos_jr_raw_15_reads_50_012_and_hoos_jr_raw_8_reads_64_664():
    assert KOOS_JR.score([2, 2, 1, 3, 2, 2, 3]).value == 50.012
    assert HOOS_JR.score([1, 2, 1, 2, 1, 1]).value == 64.664
    assert KOOS_JR.score([4, 4, 4, 4, 4, 4, 0]).value == 24.875  # raw 24
    near_worst = KOOS_JR.score([4, 4, 4, 4, 4, 4, 3])
    assert (near_worst.subscores["raw"], near_worst.value) == (27.0, 8.291)


def test_jr_forms_are_not_scored_with_any_item_missing():
    for measure in (KOOS_JR, HOOS_JR):
        score = measure.score([1] * (len(measure.items) - 1) + [None])
        assert score.value is None and not score.complete
        assert "every item is needed" in score.reason


def test_jr_loinc_codes_are_the_cms_functional_status_codes():
    assert (KOOS_JR.loinc, HOOS_JR.loinc) == ("82324-5", "82316-1")
    assert "HSS" in KOOS_JR.source and "retrieved" in HOOS_JR.source


# --- all five --------------------------------------------------------------------------------


def test_none_ships_licensed_wording_and_each_states_its_licence():
    for measure in ALL:
        assert not measure.item_text_included, measure.id
        assert "not included" in measure.licence, measure.id


# --- where the templates offer them ---------------------------------------------------------


def test_templates_offer_the_limb_measures_folded_where_a_physio_expects_them():
    from vesalius_physio.templates import TEMPLATES

    by_id = {t.id: t for t in TEMPLATES}

    def offered(template_id):
        return [f.measure for _, f in by_id[template_id].iter_fields() if f.kind == "measure"
                and not f.default]

    intake = offered("physio.initial-assessment")
    # Knee and hip beside the LEFS, the DASH beside the QuickDASH.
    assert intake[intake.index("lefs"):] == ["lefs", "koos", "hoos", "quickdash", "dash",
                                             "spadi"]
    for later in ("physio.re-assessment", "physio.discharge"):
        assert offered(later)[offered(later).index("lefs"):] == [
            "lefs", "koos", "koos-jr", "hoos", "hoos-jr", "quickdash", "dash", "spadi"]


def test_koos_and_hoos_declare_their_five_subscales_with_labels():
    # Roos EM, KOOS Scoring 2012 / HOOS Scoring 2013: Symptoms, Pain, ADL, Sport/Rec, QOL.
    for measure in (KOOS, HOOS):
        assert [(s.id, s.label) for s in measure.subscales] == [
            ("symptoms", "Symptoms"), ("pain", "Pain"), ("adl", "Daily living (ADL)"),
            ("sport_rec", "Sport and recreation"), ("qol", "Quality of life")]


def test_a_koos_subscale_not_scored_says_why():
    # KOOS Scoring 2012: Sport/Rec needs 3 of its 5 items; two given leaves it unscored.
    responses: list[int | None] = [1] * 42
    responses[33:38] = [2, 2, None, None, None]
    score = KOOS.score(responses)
    assert score.subscores["sport_rec"] is None
    assert score.subscore_reasons == {"sport_rec": "2 of 5 answered, 3 needed"}
    assert score.value == 75.0


def test_dash_modules_are_labelled_and_say_why_they_are_not_scored():
    # IWH scoring: a module is scored only with all four of its items answered.
    assert [(s.id, s.label) for s in DASH.subscales] == [
        ("work", "Work module"), ("sports", "Sports/performing arts module")]
    score = DASH.score([2] * 30 + [3, 3, None, None])
    assert score.subscores == {"work": None, "sports": None}
    assert score.subscore_reasons == {"work": "2 of 4 answered, all 4 needed",
                                      "sports": "not answered (optional)"}
