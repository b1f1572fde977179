"""Outcome measures over a case: each measure's results in time order, the change from
the first to the latest, and whether it reached the measure's MCID; for a measure that
declares subscales (KOOS, HOOS, DASH modules), each subscale's first and latest scores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from vesalius_sdk import OutcomeMeasure

from ..models import Case, MeasureResult, Note
from ..plugins import get_registry
from . import access, audit
from . import mcid as mcid_rule
from .actor import Actor
from .common import get
from .subscales import subscale_values


@dataclass(frozen=True)
class Point:
    taken_on: date
    value: float | None
    band: str | None
    note_id: int | None
    measure_version: str
    subscores: Mapping[str, float | None] = field(default_factory=dict)
    #: "clinic" or "patient" (filled by the patient before the visit).
    source: str = "clinic"


@dataclass(frozen=True)
class SubscaleChange:
    """One declared subscale over the case: its first and latest scored results."""

    id: str
    label: str
    first: float | None
    first_on: date | None
    #: The latest scored result when there are two or more; else None.
    latest: float | None
    latest_on: date | None
    change: float | None


@dataclass(frozen=True)
class Trend:
    measure_id: str
    title: str
    direction: str | None
    unit: str | None
    mcid: float | None
    points: list[Point]
    #: Latest minus first scored value (in the measure's units), or None.
    change: float | None
    #: True/False when the measure has an MCID and two scored results; else None.
    reached_mcid: bool | None
    #: The measure's declared subscales, first and latest (empty when it declares none).
    subscales: list[SubscaleChange] = field(default_factory=list)

    @property
    def mcid_verdict(self) -> str | None:
        """``improved``, ``worse`` or ``no-important-change`` (see :mod:`.mcid`)."""
        return mcid_rule.verdict(self.change, self.mcid, self.direction)


def case_trends(session: Session, actor: Actor, case_id: int) -> list[Trend]:
    """One trend per measure taken in the case (results of notes entered in error are left
    out). One query for the results."""
    case = get(session, Case, case_id, "case")
    access.require(session, actor, "measures.read", case.patient_id)
    rows = session.scalars(
        select(MeasureResult)
        .outerjoin(Note, Note.id == MeasureResult.note_id)
        .where(MeasureResult.case_id == case_id,
               or_(MeasureResult.note_id.is_(None), Note.status == "signed"))
        .order_by(MeasureResult.measure_id, MeasureResult.taken_on, MeasureResult.id)
    )
    by_measure: dict[str, list[MeasureResult]] = {}
    for row in rows:
        by_measure.setdefault(row.measure_id, []).append(row)
    registry = get_registry()
    trends = []
    for measure_id, results in by_measure.items():
        measure = registry.measures.get(measure_id)
        points = [Point(r.taken_on, r.value, r.band, r.note_id, r.measure_version,
                        dict(r.subscores or {}), r.source or "clinic") for r in results]
        scored = [p.value for p in points if p.value is not None]
        change = scored[-1] - scored[0] if len(scored) >= 2 else None
        reached = (measure.reached_mcid(scored[0], scored[-1])
                   if measure is not None and len(scored) >= 2 else None)
        trends.append(Trend(
            measure_id=measure_id, title=measure.title if measure else measure_id,
            direction=measure.direction if measure else None,
            unit=measure.unit if measure else None,
            mcid=measure.mcid if measure else None, points=points,
            change=round(change, 4) if change is not None else None, reached_mcid=reached,
            subscales=subscale_changes(measure, points)))
    audit.record(session, actor, "read", "measure-trend", case.id, case.patient_id)
    return trends


def subscale_changes(measure: OutcomeMeasure | None, points: list[Point]) -> list[SubscaleChange]:
    """Each declared subscale of ``measure`` over ``points`` (time order): first and latest
    scored values and the change between them. A subscale never scored has no first."""
    out = []
    for shown in subscale_values(measure, {}):
        scored = [(p.taken_on, v) for p in points
                  if isinstance(v := p.subscores.get(shown.id), int | float)
                  and not isinstance(v, bool)]
        first = scored[0] if scored else (None, None)
        latest = scored[-1] if len(scored) >= 2 else (None, None)
        change = (round(latest[1] - first[1], 4)
                  if latest[1] is not None and first[1] is not None else None)
        out.append(SubscaleChange(shown.id, shown.label, first[1], first[0], latest[1],
                                  latest[0], change))
    return out
