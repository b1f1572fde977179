"""The massage pack's rules, each against its source: the charge rule against the CMS
8-minute rule (Medicare Claims Processing Manual 100-04, ch. 5, section 20.2), the screen,
the signing rules, the templates' defaults and copy-forward."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from vesalius_massage.areas import AREA_IDS
from vesalius_massage.charts import MUSCLES
from vesalius_massage.screen import ITEMS, required_decision
from vesalius_massage.templates import TEMPLATES
from vesalius_sdk import ChartMark, MeasureField, PayerContext, carried_forward

INTAKE = "massage.intake"
TREATMENT = "massage.treatment"


@pytest.fixture
def registry(vesalius_registry):
    return vesalius_registry("massage")


# -- the charge rule --------------------------------------------------------------------


def treatment(*rows: tuple[str, str, int], rescreened: bool = True) -> dict:
    return {
        "subjective": {"complaint": "Tight shoulders from desk work", "rescreened": rescreened},
        "treatment": {"pressure": "firm", "sequence": [
            {"area": area, "technique": technique, "minutes": minutes}
            for area, technique, minutes in rows]},
    }


def billed(registry, make_note, *rows, method="cms") -> list[tuple[str, int]]:
    note = make_note(TREATMENT, treatment(*rows), payer=PayerContext(timed_method=method))
    return [(line.code, line.units) for line in registry.charge_lines(note)]


def test_cms_example_3_with_massage_codes(registry, make_note):
    """CMS 100-04 ch. 5 section 20.2, example 3: 33 + 7 minutes is 40, three units; the code
    with the larger remainder (7 minutes) gets the third unit. Under the per-code "rule of
    eights" some payers use (AMA CPT), the 7 minutes bill nothing."""
    rows = (("upper-back", "swedish", 33), ("neck", "myofascial-release", 7))
    assert billed(registry, make_note, *rows) == [("97124", 2), ("97140", 1)]
    assert billed(registry, make_note, *rows, method="per-code") == [("97124", 2)]


def test_cms_example_1_with_massage_codes(registry, make_note):
    """CMS 100-04 ch. 5 section 20.2, example 1: 24 + 23 minutes is 47, three units, 2
    and 1."""
    rows = (("low-back", "deep-tissue", 24), ("hips-gluteals", "trigger-point", 23))
    assert billed(registry, make_note, *rows) == [("97124", 2), ("97140", 1)]


def test_rows_of_one_code_add_up(registry, make_note):
    """Swedish, deep tissue and sports massage are all 97124: 20 + 10 + 8 = 38 minutes is
    three units (CMS 100-04 ch. 5 section 20.2: 38-52 minutes is 3 units)."""
    rows = (("upper-back", "swedish", 20), ("thighs", "sports", 10),
            ("lower-legs", "deep-tissue", 8))
    assert billed(registry, make_note, *rows) == [("97124", 3)]


def test_under_eight_minutes_bills_nothing(registry, make_note):
    """CMS 100-04 ch. 5 section 20.2: a single timed service under 8 minutes is not
    billed."""
    assert billed(registry, make_note, ("feet", "lymphatic-drainage", 7)) == []


def test_lymphatic_drainage_and_myofascial_release_are_manual_therapy(registry, make_note):
    rows = (("arms-hands", "lymphatic-drainage", 15), ("shoulders", "myofascial-release", 15))
    assert billed(registry, make_note, *rows) == [("97140", 2)]


# -- signing rules ----------------------------------------------------------------------


def problems(registry, make_note, template, document):
    return [(p.field, p.message)
            for p in registry.problems_before_signing(make_note(template, document))]


def screen(**yes: bool) -> dict:
    answers = {item.id: False for item in ITEMS}
    answers.update(yes)
    return answers


def intake(decision: str, modifications: str = "", consent: bool = True, **yes) -> dict:
    answers = {**screen(**yes), "decision": decision}
    if modifications:
        answers["modifications"] = modifications
    return {"reason": {"complaint": "Neck and shoulder tension"}, "screen": answers,
            "consent": {"informed_consent": consent, "date": "2026-11-02"}}


def test_a_clear_screen_may_proceed(registry, make_note):
    assert problems(registry, make_note, INTAKE, intake("proceed")) == []


def test_fever_postpones(registry, make_note):
    found = problems(registry, make_note, INTAKE, intake("proceed-modified", "lighter",
                                                          fever=True))
    assert found == [("screen.decision", "The screen calls for 'Postpone massage' (Fever, or "
                                         "an acute infectious illness (cold, flu))")]


def test_a_blood_clot_needs_clearance_then_modifications(registry, make_note):
    document = intake("proceed-modified", "No work on the left leg", blood_clot=True)
    assert problems(registry, make_note, INTAKE, document)[0][0] == "screen.decision"
    document["screen"]["clearance"] = True
    assert problems(registry, make_note, INTAKE, document) == []


def test_a_local_contraindication_needs_the_modifications_written(registry, make_note):
    assert problems(registry, make_note, INTAKE, intake("proceed", varicose_veins=True)) == [
        ("screen.decision", "The screen calls for 'Proceed with modifications' (Varicose "
                            "veins)")]
    assert problems(registry, make_note, INTAKE,
                    intake("proceed-modified", varicose_veins=True)) == [
        ("screen.modifications", "Say which modifications will be made")]


def test_consent_is_needed_and_every_screen_item_answered(registry, make_note):
    document = intake("proceed", consent=False)
    del document["screen"]["fever"]
    found = problems(registry, make_note, INTAKE, document)
    assert ("consent.informed_consent", "Client gave informed consent to treatment, draping "
            "and touch: tick to confirm before signing") in found
    assert ("screen.fever", "Fever, or an acute infectious illness (cold, flu) is required"
            ) in found


