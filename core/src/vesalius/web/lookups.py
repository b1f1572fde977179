"""Bulk look-ups for list pages: the names of many patients in one query, audited as reads.

Lists (waitlist, worklists) show a name per row; reading the patients one by one would be
N+1 queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ..models import Note, Patient, Practitioner, WorkingHours
from ..services import access, audit
from ..services.actor import Actor


def patients_by_id(session: Session, actor: Actor, ids: Iterable[int]) -> dict[int, Patient]:
    wanted = sorted(set(ids))
    if actor.is_patient:
        wanted = [i for i in wanted if i == actor.patient_id]
    if not wanted:
        return {}
    actor.require("patients.search") if not actor.is_patient else None
    found = {p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_(wanted)))}
    audit.record_many(session, actor, "read", "patient", [(i, i) for i in found],
                      detail="list")
    return found


def notes_of_patient(session: Session, actor: Actor, patient_id: int) -> list[Note]:
    """Every note of one patient, newest first, in one query (the profile's documents)."""
    access.require(session, actor, "notes.read", patient_id)
    found = list(session.scalars(select(Note).where(Note.patient_id == patient_id)
                                 .order_by(Note.date_of_service.desc(), Note.id.desc())))
    audit.record_many(session, actor, "read", "note", [(n.id, n.patient_id) for n in found],
                      detail="list")
    return found


@dataclass(frozen=True)
class Hours:
    """One block of a practitioner's week at a location (plain values, no ORM object)."""

    practitioner_id: int
    weekday: int
    start_time: time
    end_time: time
    kind: str
    valid_from: date | None
    valid_to: date | None


def staff_at(session: Session, actor: Actor, location_id: int | None,
             weekdays: Iterable[int]) -> tuple[list[Practitioner], list[Hours]]:
    """Active practitioners who work at a location (by hours or by default), plus those with
    no hours anywhere, and their hours there on the given weekdays: two indexed queries
    whatever the size of the clinic (a chain has hundreds of practitioners)."""
    actor.require("practitioners.read")
    query = select(Practitioner).where(Practitioner.active.is_(True))
    if location_id is not None:
        query = query.where(or_(
            Practitioner.default_location_id == location_id,
            Practitioner.id.in_(select(WorkingHours.practitioner_id)
                                .where(WorkingHours.location_id == location_id)),
            ~exists().where(WorkingHours.practitioner_id == Practitioner.id)))
    staff = list(session.scalars(query.order_by(Practitioner.display_name)))
    if not staff:
        return [], []
    rows = session.execute(
        select(WorkingHours.practitioner_id, WorkingHours.weekday, WorkingHours.start_time,
               WorkingHours.end_time, WorkingHours.kind, WorkingHours.valid_from,
               WorkingHours.valid_to)
        .where(WorkingHours.practitioner_id.in_([p.id for p in staff]),
               WorkingHours.weekday.in_(list(weekdays)),
               *([WorkingHours.location_id == location_id] if location_id is not None
                 else [])))
    return staff, [Hours(*row) for row in rows]
