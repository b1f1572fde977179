"""Booking, rescheduling, cancelling, the appointment state machine, and calendar lists.

Double booking is stopped by the database (an exclusion constraint on PostgreSQL, a trigger
inside SQLite's ``BEGIN IMMEDIATE`` write lock); the check here only words the conflict
for people. Either way a clash is a :class:`~vesalius.errors.Conflict` (HTTP 409).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import ModuleType
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import Integer, and_, bindparam, func, insert, or_, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, make_transient_to_detached
from vesalius_sdk import AppointmentStatusChange

from ..db.types import utcnow
from ..errors import Conflict, Forbidden, Invalid
from ..models import (
    Appointment,
    Case,
    Location,
    Patient,
    Practitioner,
    Room,
    Service,
)
from ..models.scheduling import ACTIVE_STATUSES, FREED_STATUSES, STATUSES
from ..plugins import get_registry
from . import audit, cache
from .actor import Actor
from .common import Input, aware, clinic_timezone, get
from .events import after_commit

MAX_LENGTH = timedelta(hours=24)
#: PostgreSQL's SQLSTATE for a deadlock, and how often a booking insert is tried again.
DEADLOCK = "40P01"
DEADLOCK_RETRIES = 3
#: Advisory-lock key spaces (pg_advisory_xact_lock(space, key)) of practitioners and rooms.
LOCK_PRACTITIONER, LOCK_ROOM = 7301, 7302
_LOCK = text("SELECT pg_advisory_xact_lock(:space, :key)")
_INSERT_APPOINTMENT = insert(Appointment.__table__)

#: The state machine: the moves a clinic makes, and nothing else. Completed, cancelled and
#: late-cancelled are final (a mistaken cancellation is rebooked); a no-show can be undone
#: (the patient was in the waiting room after all), while its time is still free.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    "booked": frozenset({"confirmed", "arrived", "cancelled", "late-cancelled", "no-show"}),
    "confirmed": frozenset({"booked", "arrived", "cancelled", "late-cancelled", "no-show"}),
    "arrived": frozenset({"in-session", "completed", "booked"}),
    "in-session": frozenset({"completed"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
    "late-cancelled": frozenset(),
    "no-show": frozenset({"booked"}),  # undo a no-show marked by mistake
}
#: Signing a visit's note completes the visit from any of these: a visit never checked in
#: (booked, confirmed) too, so that it reaches the ready-to-bill worklist with its invoice.
COMPLETED_BY_NOTE = frozenset({"booked", "confirmed", "arrived", "in-session"})
#: Statuses in which the time, practitioner or room may still be changed.
MOVABLE = frozenset({"booked", "confirmed"})

Status = Literal["booked", "confirmed", "arrived", "in-session", "completed", "cancelled",
                 "late-cancelled", "no-show"]


def late_cancel_window() -> timedelta:
    """A cancellation this close to the start is a late cancellation (policy, hours)."""
    return timedelta(hours=float(os.environ.get("VESALIUS_LATE_CANCEL_HOURS", "24")))


class BookingIn(Input):
    patient_id: int
    practitioner_id: int
    start: datetime
    end: datetime | None = None
    case_id: int | None = None
    service_id: int | None = None
    room_id: int | None = None
    location_id: int | None = None
    booking_note: str | None = Field(default=None, max_length=500)
    status: Literal["booked", "confirmed"] = "booked"


class RescheduleIn(Input):
    start: datetime
    end: datetime | None = None
    practitioner_id: int | None = None
    room_id: int | None = None


@dataclass(frozen=True)
class Slot:
    """A resolved booking: who, when, where."""

    patient_id: int
    practitioner_id: int
    start: datetime
    end: datetime
    case_id: int | None
    service_id: int | None
    location_id: int | None
    room_id: int | None
    #: The rows :func:`resolve` loaded (practitioner, patient, location), held so that the
    #: session keeps them (its identity map holds unchanged objects weakly) for the messages
    #: the booking queues.
    loaded: tuple[object, ...] = field(default=(), compare=False, repr=False)


# One statement for both parties and the place they usually meet, built once: bookings are
# the busiest write of a clinic. Loaded as objects, so that what a booking goes on to write
# (the patient's messages: their address, the practitioner's and location's names) finds
# them in the session instead of asking the database again. The cache's counters come along
# (services.cache): the messages' settings and wording are then this worker's copy.
_BOOKING_PARTIES = (
    select(Practitioner, Patient, Location, cache.versions_column())
    .select_from(Practitioner)
    .outerjoin(Patient, Patient.id == bindparam("patient_id", type_=Integer))
    .outerjoin(Location, Location.id == func.coalesce(
        bindparam("location_id", type_=Integer), Practitioner.default_location_id))
    .where(Practitioner.id == bindparam("practitioner_id", type_=Integer))
)


def resolve(session: Session, actor: Actor, data: BookingIn) -> Slot:
    """Check a booking request and fill in its end, location and discipline checks."""
    actor.require("appointments.book", patient_id=data.patient_id)
    found = session.execute(
        _BOOKING_PARTIES, {"practitioner_id": data.practitioner_id,
                           "patient_id": data.patient_id, "location_id": data.location_id},
    ).first()
    if found is None:
        raise Invalid(f"no practitioner with id {data.practitioner_id}",
                      field="practitioner_id")
    practitioner, patient, location, counters = found
    cache.seed(session, counters)
    if patient is None:
        raise Invalid(f"no patient with id {data.patient_id}", field="patient_id")
    if not practitioner.active:
        raise Invalid("the practitioner is not taking bookings", field="practitioner_id")
    disciplines, display_name = practitioner.disciplines, practitioner.display_name
    default_location_id = practitioner.default_location_id
    start = aware(data.start, "start")
    service = None
    if data.service_id is not None:
        service = get(session, Service, data.service_id, "service", field="service_id")
        if not service.active:
            raise Invalid("the service is no longer offered", field="service_id")
        if service.discipline not in disciplines and service.discipline != "general":
            raise Invalid(f"{display_name} does not offer {service.discipline}",
                          field="service_id")
    online_location = None
    if actor.is_patient:  # a patient books through the online-booking rules
        from . import online_booking  # imported here: it imports this module

        end, online_location = online_booking.check(session, actor, data, service,
                                                     display_name, start)
    elif data.end is not None:
        end = aware(data.end, "end")
    elif service is not None:
        end = start + timedelta(minutes=service.duration_minutes)
    else:
        raise Invalid("give an end time or a service", field="end")
    if end <= start:
        raise Invalid("the appointment must end after it starts", field="end")
    if end - start > MAX_LENGTH:
        raise Invalid("an appointment lasts at most 24 hours", field="end")
    if data.case_id is not None:
        case = get(session, Case, data.case_id, "case", field="case_id")
        if case.patient_id != data.patient_id:
            raise Invalid("the case belongs to another patient", field="case_id")
        if case.status != "open":
            raise Invalid("the case is closed", field="case_id")
    location_id = data.location_id
    if location_id is not None:
        get(session, Location, location_id, "location", field="location_id")
    if data.room_id is not None:
        room = get(session, Room, data.room_id, "room", field="room_id")
        if location_id is not None and room.location_id != location_id:
            raise Invalid("the room is at another location", field="room_id")
        location_id = room.location_id
    if online_location is not None:
        location_id = online_location  # where the practitioner works at that time
    if location_id is None:
        location_id = default_location_id
    return Slot(data.patient_id, data.practitioner_id, start, end, data.case_id,
                data.service_id, location_id, data.room_id,
                loaded=(practitioner, patient, location))


def clashes(session: Session, slots: list[Slot],
            ignore_id: int | None = None) -> list[Conflict | None]:
    """For each slot (of one practitioner, room and location), the :class:`Conflict` naming
    the first active booking that overlaps it, or None: one statement for all the slots (a
    courtesy check; the database decides). The message is in the location's local time and
    in people's words; ``details`` keeps the booking's id and UTC times for programs."""
    if not slots:
        return []
    first = slots[0]
    a = Appointment.__table__.c
    windows = [and_(a.start_at < s.end, a.end_at > s.start, a.start_at >= s.start - MAX_LENGTH)
               for s in slots]
    who = a.practitioner_id == first.practitioner_id
    if first.room_id is not None:
        who = who | (a.room_id == first.room_id)
    query = (
        select(a.id, a.practitioner_id, a.room_id, a.patient_id, a.start_at, a.end_at,
               Practitioner.display_name, Room.name)
        .select_from(Appointment.__table__)
        .join(Practitioner, Practitioner.id == a.practitioner_id)
        .outerjoin(Room, Room.id == a.room_id)
        .where(or_(*windows) if len(windows) > 1 else windows[0], who,
               a.status.in_(ACTIVE_STATUSES))
        .order_by(a.start_at, a.id)
    )
    if ignore_id is not None:
        query = query.where(a.id != ignore_id)
    rows = list(session.execute(query))
    zone = location_zone(session, first.location_id) if rows else UTC
    found: list[Conflict | None] = []
    for slot in slots:
        row = next((r for r in rows if r.start_at < slot.end and r.end_at > slot.start), None)
        found.append(None if row is None else _clash_conflict(slot, row, zone))
    return found


def location_zone(session: Session, location_id: int | None) -> tzinfo:
    """The wall clock of a location; for a booking with none, the clinic's first location
    (the one the calendar shows it on), else :func:`~.common.clinic_timezone`."""
    name = (session.scalar(select(Location.timezone).where(Location.id == location_id))
            if location_id is not None else None)
    if name is None:
        name = session.scalar(select(Location.timezone).where(Location.active.is_(True))
                              .order_by(Location.id).limit(1))
    return clinic_timezone(name)


def _clash_conflict(slot: Slot, row: Any, zone: tzinfo) -> Conflict:
    other_id, practitioner_id, room_id, patient_id, start_at, end_at, name, room_name = row
    start, end = start_at.astimezone(zone), end_at.astimezone(zone)
    when = f"{start:%H:%M}-{end:%H:%M}"
    if start.date() != slot.start.astimezone(zone).date():
        when = f"{start:%a %d %b} {when}"
    whom = "this patient" if patient_id == slot.patient_id else "another patient"
    if practitioner_id == slot.practitioner_id:
        resource, field = "practitioner", "start"
        message = f"{name} is already booked {when} with {whom}"
    else:
        resource, field = "room", "room_id"
        message = f"{room_name or 'The room'} is already booked {when} ({name}, {whom})"
    return Conflict(message, field=field, details=[{
        "conflict": resource, "appointment_id": other_id,
        "practitioner_id": practitioner_id, "room_id": room_id,
        "start": start_at.astimezone(UTC).isoformat(),
        "end": end_at.astimezone(UTC).isoformat()}])


def _clash(session: Session, slot: Slot, ignore_id: int | None = None) -> Conflict | None:
    return clashes(session, [slot], ignore_id)[0]


def conflict_from(error: IntegrityError) -> Conflict:
    text = str(error.orig)
    if "room" in text:
        return Conflict("the room is already booked at that time", field="room_id")
    if "overlap" in text or "exclusion" in text:
        return Conflict("the practitioner is already booked at that time", field="start")
    return Conflict("the booking clashes with the database's rules: " + text.splitlines()[0])


def flush_booking(session: Session) -> None:
    """Flush, turning the database's overlap refusal into a Conflict."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise conflict_from(exc) from None


