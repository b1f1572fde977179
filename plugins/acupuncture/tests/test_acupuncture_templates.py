"""Templates validate documents against the chart and MYMOP2; cross-field rules; hooks."""

from __future__ import annotations

from importlib.metadata import entry_points

import pluggy
import pytest
from vesalius_acupuncture.charts import MERIDIAN_CHART
from vesalius_acupuncture.measures import MEASURES
from vesalius_acupuncture.plugin import pack
from vesalius_acupuncture.templates import INTAKE, TEMPLATES, TREATMENT
from vesalius_acupuncture.validation import validate
from vesalius_sdk import (
    DocumentError,
    MeasureField,
    Pack,
    carried_forward,
    document_model,
    hookspecs,
    missing_required,
    validate_document,
)

CHARTS = {MERIDIAN_CHART.id: MERIDIAN_CHART}
MEASURE_INDEX = {m.id: m for m in MEASURES}


def model(template):
    return document_model(template, CHARTS, MEASURE_INDEX)


TREATMENT_DOC = {
    "subjective": {"report": "Sleeping better", "severity": 4, "diagnoses": ["M54.50"]},
    "points": {
        "chart": [
            {"region": "BL23", "type": "needled",
             "attributes": {"side": "bilateral", "technique": "tonify", "retention_min": 20}},
            {"region": "UB40", "type": "needled", "attributes": {"side": "bilateral"}},
            {"region": "GV4", "type": "moxibustion", "attributes": {"method": "box"}},
            {"region": "BL23", "type": "electro-stimulation",
             "attributes": {"side": "bilateral", "frequency_hz": 2}},
        ],
        "table": [{"point": "SJ5", "side": "left", "technique": "even"},
                  {"point": "Du20"}],
        "needle_count": 6,
        "needles_removed": 6,
    },
    "contact": {"contact_minutes": 30,
                "increments": [{"electro": False}, {"electro": True}]},
    "adjuncts": {"used": ["moxibustion", "electro"]},
    "response": {"immediate": "relaxed", "adverse": ["none"]},
    "mymop": {"symptom1": "back pain", "activity": "gardening",
              "scores": {"responses": [3, None, 4, 2]}},
}


def test_every_template_builds_a_document_model() -> None:
    assert [t.id for t in TEMPLATES] == ["acupuncture.intake", "acupuncture.treatment"]
    for template in TEMPLATES:
        assert template.discipline == "acupuncture"
        assert validate_document(model(template), {}) == {}
        for _, field in template.references():
            target = getattr(field, "chart", None) or getattr(field, "measure", None)
            assert target in CHARTS or target in MEASURE_INDEX


def test_treatment_document_validates_and_signs(note_factory) -> None:
    data = validate_document(model(TREATMENT), TREATMENT_DOC)
    assert missing_required(TREATMENT, data) == []
    assert validate(note_factory(data)) == []


def test_intake_required_fields() -> None:
    missing = {p.field for p in missing_required(INTAKE, {})}
    assert missing == {"complaint.chief_complaint", "diagnosis.patterns",
                       "diagnosis.principle", "history.consent"}


def test_intake_needs_consent_ticked() -> None:
    """Intake version 2 added informed consent (vesalius_sdk.safety.consent_field)."""
    assert INTAKE.version == 2
    consent = INTAKE.field("history.consent")
    assert consent.must_be_true and consent.required
    [problem] = [p for p in missing_required(INTAKE, {"history": {"consent": False}})
                 if p.field == "history.consent"]
    assert "tick to confirm" in problem.message


def test_defaults_per_visit_kind() -> None:
    assert {t.id: t.default_for for t in TEMPLATES} == {
        "acupuncture.intake": ("initial",), "acupuncture.treatment": ("follow-up",)}


def test_mymop2_opens_at_the_intake_only() -> None:
    def opened(template):
        return [f.measure for _, f in template.iter_fields()
                if isinstance(f, MeasureField) and f.default]

    assert opened(INTAKE) == ["mymop2"]
    assert opened(TREATMENT) == []
    assert [s.id for s in TREATMENT.sections if s.collapsed] == ["adjuncts"]


def test_what_a_treatment_note_carries_forward() -> None:
    assert TREATMENT.carried_paths() == [
        "subjective.diagnoses", "assessment.pattern",
        "points.chart", "points.table", "points.technique", "points.retention_min",
        "points.needles", "points.position",
        "response.next_visit_days", "mymop.symptom1", "mymop.symptom2", "mymop.activity"]


def test_first_treatment_copies_the_point_prescription_from_the_intake() -> None:
    """The shared sections keep their paths, so the intake's points and MYMOP2 words carry
    to the first treatment, and the diagnoses and pattern come from the intake's own paths
    (``carry_forward_from``); needle counts, contact increments and scores do not."""
    intake = {
        "complaint": {"chief_complaint": "Low back pain"},
        "history": {"diagnoses": ["M54.50"], "consent": True},
        "diagnosis": {"patterns": "Kidney yang deficiency", "principle": "Warm the kidney"},
        **{k: v for k, v in TREATMENT_DOC.items() if k != "subjective"},
    }
    copied = carried_forward(TREATMENT, intake, model(TREATMENT))
    clean = validate_document(model(TREATMENT), TREATMENT_DOC)  # aliases resolved: BL40
    assert copied == {
        "points": {"chart": clean["points"]["chart"],
                   "table": [{"point": "SJ5", "side": "left", "technique": "even"},
                             {"point": "Du20"}]},
        "mymop": {"symptom1": "back pain", "activity": "gardening"},
        "subjective": {"diagnoses": ["M54.50"]},
        "assessment": {"pattern": "Kidney yang deficiency"},
    }


