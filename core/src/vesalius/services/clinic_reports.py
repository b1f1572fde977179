"""Reports the web's report pages need beyond :mod:`vesalius.services.reports`: attendance
(no-show and late-cancel rates), collection rate, and outcome change per case and per
discipline. Each is a bounded number of grouped, indexed queries, whatever the data size.

Written for the web issue; the clinic core may fold these into its own reports module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from ..db.types import money
from ..models import (
    Appointment,
    Case,
    Invoice,
    MeasureResult,
    Note,
    Patient,
    PaymentAllocation,
    Practitioner,
)
from ..plugins import get_registry
from . import audit
from .actor import Actor

ZERO = Decimal("0.00")


def _instants(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time(0), UTC), datetime.combine(end, time(0), UTC)


@dataclass(frozen=True)
class Attendance:
    practitioner_id: int
    practitioner_name: str
    booked: int  # every appointment in the period, whatever became of it
    attended: int  # completed (or arrived / in session)
    cancelled: int
    late_cancelled: int
    no_show: int

    def rate(self, count: int) -> float:
        return count / self.booked if self.booked else 0.0

    @property
    def no_show_rate(self) -> float:
        return self.rate(self.no_show)

    @property
    def late_cancel_rate(self) -> float:
        return self.rate(self.late_cancelled)


def attendance(session: Session, actor: Actor, start: date, end: date) -> list[Attendance]:
    """Appointments starting in [start, end) per practitioner and status: one grouped query
    over the (practitioner, start) index."""
    actor.require("reports.read")
    lo, hi = _instants(start, end)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[int, str] = {}
    for pid, name, status, n in session.execute(
            select(Appointment.practitioner_id, Practitioner.display_name, Appointment.status,
                   func.count())
            .join(Practitioner, Practitioner.id == Appointment.practitioner_id)
            .where(Appointment.start_at >= lo, Appointment.start_at < hi)
            .group_by(Appointment.practitioner_id, Practitioner.display_name,
                      Appointment.status)):
        counts[pid][status] += n
        names[pid] = name
    rows = [
        Attendance(pid, names[pid], sum(c.values()),
                   c["completed"] + c["arrived"] + c["in-session"], c["cancelled"],
                   c["late-cancelled"], c["no-show"])
        for pid, c in counts.items()
    ]
    audit.record(session, actor, "read", "report", None, None, detail="attendance")
    return sorted(rows, key=lambda r: r.practitioner_name)


@dataclass(frozen=True)
class Collection:
    month: str  # YYYY-MM of the date of service
    invoiced: Decimal
    collected: Decimal

    @property
    def rate(self) -> float:
        return float(self.collected / self.invoiced) if self.invoiced else 0.0


def _month(session: Session, column):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%Y-%m", column), String)
    return cast(func.to_char(column, "YYYY-MM"), String)


def collection(session: Session, actor: Actor, start: date, end: date) -> list[Collection]:
    """Issued invoices by month of service in [start, end), and what has been collected on
    them so far (patients and insurers): two grouped queries."""
    actor.require("reports.read")
    month = _month(session, Invoice.date_of_service)
    period = and_(Invoice.status == "issued", Invoice.date_of_service >= start,
                  Invoice.date_of_service < end)
    invoiced = {m: money(v or 0) for m, v in session.execute(
        select(month, func.sum(Invoice.total)).where(period).group_by(month))}
    collected = {m: money(v or 0) for m, v in session.execute(
        select(month, func.sum(PaymentAllocation.amount))
        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .where(period).group_by(month))}
    audit.record(session, actor, "read", "report", None, None, detail="collection")
    return [Collection(m, invoiced[m], collected.get(m, ZERO)) for m in sorted(invoiced)]


@dataclass(frozen=True)
class OutcomeChange:
    case_id: int
    patient_id: int
    patient_name: str
    case_title: str
    discipline: str
    measure_id: str
    first: float
    latest: float
    results: int
    change: float
    reached_mcid: bool | None


@dataclass(frozen=True)
class DisciplineOutcome:
    discipline: str
    measure_id: str
    cases: int
    mean_change: float
    reached_mcid: int  # cases whose change reached the MCID
    with_mcid: int  # cases whose measure has an MCID


def outcome_changes(session: Session, actor: Actor, start: date, end: date
                    ) -> tuple[list[OutcomeChange], list[DisciplineOutcome]]:
    """Per case and measure with at least two scored results, the latest of them taken in
    [start, end): the change from the first result and whether it reached the MCID; and the
    same summed up per discipline. One query; results of notes entered in error are left
    out. Outcome scores are clinical: the caller needs ``measures.read`` too."""
    actor.require("reports.read")
    actor.require("measures.read")
    rows = session.execute(
        select(MeasureResult.case_id, MeasureResult.measure_id, MeasureResult.value,
               MeasureResult.taken_on, Case.patient_id, Case.title, Case.discipline,
               Patient.given_name, Patient.preferred_name, Patient.family_name)
        .join(Case, Case.id == MeasureResult.case_id)
        .join(Patient, Patient.id == Case.patient_id)
        .outerjoin(Note, Note.id == MeasureResult.note_id)
        .where(MeasureResult.value.is_not(None), MeasureResult.taken_on < end,
               or_(MeasureResult.note_id.is_(None), Note.status == "signed"))
        .order_by(MeasureResult.case_id, MeasureResult.measure_id, MeasureResult.taken_on,
                  MeasureResult.id)
    ).all()
    series: dict[tuple[int, str], list] = defaultdict(list)  # type: ignore[type-arg]
    for row in rows:
        series[(row.case_id, row.measure_id)].append(row)
    measures = get_registry().measures
    per_case: list[OutcomeChange] = []
    for (case_id, measure_id), results in series.items():
        if len(results) < 2 or results[-1].taken_on < start:
            continue
        first, last = results[0], results[-1]
        measure = measures.get(measure_id)
        change = last.value - first.value
        reached = measure.reached_mcid(first.value, last.value) if measure else None
        per_case.append(OutcomeChange(
            case_id, first.patient_id, f"{first.preferred_name or first.given_name} "
            f"{first.family_name}", first.title, first.discipline, measure_id, first.value,
            last.value, len(results), round(change, 4), reached))
    grouped: dict[tuple[str, str], list[OutcomeChange]] = defaultdict(list)
    for item in per_case:
        grouped[(item.discipline, item.measure_id)].append(item)
    per_discipline = [
        DisciplineOutcome(
            discipline, measure_id, len(items),
            round(sum(i.change for i in items) / len(items), 4),
            sum(1 for i in items if i.reached_mcid), sum(1 for i in items
                                                         if i.reached_mcid is not None))
        for (discipline, measure_id), items in sorted(grouped.items())
    ]
    audit.record_many(session, actor, "read", "outcome-report",
                      [(i.case_id, i.patient_id) for i in per_case])
    return sorted(per_case, key=lambda i: (i.discipline, i.patient_name, i.case_id)), \
        per_discipline