def test_required_decision_orders_the_answers():
    assert required_decision(screen()) == "proceed"
    assert required_decision(screen(pregnancy=True)) == "proceed-modified"
    assert required_decision(screen(pregnancy=True, cardiac=True)) == "refer"
    assert required_decision(screen(cardiac=True), cleared=True) == "proceed-modified"
    assert required_decision(screen(cardiac=True, intoxicated=True), cleared=True) == "postpone"


def test_treatment_needs_a_rescreen_and_complete_rows(registry, make_note):
    document = treatment(("neck", "swedish", 10), rescreened=False)
    del document["treatment"]["sequence"][0]["technique"]
    assert problems(registry, make_note, TREATMENT, document) == [
        ("subjective.rescreened", "Health changes and contraindications checked today: "
                                  "tick to confirm before signing"),
        ("treatment.sequence[0].technique", "Row 1 needs its technique"),
    ]
    assert problems(registry, make_note, TREATMENT, treatment(("neck", "swedish", 10))) == []


def test_a_technique_outside_the_list_names_the_cell(make_note):
    from vesalius_sdk import DocumentError

    with pytest.raises(DocumentError) as error:
        make_note(TREATMENT, treatment(("neck", "hot-stones", 10)))
    assert error.value.problems[0].field == "treatment.sequence[0].technique"


# -- the muscle map ---------------------------------------------------------------------


def test_every_muscle_group_belongs_to_a_logged_area_and_pairs_have_both_sides():
    assert {r.group for r in MUSCLES.regions} <= AREA_IDS
    ids = {r.id for r in MUSCLES.regions}
    for region in MUSCLES.regions:
        if region.side == "left":
            assert region.id.removesuffix("-left") + "-right" in ids
    assert {"upper-trapezius-left", "quadratus-lumborum-right", "rectus-abdominis"} <= ids


@pytest.mark.parametrize(("mark", "problem"), [
    ({"type": "tension", "attributes": {"grade": "moderate"}}, None),
    ({"type": "tension", "attributes": {}}, "tension: grade is required"),
    ({"type": "trigger-point", "attributes": {"kind": "active", "referral": True,
                                             "twitch": False}}, None),
    ({"type": "trigger-point", "attributes": {"kind": "dormant"}},
     "trigger-point: kind must be one of active, latent"),
    ({"type": "tenderness", "attributes": {"grade": 3}}, None),
    ({"type": "tenderness", "attributes": {"grade": 5}}, "tenderness: grade must be at most 4"),
])
def test_marks_for_tension_trigger_points_and_tenderness(mark, problem):
    found = MUSCLES.check_mark(ChartMark(region="upper-trapezius-left", **mark))
    assert found == ([problem] if problem else [])


def test_marked_map_renders_with_each_region_once():
    marks = [ChartMark(region="upper-trapezius-left", type="trigger-point",
                       attributes={"kind": "active"}),
             ChartMark(region="piriformis-right", type="tenderness", attributes={"grade": 2})]
    root = ET.fromstring(MUSCLES.render(marks))
    regions = [e.get("id") for e in root.iter() if e.get("class", "").startswith("region")]
    assert sorted(regions) == sorted(r.id for r in MUSCLES.regions)
    marked = {e.get("data-region") for e in root.iter()
              if e.get("class", "").startswith("mark ") and e.get("data-region")}
    assert marked == {"upper-trapezius-left", "piriformis-right"}


# -- templates: defaults per visit kind, copy-forward ---------------------------------


def test_intake_opens_first_visits_and_the_treatment_note_later_ones():
    assert {t.id: t.default_for for t in TEMPLATES} == {
        INTAKE: ("initial",), TREATMENT: ("follow-up",)}


def test_common_measures_are_used_by_id_and_nprs_opens():
    for template in TEMPLATES:
        fields = [f for _, f in template.iter_fields() if isinstance(f, MeasureField)]
        assert all(f.pack is None for f in fields)  # the general pack is always there
        assert [f.measure for f in fields if f.default] == ["nprs"]
    treatment = {t.id: t for t in TEMPLATES}[TREATMENT]
    assert treatment.field("response.change").measure == "pgic"


def test_what_a_treatment_note_carries_forward():
    treatment = {t.id: t for t in TEMPLATES}[TREATMENT]
    assert treatment.carried_paths() == [
        "objective.muscles", "treatment.pressure", "treatment.positions",
        "treatment.avoided", "plan.home_care", "plan.plan"]


def test_copy_forward_from_last_treatment_leaves_todays_report_and_the_log(registry):
    last = {
        "subjective": {"complaint": "Tight shoulders", "rescreened": True},
        "objective": {"muscles": [{"region": "upper-trapezius-left", "type": "tension",
                                   "attributes": {"grade": "moderate"}}]},
        "treatment": {"pressure": "firm", "positions": ["prone"], "avoided": "left calf",
                      "sequence": [{"area": "neck", "technique": "swedish", "minutes": 20}]},
        "response": {"response": "Relaxed"},
        "plan": {"home_care": ["stretching"], "plan": "Fortnightly"},
    }
    copied = carried_forward(registry.template(TREATMENT), last,
                             registry.document_model(TREATMENT))
    assert copied == {"objective": last["objective"],
                      "treatment": {"pressure": "firm", "positions": ["prone"],
                                    "avoided": "left calf"},
                      "plan": last["plan"]}
