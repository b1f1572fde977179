"""Outcome measures over a case: each measure's results in time order, the change from
the first to the latest, and whether it reached the measure's MCID."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Case, MeasureResult, Note
from ..plugins import get_registry
from . import access, audit
from . import mcid as mcid_rule
from .actor import Actor
from .common import get


@dataclass(frozen=True)
class Point:
    taken_on: date
    value: float | None
    band: str | None
    note_id: int | None
    measure_version: str


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
        points = [Point(r.taken_on, r.value, r.band, r.note_id, r.measure_version)
                  for r in results]
        scored = [p.value for p in points if p.value is not None]
        change = scored[-1] - scored[0] if len(scored) >= 2 else None
        reached = (measure.reached_mcid(scored[0], scored[-1])
                   if measure is not None and len(scored) >= 2 else None)
        trends.append(Trend(
            measure_id=measure_id, title=measure.title if measure else measure_id,
            direction=measure.direction if measure else None,
            unit=measure.unit if measure else None,
            mcid=measure.mcid if measure else None, points=points,
            change=round(change, 4) if change is not None else None, reached_mcid=reached))
    audit.record(session, actor, "read", "measure-trend", case.id, case.patient_id)
    return trends
