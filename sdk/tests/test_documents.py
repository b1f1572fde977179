"""Document models derived from templates: drafts, complete notes, errors naming the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from vesalius_sdk import (
    BooleanField,
    ChartDefinition,
    ChartField,
    ChartView,
    ChoiceField,
    Circle,
    CodesField,
    DateField,
    DocumentError,
    LongTextField,
    MarkAttribute,
    MarkType,
    MeasureField,
    MeasureItem,
    MultiChoiceField,
    NoteTemplate,
    NumberField,
    Option,
    OutcomeMeasure,
    ProceduresField,
    Region,
    ScaleField,
    Section,
    TableField,
    TextField,
    document_model,
    missing_required,
    validate_document,
)

CHART = ChartDefinition(
    id="t.chart", title="Chart",
    views=[ChartView(id="front", title="Front", width=100, height=100)],
    regions=[Region(id="knee-left", label="Left knee", view="front",
                    shape=Circle(cx=50, cy=50, r=10))],
    mark_types=[MarkType(id="pain", label="Pain", abbreviation="P", attributes=[
        MarkAttribute(id="intensity", label="Intensity", kind="integer", minimum=0, maximum=10,
                      required=True)])],
)
MEASURE = OutcomeMeasure(
    id="two", title="Two items", direction="higher-is-worse", minimum=0, maximum=8,
    licence="Test measure, no text.",
    items=[MeasureItem(id="a", label="A", maximum=4), MeasureItem(id="b", label="B", maximum=4)],
    scorer=lambda m, r: m.result(float(sum(x or 0 for x in r))),
)
TEMPLATE = NoteTemplate(id="t.visit", title="Visit", discipline="t", sections=[
    Section(id="subjective", title="S", fields=[
        LongTextField(id="history", label="History", required=True),
        TextField(id="mechanism", label="Mechanism", max_length=20),
        ScaleField(id="pain_now", label="Pain now"),
        BooleanField(id="red_flags", label="Red flags"),
        DateField(id="onset", label="Onset"),
        MultiChoiceField(id="aggravating", label="Aggravating", options=[
            Option(value="sitting", label="Sitting"), Option(value="walking", label="Walking")]),
    ]),
    Section(id="objective", title="O", fields=[
        NumberField(id="weight", label="Weight", unit="kg", minimum=0, maximum=400),
        TableField(id="rom", label="Range of motion", columns=[
            TextField(id="joint", label="Joint"),
            ChoiceField(id="side", label="Side", options=[
                Option(value="left", label="Left"), Option(value="right", label="Right")]),
            NumberField(id="active", label="Active", unit="deg", minimum=0, maximum=360),
        ]),
        ChartField(id="chart", label="Chart", chart="t.chart"),
        MeasureField(id="two", label="Two", measure="two", required=True),
    ]),
    Section(id="plan", title="P", fields=[
        CodesField(id="diagnosis", label="Diagnosis", required=True),
        ProceduresField(id="procedures", label="Procedures", codes=("97110", "97140")),
    ]),
])
MODEL = document_model(TEMPLATE, {"t.chart": CHART}, {"two": MEASURE})
COMPLETE = {
    "subjective": {"history": "Fell on ice", "mechanism": "fall", "pain_now": 6,
                   "red_flags": False, "onset": "2026-10-30", "aggravating": ["sitting"]},
    "objective": {"weight": 72.5,
                  "rom": [{"joint": "knee", "side": "left", "active": 110}],
                  "chart": [{"region": "knee-left", "type": "pain",
                             "attributes": {"intensity": 6}}],
                  "two": {"responses": [1, 2]}},
    "plan": {"diagnosis": ["S83.511A"], "procedures": [{"code": "97110", "minutes": 23}]},
}


def problems(document):
    with pytest.raises(DocumentError) as excinfo:
        validate_document(MODEL, document)
    return [(p.field, p.message) for p in excinfo.value.problems]


def test_empty_draft_and_complete_note_are_accepted():
    assert validate_document(MODEL, {}) == {}
    clean = validate_document(MODEL, COMPLETE)
    assert clean["subjective"]["onset"] == "2026-10-30"
    assert clean["objective"]["two"] == {"responses": [1, 2]}
    assert missing_required(TEMPLATE, clean) == []


def test_missing_required_names_fields():
    assert [p.field for p in missing_required(TEMPLATE, {})] == [
        "subjective.history", "objective.two", "plan.diagnosis"]
    unanswered = {"objective": {"two": {"responses": [None, None]}}}
    assert "objective.two" in [p.field for p in missing_required(TEMPLATE, unanswered)]
    assert "objective.two" not in [
        p.field for p in missing_required(TEMPLATE, {}, {"objective.two": "unavailable"})]


@pytest.mark.parametrize(("document", "field", "message"), [
    ({"subjective": {"pain_now": 11}}, "subjective.pain_now", "less than or equal to 10"),
    ({"subjective": {"mechanism": "x" * 21}}, "subjective.mechanism", "at most 20 characters"),
    ({"subjective": {"red_flags": "no"}}, "subjective.red_flags", "valid boolean"),
    ({"subjective": {"onset": "yesterday"}}, "subjective.onset", "valid date"),
    ({"subjective": {"aggravating": ["sitting", "sitting"]}}, "subjective.aggravating",
     "values must not repeat"),
    ({"objective": {"weight": "heavy"}}, "objective.weight", "valid number"),
    ({"objective": {"rom": [{"joint": "knee", "side": "up"}]}}, "objective.rom[0].side",
     "Input should be 'left' or 'right'"),
    ({"objective": {"chart": [{"region": "elbow", "type": "pain",
                               "attributes": {"intensity": 2}}]}},
     "objective.chart", "mark 1: unknown region 'elbow'"),
    ({"objective": {"chart": [{"region": "knee-left", "type": "pain"}]}},
     "objective.chart", "mark 1: pain: intensity is required"),
    ({"objective": {"two": {"responses": [1, 5]}}}, "objective.two", "two item 2 (b): 5 is "
     "outside 0-4"),
    ({"plan": {"diagnosis": ["back pain"]}}, "plan.diagnosis[0]", "is not an ICD-10 code"),
    ({"plan": {"procedures": [{"code": "97530", "minutes": 10}]}}, "plan.procedures",
     "code 97530 is not offered here"),
    ({"plan": {"procedures": [{"code": "97110"}]}}, "plan.procedures", "give minutes for 97110"),
    ({"plan": {"unknown": 1}}, "plan.unknown", "is not a field of this template"),
    ({"nonsense": {}}, "nonsense", "is not a field of this template"),
])
def test_errors_name_the_field(document, field, message):
    found = problems(document)
    assert len(found) == 1, found
    assert found[0][0] == field
    assert message in found[0][1]


def test_document_must_be_an_object():
    assert problems([1, 2]) == [("document", "must be an object")]


def test_chart_field_of_a_missing_chart_keeps_what_was_recorded():
    model = document_model(TEMPLATE, {}, {})
    marks = [{"region": "anywhere", "type": "old-mark"}]
    out = validate_document(model, {"objective": {"chart": marks}})
    assert out["objective"]["chart"][0]["region"] == "anywhere"


def test_template_ids_and_duplicates_are_checked():
    with pytest.raises(ValidationError, match="duplicate field of section 's' id 'a'"):
        Section(id="s", title="S", fields=[TextField(id="a", label="A"),
                                           TextField(id="a", label="A again")])
    with pytest.raises(ValidationError):
        NoteTemplate(id="NoNamespace", title="x", discipline="t",
                     sections=[Section(id="s", title="S", fields=[TextField(id="a", label="A")])])
    assert TEMPLATE.field("objective.rom").kind == "table"
    assert [p for p, _ in TEMPLATE.references()] == ["objective.chart", "objective.two"]


def test_procedures_with_billing_codes_need_minutes_only_for_timed_codes():
    from vesalius_sdk import BillingCode

    codes = {"97110": BillingCode(code="97110", label="Exercise", timed=True),
             "97140": BillingCode(code="97140", label="Manual", timed=True),
             "97010": BillingCode(code="97010", label="Packs")}
    template = TEMPLATE.model_copy(update={"sections": (Section(id="plan", title="P", fields=[
        ProceduresField(id="procedures", label="Procedures")]),)})
    model = document_model(template, billing_codes=codes)
    assert validate_document(model, {"plan": {"procedures": [{"code": "97010"}]}})
    with pytest.raises(DocumentError, match="give minutes for 97110"):
        validate_document(model, {"plan": {"procedures": [{"code": "97110", "units": 2}]}})
    with pytest.raises(DocumentError, match="code 99999 is not a registered code"):
        validate_document(model, {"plan": {"procedures": [{"code": "99999", "units": 1}]}})


def test_table_rows_prefill_names_only_columns():
    rom = TEMPLATE.field("objective.rom")
    filled = rom.model_copy(update={"rows": ({"joint": "knee", "side": "left"},)})
    assert filled.rows[0]["joint"] == "knee"
    with pytest.raises(ValidationError, match="row 1: unknown column 'angle'"):
        TableField(id="t", label="T", columns=[TextField(id="joint", label="Joint")],
                   rows=[{"angle": 3}])
