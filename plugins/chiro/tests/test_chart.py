"""The spine chart: ids, CMT groups, valid SVG with one element per region, mark checks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from vesalius_chiro import segments
from vesalius_chiro.charts import SPINE
from vesalius_sdk import ChartMark

SVG = "{http://www.w3.org/2000/svg}"
SPINE_IDS = (["occiput"] + [f"C{n}" for n in range(1, 8)] + [f"T{n}" for n in range(1, 13)]
             + [f"L{n}" for n in range(1, 6)] + ["sacrum", "coccyx", "ilium-left", "ilium-right"])
RIB_IDS = [f"rib{n}-{side}" for n in range(1, 13) for side in ("left", "right")]
EXTRASPINAL_IDS = ["head", "upper-extremity-left", "upper-extremity-right",
                   "lower-extremity-left", "lower-extremity-right", "rib-cage", "abdomen"]
ALL_IDS = SPINE_IDS + RIB_IDS + EXTRASPINAL_IDS


def _elements_by_id(svg: str) -> Counter[str]:
    root = ET.fromstring(svg)
    return Counter(el.get("id") for el in root.iter() if el.get("id"))


def test_the_chart_has_exactly_the_issue_ids() -> None:
    assert sorted(r.id for r in SPINE.regions) == sorted(ALL_IDS)
    assert len(ALL_IDS) == 29 + 24 + 7


def test_every_region_is_one_element_of_a_valid_svg() -> None:
    svg = SPINE.render()
    counts = _elements_by_id(svg)
    for region_id in ALL_IDS:
        assert counts[region_id] == 1, region_id
    root = ET.fromstring(svg)
    regions = [el for el in root.iter() if el.get("class", "").startswith("region")]
    assert sorted(el.get("data-region") for el in regions) == sorted(ALL_IDS)


def test_segments_are_drawn_head_to_tail_down_the_midline() -> None:
    posterior = [r for r in SPINE.regions if r.id in SPINE_IDS and r.side == "midline"]
    ys = [SPINE.region(i).centre[1] for i in SPINE_IDS if SPINE.region(i) in posterior]
    assert ys == sorted(ys)
    assert {r.centre[0] for r in posterior} == {200.0}


def test_ribs_are_on_their_side_of_the_posterior_view() -> None:
    # Seen from behind, the patient's left is the viewer's left.
    for n in range(1, 13):
        left, right = SPINE.region(f"rib{n}-left"), SPINE.region(f"rib{n}-right")
        assert left.centre[0] < 200 < right.centre[0]


@pytest.mark.parametrize(("region_id", "group"), [
    ("occiput", "cervical"), ("C1", "cervical"), ("C7", "cervical"), ("T1", "thoracic"),
    ("rib7-left", "thoracic"), ("L5", "lumbar"), ("sacrum", "sacral"), ("coccyx", "sacral"),
    ("ilium-left", "pelvic"), ("ilium-right", "pelvic"), ("head", "extraspinal"),
    ("rib-cage", "extraspinal"), ("abdomen", "extraspinal"),
])
def test_region_group_is_the_cmt_region(region_id: str, group: str) -> None:
    assert SPINE.region(region_id).group == group == segments.group_of(region_id)


def test_aliases_resolve() -> None:
    assert SPINE.region("C0").id == "occiput"
    assert SPINE.region("D12").id == "T12"
    assert SPINE.region("atlas").id == "C1"


def _mark(region: str, kind: str, **attributes: object) -> ChartMark:
    return ChartMark(region=region, type=kind, attributes=attributes)  # type: ignore[arg-type]


def test_every_mark_type_renders() -> None:
    marks = [
        _mark("C5", "subluxation", listing="PRS", severity="moderate"),
        _mark("T6", "fixation", motion="rotation-left"),
        _mark("C2", "hypermobility"),
        _mark("rib5-left", "tenderness", intensity=6, side="left"),
        _mark("L4", "muscle-spasm", severity="mild", side="bilateral"),
        _mark("ilium-right", "adjusted", technique="gonstead", listing="PIEX"),
        _mark("head", "adjusted", technique="activator"),
    ]
    for mark in marks:
        assert SPINE.check_mark(mark) == [], mark
    root = ET.fromstring(SPINE.render(marks))
    drawn = [el for el in root.iter() if "mark " in (el.get("class") or "")]
    assert len(drawn) == len(marks) + len({m.type for m in marks})  # marks + legend
    for view in ("posterior", "extraspinal"):
        assert ET.fromstring(SPINE.render(marks, views=[view])) is not None


def test_listing_is_checked_against_its_segment() -> None:
    assert SPINE.check_mark(_mark("C1", "subluxation", listing="ASRA")) == []
    assert SPINE.check_mark(_mark("L5", "adjusted", technique="diversified",
                                  listing="PRI-M")) == []
    problems = SPINE.check_mark(_mark("C1", "subluxation", listing="PRS"))
    assert len(problems) == 1 and "not a valid listing for C1" in problems[0]
    problems = SPINE.check_mark(_mark("T6", "adjusted", technique="gonstead", listing="PRI-M"))
    assert "not a thoracic contact point" in problems[0]
    problems = SPINE.check_mark(_mark("rib3-right", "subluxation", listing="PRS"))
    assert "rib3-right has no listing system" in problems[0]
    # An alias is checked as the segment it names.
    assert SPINE.check_mark(_mark("D6", "subluxation", listing="PLI-T")) == []


def test_subluxation_without_listing_is_allowed_and_adjusted_needs_a_technique() -> None:
    assert SPINE.check_mark(_mark("C5", "subluxation")) == []
    assert SPINE.check_mark(_mark("C5", "adjusted")) == ["adjusted: technique is required"]
    problems = SPINE.check_mark(_mark("C5", "adjusted", technique="karate"))
    assert problems and "technique must be one of" in problems[0]


def test_every_mark_type_on_every_region_renders_valid_svg() -> None:
    marks = []
    for kind in SPINE.mark_types:
        required = {a.id: a.options[0] for a in kind.attributes if a.required}
        marks += [ChartMark(region=r.id, type=kind.id, attributes=required)
                  for r in SPINE.regions]
    assert all(SPINE.check_mark(m) == [] for m in marks)
    root = ET.fromstring(SPINE.render(marks))
    marked = [el for el in root.iter() if el.get("class") == "region marked"]
    assert len(marked) == len(ALL_IDS)


def test_listings_are_drawn_next_to_their_segment() -> None:
    marks = [ChartMark(region="C5", type="subluxation", attributes={"listing": "PRS"}),
             ChartMark(region="T4", type="adjusted",
                       attributes={"technique": "diversified", "listing": "PLI-T"}),
             ChartMark(region="ilium-left", type="subluxation", attributes={"listing": "PI"}),
             ChartMark(region="L3", type="tenderness")]
    root = ET.fromstring(SPINE.render(marks))
    texts = {e.get("data-region"): e for e in root.iter() if e.get("class") == "mark-text"}
    assert {k: e.text for k, e in texts.items()} == {"C5": "PRS", "T4": "PLI-T",
                                                     "ilium-left": "PI"}
    # on the segment's row, after its printed name in the margin
    for segment in ("C5", "T4"):
        y = float(texts[segment].get("y"))
        assert abs(y - (SPINE.region(segment).centre[1] + 3)) < 1
    region = next(e for e in root.iter() if e.get("id") == "C5")
    assert region.get("aria-label") == (
        f"{SPINE.region('C5').label}: Subluxation / misalignment, listing PRS")
