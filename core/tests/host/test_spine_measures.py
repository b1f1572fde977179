"""The common spine measures of the core's general pack against their publications.

ODI: Fairbank JC, Pynsent PB. The Oswestry Disability Index. Spine 2000;25(22):2940-52
(scoring rule), bands of Fairbank JC et al., Physiotherapy 1980;66(8):271-3, MCID of Ostelo
RW et al., Spine 2008;33(1):90-4. NDI: Vernon H, Mior S. J Manipulative Physiol Ther
1991;14(7):409-15 (scoring and bands) and Vernon's scoring instructions (one missing item
imputed). Moved here with the measures from the physio and chiro packs (issue 20).
"""

from __future__ import annotations

import pytest
from vesalius.general.measures import NDI, ODI
from vesalius.general.measures.ndi import vernon_band
from vesalius.plugins import build_registry
from vesalius_sdk import ResponseError, hookimpl
from vesalius_sdk.testing import strict_registry

SPINE = (ODI, NDI)
EXAMPLES = [(m, e) for m in SPINE for e in m.examples]


def test_general_owns_odi_and_ndi_under_their_ids():
    """Stored notes and results name them by id: ``odi`` and ``ndi`` never change."""
    registry = strict_registry()
    assert (registry.owner("measure", "odi"), registry.owner("measure", "ndi")) == (
        "general", "general")
    assert registry.measures["odi"] is ODI and registry.measures["ndi"] is NDI
    assert (ODI.version, NDI.version) == ("2.1a", "1")  # as stored by physio/chiro 0.2.0


class Release020:
    """A pack release made before the move: it still registers the measure, as physio
    0.2.0 registered the ODI and chiro 0.2.0 the NDI (their own words, same rule)."""

    def __init__(self, *measures):  # type: ignore[no-untyped-def]
        self.measures = measures

    @hookimpl
    def register_measures(self, register):  # type: ignore[no-untyped-def]
        for measure in self.measures:
            register(measure)


def test_a_pack_release_from_before_the_move_keeps_running_beside_this_core():
    """Upgrading the core alone must not disable physio 0.2.0 or chiro 0.2.0: their ODI and
    NDI are the general pack's measures, so theirs is used and the pack stays enabled."""
    physio = Release020(ODI.model_copy(update={
        "disciplines": ("physio",), "mcid_source": "Ostelo et al. 2008, in 0.2.0's words"}))
    chiro = Release020(NDI.model_copy(update={"disciplines": ("chiro",)}))
    registry = build_registry(entry_points=False, strict=True,
                              extra_plugins=[("physio", physio), ("chiro", chiro)])
    assert [(p.name, p.status) for p in registry.packs] == [
        ("general", "enabled"), ("physio", "enabled"), ("chiro", "enabled")]
    assert registry.owner("measure", "odi") == registry.owner("measure", "ndi") == "general"
    assert registry.measures["odi"] is ODI


@pytest.mark.parametrize("change", [
    {"version": "2.0"},  # another version of the questionnaire
    {"scorer": lambda m, r: m.result(float(sum(v or 0 for v in r)))},  # the raw sum
], ids=["version", "scorer"])
def test_another_measure_under_the_id_is_still_a_conflict_naming_general(change):
    registry = build_registry(entry_points=False, strict=False, extra_plugins=[
        ("spine", Release020(ODI.model_copy(update=change)))])
    info = registry.pack("spine")
    assert (info.status, info.conflict_with) == ("disabled", "general")
    assert info.reason.startswith("measure id 'odi' is already registered by pack 'general'")


@pytest.mark.parametrize(("measure", "example"), EXAMPLES,
                         ids=[f"{m.id}-{i}" for i, (m, _) in enumerate(EXAMPLES)])
def test_worked_examples_score_as_their_source_says(measure, example):
    score = measure.score(example.responses)
    assert score.value == (pytest.approx(example.value) if example.value is not None else None)
    if example.complete is not None:
        assert score.complete is example.complete
    if example.band is not None:
        assert score.band == example.band
    for key, value in example.subscores.items():
        assert score.subscores[key] == pytest.approx(value)


@pytest.mark.parametrize("measure", SPINE, ids=lambda m: m.id)
def test_licence_mcid_loinc_and_missing_rule_travel_with_the_measure(measure):
    assert measure.examples and all(len(e.source) > 20 for e in measure.examples)
    assert any(e.value is None for e in measure.examples)
    assert measure.mcid == 10 and measure.mcid_source
    assert not measure.item_text_included and "not included" in measure.licence
    assert measure.missing_rule.max_missing == 1 and measure.missing_rule.source
    # No published wording: every response step carries our own label, never a bare number.
    for item in measure.items:
        assert item.text is None
        assert sorted(item.anchors) == [0, 1, 2, 3, 4, 5], item.id
        assert all(label.strip() for label in item.anchors.values())


def test_sources_cite_publications_not_files():
    for measure in SPINE:
        texts = [measure.source, measure.mcid_source, measure.licence,
                 measure.missing_rule.source, *(e.source for e in measure.examples),
                 *(b.source for b in measure.bands)]
        assert not [t for t in texts if t and ".md" in t], measure.id
    assert "Spine 2000;25(22):2940-52" in ODI.source
    assert "J Manipulative Physiol Ther 1991;14(7):409-15" in NDI.source


