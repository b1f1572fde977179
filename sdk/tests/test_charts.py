"""Chart definitions, mark checks and SVG drawing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from pydantic import ValidationError
from vesalius_sdk import (
    ChartDefinition,
    ChartMark,
    ChartView,
    Circle,
    Decoration,
    Ellipse,
    MarkAttribute,
    MarkType,
    Path,
    Polygon,
    Rect,
    Region,
)

SVG = "{http://www.w3.org/2000/svg}"


def spine(**extra) -> ChartDefinition:
    return ChartDefinition(
        id="t.spine", title="Spine",
        views=[ChartView(id="posterior", title="Back", width=100, height=200,
                         decorations=[Decoration(shape=Path(d="M50 0 L50 200"), role="line"),
                                      Decoration(text="L", at=(5, 10), role="label")]),
               ChartView(id="side", title="Side", width=80, height=200)],
        regions=[
            Region(id="C1", label="Atlas", view="posterior", group="cervical",
                   shape=Rect(x=40, y=5, width=20, height=8)),
            Region(id="C2", label="Axis", view="posterior",
                   shape=Polygon(points=[(40, 15), (60, 15), (50, 25)]), aliases=("AX",)),
            Region(id="sacrum", label="Sacrum", view="posterior",
                   shape=Path(d="M40 150 L60 150 L50 180 Z"), anchor=(50, 160)),
            Region(id="lordosis", label="Lumbar curve", view="side",
                   shape=Ellipse(cx=40, cy=120, rx=10, ry=30)),
            Region(id="head", label="Head", view="side", shape=Circle(cx=40, cy=20, r=15)),
        ],
        mark_types=[
            MarkType(id="subluxation", label="Subluxation", abbreviation="S", attributes=[
                MarkAttribute(id="listing", label="Listing", kind="text", required=True)]),
            MarkType(id="tender", label="Tenderness", abbreviation="T", symbol="cross"),
            MarkType(id="adjusted", label="Adjusted", abbreviation="A", symbol="diamond",
                     attributes=[MarkAttribute(id="technique", label="Technique",
                                               kind="choice", options=("diversified", "drop"))]),
            MarkType(id="ring", label="Ring", abbreviation="R", symbol="ring"),
            MarkType(id="sq", label="Square", abbreviation="Q", symbol="square"),
            MarkType(id="tri", label="Triangle", abbreviation="V", symbol="triangle"),
        ],
        **extra,
    )


def test_renders_well_formed_svg_with_one_element_per_region():
    chart = spine()
    marks = [ChartMark(region=r.id, type=m.id, attributes={"listing": "PRS"} if m.id ==
                       "subluxation" else {}) for r in chart.regions for m in chart.mark_types]
    root = ET.fromstring(chart.render(marks))
    assert root.tag == f"{SVG}svg"
    regions = [e for e in root.iter() if "region" in (e.get("class") or "").split()]
    assert sorted(e.get("id") for e in regions) == sorted(r.id for r in chart.regions)
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    for kind in chart.mark_types:
        assert any(f"mark-{kind.id}" in (e.get("class") or "") for e in root.iter())
    legend = next(e for e in root.iter() if e.get("class") == "legend")
    assert [t.text for t in legend.iter(f"{SVG}text") if len(t.text) > 3] == [
        "Subluxation", "Tenderness", "Adjusted", "Ring", "Square", "Triangle"]


def test_render_chosen_views_and_unknown_marks_are_skipped():
    chart = spine()
    root = ET.fromstring(chart.render([ChartMark(region="gone", type="tender")], views=["side"]))
    assert {e.get("id") for e in root.iter() if e.get("data-region")} == {"lordosis", "head"}
    with pytest.raises(KeyError):
        chart.render(views=["front"])


def test_check_mark_problems():
    chart = spine()
    assert chart.check_mark(ChartMark(region="AX", type="tender")) == []  # alias
    assert chart.check_mark(ChartMark(region="C1", type="subluxation")) == [
        "subluxation: listing is required"]
    assert chart.check_mark(ChartMark(region="C1", type="adjusted",
                                      attributes={"technique": "magic", "force": 3})) == [
        "mark type 'adjusted' has no attribute 'force'",
        "adjusted: technique must be one of diversified, drop"]
    assert chart.check_mark(ChartMark(region="C9", type="nope")) == [
        "unknown region 'C9' on chart 't.spine'", "unknown mark type 'nope' on chart 't.spine'"]


def test_pack_validator_runs_after_generic_checks():
    def listing_rule(chart, mark):
        if mark.type == "subluxation" and mark.attributes["listing"] not in ("PRS", "PLS"):
            return f"{mark.attributes['listing']!r} is not a listing for {mark.region}"
        return None

    chart = spine(validator=listing_rule)
    assert chart.check_mark(ChartMark(region="C2", type="subluxation",
                                      attributes={"listing": "XYZ"})) == [
        "'XYZ' is not a listing for C2"]
    assert chart.check_mark(ChartMark(region="C2", type="subluxation",
                                      attributes={"listing": "PRS"})) == []


def test_definition_consistency_errors():
    with pytest.raises(ValidationError, match=r"duplicate region of chart 't\.spine' id 'C1'"):
        ChartDefinition(**{**spine().model_dump(exclude={"regions"}),
                           "regions": [spine().regions[0], spine().regions[0]]})
    with pytest.raises(ValidationError, match="a path shape needs an anchor"):
        Region(id="x", label="X", view="v", shape=Path(d="M0 0 L1 1"))
    with pytest.raises(ValidationError, match="drawn in unknown view"):
        ChartDefinition(id="t.x", title="X", views=[ChartView(id="a", title="A", width=1,
                                                               height=1)],
                        regions=[Region(id="r", label="R", view="b",
                                        shape=Circle(cx=0, cy=0, r=1))],
                        mark_types=[MarkType(id="m", label="M", abbreviation="M")])
    with pytest.raises(ValidationError, match="options go with kind 'choice' only"):
        MarkAttribute(id="a", label="A", kind="choice")


@pytest.mark.parametrize(("attr", "value", "problem"), [
    (MarkAttribute(id="i", label="I", kind="integer", minimum=0, maximum=10), 3.5,
     "must be a whole number"),
    (MarkAttribute(id="i", label="I", kind="integer", minimum=0, maximum=10), 11,
     "must be at most 10"),
    (MarkAttribute(id="i", label="I", kind="number", minimum=0), -1, "must be at least 0"),
    (MarkAttribute(id="i", label="I", kind="number"), True, "must be a number"),
    (MarkAttribute(id="b", label="B", kind="boolean"), "yes", "must be true or false"),
    (MarkAttribute(id="t", label="T", kind="text"), "x" * 201, "must be a short text"),
])
def test_attribute_checks(attr, value, problem):
    assert attr.check(value) == problem


def test_region_fill_and_three_letter_abbreviations():
    chart = ChartDefinition(
        id="t.feet", title="Feet",
        views=[ChartView(id="plantar", title="Plantar", width=100, height=100,
                         region_fill="#f4efe9")],
        regions=[Region(id="heel", label="Heel", view="plantar", shape=Circle(cx=50, cy=50,
                                                                             r=10))],
        mark_types=[MarkType(id="ipk", label="Keratosis", abbreviation="IPK")],
    )
    heel = next(e for e in ET.fromstring(chart.render()).iter() if e.get("id") == "heel")
    assert heel.get("fill") == "#f4efe9"
    root = ET.fromstring(chart.render([ChartMark(region="heel", type="ipk")]))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "IPK" in texts


def test_aliases_any_case_are_stored_by_the_region_id():
    from vesalius_sdk import document_model, validate_document
    from vesalius_sdk.templates import ChartField, NoteTemplate, Section

    chart = spine()
    assert chart.region("ax").id == "C2" and chart.region("c1").id == "C1"
    assert chart.check_mark(ChartMark(region="ax", type="tender")) == []
    template = NoteTemplate(id="t.n", title="N", discipline="t", sections=[Section(
        id="o", title="O", fields=[ChartField(id="spine", label="Spine", chart="t.spine")])])
    model = document_model(template, {"t.spine": chart})
    out = validate_document(model, {"o": {"spine": [{"region": "ax", "type": "tender"}]}})
    assert out["o"]["spine"][0]["region"] == "C2"


def test_decoration_colour_and_font_size():
    chart = spine().model_copy(update={"views": (ChartView(
        id="posterior", title="Back", width=100, height=200, decorations=(
            Decoration(shape=Path(d="M0 0 L9 9"), role="line", color="#27ae60"),
            Decoration(text="GV", at=(1, 1), role="label", font_size=5, color="#112233"))),
        ChartView(id="side", title="Side", width=80, height=200))})
    root = ET.fromstring(chart.render())
    assert any(e.get("stroke") == "#27ae60" for e in root.iter(f"{SVG}path"))
    label = next(e for e in root.iter(f"{SVG}text") if e.text == "GV")
    assert (label.get("font-size"), label.get("fill")) == ("5px", "#112233")
