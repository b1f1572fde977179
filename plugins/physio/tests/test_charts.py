"""The body chart: stable, unique, anatomically named regions that tile a body, drawn as
valid SVG with every mark type."""

import xml.etree.ElementTree as ET

import pytest
from vesalius_physio.charts import BODY_CHART
from vesalius_sdk import ChartMark, Polygon
from vesalius_sdk.anatomy._geometry import centroid

SVG = "{http://www.w3.org/2000/svg}"


def test_two_views_and_at_least_forty_regions_with_unique_ids():
    assert [v.id for v in BODY_CHART.views] == ["anterior", "posterior"]
    ids = [r.id for r in BODY_CHART.regions]
    assert len(ids) >= 40 and len(set(ids)) == len(ids)


def test_paired_regions_come_in_right_and_left():
    sided = {r.id for r in BODY_CHART.regions if r.side in ("left", "right")}
    for region_id in sided:
        stem, _, side = region_id.rpartition("-")
        other = "left" if side == "right" else "right"
        assert f"{stem}-{other}" in sided, region_id
    assert {r.id for r in BODY_CHART.regions if r.side == "midline"} == {
        "head-front", "head-back", "sacrum"}


def test_labels_name_the_side_and_the_anatomy():
    region = BODY_CHART.region("knee-back-left")
    assert region.label == "Left back of knee (popliteal fossa)" and region.side == "left"
    assert BODY_CHART.region("elbow-front-right").label.startswith("Right elbow crease")


# Region ids are stored in signed notes: these must never change.
STABLE_IDS = [
    "face-right", "neck-front-left", "shoulder-front-right", "chest-left", "abdomen-right",
    "hip-front-left", "hand-palm-right", "thigh-front-left", "shin-right", "foot-top-left",
    "neck-back-right", "upper-back-left", "mid-back-right", "low-back-left", "buttock-right",
    "hand-back-left", "calf-right", "ankle-back-left", "heel-right",
]


@pytest.mark.parametrize("region_id", STABLE_IDS)
def test_stable_region_ids_exist(region_id):
    assert BODY_CHART.region(region_id).id == region_id


def test_the_patients_right_is_on_the_viewers_left_in_front_and_right_from_behind():
    middle = 130
    assert BODY_CHART.region("shoulder-front-right").centre[0] < middle
    assert BODY_CHART.region("shoulder-back-right").centre[0] > middle
    assert BODY_CHART.region("low-back-left").centre[0] < middle


def _area(points):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1)
                   in zip(points, [*points[1:], points[0]], strict=True))) / 2


def test_regions_are_body_shaped_polygons_not_boxes():
    polygons = [r for r in BODY_CHART.regions if isinstance(r.shape, Polygon)]
    assert len(polygons) >= 60
    assert sum(len(r.shape.points) for r in polygons) / len(polygons) > 12
    assert all(_area(r.shape.points) > 20 for r in polygons)


def test_regions_tile_without_overlapping():
    # Sample the anchors: each lies inside its own region and in no other of its view.
    def inside(point, polygon):
        x, y, hit = *point, False
        for (x0, y0), (x1, y1) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                hit = not hit
        return hit

    polygons = [r for r in BODY_CHART.regions if isinstance(r.shape, Polygon)]
    for region in polygons:
        containing = [o.id for o in polygons
                      if o.view == region.view and inside(region.centre, o.shape.points)]
        assert containing == [region.id]


def test_anchors_are_area_centroids():
    region = BODY_CHART.region("chest-right")
    assert region.anchor == pytest.approx(centroid(region.shape.points), abs=0.1)


def test_the_views_carry_a_silhouette_and_side_labels():
    for view in BODY_CHART.views:
        assert sum(d.role == "outline" for d in view.decorations) >= 2
        assert {d.text for d in view.decorations if d.role == "label"} == {"Right", "Left"}


MARK_TYPES = ["aching", "sharp", "burning", "pins-and-needles", "numbness", "stiffness"]


def test_mark_vocabulary_and_attributes():
    assert [m.id for m in BODY_CHART.mark_types] == MARK_TYPES
    mark = ChartMark(region="low-back-right", type="sharp",
                     attributes={"intensity": 7, "depth": "deep", "pattern": "intermittent"})
    assert BODY_CHART.check_mark(mark) == []
    bad = ChartMark(region="low-back-right", type="sharp",
                    attributes={"intensity": 11, "depth": "middle"})
    assert BODY_CHART.check_mark(bad) == [
        "sharp: intensity must be at most 10", "sharp: depth must be one of superficial, deep"]
    assert BODY_CHART.check_mark(ChartMark(region="tail", type="aching")) == [
        "unknown region 'tail' on chart 'physio.body'"]


def test_renders_valid_svg_with_every_region_and_every_mark_type():
    marks = [ChartMark(region=r, type=t, attributes={"intensity": 5})
             for r, t in zip(["head-front", "low-back-right", "buttock-left", "calf-right",
                              "hand-palm-left", "neck-back-left"], MARK_TYPES, strict=True)]
    root = ET.fromstring(BODY_CHART.render(marks))
    assert root.tag == f"{SVG}svg"
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    drawn = {e.get("data-region") for e in root.iter() if e.get("class", "").startswith("region")}
    assert drawn == {r.id for r in BODY_CHART.regions}
    classes = " ".join(e.get("class", "") for e in root.iter())
    for kind in MARK_TYPES:
        assert f"mark-{kind}" in classes
