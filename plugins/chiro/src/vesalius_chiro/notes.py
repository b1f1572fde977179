"""Reading a chiropractic note: the spine-chart marks, the phase of care, PART findings.

Charge and validation rules read notes through these functions, which find fields by kind in
the note's own template rather than by fixed paths, so every chiro template works alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from vesalius_sdk import ChartField, NoteContext, TableField

from . import segments
from .templates import template_of

CHART_ID = "chiro.spine"
PartLetter = Literal["P", "A", "R", "T"]

#: Which PART element a chart mark documents (Medicare Benefit Policy Manual §240.1.2:
#: pain/tenderness, asymmetry/misalignment, range-of-motion abnormality, tissue/tone change).
MARK_PART: dict[str, PartLetter] = {
    "tenderness": "P",
    "subluxation": "A",
    "fixation": "R",
    "hypermobility": "R",
    "muscle-spasm": "T",
}


def _fields(note: NoteContext, kind: type) -> Iterator[tuple[str, str, Any]]:
    for path, field in template_of(note).iter_fields():
        if isinstance(field, kind):
            section, _, key = path.partition(".")
            yield section, key, field


def spine_marks(note: NoteContext) -> list[Mapping[str, Any]]:
    """Every mark of every spine-chart field of the note, as stored."""
    marks: list[Mapping[str, Any]] = []
    for section, key, field in _fields(note, ChartField):
        if field.chart == CHART_ID:
            marks += (note.document.get(section) or {}).get(key) or []
    return marks


def adjusted_regions(note: NoteContext) -> list[str]:
    """The chart ids marked "adjusted" in the note, in chart order of first mention."""
    seen: dict[str, None] = {}
    for mark in spine_marks(note):
        if mark.get("type") == "adjusted":
            seen[mark["region"]] = None
    return list(seen)


def care_type(note: NoteContext) -> str | None:
    """``active`` or ``maintenance`` as recorded in the note's ``care_type`` field."""
    for section, key, _ in _fields(note, object):
        if key == "care_type":
            return (note.document.get(section) or {}).get(key)
    return None


def _part_rows(note: NoteContext) -> Iterator[Mapping[str, Any]]:
    for section, key, field in _fields(note, TableField):
        if key == "part" and isinstance(field, TableField):
            yield from (note.document.get(section) or {}).get(key) or []


def part_by_region(note: NoteContext) -> dict[str, set[PartLetter]]:
    """PART elements documented per CMT region, from the PART table and the chart marks."""
    found: dict[str, set[PartLetter]] = defaultdict(set)
    for row in _part_rows(note):
        region = row.get("region")
        if not region:
            continue
        if (row.get("pain") or 0) > 0:
            found[region].add("P")
        if row.get("asymmetry"):
            found[region].add("A")
        if row.get("rom") not in (None, "normal"):
            found[region].add("R")
        if row.get("tissue") not in (None, "normal"):
            found[region].add("T")
    for mark in spine_marks(note):
        letter = MARK_PART.get(mark.get("type", ""))
        if letter:
            try:
                found[segments.group_of(mark.get("region", ""))].add(letter)
            except ValueError:  # a region of an older chart: nothing to count
                continue
    return dict(found)


def meets_part(letters: set[PartLetter]) -> bool:
    """Two of the four PART elements, one of them asymmetry or range of motion (§240.1.2)."""
    return len(letters) >= 2 and bool(letters & {"A", "R"})
