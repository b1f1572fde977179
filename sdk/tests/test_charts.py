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


# --- SDK 0.2: placements, groups, rotation, layout, mark size, accessibility ----------------

from vesalius_sdk.charts import Placement  # noqa: E402
from vesalius_sdk.rendering import (  # noqa: E402
    chart_size,
    neighbours,
    region_description,
    region_sizes,
    small_regions,
)


def hand(**extra) -> ChartDefinition:
    """A hand chart: the index MCP joint seen dorsally and palmarly under ONE id."""
    views = [ChartView(id=v, title=v.title(), width=100, height=120)
             for v in ("dorsal", "palmar", "radial")]
    return ChartDefinition(
        id="t.hand", title="Hand", views=views,
        regions=[
            Region(id="mcp2", label="Index MCP joint", group=("index", "mcp"),
                   placements=[Placement(view="dorsal", shape=Circle(cx=40, cy=50, r=5)),
                               Placement(view="palmar", shape=Circle(cx=60, cy=50, r=5))]),
            Region(id="mcp3", label="Middle MCP joint", view="dorsal",
                   shape=Ellipse(cx=55, cy=48, rx=6, ry=4, rotate=30)),
            Region(id="pip2", label="Index PIP joint", view="dorsal",
                   shape=Rect(x=36, y=20, width=8, height=8, rotate=15)),
            Region(id="wrist", label="Wrist", view="dorsal",
                   shape=Rect(x=20, y=90, width=60, height=20)),
            Region(id="thumb", label="Thumb", view="radial", group="thumb",
                   shape=Circle(cx=50, cy=50, r=1)),
        ],
        mark_types=[MarkType(id="pain", label="Aching", abbreviation="A", attributes=[
            MarkAttribute(id="intensity", label="Intensity (0-10)", kind="integer",
                          minimum=0, maximum=10)]),
            MarkType(id="swelling", label="Swelling", abbreviation="S", symbol="ring")],
        **extra,
    )


def regions_of(root, region_id):
    return [e for e in root.iter() if e.get("data-region") == region_id
            and "region" in (e.get("class") or "").split()]


def test_one_region_drawn_in_several_views_carries_its_marks_in_each():
    chart = hand()
    mcp = chart.region("mcp2")
    assert mcp.views == ("dorsal", "palmar") and mcp.view == "dorsal"
    assert mcp.groups == ("index", "mcp") and chart.region("thumb").groups == ("thumb",)
    assert chart.region("wrist").groups == ()
    root = ET.fromstring(chart.render([ChartMark(region="mcp2", type="pain",
                                                 attributes={"intensity": 6})]))
    drawn = regions_of(root, "mcp2")
    assert [e.get("id") for e in drawn] == ["mcp2", "mcp2--palmar"]
    assert all(e.get("class") == "region marked" for e in drawn)
    marks = [e for e in root.iter() if "mark-pain" in (e.get("class") or "")
             and e.get("data-region") == "mcp2"]
    assert len(marks) == 2  # one per view
    # round trip: the dump validates again to the same region
    assert Region.model_validate(mcp.model_dump()) == mcp


def test_region_ids_unique_across_views_and_one_placement_per_view():
    with pytest.raises(ValidationError, match=r"duplicate region of chart 't\.hand' id 'mcp2'"):
        ChartDefinition.model_validate({**hand().model_dump(), "regions": [
            *hand().model_dump()["regions"],
            {"id": "mcp2", "label": "Again", "view": "radial",
             "shape": {"kind": "circle", "cx": 1, "cy": 1, "r": 1}}]})
    with pytest.raises(ValidationError, match="drawn twice in view 'dorsal'"):
        Region(id="x", label="X", view="dorsal", shape=Circle(cx=1, cy=1, r=1),
               placements=[Placement(view="dorsal", shape=Circle(cx=2, cy=2, r=1))])
    with pytest.raises(ValidationError, match="drawn in unknown view 'volar'"):
        ChartDefinition(**{**hand().model_dump(exclude={"regions"}), "regions": [
            Region(id="x", label="X", view="dorsal", shape=Circle(cx=1, cy=1, r=1),
                   placements=[Placement(view="volar", shape=Circle(cx=2, cy=2, r=1))])]})
    with pytest.raises(ValidationError, match="duplicate group"):
        Region(id="x", label="X", view="v", shape=Circle(cx=1, cy=1, r=1), group=("a", "a"))


def test_rotation_is_rendered_about_the_shape_centre():
    root = ET.fromstring(hand().render())
    ellipse = next(e for e in root.iter(f"{SVG}ellipse") if e.get("id") == "mcp3")
    assert ellipse.get("transform") == "rotate(30 55 48)"
    rect = next(e for e in root.iter(f"{SVG}rect") if e.get("id") == "pip2")
    assert rect.get("transform") == "rotate(15 40 24)"


def test_row_and_grid_layouts():
    row = hand()
    assert chart_size(row) == (3 * 100 + 2 * 24, 120 + 22)
    grid = hand(layout="grid", columns=2, gap=10)
    assert chart_size(grid) == (100 + 10 + 100, 2 * (120 + 22) + 10)
    root = ET.fromstring(grid.render())
    moves = {e.get("id"): e.get("transform") for e in root.iter() if e.get("class") == "view"}
    assert moves == {"view-dorsal": "translate(0,0)", "view-palmar": "translate(110,0)",
                     "view-radial": "translate(0,152)"}
    assert chart_size(grid, views=["radial"]) == (100, 142)
    with pytest.raises(ValidationError, match="a grid layout needs 'columns'"):
        hand(layout="grid")
    with pytest.raises(ValidationError, match="'columns' goes with layout 'grid'"):
        hand(columns=2)


