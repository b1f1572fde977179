"""The meridian chart: one SVG element per point, plausible positions, marks."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from vesalius_acupuncture.charts import MERIDIAN_CHART, POINTS, layout
from vesalius_acupuncture.charts.figures import FIGURE_MID, FIGURES, SCALE
from vesalius_acupuncture.charts.meridians import MIDLINE_MERIDIANS, POINT_RADIUS
from vesalius_sdk import ChartMark, Circle

SVG = "{http://www.w3.org/2000/svg}"
CHART = MERIDIAN_CHART


def region_elements(svg: str) -> list[ET.Element]:
    return [e for e in ET.fromstring(svg).iter() if (e.get("class") or "").startswith("region")]


def test_svg_has_exactly_one_element_per_point() -> None:
    elements = region_elements(CHART.render())
    ids = Counter(e.get("id") for e in elements)
    assert set(ids) == set(POINTS)
    assert set(ids.values()) == {1}
    assert len(elements) == 361 + 17


def test_each_view_renders_its_own_points() -> None:
    total = 0
    for view in ("front", "back", "side"):
        ids = {e.get("id") for e in region_elements(CHART.render(views=[view]))}
        assert ids == {r.id for r in CHART.regions if r.view == view}
        total += len(ids)
    assert total == len(POINTS)


def test_region_ids_groups_and_sides() -> None:
    for region in CHART.regions:
        point = POINTS[region.id]
        assert region.group == point.meridian
        assert region.side == ("midline" if point.midline else None)
        assert region.label.startswith(region.id)
    assert {r.group for r in CHART.regions} == {*layout.LINES, "EX"}


@pytest.mark.parametrize(("alias", "code"), [("UB40", "BL40"), ("SJ5", "TE5"),
                                             ("TW5", "TE5"), ("LV3", "LR3"),
                                             ("Ren12", "CV12"), ("Du20", "GV20"),
                                             ("HE7", "HT7"), ("P6", "PC6"),
                                             ("GV29", "EX-HN3")])
def test_chart_resolves_aliases(alias: str, code: str) -> None:
    assert CHART.region(alias).id == code


def centre(code: str) -> tuple[str, float, float]:
    region = CHART.region(code)
    x, y = region.centre
    return region.view, x / SCALE, y / SCALE


def test_anatomical_plausibility() -> None:
    # LI4 on the back of the hand: below the wrist (LI5), above the index fingertip (LI1)
    view, _, y = centre("LI4")
    assert view == "side" and centre("LI5")[2] < y < centre("LI1")[2]
    # ST36 below the knee (ST35), on the front
    assert centre("ST36")[0] == "front" and centre("ST36")[2] > centre("ST35")[2] + 20
    # GV on the posterior midline, CV on the anterior midline (trunk)
    for n in range(1, 18):
        assert centre(f"GV{n}")[:2] == ("back", FIGURE_MID)
    for n in range(1, 23):
        assert centre(f"CV{n}")[:2] == ("front", FIGURE_MID)
    # BL11-BL54 down the back beside the spine, in two lines, top to bottom
    inner = [centre(f"BL{n}") for n in range(11, 31)]
    assert all(v == "back" and x < FIGURE_MID for v, x, _ in inner)
    assert [y for *_, y in inner] == sorted(y for *_, y in inner)
    assert all(centre(f"BL{n}")[1] < centre(f"BL{n - 30}")[1] for n in range(41, 53))
    # meridians run the right way: LU from chest to thumb, KI from sole to chest
    assert centre("LU1")[2] < centre("LU5")[2] < centre("LU9")[2] < centre("LU11")[2]
    assert centre("KI1")[2] > centre("KI10")[2] > centre("KI16")[2] > centre("KI27")[2]
    # GV20 at the top of the head, KI1 at the sole (the shared figures: vertex 10, soles 555)
    assert centre("GV20")[2] < 20 and centre("KI1")[2] > 545
    # PC6 between PC5 and PC7, 2 cun above the wrist
    assert centre("PC5")[2] < centre("PC6")[2] < centre("PC7")[2]


def _inside(point: tuple[float, float], polygon: list[tuple[float, float]]) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def test_every_point_lies_on_the_body() -> None:
    # the shared figures' parts tile the body (and the front's head, the ears aside)
    outlines = {view: [list(p) for p in figure().parts.values()]
                for view, figure in FIGURES.items()}
    for code in POINTS:
        view, x, y = centre(code)
        assert any(_inside((x, y), o) for o in outlines[view]), code


def test_points_do_not_overlap() -> None:
    circles = [(r.view, r.id, r.shape) for r in CHART.regions if isinstance(r.shape, Circle)]
    for (va, a, sa), (vb, b, sb) in itertools.combinations(circles, 2):
        if va == vb:
            distance = math.dist((sa.cx, sa.cy), (sb.cx, sb.cy))  # type: ignore[union-attr]
            assert distance >= 2 * POINT_RADIUS + 0.5, (a, b, distance)


def test_meridian_lines_are_drawn_on_both_sides() -> None:
    figure_lines = [d for f in FIGURES.values() for d in f().decorations if d.role == "line"]
    lines = [d for v in CHART.views for d in v.decorations if d.role == "line"]
    assert len(lines) - len(figure_lines) == sum(len(runs) for runs in layout.LINES.values())
    # every run of a bilateral channel in the front or back view has its mirror image
    where = {r.id: r.view for r in CHART.regions}
    mirrored = sum(1 for meridian, runs in layout.LINES.items() for first, _ in runs
                   if meridian not in MIDLINE_MERIDIANS and where[f"{meridian}{first}"] != "side")
    assert mirrored >= 20
    assert len([d for v in CHART.views for d in v.decorations
                if d.role == "detail" and d.color == "#a9b4b5"]) == mirrored
    root = ET.fromstring(CHART.render())
    drawn = [e for e in root.iter(f"{SVG}path") if "line" in (e.get("class") or "").split()]
    assert len(drawn) == len(lines)


def mark(region: str, kind: str, **attributes: object) -> ChartMark:
    return ChartMark(region=region, type=kind, attributes=attributes)


@pytest.mark.parametrize(
    "one",
    [
        mark("LI4", "needled", side="bilateral", depth_mm=15, technique="reduce",
             retention_min=20, deqi=True),
        mark("UB40", "needled", side="left"),
        mark("GV20", "needled", technique="tonify"),
        mark("EX-HN3", "needled", depth_mm=5),
        mark("ST36", "electro-stimulation", side="right", frequency_hz=2,
             waveform="dense-disperse", minutes=20),
        mark("CV8", "moxibustion", method="indirect-cone", cones=5),
        mark("BL23", "cupping", side="bilateral", method="stationary", minutes=10),
    ],
)
def test_valid_marks(one: ChartMark) -> None:
    assert CHART.check_mark(one) == []


@pytest.mark.parametrize(
    ("one", "expected"),
    [
        (mark("LI4", "needled"), "paired point"),
        (mark("GV20", "needled", side="left"), "midline"),
        (mark("LI4", "needled", side="both"), "one of left, right, bilateral"),
        (mark("LI4", "needled", side="left", technique="disperse"), "tonify"),
        (mark("LI4", "needled", side="left", retention_min=200), "at most 120"),
        (mark("LI21", "needled", side="left"), "unknown region"),
        (mark("ST36", "acupressure", side="left"), "unknown mark type"),
    ],
)
def test_invalid_marks(one: ChartMark, expected: str) -> None:
    problems = CHART.check_mark(one)
    assert problems and expected in " ".join(problems)


def test_every_mark_type_renders() -> None:
    marks = [mark("ST36", m.id, side="left") for m in CHART.mark_types]
    root = ET.fromstring(CHART.render(marks))
    drawn = [e for e in root.iter(f"{SVG}g")
             if (e.get("class") or "").startswith("mark ") and e.get("data-region")]
    assert len(drawn) == len(marks)
    assert {e.get("data-region") for e in drawn} == {"ST36"}


def test_tiny_points_have_a_hit_area_of_the_mark_size_and_are_reported_small() -> None:
    from vesalius_sdk.rendering import small_regions

    root = ET.fromstring(CHART.render())
    hits = {e.get("data-region"): float(e.get("r")) for e in root.iter()
            if e.get("class") == "hit"}
    assert set(POINTS) - {"EX-B2"} <= set(hits)
    assert all(r >= CHART.mark_size for r in hits.values())
    # at the chart's natural size every point is below the 24 px target: the editor zooms
    assert set(small_regions(CHART)) >= set(POINTS) - {"EX-B2"}


def test_shipped_positions_are_the_computed_ones() -> None:
    """The chart reads its points' positions from positions.json (computing them is too slow
    for every start); the file must be what the layout gives today
    (``python -m vesalius_acupuncture.charts.meridians`` rewrites it)."""
    from vesalius_acupuncture.charts import meridians

    assert meridians.POSITIONS_FILE.exists()
    assert meridians.positions() == meridians.compute_positions()
