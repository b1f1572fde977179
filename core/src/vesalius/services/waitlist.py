"""The waitlist: patients who want a slot (sooner, or a first one), matched to openings."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict
from ..models import (
    Appointment,
    Case,
    Patient,
    Practitioner,
    Service,
    WaitlistEntry,
)
from . import audit, scheduling
from .actor import Actor
from .common import Input, get


class WaitlistIn(Input):
    patient_id: int
    service_id: int | None = None
    practitioner_id: int | None = None
    case_id: int | None = None
    location_id: int | None = None
    earliest: date | None = None
    latest: date | None = None
    weekdays: list[int] = Field(default_factory=list)
    part_of_day: str = Field(default="any", pattern="^(any|morning|afternoon|evening)$")
    note: str | None = Field(default=None, max_length=500)


def add(session: Session, actor: Actor, data: WaitlistIn) -> WaitlistEntry:
    actor.require("waitlist.write", patient_id=data.patient_id)
    get(session, Patient, data.patient_id, "patient", field="patient_id")
    if data.service_id is not None:
        get(session, Service, data.service_id, "service", field="service_id")
    if data.practitioner_id is not None:
        get(session, Practitioner, data.practitioner_id, "practitioner",
            field="practitioner_id")
    if data.case_id is not None:
        case = get(session, Case, data.case_id, "case", field="case_id")
        if case.patient_id != data.patient_id:
            from ..errors import Invalid

            raise Invalid("the case belongs to another patient", field="case_id")
    entry = WaitlistEntry(**data.model_dump())
    session.add(entry)
    session.flush()
    audit.record(session, actor, "create", "waitlist", entry.id, entry.patient_id)
    return entry


def waiting(session: Session, actor: Actor, *, practitioner_id: int | None = None,
            service_id: int | None = None) -> list[WaitlistEntry]:
    actor.require("waitlist.read")
    query = select(WaitlistEntry).where(WaitlistEntry.status == "waiting")
    if practitioner_id is not None:
        query = query.where((WaitlistEntry.practitioner_id == practitioner_id)
                            | WaitlistEntry.practitioner_id.is_(None))
    if service_id is not None:
        query = query.where((WaitlistEntry.service_id == service_id)
                            | WaitlistEntry.service_id.is_(None))
    found = list(session.scalars(query.order_by(WaitlistEntry.created_at, WaitlistEntry.id)))
    audit.record_many(session, actor, "read", "waitlist", [(e.id, e.patient_id) for e in found])
    return found


def _part_of_day(hour: int) -> str:
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def matches(session: Session, actor: Actor, appointment: Appointment) -> list[WaitlistEntry]:
    """Waiting patients who would take ``appointment``'s slot (after it was cancelled):
    same practitioner or any, same service or any, date and part of day they can come."""
    entries = waiting(session, actor, practitioner_id=appointment.practitioner_id,
                      service_id=appointment.service_id)
    # Parts of the day are the location's wall clock: 14:00 in Toronto is an afternoon.
    local = appointment.start_at.astimezone(
        scheduling.location_zone(session, appointment.location_id))
    day = local.date()
    return [
        e for e in entries
        if e.patient_id != appointment.patient_id
        and (e.earliest is None or e.earliest <= day)
        and (e.latest is None or day <= e.latest)
        and (not e.weekdays or day.weekday() in e.weekdays)
        and e.part_of_day in ("any", _part_of_day(local.hour))
    ]


def book_from(session: Session, actor: Actor, entry_id: int, practitioner_id: int,
              start: datetime, end: datetime | None = None,
              room_id: int | None = None) -> Appointment:
    """Book the waiting patient into a slot and take them off the list."""
    entry = open_entry(session, actor, entry_id)
    appointment = scheduling.book(session, actor, scheduling.BookingIn(
        patient_id=entry.patient_id, practitioner_id=practitioner_id, start=start, end=end,
        case_id=entry.case_id, service_id=entry.service_id, room_id=room_id,
        location_id=entry.location_id if room_id is None else None))
    return take(session, actor, entry_id, appointment)


def open_entry(session: Session, actor: Actor, entry_id: int) -> WaitlistEntry:
    """A waiting entry (:class:`Conflict` once booked or removed)."""
    entry = get(session, WaitlistEntry, entry_id, "waitlist entry")
    actor.require("waitlist.write", patient_id=entry.patient_id)
    if entry.status != "waiting":
        raise Conflict(f"the entry is {entry.status}")
    return entry


def take(session: Session, actor: Actor, entry_id: int,
         appointment: Appointment) -> Appointment:
    """Take the waiting patient off the list: ``appointment`` (theirs) is the slot they
    were offered and booked into."""
    entry = open_entry(session, actor, entry_id)
    if appointment.patient_id != entry.patient_id:
        from ..errors import Invalid

        raise Invalid("the appointment is another patient's", field="waitlist_id")
    entry.status, entry.appointment_id = "booked", appointment.id
    audit.record(session, actor, "book", "waitlist", entry.id, entry.patient_id)
    return appointment


def remove(session: Session, actor: Actor, entry_id: int) -> WaitlistEntry:
    entry = get(session, WaitlistEntry, entry_id, "waitlist entry")
    actor.require("waitlist.write", patient_id=entry.patient_id)
    entry.status = "removed"
    audit.record(session, actor, "remove", "waitlist", entry.id, entry.patient_id)
    return entry