def test_mark_size_is_configurable():
    root = ET.fromstring(hand(mark_size=10).render([ChartMark(region="wrist", type="pain")]))
    mark = next(e for e in root.iter() if "mark-pain" in (e.get("class") or "")
                and e.get("data-region") == "wrist")
    assert next(mark.iter(f"{SVG}circle")).get("r") == "10"
    assert spine().mark_size == 6.5  # the 0.1 default


def test_regions_are_focusable_with_marks_in_words():
    chart = hand()
    marks = [ChartMark(region="wrist", type="pain", attributes={"intensity": 6}),
             ChartMark(region="wrist", type="swelling")]
    assert region_description(chart, chart.region("wrist"), marks) == (
        "Wrist: Aching, intensity 6/10; Swelling")
    root = ET.fromstring(chart.render(marks))
    assert root.get("role") == "group" and root.get("aria-label") == "Hand"
    (wrist,) = regions_of(root, "wrist")
    assert wrist.get("tabindex") == "-1" and wrist.get("role") == "button"
    assert wrist.get("aria-label") == "Wrist: Aching, intensity 6/10; Swelling"
    assert wrist.find(f"{SVG}title").text == wrist.get("aria-label")
    (pip,) = regions_of(root, "pip2")
    assert pip.get("aria-label") == "Index PIP joint"
    for element in (e for e in root.iter() if "region" in (e.get("class") or "").split()):
        assert element.get("tabindex") == "-1" and element.get("aria-label")


def test_neighbours_follow_the_geometry_within_a_view():
    chart = hand()
    assert neighbours(chart, "mcp2") == {"up": "pip2", "down": "wrist", "left": None,
                                         "right": "mcp3"}
    assert neighbours(chart, "wrist")["up"] == "mcp3"  # 52 up, 5 across beats 50 up, 10 across
    assert neighbours(chart, "mcp2", view="palmar") == {
        "up": None, "down": None, "left": None, "right": None}
    with pytest.raises(KeyError, match="not drawn in view 'radial'"):
        neighbours(chart, "mcp2", view="radial")
    import json
    root = ET.fromstring(chart.render())
    (mcp,) = [e for e in regions_of(root, "mcp2") if e.get("id") == "mcp2"]
    assert json.loads(mcp.get("data-neighbours")) == {"up": "pip2", "down": "wrist",
                                                      "right": "mcp3"}


def test_small_regions_and_hit_areas():
    chart = hand()
    sizes = region_sizes(chart)
    assert sizes["wrist"] == {"dorsal": (60, 20)}
    assert sizes["thumb"] == {"radial": (13, 13)}  # a 2-unit dot hits as a mark (r 6.5)
    assert set(small_regions(chart)) == {"mcp2", "mcp3", "pip2", "thumb", "wrist"}
    assert "wrist" not in small_regions(chart, scale=1.5)
    assert small_regions(chart, scale=2) == ()
    root = ET.fromstring(chart.render())
    hits = [e for e in root.iter() if e.get("class") == "hit"]
    assert {h.get("data-region") for h in hits} == {"thumb", "pip2", "mcp2", "mcp3"}
    thumb_hit = next(h for h in hits if h.get("data-region") == "thumb")
    assert thumb_hit.get("r") == "6.5"


def test_shown_attributes_are_written_beside_the_region():
    chart = spine()
    kind = chart.mark_types[0].model_copy(update={"attributes": (MarkAttribute(
        id="listing", label="Listing", kind="text", show=True),)})
    chart = chart.model_copy(update={"mark_types": (kind, *chart.mark_types[1:])})
    root = ET.fromstring(chart.render([ChartMark(region="C1", type="subluxation",
                                                 attributes={"listing": "PRS"})]))
    text = next(e for e in root.iter() if e.get("class") == "mark-text")
    assert (text.text, text.get("data-region"), text.get("x")) == ("PRS", "C1", "63")


def test_a_0_1_chart_definition_still_validates_and_renders():
    chart = ChartDefinition.model_validate({
        "id": "old.body", "title": "Old", "views": [
            {"id": "front", "title": "Front", "width": 50, "height": 50}],
        "regions": [{"id": "a", "label": "A", "view": "front", "group": "g",
                     "shape": {"kind": "rect", "x": 0, "y": 0, "width": 20, "height": 20}}],
        "mark_types": [{"id": "m", "label": "M", "abbreviation": "M"}]})
    assert chart.region("a").group == "g" and chart.layout == "row"
    root = ET.fromstring(chart.render([ChartMark(region="a", type="m")]))
    assert regions_of(root, "a")[0].get("aria-label") == "A: M"


def test_a_copy_with_other_regions_does_not_reuse_the_originals_drawing():
    chart = hand()
    chart.render()  # fills the per-chart caches
    fewer = chart.model_copy(update={"regions": chart.regions[:1]})
    root = ET.fromstring(fewer.render())
    assert {e.get("data-region") for e in root.iter() if e.get("data-region")} == {"mcp2"}
    assert fewer.resolve("wrist") is None and chart.resolve("wrist") is not None
