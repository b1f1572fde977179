"""Online booking: the rules a patient's own booking follows, and the clinic's policy.

Staff book anything the calendar allows. A patient (their API token) books one visit at a
time, and only:

- an online-bookable service (``service_id`` required), lasting the service's own duration
  (``end`` left out or equal to it);
- at a start at least the policy's lead time away and at most its horizon ahead;
- at a time :func:`vesalius.services.availability.find_slots` offers for that practitioner
  and service (inside their working hours, outside breaks, time off and other bookings,
  on the availability grid), at that slot's location;
- as ``booked``, without a room (the clinic sets both), never as a series;
- while they hold fewer booked or confirmed future appointments than the policy's cap.

The policy also says up to how many hours before a visit a patient may cancel or move it
in the portal (``portal_change_hours``; :mod:`vesalius.services.portal`).

Each refusal is a 422 naming the field. The policy is one row the owner edits
(``settings.write``); without it the defaults of
:mod:`vesalius.models.online_booking` apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import Field
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import Invalid
from ..models import Appointment, OnlineBookingPolicy, Service
from ..models.online_booking import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_LEAD_MINUTES,
    DEFAULT_MAX_FUTURE,
    DEFAULT_PORTAL_CHANGE_HOURS,
)
from . import audit, availability
from .actor import Actor
from .common import Input, aware, changes
from .scheduling import BookingIn

#: Bounds of the policy's settings: up to two weeks' notice, a year ahead, 50 visits, and
#: changes in the portal up to two weeks before a visit.
LEAD_MAX, HORIZON_MAX, CAP_MAX, CHANGE_MAX = 14 * 24 * 60, 365, 50, 14 * 24
#: Advisory-lock key space of a patient's online bookings (see scheduling's 7301/7302):
#: two racing bookings of one patient are counted against the cap one after the other.
LOCK_PATIENT = 7303
_LOCK = text("SELECT pg_advisory_xact_lock(:space, :key)")
#: Statuses of a future appointment that count against the cap.
HELD = ("booked", "confirmed")


@dataclass(frozen=True)
class OnlineBookingRules:
    """The clinic's online-booking settings (the defaults when it set none)."""

    lead_minutes: int = DEFAULT_LEAD_MINUTES
    horizon_days: int = DEFAULT_HORIZON_DAYS
    max_future: int = DEFAULT_MAX_FUTURE
    updated_at: datetime | None = None
    portal_change_hours: int = DEFAULT_PORTAL_CHANGE_HOURS


class OnlineBookingPolicyIn(Input):
    """A change of the online-booking policy; fields left out keep their value."""

    lead_minutes: int | None = Field(default=None, ge=0, le=LEAD_MAX)
    horizon_days: int | None = Field(default=None, ge=1, le=HORIZON_MAX)
    max_future: int | None = Field(default=None, ge=1, le=CAP_MAX)
    #: A patient cancels or moves a visit in the portal up to this many hours before it.
    portal_change_hours: int | None = Field(default=None, ge=0, le=CHANGE_MAX)


def policy(session: Session) -> OnlineBookingRules:
    """The policy in force (no permission: the booking rules read it for everyone)."""
    row = session.get(OnlineBookingPolicy, 1)
    if row is None:
        return OnlineBookingRules()
    return OnlineBookingRules(row.lead_minutes, row.horizon_days, row.max_future, row.updated_at,
                              row.portal_change_hours)


def read_policy(session: Session, actor: Actor) -> OnlineBookingRules:
    actor.require("settings.read")
    return policy(session)


def set_policy(session: Session, actor: Actor, data: OnlineBookingPolicyIn) -> OnlineBookingRules:
    """Change the policy (owner: ``settings.write``); audited with the fields changed."""
    actor.require("settings.write")
    row = session.get(OnlineBookingPolicy, 1)
    if row is None:
        row = OnlineBookingPolicy(id=1, lead_minutes=DEFAULT_LEAD_MINUTES,
                                  horizon_days=DEFAULT_HORIZON_DAYS,
                                  max_future=DEFAULT_MAX_FUTURE,
                                  portal_change_hours=DEFAULT_PORTAL_CHANGE_HOURS,
                                  updated_at=utcnow())
        session.add(row)
    values = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    changed = changes(row, values)
    if changed:
        row.updated_by, row.updated_at = actor.user_id, utcnow()
        session.flush()
        audit.record(session, actor, "update", "online-booking-policy", 1, None,
                     detail="fields: " + ", ".join(sorted(changed)))
    return policy(session)


def _hours(minutes: int) -> str:
    return (f"{minutes // 60} hour{'s' if minutes // 60 != 1 else ''}" if minutes % 60 == 0
            else f"{minutes} minutes")


def check(session: Session, actor: Actor, data: BookingIn, service: Service | None,
          practitioner_name: str, start: datetime) -> tuple[datetime, int]:
    """Refuse a patient's booking that breaks the rules above (422 naming the field);
    return its end and the location of the offered slot. ``start`` is ``data.start`` in
    UTC."""
    if "status" in data.model_fields_set and data.status != "booked":
        raise Invalid("an online booking is made as 'booked' (the clinic confirms it)",
                      field="status")
    if data.room_id is not None:
        raise Invalid("the clinic chooses the room; leave room_id out", field="room_id")
    if service is None:
        raise Invalid("choose one of the clinic's online services (GET /services)",
                      field="service_id")
    if not service.online_bookable:
        raise Invalid("this service is not booked online: call the clinic",
                      field="service_id")
    end = start + timedelta(minutes=service.duration_minutes)
    if data.end is not None and aware(data.end, "end") != end:
        raise Invalid(f"an online booking lasts the service's {service.duration_minutes} "
                      "minutes: leave end out", field="end")
    rules = policy(session)
    now = utcnow()
    if start <= now:
        raise Invalid("the start is in the past", field="start")
    if start < now + timedelta(minutes=rules.lead_minutes):
        raise Invalid(f"book online at least {_hours(rules.lead_minutes)} ahead; for "
                      "sooner, call the clinic", field="start")
    if start > now + timedelta(days=rules.horizon_days):
        raise Invalid(f"book online at most {rules.horizon_days} days ahead",
                      field="start")
    patient_id = data.patient_id
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK, {"space": LOCK_PATIENT, "key": patient_id})
    held = session.scalar(
        select(func.count()).select_from(Appointment)
        .where(Appointment.patient_id == patient_id, Appointment.start_at > now,
               Appointment.status.in_(HELD))) or 0
    if held >= rules.max_future:
        raise Invalid(f"you have {held} upcoming appointments, the most the clinic takes "
                      "online: cancel one or call the clinic", field="patient_id")
    offered = availability.find_slots(
        session, actor, service, start, start + timedelta(minutes=1), limit=1,
        practitioner_ids=[data.practitioner_id],
        location_id=data.location_id)
    if not offered or offered[0].start != start:
        raise Invalid(f"{practitioner_name} has no free {service.name} at this time: "
                      "choose a time GET /availability offers", field="start")
    return end, offered[0].location_id