def _queue_for(session: Session, slot: Slot) -> None:
    """On PostgreSQL, queue bookings of one practitioner (then room) behind each other.

    Two transactions inserting overlapping rows can each see the other's uncommitted row
    in the exclusion constraint's index and wait for each other: PostgreSQL then aborts one
    with a deadlock error after a second. Transaction-scoped advisory locks, always taken
    practitioner first, make racing bookings wait in line instead; the constraint still
    decides. SQLite's BEGIN IMMEDIATE already queues writers.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(_LOCK, {"space": LOCK_PRACTITIONER, "key": slot.practitioner_id})
    if slot.room_id is not None:
        session.execute(_LOCK, {"space": LOCK_ROOM, "key": slot.room_id})


#: The columns a booking writes, in the order of :data:`_PG_INSERT`'s values.
_COLUMNS = ("patient_id", "practitioner_id", "case_id", "service_id", "location_id",
            "room_id", "start_at", "end_at", "status", "status_changed_at", "series_id",
            "booking_note", "booked_via", "cancel_reason", "external_id", "created_by",
            "created_at", "updated_at")


def _pg_insert(room: bool) -> bytes:
    """PostgreSQL's booking, one statement: take the queue's locks (:func:`_queue_for`),
    then insert; an overlap the exclusion constraint refuses inserts nothing (ON CONFLICT
    DO NOTHING) and returns no id, leaving the transaction usable for the look-up."""
    table = Appointment.__table__
    dialect = postgresql.dialect()
    cast = {name: table.c[name].type.compile(dialect=dialect) for name in _COLUMNS}
    locks = f"pg_advisory_xact_lock({LOCK_PRACTITIONER}, %(practitioner_id)s::integer)"
    if room:
        locks += f", pg_advisory_xact_lock({LOCK_ROOM}, %(room_id)s::integer)"
    return (
        f"INSERT INTO appointments ({', '.join(_COLUMNS)}) "
        f"SELECT {', '.join(f'%({name})s::{cast[name]}' for name in _COLUMNS)} "
        f"FROM (SELECT {locks}) AS queued ON CONFLICT DO NOTHING RETURNING id"
    ).encode()


_PG_INSERT = {False: _pg_insert(False), True: _pg_insert(True)}
_SAVEPOINT, _RELEASE, _ROLLBACK_TO = (b"SAVEPOINT vesalius_booking",
                                      b"RELEASE SAVEPOINT vesalius_booking",
                                      b"ROLLBACK TO SAVEPOINT vesalius_booking")


def _insert_postgresql(session: Session, slot: Slot, values: dict[str, Any]) -> int | None:
    """The booking's row on PostgreSQL in one round trip: its savepoint, the locks and the
    insert, and the savepoint's release go out together (psycopg's pipeline mode). The new
    id, or None when the exclusion constraint refused an overlap. Any other error rolls back
    to the savepoint and is raised as SQLAlchemy raises it."""
    import psycopg  # only on PostgreSQL

    raw: Any = session.connection().connection.dbapi_connection
    statement = _PG_INSERT[slot.room_id is not None]
    with raw.cursor() as mark, raw.cursor() as cursor:
        try:
            with raw.pipeline():
                mark.execute(_SAVEPOINT)
                cursor.execute(statement, values)
                mark.execute(_RELEASE)
        except psycopg.Error as exc:
            mark.execute(_ROLLBACK_TO)
            mark.execute(_RELEASE)
            raise DBAPIError.instance(statement.decode(), values, exc, psycopg.Error) from None
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _insert_row(session: Session, slot: Slot, values: dict[str, Any]) -> int | None:
    """Insert the booking's row: its id, or None when the database refused an overlap
    without an error (PostgreSQL); SQLite's overlap trigger raises :class:`IntegrityError`.

    Either way the caller's transaction stays usable for the look-up of the booking in the
    way: PostgreSQL's insert runs on a savepoint of its own, and SQLite's refusal (the
    trigger's ``RAISE(ABORT)``, or a constraint's default ABORT) undoes that one statement
    and keeps the transaction, so it needs none (a savepoint costs two statements).
    """
    if session.get_bind().dialect.name == "postgresql":
        return _insert_postgresql(session, slot, values)
    # A Core insert: the busiest write of a clinic skips the unit of work.
    return int(session.connection().execute(
        _INSERT_APPOINTMENT, values).inserted_primary_key[0])


def insert(session: Session, actor: Actor, slot: Slot, *, status: str = "booked",
           series_id: int | None = None, booking_note: str | None = None) -> Appointment:
    now = utcnow()
    values = {
        "patient_id": slot.patient_id, "practitioner_id": slot.practitioner_id,
        "case_id": slot.case_id, "service_id": slot.service_id,
        "location_id": slot.location_id, "room_id": slot.room_id, "start_at": slot.start,
        "end_at": slot.end, "status": status, "status_changed_at": now,
        "series_id": series_id, "booking_note": booking_note, "booked_via": "staff",
        "cancel_reason": None, "external_id": None, "created_by": actor.user_id,
        "created_at": now, "updated_at": now,
    }
    # The database is the judge of overlaps (exclusion constraint / trigger); only when it
    # refuses is the booking in the way looked up, to say which one it is. The row's own
    # savepoint keeps the rest of the caller's transaction usable for that look-up.
    for attempt in range(DEADLOCK_RETRIES + 1):
        try:
            new_id = _insert_row(session, slot, values)
            break
        except IntegrityError as exc:
            raise (_clash(session, slot) or conflict_from(exc)) from None
        except OperationalError as exc:
            # A deadlock between racing inserts (should the queue be bypassed: an import
            # writes without it): try again, which waits for the winner and meets its
            # clean refusal.
            if getattr(exc.orig, "sqlstate", None) != DEADLOCK or attempt == DEADLOCK_RETRIES:
                raise
    if new_id is None:
        raise _clash(session, slot) or Conflict(
            "the booking overlaps another booking of the practitioner or the room",
            field="start")
    appointment = Appointment(id=new_id, **values)
    make_transient_to_detached(appointment)  # as if loaded: the row exists
    session.add(appointment)
    audit.record(session, actor, "create", "appointment", appointment.id, slot.patient_id,
                 detail=f"status {status}")
    _announce(session, appointment, None, status)
    notices().booked(session, appointment)
    return appointment


def book(session: Session, actor: Actor, data: BookingIn) -> Appointment:
    """Book one appointment; :class:`Conflict` when the practitioner or room is taken."""
    slot = resolve(session, actor, data)
    return insert(session, actor, slot, status=data.status, booking_note=data.booking_note)


def notices() -> ModuleType:
    """The patient messages of bookings (imported late: messaging imports this module)."""
    from ..messaging import notices as module

    return module


def _announce(session: Session, appointment: Appointment, old: str | None, new: str) -> None:
    if not get_registry().implements("appointment_status_changed"):
        return  # no pack listens: build no event
    case = session.get(Case, appointment.case_id) if appointment.case_id else None
    change = AppointmentStatusChange(
        appointment_id=str(appointment.id),
        case_id=str(case.id) if case else None,
        discipline=case.discipline if case else None,
        old_status=old, new_status=new, at=utcnow(),  # type: ignore[arg-type]
    )
    after_commit(session, lambda: get_registry().appointment_status_changed(change))


def read(session: Session, actor: Actor, appointment_id: int) -> Appointment:
    appointment = get(session, Appointment, appointment_id, "appointment")
    actor.require("appointments.read", patient_id=appointment.patient_id)
    audit.record(session, actor, "read", "appointment", appointment.id, appointment.patient_id)
    return appointment


def set_status(session: Session, actor: Actor, appointment_id: int, status: str,
               reason: str | None = None, *, tell: bool = True) -> Appointment:
    """Move an appointment along the state machine; :class:`Conflict` for a move it does
    not allow. Cancelling needs a reason. ``tell=False``: the patient's cancellation is
    left to the caller (a series tells them once for all its visits)."""
    appointment = get(session, Appointment, appointment_id, "appointment")
    cancelling = status in FREED_STATUSES and status != "no-show"
    permission = "appointments.cancel" if cancelling else "appointments.change"
    actor.require(permission, patient_id=appointment.patient_id)
    if status not in STATUSES:
        raise Invalid(f"unknown status {status!r}: use one of {', '.join(STATUSES)}",
                      field="status")
    old = appointment.status
    if status == old:
        return appointment
    if status not in TRANSITIONS[old]:
        allowed = ", ".join(sorted(TRANSITIONS[old])) or "none (it is final)"
        raise Conflict(f"an appointment that is {old} cannot become {status}; "
                       f"allowed: {allowed}", field="status")
    if cancelling and not (reason and reason.strip()):
        raise Invalid("give a reason for the cancellation", field="reason")
    if actor.is_patient and status == "cancelled" and (
        appointment.start_at - utcnow() < late_cancel_window()
    ):
        status = "late-cancelled"  # a patient cancelling late is a late cancellation
    appointment.status = status
    appointment.status_changed_at = utcnow()
    if cancelling:
        appointment.cancel_reason = reason.strip()[:300] if reason else None
    flush_booking(session)  # "arrived -> booked" frees nothing, but keep the DB the judge
    audit.record(session, actor, "status", "appointment", appointment.id,
                 appointment.patient_id, detail=f"{old} -> {status}")
    _announce(session, appointment, old, status)
    notices().status_changed(session, appointment, old, status, tell=tell)
    if cancelling:  # its time is offered to the waitlist (a no-show's time is past)
        from .waitlist_offers import offer_freed  # imported here: it imports this module
        offer_freed(session, appointment)
    if status in ("late-cancelled", "no-show"):
        from .billing import draft_fee_invoice

        draft_fee_invoice(session, actor, appointment)
    elif old == "no-show":
        _void_no_show_fee(session, actor, appointment)
    return appointment


def _void_no_show_fee(session: Session, actor: Actor, appointment: Appointment) -> None:
    """An undone no-show takes back its fee while that is still a draft (an issued fee is
    the billing clerk's to void: it may be paid already)."""
    from ..models import Invoice, InvoiceLine

    drafts = session.scalars(
        select(Invoice).where(Invoice.appointment_id == appointment.id,
                              Invoice.status == "draft",
                              Invoice.id.in_(select(InvoiceLine.invoice_id)
                                             .where(InvoiceLine.code == "FEE"))))
    for invoice in drafts:
        invoice.status, invoice.void_reason = "void", "no-show undone"
        audit.record(session, actor, "void", "invoice", invoice.id, invoice.patient_id,
                     detail="no-show undone")


def complete_for_note(session: Session, actor: Actor, appointment: Appointment,
                      note_id: int) -> Appointment:
    """Complete the visit whose note was just signed (:data:`COMPLETED_BY_NOTE`); the audit
    row says why when the visit skipped check-in. Other statuses are left as they are."""
    old = appointment.status
    if old not in COMPLETED_BY_NOTE:
        return appointment
    if "completed" in TRANSITIONS[old]:
        return set_status(session, actor, appointment.id, "completed")
    actor.require("appointments.change", patient_id=appointment.patient_id)
    appointment.status, appointment.status_changed_at = "completed", utcnow()
    flush_booking(session)
    audit.record(session, actor, "status", "appointment", appointment.id,
                 appointment.patient_id,
                 detail=f"{old} -> completed (completed when its note {note_id} was signed)")
    _announce(session, appointment, old, "completed")
    return appointment


def cancel(session: Session, actor: Actor, appointment_id: int, reason: str,
           at: datetime | None = None, *, tell: bool = True) -> Appointment:
    """Cancel, as a late cancellation when inside the policy window before the start
    (``tell``: see :func:`set_status`)."""
    appointment = get(session, Appointment, appointment_id, "appointment")
    now = at or utcnow()
    late = appointment.start_at - now < late_cancel_window()
    return set_status(session, actor, appointment_id,
                      "late-cancelled" if late else "cancelled", reason, tell=tell)


def reschedule(session: Session, actor: Actor, appointment_id: int,
               data: RescheduleIn) -> Appointment:
    """Move a booked or confirmed appointment (keeping its length unless ``end`` is given)."""
    appointment = get(session, Appointment, appointment_id, "appointment")
    actor.require("appointments.change", patient_id=appointment.patient_id)
    if appointment.status not in MOVABLE:
        raise Conflict(f"an appointment that is {appointment.status} cannot be moved",
                       field="start")
    start = aware(data.start, "start")
    end = aware(data.end, "end") if data.end else start + (appointment.end_at -
                                                           appointment.start_at)
    if end <= start or end - start > MAX_LENGTH:
        raise Invalid("the appointment must end after it starts, within 24 hours",
                      field="end")
    practitioner_id = data.practitioner_id or appointment.practitioner_id
    if data.practitioner_id is not None:
        practitioner = get(session, Practitioner, practitioner_id, "practitioner",
                           field="practitioner_id")
        if not practitioner.active:
            raise Invalid("the practitioner is not taking bookings", field="practitioner_id")
    room_id = data.room_id if data.room_id is not None else appointment.room_id
    location_id = appointment.location_id
    if data.room_id is not None:
        location_id = get(session, Room, room_id, "room", field="room_id").location_id
    return move(session, actor, appointment,
                Slot(appointment.patient_id, practitioner_id, start, end, appointment.case_id,
                     appointment.service_id, location_id, room_id))


def move(session: Session, actor: Actor, appointment: Appointment, slot: Slot, *,
         tell: bool = True) -> Appointment:
    """Move to ``slot``; ``tell=False`` leaves the patient's moved-visit notice to the
    caller (a series tells them once), its reminders still follow it."""
    _queue_for(session, slot)
    clash = _clash(session, slot, ignore_id=appointment.id)
    if clash is not None:
        raise clash
    before = appointment.start_at
    was = (before, appointment.practitioner_id, appointment.location_id)
    appointment.start_at, appointment.end_at = slot.start, slot.end
    appointment.practitioner_id, appointment.room_id = slot.practitioner_id, slot.room_id
    appointment.location_id = slot.location_id
    flush_booking(session)
    audit.record(session, actor, "reschedule", "appointment", appointment.id,
                 appointment.patient_id,
                 detail=f"{before:%Y-%m-%dT%H:%M}Z -> {slot.start:%Y-%m-%dT%H:%M}Z")
    notices().moved(session, appointment, was, tell=tell)
    return appointment


def list_appointments(session: Session, actor: Actor, *, patient_id: int | None = None,
                      case_id: int | None = None, practitioner_id: int | None = None,
                      start: datetime | None = None, end: datetime | None = None,
                      status: str | None = None, limit: int = 200) -> list[Appointment]:
    """Appointments by patient, case, practitioner and time; a patient sees only theirs."""
    if actor.is_patient:
        if patient_id not in (None, actor.patient_id):
            raise Forbidden("this record belongs to another patient")
        patient_id = actor.patient_id
    if patient_id is None and case_id is None:
        actor.require("calendar.read")
    elif patient_id is not None:
        actor.require("appointments.read", patient_id=patient_id)
    query = select(Appointment)
    if case_id is not None:
        case = get(session, Case, case_id, "case")
        actor.require("appointments.read", patient_id=case.patient_id)
        query = query.where(Appointment.case_id == case_id)
    if patient_id is not None:
        query = query.where(Appointment.patient_id == patient_id)
    if practitioner_id is not None:
        query = query.where(Appointment.practitioner_id == practitioner_id)
    if start is not None:
        query = query.where(Appointment.end_at > aware(start, "from"))
        query = query.where(Appointment.start_at >= aware(start, "from") - MAX_LENGTH)
    if end is not None:
        query = query.where(Appointment.start_at < aware(end, "to"))
    if status is not None:
        query = query.where(Appointment.status == status)
    found = list(session.scalars(query.order_by(Appointment.start_at, Appointment.id)
                                 .limit(max(1, min(limit, 1000)))))
    audit.record_many(session, actor, "read", "appointment",
                      [(a.id, a.patient_id) for a in found])
    return found


@dataclass(frozen=True)
class CalendarEntry:
    """One row of a day list: the appointment with the names the calendar shows."""

    id: int
    start: datetime
    end: datetime
    status: str
    patient_id: int
    patient_name: str
    practitioner_id: int
    practitioner_name: str
    case_id: int | None
    service_id: int | None
    service_name: str | None
    location_id: int | None
    room_id: int | None
    room_name: str | None
    series_id: int | None
    booking_note: str | None
    #: The service's calendar colour (:data:`~vesalius.models.scheduling.SERVICE_COLOURS`).
    service_colour: str | None = None
    #: The patient's front-desk alert ("hard of hearing"): administrative, not clinical.
    patient_alert: str | None = None
    #: "staff", "online" or "portal": the block says "online" for the last two.
    booked_via: str = "staff"


def day_list(session: Session, actor: Actor, day: date, *, location_id: int | None = None,
             practitioner_ids: list[int] | None = None, days: int = 1,
             include_cancelled: bool = True, zone: tzinfo | None = None
             ) -> list[CalendarEntry]:
    """The calendar of a location (or practitioners) for ``days`` local days from ``day``:
    one indexed query, whatever the size of the database. ``zone``: the location's time
    zone when the caller has it at hand (else it is read)."""
    actor.require("calendar.read")
    if zone is None:
        zone = clinic_timezone(
            session.scalar(select(Location.timezone).where(Location.id == location_id))
            if location_id is not None else None
        )
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=max(1, min(days, 31))), time(0),
                           zone).astimezone(UTC)
    # Plain rows of the columns the calendar draws (no ORM objects: hundreds per page).
    a, patient, prac = Appointment.__table__.c, Patient.__table__, Practitioner.__table__
    svc, room = Service.__table__.alias("svc"), Room.__table__.alias("room")
    query = (
        select(a.id, a.start_at, a.end_at, a.status, a.patient_id, patient.c.given_name,
               patient.c.preferred_name, patient.c.family_name, a.practitioner_id,
               prac.c.display_name, a.case_id, a.service_id, svc.c.name, a.location_id,
               a.room_id, room.c.name, a.series_id, a.booking_note, svc.c.colour,
               patient.c.admin_note, a.booked_via)
        .select_from(Appointment.__table__)
        .join(patient, patient.c.id == a.patient_id)
        .join(prac, prac.c.id == a.practitioner_id)
        .outerjoin(svc, svc.c.id == a.service_id)
        .outerjoin(room, room.c.id == a.room_id)
        .where(a.start_at >= start, a.start_at < end)
        .order_by(a.start_at, prac.c.display_name, a.id)
    )
    if location_id is not None:
        query = query.where(a.location_id == location_id)
    if practitioner_ids:
        query = query.where(a.practitioner_id.in_(practitioner_ids))
    if not include_cancelled:
        query = query.where(a.status.in_(ACTIVE_STATUSES))
    entries = [
        CalendarEntry(
            id=aid, start=start_at, end=end_at, status=status, patient_id=pid,
            patient_name=f"{preferred or given} {family}", practitioner_id=prid,
            practitioner_name=pname, case_id=case_id, service_id=service_id,
            service_name=sname, location_id=loc_id, room_id=room_id, room_name=rname,
            series_id=series_id, booking_note=note, service_colour=colour,
            patient_alert=alert, booked_via=via,
        )
        for (aid, start_at, end_at, status, pid, given, preferred, family, prid, pname,
             case_id, service_id, sname, loc_id, room_id, rname, series_id, note, colour,
             alert, via)
        in session.execute(query)
    ]
    # One audit event for the list read, naming the appointments it showed (see audit).
    audit.record_list(session, actor, "read", "appointment",
                      [(e.id, e.patient_id) for e in entries], detail="day list")
    return entries
