"""SDK 0.2 declarations for daily charting: defaults per visit kind, copy-forward, switching
a draft, pre-filled and computed table rows, region columns, must-be-true boxes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from vesalius_sdk import (
    BooleanField,
    ChartDefinition,
    ChartField,
    ChartView,
    Circle,
    CodesField,
    ComputedColumn,
    DocumentError,
    LongTextField,
    MarkType,
    MeasureField,
    NoteTemplate,
    NumberField,
    ProceduresField,
    Region,
    RegionColumn,
    Section,
    TableField,
    TextField,
    carried_forward,
    document_model,
    mean_of,
    missing_required,
    switched,
    validate_document,
)

HAND = ChartDefinition(
    id="ot.hand", title="Hand", views=(ChartView(id="dorsal", title="Dorsal", width=100,
                                                   height=100),),
    regions=(Region(id="mcp-2", label="Index MCP", view="dorsal",
                    shape=Circle(cx=10, cy=10, r=4), aliases=("MCP2",)),),
    mark_types=(MarkType(id="pain", label="Pain", abbreviation="P"),),
)

GRIP = TableField(
    id="grip", label="Grip strength (kg)",
    columns=(TextField(id="side", label="Side"),
             NumberField(id="t1", label="Trial 1"), NumberField(id="t2", label="Trial 2"),
             NumberField(id="t3", label="Trial 3")),
    computed=(ComputedColumn(id="mean", label="Mean", compute=mean_of("t1", "t2", "t3"),
                             unit="kg"),),
    rows=({"side": "left"}, {"side": "right"}),
)


def template(**kwargs) -> NoteTemplate:
    return NoteTemplate(
        id="ot.visit", title="Visit", discipline="ot", sections=(
            Section(id="subjective", title="Subjective", fields=(
                LongTextField(id="today", label="Today"),
                MeasureField(id="bctq", label="BCTQ", measure="bctq", default=True),
            )),
            Section(id="objective", title="Objective", fields=(
                ChartField(id="hand", label="Hand", chart="ot.hand"),
                GRIP,
                TableField(id="joints", label="Joints", columns=(
                    RegionColumn(id="joint", label="Joint", chart="ot.hand"),
                    NumberField(id="rom", label="ROM"))),
            )),
            Section(id="assessment", title="Assessment", fields=(
                CodesField(id="diagnosis", label="Diagnosis"),
                TextField(id="impression", label="Impression", carry_forward=True),
                LongTextField(id="goals", label="Goals"),
                LongTextField(id="notes", label="Notes", carry_forward=False),
            )),
            Section(id="plan", title="Plan", collapsed=True, fields=(
                LongTextField(id="plan", label="Plan"),
                BooleanField(id="consent", label="Consent", must_be_true=True),
                ProceduresField(id="procedures", label="Procedures"),
            )),
        ), **kwargs)


def test_a_template_names_the_visit_kinds_it_is_the_default_for():
    assert template(default_for=("follow-up",)).default_for == ("follow-up",)
    with pytest.raises(ValidationError, match="duplicate visit kind"):
        template(default_for=("initial", "initial"))
    with pytest.raises(ValidationError):
        template(default_for=("discharge",))


def test_copy_forward_policy_defaults_to_charts_codes_goals_and_plan():
    assert template().carried_paths() == [
        "objective.hand", "assessment.diagnosis", "assessment.impression",
        "assessment.goals", "plan.plan",
    ]


def test_measures_and_procedures_cannot_carry_forward():
    with pytest.raises(ValidationError, match="scored anew"):
        MeasureField(id="odi", label="ODI", measure="odi", carry_forward=True)
    with pytest.raises(ValidationError, match="this visit"):
        ProceduresField(id="p", label="P", carry_forward=True)


def test_carried_forward_copies_only_carried_values_that_fit_the_new_template():
    previous = {
        "subjective": {"today": "worse", "bctq": {"responses": [1, 2]}},
        "objective": {"hand": [{"region": "mcp-2", "type": "pain"}]},
        "assessment": {"diagnosis": ["G56.01"], "goals": "grip 30 kg", "notes": "x",
                       "impression": ["not", "text"]},
        "plan": {"plan": "", "procedures": [{"code": "97165"}]},
    }
    model = document_model(template(), charts={"ot.hand": HAND})
    carried = carried_forward(template(), previous, model)
    assert carried == {
        "objective": {"hand": [{"region": "mcp-2", "type": "pain", "attributes": {}}]},
        "assessment": {"diagnosis": ["G56.01"], "goals": "grip 30 kg"},
    }


def test_a_switched_draft_keeps_the_values_whose_path_and_kind_exist():
    other = NoteTemplate(id="ot.other", title="Other", discipline="ot", sections=(
        Section(id="assessment", title="A", fields=(
            LongTextField(id="goals", label="Goals"),
            NumberField(id="notes", label="A number now"))),))
    kept = switched({"assessment": {"goals": "g", "notes": "text", "gone": 1},
                     "objective": {"hand": []}}, document_model(other))
    assert kept == {"assessment": {"goals": "g"}}


def test_new_document_prefills_table_rows():
    assert template().new_document() == {
        "objective": {"grip": [{"side": "left"}, {"side": "right"}]}}


def test_computed_columns_are_worked_out_on_validation_and_replace_sent_values():
    model = document_model(template(), charts={"ot.hand": HAND})
    doc = validate_document(model, {"objective": {"grip": [
        {"side": "left", "t1": 20, "t2": 22, "t3": 25, "mean": 999},
        {"side": "right", "t1": 30},
        {"side": "right", "mean": 5},
    ]}})
    assert doc["objective"]["grip"] == [
        {"side": "left", "t1": 20.0, "t2": 22.0, "t3": 25.0, "mean": 22.3},
        {"side": "right", "t1": 30.0, "mean": 30.0},
        {"side": "right"},
    ]


def test_a_computed_column_whose_function_fails_leaves_the_cell_empty():
    column = ComputedColumn(id="ratio", label="Ratio", compute=lambda r: r["a"] / r["b"])
    assert column.value({"a": 1, "b": 0}) is None
    assert column.value({"a": 1}) is None
    assert column.value({"a": 1, "b": 3}) == 0.3


def test_computed_column_ids_must_not_repeat_entered_ones():
    with pytest.raises(ValidationError, match="duplicate column"):
        TableField(id="t", label="T", columns=(NumberField(id="a", label="A"),),
                   computed=(ComputedColumn(id="a", label="A", compute=mean_of("a")),))


def test_region_columns_store_the_regions_own_id():
    model = document_model(template(), charts={"ot.hand": HAND})
    doc = validate_document(model, {"objective": {"joints": [{"joint": "MCP2", "rom": 40}]}})
    assert doc["objective"]["joints"] == [{"joint": "mcp-2", "rom": 40.0}]
    with pytest.raises(DocumentError) as excinfo:
        validate_document(model, {"objective": {"joints": [{"joint": "knee"}]}})
    assert excinfo.value.problems[0].field == "objective.joints[0].joint"
    assert "not a region of chart ot.hand" in excinfo.value.problems[0].message
    # Without the chart's pack the stored value is kept as it is.
    loose = document_model(template())
    assert validate_document(loose, {"objective": {"joints": [{"joint": "knee"}]}})


def test_must_be_true_boxes_block_signing_until_ticked():
    t = template()
    messages = {p.field: p.message for p in missing_required(t, {"plan": {"consent": False}})}
    assert messages == {"plan.consent": "Consent: tick to confirm before signing"}
    assert missing_required(t, {"plan": {"consent": True}}) == []


def test_sections_may_start_collapsed():
    assert [s.collapsed for s in template().sections] == [False, False, False, True]


def test_a_field_may_carry_forward_from_another_templates_path():
    follow_up = NoteTemplate(id="ot.follow-up", title="Follow-up", discipline="ot", sections=(
        Section(id="plan", title="Plan", fields=(
            CodesField(id="diagnosis", label="Diagnosis",
                       carry_forward_from=("assessment.diagnosis", "history.codes")),
            LongTextField(id="focus", label="Focus", carry_forward_from=("assessment.goals",)),
            LongTextField(id="kept_out", label="Out", carry_forward=False,
                          carry_forward_from=("assessment.goals",)),
        )),))
    assert follow_up.carried_paths() == ["plan.diagnosis", "plan.focus"]
    initial = {"assessment": {"diagnosis": "not a list", "goals": "grip"},
               "history": {"codes": ["G56.01"]}}
    model = document_model(follow_up)
    assert carried_forward(follow_up, initial, model) == {
        "plan": {"diagnosis": ["G56.01"], "focus": "grip"}}