# --- ODI: Fairbank & Pynsent 2000 scoring rule -------------------------------------------


def test_odi_all_answered_is_sum_over_fifty():
    # "16 (total scored) / 50 (total possible score) x 100 = 32%"
    assert ODI.score([2, 1, 3, 2, 2, 1, 2, 1, 1, 1]).value == 32.0


def test_odi_one_section_missing_reduces_the_denominator_by_five():
    # "If one section is missed or not applicable ... 16 / 45 x 100 = 35.5%" (truncated)
    score = ODI.score([2, 1, 3, 2, 2, 1, 2, None, 2, 1])
    assert score.value == pytest.approx(100 * 16 / 45, abs=0.005)
    assert score.complete  # sex life is "if applicable"


def test_odi_two_sections_missing_is_not_scorable():
    # Our one-section limit (as in the awell-score library): fewer than 9 answered
    score = ODI.score([2, 1, None, 2, 2, 1, 2, None, 2, 1])
    assert score.value is None and not score.complete and "at most one" in score.reason


def test_odi_bands_follow_fairbank_at_the_edges():
    assert ODI.band_for(20) == "minimal disability"
    assert ODI.band_for(20.5) == "moderate disability"
    assert ODI.band_for(100) == "bed-bound, or exaggerating symptoms"
    assert ODI.score([5] * 10).value == 100.0 and ODI.score([0] * 10).value == 0.0
    assert all("Physiotherapy 1980" in band.source for band in ODI.bands)


def test_odi_rejects_values_outside_zero_to_five():
    with pytest.raises(ResponseError) as info:
        ODI.score([6, 1, 3, 2, 2, 1, 2, 1, 1, 1])
    assert info.value.item == 1


def test_odi_mcid_is_ten_points_of_improvement():
    # Ostelo et al. 2008: 10 points (or 30 % from baseline).
    assert ODI.reached_mcid(42, 32) is True
    assert ODI.reached_mcid(42, 34) is False


def test_odi_loinc_is_the_questionnaire_code():
    assert ODI.loinc == "97908-8" and NDI.loinc is None  # no NDI panel code confirmed


# --- NDI: Vernon & Mior 1991 --------------------------------------------------------------


def test_ndi_is_a_percentage_with_raw_score_and_vernon_band():
    # Vernon's scoring: [2,1,2,1,3,1,2,1,1,2] = 16 raw -> 32% -> moderate (15-24).
    score = NDI.score([2, 1, 2, 1, 3, 1, 2, 1, 1, 2])
    assert (score.value, score.unit, score.subscores["raw"], score.band) == (
        32.0, "%", 16.0, "moderate")
    assert (score.minimum, score.maximum) == (0, 100)


def test_ndi_one_missing_item_is_imputed_by_the_mean_of_the_others():
    # Vernon's imputation: driving missing, other nine sum 16 -> 16 + 16/9 = 17.78 -> 35.6%.
    score = NDI.score([2, 1, 2, 1, 3, 1, 2, None, 2, 2])
    assert score.value == 35.6
    assert score.subscores["raw"] == 17.78
    assert score.band == "moderate"
    assert score.complete is False and "imputed" in (score.reason or "")
    # Algebraically the ODI-style denominator: 16/45 = 35.56%.
    assert score.value == pytest.approx(16 / 45 * 100, abs=0.05)


def test_ndi_two_missing_items_are_not_scorable():
    score = NDI.score([2, 1, 2, 1, 3, 1, 2, None, None, 2])
    assert score.value is None and score.complete is False
    assert "2 items unanswered" in (score.reason or "")


def test_ndi_bands_apply_to_the_imputed_raw_score():
    # Raw 4 of nine answered -> 4.44 imputed: above 4, so mild rather than none.
    score = NDI.score([1, 1, 1, 1, 0, 0, 0, 0, 0, None])
    assert score.subscores["raw"] == 4.44 and score.band == "mild"
    # 31 of nine answered -> 34.44 imputed: more than 34 is complete.
    score = NDI.score([4, 4, 4, 4, 3, 3, 3, 3, 3, None])
    assert score.subscores["raw"] == 34.44 and score.band == "complete"


@pytest.mark.parametrize(("raw", "band"), [
    (0, "none"), (4, "none"), (5, "mild"), (14, "mild"), (15, "moderate"), (24, "moderate"),
    (25, "severe"), (34, "severe"), (35, "complete"), (50, "complete"),
])
def test_vernon_bands_on_raw_scores(raw, band):
    assert vernon_band(raw) == band


def test_percentage_bands_agree_with_vernon_bands_for_every_possible_score():
    # Every whole raw score, and every raw score imputed from nine answered items.
    raws = [float(r) for r in range(51)] + [s + s / 9 for s in range(46)]
    for raw in raws:
        assert NDI.band_for(round(raw * 2, 1)) == vernon_band(raw), raw


def test_ndi_mcid_is_five_raw_points():
    assert NDI.reached_mcid(40.0, 30.0) is True  # 5 raw points
    assert NDI.reached_mcid(40.0, 32.0) is False
