"""Rules across fields that stop an acupuncture note from being signed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vesalius_sdk import NoteContext, NoteProblem

from .billing import increments_for_minutes
from .charts import MERIDIAN_CHART, POINTS, normalise_point

NEEDLE_BOUND = {"electro-stimulation"}  # marks that need a needle in the same point


def _region_id(mark: Mapping[str, Any]) -> str | None:
    region = MERIDIAN_CHART.region_index.get(str(mark.get("region")))
    return region.id if region else None


def table_problems(rows: list[Mapping[str, Any]]) -> tuple[list[NoteProblem], set[str]]:
    """Each table row names a known point with a side where the point is paired."""
    problems: list[NoteProblem] = []
    needled: set[str] = set()
    for i, row in enumerate(rows):
        field = f"points.table[{i}]"
        if not row.get("point"):
            problems.append(NoteProblem(field=f"{field}.point", message="give the point"))
            continue
        try:
            code = normalise_point(row["point"])
        except ValueError as error:
            problems.append(NoteProblem(field=f"{field}.point", message=str(error)))
            continue
        needled.add(code)
        midline = POINTS[code].midline
        if midline and row.get("side"):
            # A side on a midline point is a slip that misleads nobody: shown, not blocking.
            problems.append(NoteProblem(field=f"{field}.side", severity="warning",
                                        message=f"{code} is on the midline: leave the side empty"))
        if not midline and not row.get("side"):
            problems.append(NoteProblem(field=f"{field}.side",
                                        message=f"{code} is a paired point: give the side"))
    return problems, needled


def chart_problems(marks: list[Mapping[str, Any]], needled: set[str]) -> list[NoteProblem]:
    """Electro-stimulation and warm-needle moxibustion need a needle in the point."""
    problems: list[NoteProblem] = []
    for mark in marks:
        region = _region_id(mark)
        if region is None:
            continue
        warm_needle = (mark.get("type") == "moxibustion"
                       and (mark.get("attributes") or {}).get("method") == "warm-needle")
        if (mark.get("type") in NEEDLE_BOUND or warm_needle) and region not in needled:
            problems.append(NoteProblem(
                field="points.chart",
                message=f"{mark.get('type')} at {region} needs the point needled: "
                        "mark it as needled too"))
    return problems


def contact_problems(note: NoteContext, needled: set[str],
                     electro_points: bool) -> list[NoteProblem]:
    """The increments billed agree with the contact time and with what was done."""
    problems: list[NoteProblem] = []
    rows = note.value("contact.increments", [])
    minutes = note.value("contact.contact_minutes")
    if minutes is not None:
        expected = increments_for_minutes(minutes)
        if expected != len(rows):
            problems.append(NoteProblem(
                field="contact.increments",
                message=f"{minutes} minutes of personal contact make {expected} increment(s) "
                        f"of 15 minutes; the note lists {len(rows)}"))
    if rows and not needled:
        problems.append(NoteProblem(field="points.chart",
                                    message="acupuncture is billed: record the points needled"))
    electro_rows = any(row.get("electro") is True for row in rows)
    if electro_points and rows and not electro_rows:
        problems.append(NoteProblem(
            field="contact.increments",
            message="electro-stimulation is recorded on points: tick it in the increment(s) "
                    "where it was used"))
    if electro_rows and not electro_points:
        problems.append(NoteProblem(
            field="points.chart",
            message="an increment is billed with electro-stimulation: record it on the points"))
    return problems


def needle_count_problems(note: NoteContext) -> list[NoteProblem]:
    inserted = note.value("points.needle_count")
    removed = note.value("points.needles_removed")
    if inserted is not None and removed is not None and inserted != removed:
        return [NoteProblem(field="points.needles_removed",
                            message=f"{inserted} needles inserted but {removed} removed: "
                                    "account for every needle")]
    return []


def adverse_problems(note: NoteContext) -> list[NoteProblem]:
    """An adverse event is described, as the SDK's safety rule asks of an adverse reaction
    (this pack's fields keep their own ids: ``response.adverse`` lists the events)."""
    events = set(note.value("response.adverse", []))
    if "none" in events and len(events) > 1:
        return [NoteProblem(field="response.adverse",
                            message="'None' is ticked beside adverse events: untick one")]
    if events - {"none"} and not str(note.value("response.notes", "")).strip():
        return [NoteProblem(field="response.notes", message="An adverse event is recorded: "
                                                            "describe it and what was done")]
    return []


def validate(note: NoteContext) -> list[NoteProblem]:
    """Every cross-field problem of an acupuncture note."""
    marks = note.value("points.chart", [])
    rows = note.value("points.table", [])
    problems, needled = table_problems(rows)
    needled |= {r for m in marks if m.get("type") == "needled" and (r := _region_id(m))}
    problems += chart_problems(marks, needled)
    electro_points = (any(m.get("type") == "electro-stimulation" for m in marks)
                      or any(row.get("electro") is True for row in rows))
    problems += contact_problems(note, needled, electro_points)
    problems += needle_count_problems(note)
    problems += adverse_problems(note)
    return problems
