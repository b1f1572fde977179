"""The foot chart: every site one clickable element, stable ids, and the mark rules."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from vesalius_podiatry.charts import FEET_CHART, NAIL_IDS, SITES, nail_digit, site
from vesalius_sdk import ChartMark, Ellipse, Polygon

SVG = "{http://www.w3.org/2000/svg}"
ID_SCHEME = re.compile(
    r"^(left|right)-("
    r"digit-[1-5]-(dorsal|plantar)|nail-[1-5]|interdigital-[1-4]|met-head-[1-5]"
    r"|mtpj-1-medial|mtpj-5-lateral|malleolus-(medial|lateral)"
    r"|forefoot-dorsal|midfoot-dorsal|rearfoot-dorsal|forefoot-plantar|arch"
    r"|midfoot-lateral|heel-plantar|heel-posterior)$"
)


def regions_in_svg(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [e for e in root.iter() if (e.get("class") or "").startswith("region")]


def test_sites_per_foot() -> None:
    kinds = Counter((s.side, s.kind) for s in SITES.values())
    for side in ("left", "right"):
        assert kinds[(side, "nail")] == 5
        assert kinds[(side, "digit")] == 10  # each toe dorsal and plantar
        assert kinds[(side, "interdigital")] == 4
        assert kinds[(side, "met-head")] == 5
        assert kinds[(side, "malleolus")] == 2
        assert kinds[(side, "mtpj")] == 2
        assert kinds[(side, "zone")] == 8
    assert len(FEET_CHART.regions) == 72


def test_ids_follow_the_documented_scheme() -> None:
    ids = [r.id for r in FEET_CHART.regions]
    assert len(ids) == len(set(ids))
    assert all(ID_SCHEME.match(i) for i in ids), [i for i in ids if not ID_SCHEME.match(i)]
    for example in ("left-nail-1", "right-met-head-3", "left-heel-plantar"):
        assert FEET_CHART.region(example).id == example


def test_regions_carry_side_group_and_view() -> None:
    for region in FEET_CHART.regions:
        side = region.id.split("-")[0]
        assert region.side == side
        assert region.group == f"{side}-foot"
        assert region.view == site(region.id).surface
    assert {r.view for r in FEET_CHART.regions if "nail" in r.id} == {"dorsal"}
    assert {r.view for r in FEET_CHART.regions if "met-head" in r.id} == {"plantar"}


def test_svg_has_exactly_one_element_per_site() -> None:
    svg = FEET_CHART.render()
    elements = regions_in_svg(svg)
    ids = Counter(e.get("id") for e in elements)
    assert set(ids) == set(SITES)
    assert set(ids.values()) == {1}
    assert len([i for i in ids if "nail" in i]) == 10


def _inside(point: tuple[float, float], polygon: tuple[tuple[float, float], ...]) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("digit", [1, 2, 3, 4, 5])
def test_each_nail_sits_on_its_toe(side: str, digit: int) -> None:
    nail = FEET_CHART.region(f"{side}-nail-{digit}")
    toe = FEET_CHART.region(f"{side}-digit-{digit}-dorsal")
    assert isinstance(nail.shape, Ellipse) and isinstance(toe.shape, Polygon)
    assert _inside(nail.centre, toe.shape.points)


@pytest.mark.parametrize("side", ["left", "right"])
def test_feet_are_mirrored_with_great_toes_medial(side: str) -> None:
    hallux = FEET_CHART.region(f"{side}-nail-1").centre[0]
    fifth = FEET_CHART.region(f"{side}-nail-5").centre[0]
    middle = FEET_CHART.views[0].width / 2
    if side == "left":
        assert fifth < hallux < middle
    else:
        assert middle < hallux < fifth


def test_metatarsal_heads_lie_in_the_plantar_forefoot() -> None:
    for side in ("left", "right"):
        forefoot = FEET_CHART.region(f"{side}-forefoot-plantar").shape
        assert isinstance(forefoot, Polygon)
        for n in range(1, 6):
            assert _inside(FEET_CHART.region(f"{side}-met-head-{n}").centre, forefoot.points)


def test_nail_digit() -> None:
    assert nail_digit("left-nail-3") == ("left", 3)
    assert nail_digit("right-nail-1") == ("right", 1)
    assert NAIL_IDS[0] == "left-nail-1" and len(NAIL_IDS) == 10
    with pytest.raises(ValueError):
        nail_digit("left-digit-3-dorsal")


def mark(region: str, kind: str, **attributes: object) -> ChartMark:
    return ChartMark(region=region, type=kind, attributes=attributes)


@pytest.mark.parametrize(
    ("region", "kind", "attributes"),
    [
        ("left-nail-1", "onychomycosis", {"involvement_pct": 60, "thickness_mm": 2.5}),
        ("right-nail-1", "onychocryptosis", {"border": "lateral", "infected": True}),
        ("right-nail-2", "dystrophic-nail", {"thickness_mm": 3}),
        ("left-nail-4", "subungual-haematoma", {}),
        ("left-digit-5-dorsal", "hard-corn", {"size_mm": 4}),
        ("right-interdigital-4", "soft-corn", {"size_mm": 3}),
        ("right-digit-4-dorsal", "soft-corn", {}),
        ("left-met-head-2", "plantar-keratosis", {"size_mm": 5}),
        ("left-heel-plantar", "callus", {"size_mm": 25}),
        ("right-forefoot-plantar", "verruca", {"size_mm": 6, "count": 3}),
        ("right-heel-posterior", "fissure", {"size_mm": 12}),
        ("left-met-head-1", "ulcer", {"size_mm": 12, "wagner": 2}),
        ("right-digit-1-plantar", "ulcer", {"ut_grade": 1, "ut_stage": "B"}),
    ],
)
def test_valid_marks(region: str, kind: str, attributes: dict[str, object]) -> None:
    assert FEET_CHART.check_mark(mark(region, kind, **attributes)) == []


@pytest.mark.parametrize(
    ("region", "kind", "attributes", "expected"),
    [
        ("left-digit-1-dorsal", "onychomycosis", {}, "nail condition"),
        ("left-heel-plantar", "dystrophic-nail", {}, "nail condition"),
        ("right-nail-3", "hard-corn", {}, "skin lesion"),
        ("right-nail-3", "ulcer", {"wagner": 1}, "skin lesion"),
        ("left-heel-plantar", "soft-corn", {}, "between the toes"),
        ("left-forefoot-dorsal", "plantar-keratosis", {}, "not plantar"),
        ("left-met-head-1", "ulcer", {}, "needs a grade"),
        ("left-met-head-1", "ulcer", {"wagner": 3, "ut_grade": 2, "ut_stage": "A"},
         "not both"),
        ("left-met-head-1", "ulcer", {"ut_grade": 2}, "grade (0-3) and the stage"),
        ("left-met-head-1", "ulcer", {"ut_stage": "C"}, "grade (0-3) and the stage"),
        ("left-met-head-1", "ulcer", {"wagner": 6}, "at most 5"),
        ("left-met-head-1", "ulcer", {"ut_grade": 1, "ut_stage": "E"}, "one of A, B, C, D"),
        ("right-nail-1", "onychocryptosis", {}, "border is required"),
        ("right-nail-1", "onychocryptosis", {"border": "distal"}, "one of medial, lateral"),
    ],
)
def test_invalid_marks(region: str, kind: str, attributes: dict[str, object],
                       expected: str) -> None:
    problems = FEET_CHART.check_mark(mark(region, kind, **attributes))
    assert problems and expected in " ".join(problems)


def test_every_mark_type_renders_on_a_valid_site() -> None:
    sites = {"nail": "left-nail-2", "skin": "right-met-head-3"}
    from vesalius_podiatry.charts.marks import NAIL_CONDITIONS

    marks = []
    for kind in FEET_CHART.mark_types:
        attributes: dict[str, object] = {}
        if kind.id == "onychocryptosis":
            attributes = {"border": "medial"}
        if kind.id == "ulcer":
            attributes = {"wagner": 0}
        where = sites["nail"] if kind.id in NAIL_CONDITIONS else sites["skin"]
        if kind.id == "soft-corn":
            where = "right-interdigital-4"
        one = mark(where, kind.id, **attributes)
        assert FEET_CHART.check_mark(one) == [], kind.id
        marks.append(one)
    root = ET.fromstring(FEET_CHART.render(marks))
    drawn = [e for e in root.iter(f"{SVG}g")
             if (e.get("class") or "").startswith("mark ") and e.get("data-region")]
    assert len(drawn) == len(marks)
    assert len(regions_in_svg(FEET_CHART.render(marks, views=["plantar"]))) == 30


@pytest.mark.parametrize("side", ["left", "right"])
def test_malleoli_sit_at_the_ankle_not_mid_foot(side: str) -> None:
    # the dorsal view ends at the ankle: both malleoli lie in the rearfoot-and-ankle zone,
    # behind the midfoot, the medial one higher up the page (further forward) than the lateral
    rearfoot = FEET_CHART.region(f"{side}-rearfoot-dorsal").shape
    midfoot = FEET_CHART.region(f"{side}-midfoot-dorsal").shape
    assert isinstance(rearfoot, Polygon) and isinstance(midfoot, Polygon)
    medial = FEET_CHART.region(f"{side}-malleolus-medial").centre
    lateral = FEET_CHART.region(f"{side}-malleolus-lateral").centre
    bottom_of_midfoot = max(y for _, y in midfoot.points)
    assert medial[1] > bottom_of_midfoot and lateral[1] > bottom_of_midfoot
    assert medial[1] < lateral[1]
