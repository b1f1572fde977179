"""Routes: cases, appointments (status, reschedule, series), calendar, availability,
waitlist."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..services import (
    availability,
    booking_rules,
    case_team,
    cases,
    clinic,
    online_booking,
    recurrence,
    reports,
    scheduling,
    waitlist,
)
from ..services.common import Input
from .framework import Call, route
from .schemas import (
    AppointmentOut,
    CalendarEntryOut,
    CaseOut,
    SeriesOut,
    SlotOut,
    TimelineOut,
    WaitlistOut,
)


def _plus(value: object) -> object:
    """An unencoded "+" in a query string arrives as a space: "10:00:00 01:00" means +01:00."""
    if isinstance(value, str) and " " in value.strip():
        head, _, tail = value.strip().rpartition(" ")
        return f"{head}+{tail}"
    return value


#: A query-string datetime that forgives an unencoded "+" in the offset.
QueryTime = Annotated[datetime, BeforeValidator(_plus)]


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


@route("POST", "/cases", permission="cases.write", body=cases.CaseIn, response=CaseOut,
       status=201, tag="cases")
def open_case(call: Call) -> object:
    """Open a case (episode of care) for a patient."""
    return cases.open_case(call.session, call.actor, call.body)


@route("GET", "/cases/<int:case_id>", permission="cases.read", response=CaseOut, tag="cases")
def read_case(call: Call, case_id: int) -> object:
    """One case."""
    return cases.read(call.session, call.actor, case_id)


@route("PATCH", "/cases/<int:case_id>", permission="cases.write", body=cases.CaseUpdate,
       response=CaseOut, tag="cases")
def update_case(call: Call, case_id: int) -> object:
    """Change a case: referral, diagnosis codes, payer and coverage, authorisation."""
    return cases.update(call.session, call.actor, case_id, call.body)


class CloseIn(Input):
    reason: str | None = Field(default=None, max_length=200)


@route("POST", "/cases/<int:case_id>/close", permission="cases.write", body=CloseIn,
       response=CaseOut, tag="cases")
def close_case(call: Call, case_id: int) -> object:
    """Close (discharge) a case."""
    return cases.close(call.session, call.actor, case_id, call.body.reason)


@route("GET", "/cases/<int:case_id>/timeline", permission="cases.read",
       response=list[TimelineOut], tag="cases")
def case_timeline(call: Call, case_id: int) -> object:
    """Appointments, notes, measures and invoices of the case in date order."""
    return reports.case_timeline(call.session, call.actor, case_id)


class TeamMemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    case_id: int
    practitioner_id: int
    practitioner_name: str
    added_by: int | None
    added_at: datetime


@route("GET", "/cases/<int:case_id>/team", permission="cases.read",
       response=list[TeamMemberOut], tag="cases")
def case_team_list(call: Call, case_id: int) -> object:
    """The practitioners the clinic added to the case (they join its patient's care team)."""
    return case_team.team(call.session, call.actor, case_id)


@route("POST", "/cases/<int:case_id>/team", permission="cases.team",
       body=case_team.TeamMemberIn, response=TeamMemberOut, status=201, tag="cases")
def case_team_add(call: Call, case_id: int) -> object:
    """Add a practitioner to the case's team (owner, front desk); 409 when on it already."""
    return case_team.add(call.session, call.actor, case_id, call.body)


@route("DELETE", "/cases/<int:case_id>/team/<int:practitioner_id>", permission="cases.team",
       status=204, tag="cases")
def case_team_remove(call: Call, case_id: int, practitioner_id: int) -> object:
    """Take a practitioner off the case's team; 404 when not on it."""
    case_team.remove(call.session, call.actor, case_id, practitioner_id)
    return None


class OnlineBookingPolicyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    lead_minutes: int
    horizon_days: int
    max_future: int
    updated_at: datetime | None


@route("GET", "/settings/online-booking", permission="settings.read",
       response=OnlineBookingPolicyOut, tag="clinic")
def read_online_booking(call: Call) -> object:
    """The clinic's online-booking policy (lead time, horizon, cap on future bookings).

    A patient books at least ``lead_minutes`` and at most ``horizon_days`` ahead, holding
    at most ``max_future`` booked or confirmed future appointments."""
    return online_booking.read_policy(call.session, call.actor)


@route("PATCH", "/settings/online-booking", permission="settings.write",
       body=online_booking.OnlineBookingPolicyIn, response=OnlineBookingPolicyOut, tag="clinic")
def update_online_booking(call: Call) -> object:
    """Change the online-booking policy (owner)."""
    return online_booking.set_policy(call.session, call.actor, call.body)


@route("POST", "/appointments", permission="appointments.book", body=scheduling.BookingIn,
       response=AppointmentOut, status=201, tag="appointments")
def book(call: Call) -> object:
    """Book an appointment; 409 when taken; a patient only a free online slot (422s).

    A patient token books only a free slot availability offers for an online-bookable
    service, at its own duration, within the clinic's online-booking policy (``GET
    /settings/online-booking``), without status, room or series: each refusal is a 422
    naming the field. Outside the practitioner's working hours, a 422 when the clinic
    refuses such bookings."""
    slot = scheduling.resolve(call.session, call.actor, call.body)
    if booking_rules.outside_hours_rule(call.session) == "refuse":  # no one to confirm a warning
        booking_rules.refuse_outside(call.session, slot.practitioner_id, slot.location_id,
                                     [(slot.start, slot.end)])
    return scheduling.insert(call.session, call.actor, slot, status=call.body.status,
                             booking_note=call.body.booking_note)


class AppointmentQuery(Query):
    patient_id: int | None = None
    case_id: int | None = None
    practitioner_id: int | None = None
    start: QueryTime | None = Field(default=None, alias="from")
    end: QueryTime | None = Field(default=None, alias="to")
    status: str | None = None
    limit: int = Field(default=200, ge=1, le=1000)


@route("GET", "/appointments", permission="appointments.read", query=AppointmentQuery,
       response=list[AppointmentOut], tag="appointments")
def list_appointments(call: Call) -> object:
    """Appointments by patient, case, practitioner, time (``from``/``to``) and status."""
    q = call.query
    return scheduling.list_appointments(
        call.session, call.actor, patient_id=q.patient_id, case_id=q.case_id,
        practitioner_id=q.practitioner_id, start=q.start, end=q.end, status=q.status,
        limit=q.limit)


@route("GET", "/appointments/<int:appointment_id>", permission="appointments.read",
       response=AppointmentOut, tag="appointments")
def read_appointment(call: Call, appointment_id: int) -> object:
    """One appointment."""
    return scheduling.read(call.session, call.actor, appointment_id)


class StatusIn(Input):
    status: scheduling.Status
    reason: str | None = Field(default=None, max_length=300)


@route("POST", "/appointments/<int:appointment_id>/status", permission="appointments.cancel",
       body=StatusIn, response=AppointmentOut, tag="appointments")
def set_status(call: Call, appointment_id: int) -> object:
    """Move along the state machine; 409 for a move it does not allow.

    Cancelling needs ``appointments.cancel``, any other status ``appointments.change``."""
    return scheduling.set_status(call.session, call.actor, appointment_id, call.body.status,
                                 call.body.reason)


@route("POST", "/appointments/<int:appointment_id>/reschedule",
       permission="appointments.change", body=scheduling.RescheduleIn,
       response=AppointmentOut, tag="appointments")
def reschedule(call: Call, appointment_id: int) -> object:
    """Move a booked or confirmed appointment; 409 on overlap; a 422 outside the
    practitioner's working hours when the clinic refuses such bookings."""
    moved = scheduling.reschedule(call.session, call.actor, appointment_id, call.body)
    if booking_rules.outside_hours_rule(call.session) == "refuse":  # no one to confirm a warning
        booking_rules.refuse_outside(call.session, moved.practitioner_id, moved.location_id,
                                     [(moved.start_at, moved.end_at)])
    return moved


@route("POST", "/appointment-series", permission="appointments.series",
       body=recurrence.SeriesBookingIn, response=SeriesOut, status=201, tag="appointments")
def book_series(call: Call) -> object:
    """Book a recurring series (all or nothing unless ``skip_conflicts``).

    422 when a date falls outside working hours and the clinic refuses such bookings."""
    if booking_rules.outside_hours_rule(call.session) == "refuse":
        booking_rules.judge(call.session, [d.outside for d in recurrence.preview(
            call.session, call.actor, call.body)])
    booked, skipped = recurrence.book_series(call.session, call.actor, call.body)
    return SeriesOut(appointments=[AppointmentOut.model_validate(a) for a in booked],
                     skipped=skipped)


@route("PATCH", "/appointments/<int:appointment_id>/series",
       permission="appointments.change", body=recurrence.SeriesEditIn,
       response=list[AppointmentOut], tag="appointments")
def edit_series(call: Call, appointment_id: int) -> object:
    """Change one occurrence, it and the following ones, or all (``scope``)."""
    return recurrence.edit_series(call.session, call.actor, appointment_id, call.body)


class SeriesCancelIn(Input):
    scope: recurrence.Scope = "one"
    reason: str = Field(min_length=1, max_length=300)


@route("POST", "/appointments/<int:appointment_id>/series/cancel",
       permission="appointments.cancel", body=SeriesCancelIn,
       response=list[AppointmentOut], tag="appointments")
def cancel_series(call: Call, appointment_id: int) -> object:
    """Cancel one occurrence, it and the following ones, or all."""
    return recurrence.cancel_series(call.session, call.actor, appointment_id,
                                    call.body.scope, call.body.reason)


class CalendarQuery(Query):
    day: date = Field(alias="date")
    location_id: int | None = None
    practitioner_id: int | None = None
    days: int = Field(default=1, ge=1, le=31)


@route("GET", "/calendar", permission="calendar.read", query=CalendarQuery,
       response=list[CalendarEntryOut], tag="appointments")
def calendar(call: Call) -> object:
    """The day list of a location or practitioner (``?date=YYYY-MM-DD&location_id=``)."""
    q = call.query
    return scheduling.day_list(
        call.session, call.actor, q.day, location_id=q.location_id,
        practitioner_ids=[q.practitioner_id] if q.practitioner_id else None, days=q.days)


class AvailabilityQuery(Query):
    service: str
    start: QueryTime = Field(alias="from")
    end: QueryTime = Field(alias="to")
    limit: int = Field(default=10, ge=1, le=100)
    practitioner_id: int | None = None
    location_id: int | None = None


@route("GET", "/availability", permission="availability.read", query=AvailabilityQuery,
       response=list[SlotOut], tag="appointments")
def find_availability(call: Call) -> object:
    """The next free slots for a service (id or name) across practitioners."""
    q = call.query
    service = clinic.find_service(call.session, call.actor, q.service)
    return availability.find_slots(
        call.session, call.actor, service, q.start, q.end, limit=q.limit,
        practitioner_ids=[q.practitioner_id] if q.practitioner_id else None,
        location_id=q.location_id)


@route("GET", "/waitlist", permission="waitlist.read", response=list[WaitlistOut],
       tag="appointments")
def list_waitlist(call: Call) -> object:
    """Patients waiting, oldest first."""
    return waitlist.waiting(call.session, call.actor)


@route("POST", "/waitlist", permission="waitlist.write", body=waitlist.WaitlistIn,
       response=WaitlistOut, status=201, tag="appointments")
def add_waitlist(call: Call) -> object:
    """Put a patient on the waitlist."""
    return waitlist.add(call.session, call.actor, call.body)


class WaitlistBookIn(Input):
    practitioner_id: int
    start: datetime
    end: datetime | None = None
    room_id: int | None = None


@route("POST", "/waitlist/<int:entry_id>/book", permission="waitlist.write",
       body=WaitlistBookIn, response=AppointmentOut, status=201, tag="appointments")
def book_from_waitlist(call: Call, entry_id: int) -> object:
    """Book a waiting patient into a slot."""
    b = call.body
    return waitlist.book_from(call.session, call.actor, entry_id, b.practitioner_id, b.start,
                              b.end, b.room_id)
