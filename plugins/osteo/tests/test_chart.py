"""The body chart: the ten regions, one SVG element each, TART and technique marks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

from vesalius_osteo.charts import BODY
from vesalius_osteo.charts.body import TART_IDS, TECHNIQUE_IDS
from vesalius_sdk import ChartMark

IDS = ["head", "cervical", "thoracic", "lumbar", "sacral", "pelvic", "lower-extremities",
       "upper-extremities", "rib-cage", "abdomen"]


def test_the_chart_has_exactly_the_ten_regions() -> None:
    assert sorted(r.id for r in BODY.regions) == sorted(IDS)


def test_every_region_is_one_element_of_a_valid_svg() -> None:
    root = ET.fromstring(BODY.render())
    counts = Counter(el.get("id") for el in root.iter() if el.get("id"))
    for region_id in IDS:
        assert counts[region_id] == 1, region_id
    regions = [el for el in root.iter() if el.get("class", "").startswith("region")]
    assert sorted(el.get("data-region") for el in regions) == sorted(IDS)


def test_mark_vocabulary_is_tart_and_the_techniques() -> None:
    assert TART_IDS == ("tissue-texture", "asymmetry", "restriction", "tenderness")
    assert TECHNIQUE_IDS == ("hvla", "muscle-energy", "counterstrain", "myofascial-release",
                             "cranial", "visceral", "lymphatic", "articulatory")


def test_every_mark_type_renders_on_every_view() -> None:
    marks = [ChartMark(region=IDS[i % len(IDS)], type=kind)
             for i, kind in enumerate(TART_IDS + TECHNIQUE_IDS)]
    for mark in marks:
        assert BODY.check_mark(mark) == []
    root = ET.fromstring(BODY.render(marks))
    drawn = [el for el in root.iter() if "mark " in (el.get("class") or "")]
    assert len(drawn) == 2 * len(marks)  # each mark and its legend entry
    for view in ("anterior", "posterior"):
        ET.fromstring(BODY.render(marks, views=[view]))


def test_marks_are_checked() -> None:
    ok = ChartMark(region="thoracic", type="restriction",
                   attributes={"severity": "moderate", "diagnosis": "T4 ERS left"})
    assert BODY.check_mark(ok) == []
    assert BODY.check_mark(ChartMark(region="neck", type="hvla"))
    assert BODY.check_mark(ChartMark(region="lumbar", type="acupuncture"))
    assert BODY.check_mark(ChartMark(region="lumbar", type="hvla",
                                     attributes={"response": "cured"}))


def test_every_mark_type_on_every_region_renders_valid_svg() -> None:
    marks = [ChartMark(region=r.id, type=kind.id) for kind in BODY.mark_types
             for r in BODY.regions]
    assert all(BODY.check_mark(m) == [] for m in marks)
    root = ET.fromstring(BODY.render(marks))
    marked = [el for el in root.iter() if el.get("class") == "region marked"]
    assert len(marked) == len(IDS)