def test_intake_pulse_and_tongue() -> None:
    doc = {"tongue": {"body_colour": "pale", "shape": ["swollen", "tooth-marked"],
                      "coating_colour": "white", "coating_moisture": "wet"},
           "pulse": {"rate": 64, "positions": [
               {"position": "right-guan", "quality": "soggy", "strength": "weak"},
               {"position": "left-guan", "quality": "wiry"},
               {"position": "overall", "quality": "slippery"}]}}
    assert validate_document(model(INTAKE), doc)["pulse"]["positions"][1]["quality"] == "wiry"
    with pytest.raises(DocumentError):
        validate_document(model(INTAKE),
                          {"pulse": {"positions": [{"position": "left-foot"}]}})


def test_document_rejects_a_bad_mark() -> None:
    doc = {"points": {"chart": [{"region": "LI4", "type": "needled"}]}}
    with pytest.raises(DocumentError) as error:
        validate_document(model(TREATMENT), doc)
    assert "paired point" in str(error.value)


def problems(note_factory, document):
    return [p.message for p in validate(note_factory(document))]


def test_validation_table_points(note_factory) -> None:
    found = validate(note_factory({"points": {"table": [
        {"point": "LI21", "side": "left"}, {"point": "GV20", "side": "left"},
        {"point": "ST36"}, {"side": "left"}]}}))
    severity = {p.message: p.severity for p in found}
    assert [s for m, s in severity.items() if "Large Intestine meridian has 20 points" in m
            ] == ["error"]
    # a side on a midline point misleads nobody: a warning, signing goes ahead
    assert severity["GV20 is on the midline: leave the side empty"] == "warning"
    assert severity["ST36 is a paired point: give the side"] == "error"
    assert severity["give the point"] == "error"


def test_validation_electro_needs_a_needle(note_factory) -> None:
    messages = problems(note_factory, {"points": {"chart": [
        {"region": "ST36", "type": "electro-stimulation", "attributes": {"side": "left"}},
        {"region": "CV4", "type": "moxibustion", "attributes": {"method": "warm-needle"}},
    ]}})
    assert any("electro-stimulation at ST36 needs the point needled" in m for m in messages)
    assert any("moxibustion at CV4 needs the point needled" in m for m in messages)


def test_validation_contact_minutes_and_increments(note_factory) -> None:
    doc = {"points": {"table": [{"point": "LI4", "side": "left"}]},
           "contact": {"contact_minutes": 20, "increments": [{}, {}]}}
    assert problems(note_factory, doc) == [
        "20 minutes of personal contact make 1 increment(s) of 15 minutes; the note lists 2"]
    doc["contact"]["increments"] = [{}]
    assert problems(note_factory, doc) == []


def test_validation_billing_needs_points(note_factory) -> None:
    assert problems(note_factory, {"contact": {"increments": [{}]}}) == [
        "acupuncture is billed: record the points needled"]


def test_validation_electro_agrees_with_increments(note_factory) -> None:
    needled = {"table": [{"point": "ST36", "side": "left", "electro": True}]}
    assert "tick it in the increment" in problems(
        note_factory, {"points": needled, "contact": {"increments": [{"electro": False}]}})[0]
    plain = {"table": [{"point": "ST36", "side": "left"}]}
    assert "record it on the points" in problems(
        note_factory, {"points": plain, "contact": {"increments": [{"electro": True}]}})[0]


@pytest.mark.parametrize(("response", "expected"), [
    ({"adverse": ["none"]}, []),
    ({"adverse": ["bruising"], "notes": "Small bruise at LI4, ice, resolved"}, []),
    ({"adverse": ["dizziness"]}, ["An adverse event is recorded: describe it and what was "
                                  "done"]),
    ({"adverse": ["none", "nausea"], "notes": "Mild"},
     ["'None' is ticked beside adverse events: untick one"]),
])
def test_validation_adverse_events_are_described(note_factory, response, expected) -> None:
    assert problems(note_factory, {"response": response}) == expected


def test_validation_needle_count(note_factory) -> None:
    assert problems(note_factory, {"points": {"needle_count": 10, "needles_removed": 9}}) == [
        "10 needles inserted but 9 removed: account for every needle"]


def test_entry_point_names_the_declared_pack() -> None:
    [ep] = [e for e in entry_points(group="vesalius.plugins") if e.name == "acupuncture"]
    assert ep.value == "vesalius_acupuncture.plugin:pack"
    assert isinstance(ep.load(), Pack) and ep.load() is pack


def test_plugin_registers_through_pluggy(note_factory) -> None:
    pm = pluggy.PluginManager("vesalius")
    pm.add_hookspecs(hookspecs)
    pm.register(pack, name="acupuncture")
    pm.check_pending()
    got: dict[str, list] = {}
    for hook in ("register_disciplines", "register_note_templates", "register_charts",
                 "register_measures", "register_billing_codes"):
        got[hook] = []
        getattr(pm.hook, hook)(register=got[hook].append)
    assert [d.id for d in got["register_disciplines"]] == ["acupuncture"]
    assert [t.id for t in got["register_note_templates"]] == ["acupuncture.intake",
                                                              "acupuncture.treatment"]
    assert [c.id for c in got["register_charts"]] == ["acupuncture.meridians"]
    assert [m.id for m in got["register_measures"]] == ["mymop2"]
    assert {c.code for c in got["register_billing_codes"]} == {"97810", "97811", "97813",
                                                                "97814"}
    note = note_factory(TREATMENT_DOC)
    assert pm.hook.validate_note(note=note) == [[]]
    [lines] = pm.hook.charge_lines(note=note)
    assert [(line.code, line.units) for line in lines] == [("97810", 1), ("97814", 1)]
