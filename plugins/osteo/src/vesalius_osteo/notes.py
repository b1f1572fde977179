"""Reading an osteopathic note: the body-chart marks, treated regions and TART findings.

Fields are found by kind in the note's own template, so every osteo template works alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from vesalius_sdk import ChartField, NoteContext

from .charts.body import TART_IDS, TECHNIQUE_IDS
from .templates import template_of

CHART_ID = "osteo.body"


def _chart_fields(note: NoteContext) -> Iterator[tuple[str, str]]:
    for path, field in template_of(note).iter_fields():
        if isinstance(field, ChartField) and field.chart == CHART_ID:
            section, _, key = path.partition(".")
            yield section, key


def body_marks(note: NoteContext) -> list[Mapping[str, Any]]:
    """Every mark of every body-chart field of the note, as stored."""
    marks: list[Mapping[str, Any]] = []
    for section, key in _chart_fields(note):
        marks += (note.document.get(section) or {}).get(key) or []
    return marks


def treated_regions(note: NoteContext) -> list[str]:
    """Regions with a technique mark, in order of first mention."""
    seen: dict[str, None] = {}
    for mark in body_marks(note):
        if mark.get("type") in TECHNIQUE_IDS:
            seen[mark["region"]] = None
    return list(seen)


def tart_by_region(note: NoteContext) -> dict[str, set[str]]:
    """The TART findings charted per region."""
    found: dict[str, set[str]] = defaultdict(set)
    for mark in body_marks(note):
        if mark.get("type") in TART_IDS:
            found[mark["region"]].add(mark["type"])
    return dict(found)


def techniques_by_region(note: NoteContext) -> dict[str, list[str]]:
    """The techniques applied per region, in order of first mention."""
    found: dict[str, list[str]] = defaultdict(list)
    for mark in body_marks(note):
        kind = mark.get("type")
        if kind in TECHNIQUE_IDS and kind not in found[mark["region"]]:
            found[mark["region"]].append(kind)
    return dict(found)
