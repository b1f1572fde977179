"""Billing worklist and reports: bounded, indexed queries whatever the data size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..db.types import money
from ..models import (
    Appointment,
    Case,
    Invoice,
    MeasureResult,
    Note,
    Patient,
    Practitioner,
    RevenueMonth,
)
from ..plugins import get_registry
from . import access, audit
from .actor import Actor
from .common import get


@dataclass(frozen=True)
class WorkItem:
    """A finished visit with charges that still need an invoice issued or a claim made."""

    appointment_id: int
    start: datetime
    patient_id: int
    patient_name: str
    practitioner_id: int
    practitioner_name: str
    case_id: int | None
    note_id: int
    invoice_id: int
    invoice_status: str
    total: Decimal
    insurer_portion: Decimal
    #: "issue-invoice" or "make-claim".
    action: str


def ready_to_bill(session: Session, actor: Actor, *, practitioner_id: int | None = None,
                  location_id: int | None = None, payer_id: int | None = None,
                  self_pay: bool = False, start: date | None = None, end: date | None = None,
                  limit: int = 200, offset: int = 0) -> list[WorkItem]:
    """Completed appointments with a signed note whose charges are not yet invoiced (the
    draft invoice is not issued) or, for a payer's case, not yet claimed; oldest first.

    Two queries, one per kind of open item, each reading its index (invoice status, claim
    state) in date order and stopping after ``offset + limit`` rows: the cost follows the
    page, not the history. ``payer_id`` or ``self_pay`` keep one payer's invoices;
    ``start`` and ``end`` bound the date of service (both included)."""
    actor.require("billing.write")
    limit, offset = max(1, min(limit, 1000)), max(0, offset)
    found = []
    for open_items in (and_(Invoice.status == "draft", Invoice.note_id.is_not(None)),
                       Invoice.claim_state == "to-claim"):
        query = (
            select(Appointment.id, Appointment.start_at, Patient.id, Patient.given_name,
                   Patient.preferred_name, Patient.family_name, Practitioner.id,
                   Practitioner.display_name, Appointment.case_id, Note.id, Invoice.id,
                   Invoice.status, Invoice.total, Invoice.insurer_portion,
                   Invoice.date_of_service)
            .select_from(Invoice)
            .join(Note, and_(Note.id == Invoice.note_id, Note.status == "signed"))
            .join(Appointment, Appointment.id == Invoice.appointment_id)
            .join(Patient, Patient.id == Invoice.patient_id)
            .join(Practitioner, Practitioner.id == Appointment.practitioner_id)
            .where(open_items, Appointment.status == "completed")
            .order_by(Invoice.date_of_service, Invoice.id)
            .limit(offset + limit)
        )
        if practitioner_id is not None:
            query = query.where(Appointment.practitioner_id == practitioner_id)
        if location_id is not None:
            query = query.where(Appointment.location_id == location_id)
        if self_pay:
            query = query.where(Invoice.payer_id.is_(None))
        elif payer_id is not None:
            query = query.where(Invoice.payer_id == payer_id)
        if start is not None:
            query = query.where(Invoice.date_of_service >= start)
        if end is not None:
            query = query.where(Invoice.date_of_service <= end)
        found += session.execute(query).all()
    found.sort(key=lambda row: (row[14], row[1], row[0]))
    items = [
        WorkItem(aid, start, pid, f"{preferred or given} {family}", prid, pname, case_id,
                 note_id, invoice_id, status, money(total), money(insurer),
                 "issue-invoice" if status == "draft" else "make-claim")
        for (aid, start, pid, given, preferred, family, prid, pname, case_id, note_id,
             invoice_id, status, total, insurer, _dos) in found[offset:offset + limit]
    ]
    audit.record_many(session, actor, "read", "worklist",
                      [(i.invoice_id, i.patient_id) for i in items])
    return items


@dataclass(frozen=True)
class RevenueRow:
    practitioner_id: int
    practitioner_name: str
    month: str  # YYYY-MM
    invoiced: Decimal
    visits: int


def revenue_by_practitioner(session: Session, actor: Actor, start: date, end: date, *,
                            location_id: int | None = None) -> list[RevenueRow]:
    """Issued revenue per practitioner per month of service, for the whole months from
    ``start``'s month up to the month before ``end`` (or ``end``'s own month when ``end``
    is not its first day). Reads the monthly totals kept as invoices are issued and voided:
    two small queries whatever the number of invoices."""
    actor.require("reports.read")
    last = end if end.day != 1 else end - timedelta(days=1)
    query = (
        select(RevenueMonth.practitioner_id, Practitioner.display_name, RevenueMonth.month,
               RevenueMonth.total, RevenueMonth.visits)
        .join(Practitioner, Practitioner.id == RevenueMonth.practitioner_id)
        .where(RevenueMonth.month >= start.strftime("%Y-%m"),
               RevenueMonth.month <= last.strftime("%Y-%m"), RevenueMonth.visits != 0)
        .order_by(RevenueMonth.month, Practitioner.display_name))
    if location_id is not None:  # the practitioners based at one location
        query = query.where(Practitioner.default_location_id == location_id)
    rows = session.execute(query).all()
    return [RevenueRow(pid, name, month, money(total), visits)
            for pid, name, month, total, visits in rows]


@dataclass(frozen=True)
class TimelineEvent:
    at: date
    kind: str  # appointment, note, measure, invoice
    id: int
    summary: str


def case_timeline(session: Session, actor: Actor, case_id: int) -> list[TimelineEvent]:
    """Everything in a case in date order: appointments, notes, measures, invoices.
    Four queries, whatever the case's length."""
    case = get(session, Case, case_id, "case")
    access.require(session, actor, "cases.read", case.patient_id)  # the care team's
    events: list[TimelineEvent] = []
    registry = get_registry()  # titles for people, not ids
    for aid, start, status in session.execute(
            select(Appointment.id, Appointment.start_at, Appointment.status)
            .where(Appointment.case_id == case_id)):
        events.append(TimelineEvent(start.date(), "appointment", aid, status))
    if access.may(session, actor, "notes.read", case.patient_id):
        for nid, dos, status, template in session.execute(
                select(Note.id, Note.date_of_service, Note.status, Note.template_id)
                .where(Note.case_id == case_id)):
            found = registry.templates.get(template)
            title = found.title if found else template
            events.append(TimelineEvent(dos, "note", nid, f"{title} ({status})"))
    if access.may(session, actor, "measures.read", case.patient_id):
        for mid, taken, measure, value, source in session.execute(
                select(MeasureResult.id, MeasureResult.taken_on, MeasureResult.measure_id,
                       MeasureResult.value, MeasureResult.source)
                .where(MeasureResult.case_id == case_id)):
            found_m = registry.measures.get(measure)
            name = found_m.title if found_m else measure
            by = " (reported by the patient)" if source == "patient" else ""
            events.append(TimelineEvent(taken, "measure", mid, f"{name}: "
                                        f"{'not scored' if value is None else f'{value:g}'}"
                                        f"{by}"))
    if actor.can("billing.read"):
        for iid, dos, status, total in session.execute(
                select(Invoice.id, Invoice.date_of_service, Invoice.status, Invoice.total)
                .where(Invoice.case_id == case_id)):
            events.append(TimelineEvent(dos, "invoice", iid, f"{status} {money(total)}"))
    order = {"appointment": 0, "note": 1, "measure": 2, "invoice": 3}
    events.sort(key=lambda e: (e.at, order[e.kind], e.id))
    audit.record(session, actor, "read", "case-timeline", case.id, case.patient_id)
    return events


def no_show_rate(session: Session, actor: Actor, start: date, end: date) -> dict[int, float]:
    """Share of each practitioner's appointments in [start, end) that were no-shows."""
    actor.require("reports.read")
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    from datetime import UTC, time

    lo, hi = datetime.combine(start, time(0), UTC), datetime.combine(end, time(0), UTC)
    for pid, status, n in session.execute(
            select(Appointment.practitioner_id, Appointment.status, func.count())
            .where(Appointment.start_at >= lo, Appointment.start_at < hi)
            .group_by(Appointment.practitioner_id, Appointment.status)):
        totals[pid][0] += n
        if status == "no-show":
            totals[pid][1] += n
    return {pid: (ns / total if total else 0.0) for pid, (total, ns) in totals.items()}
