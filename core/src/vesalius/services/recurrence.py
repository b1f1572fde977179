"""Recurring series: book the occurrences of an RFC 5545 rule (python-dateutil), then edit
or cancel one occurrence, this and the following ones, or all of them.

Occurrences are computed in the location's wall-clock time, so a weekly 9:00 visit stays
at 9:00 across a daylight-saving change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule
from pydantic import Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, Invalid
from ..models import Appointment, AppointmentSeries, Location
from . import audit, booking_rules, scheduling
from .actor import Actor
from .common import Input, aware, clinic_timezone, get

MAX_OCCURRENCES = 104
FREQUENCIES = {"daily": DAILY, "weekly": WEEKLY, "monthly": MONTHLY}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
Scope = Literal["one", "following", "all"]


class RecurrenceIn(Input):
    frequency: Literal["daily", "weekly", "monthly"] = "weekly"
    interval: int = Field(default=1, ge=1, le=12)
    count: int | None = Field(default=None, ge=1, le=MAX_OCCURRENCES)
    until: datetime | None = None
    #: For weekly rules: the weekdays ("MO", "TH"); default the first occurrence's weekday.
    weekdays: list[Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]] = Field(
        default_factory=list)

    @model_validator(mode="after")
    def _end(self) -> RecurrenceIn:
        if (self.count is None) == (self.until is None):
            raise ValueError("give either count or until")
        return self


class SeriesBookingIn(scheduling.BookingIn):
    recurrence: RecurrenceIn
    #: Book the free occurrences and report the others, instead of booking none.
    skip_conflicts: bool = False


class SeriesEditIn(Input):
    scope: Scope = "one"
    #: The new start of the chosen occurrence; later ones move by the same wall-clock shift.
    start: datetime | None = None
    duration_minutes: int | None = Field(default=None, ge=5, le=24 * 60)
    practitioner_id: int | None = None
    room_id: int | None = None


def _rule_text(rule: RecurrenceIn) -> str:
    parts = [f"FREQ={rule.frequency.upper()}", f"INTERVAL={rule.interval}"]
    if rule.weekdays:
        parts.append("BYDAY=" + ",".join(rule.weekdays))
    if rule.count:
        parts.append(f"COUNT={rule.count}")
    if rule.until:
        parts.append(f"UNTIL={aware(rule.until, 'until'):%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def occurrences(start: datetime, rule: RecurrenceIn, zone_name: str | None) -> list[datetime]:
    """Start times (UTC) of the rule's occurrences, in wall-clock time of ``zone_name``."""
    zone = clinic_timezone(zone_name)
    local = aware(start, "start").astimezone(zone).replace(tzinfo=None)
    kwargs: dict[str, object] = {"dtstart": local, "interval": rule.interval}
    if rule.weekdays:
        from dateutil import rrule as rr

        kwargs["byweekday"] = [getattr(rr, day) for day in rule.weekdays]
    if rule.count:
        kwargs["count"] = rule.count
    else:
        until = aware(rule.until, "until").astimezone(zone).replace(tzinfo=None)  # type: ignore[arg-type]
        kwargs["until"] = until
    found = []
    for i, when in enumerate(rrule(FREQUENCIES[rule.frequency], **kwargs)):  # type: ignore[arg-type]
        if i >= MAX_OCCURRENCES:
            raise Invalid(f"a series has at most {MAX_OCCURRENCES} occurrences",
                          field="recurrence")
        found.append(when.replace(tzinfo=zone).astimezone(UTC))
    return found


@dataclass(frozen=True)
class Occurrence:
    """One date of a series as the booking form previews it."""

    start: datetime
    end: datetime
    #: Words for the booking it would clash with, or None when the time is free.
    clash: str | None
    #: Words saying it falls outside the practitioner's working hours, or None.
    outside: str | None


def _plan(session: Session, actor: Actor, data: SeriesBookingIn
          ) -> tuple[scheduling.Slot, str | None, list[scheduling.Slot]]:
    """Staff only (``appointments.series``): patients book one at a time."""
    actor.require("appointments.series", patient_id=data.patient_id)
    first = scheduling.resolve(session, actor, data)
    zone_name = (session.scalar(select(Location.timezone)
                                .where(Location.id == first.location_id))
                 if first.location_id else None)
    length = first.end - first.start
    slots = [replace(first, start=start, end=start + length)
             for start in occurrences(first.start, data.recurrence, zone_name)]
    return first, zone_name, slots


def preview(session: Session, actor: Actor, data: SeriesBookingIn) -> list[Occurrence]:
    """The series' dates with the clashes and working-hours problems named, booking
    nothing: a fixed number of queries whatever the number of dates."""
    first, _zone_name, slots = _plan(session, actor, data)
    clashes = scheduling.clashes(session, slots)
    outside = booking_rules.outside_hours(session, first.practitioner_id, first.location_id,
                                          [(s.start, s.end) for s in slots])
    return [Occurrence(s.start, s.end, c.message if c else None, o)
            for s, c, o in zip(slots, clashes, outside, strict=True)]


def book_series(session: Session, actor: Actor,
                data: SeriesBookingIn) -> tuple[list[Appointment], list[datetime]]:
    """Book every occurrence. All or nothing (a :class:`Conflict` listing the clashing
    dates in the location's local time, their UTC starts in ``details``), unless
    ``skip_conflicts``: then the free ones are booked and the clashing start times
    returned. Staff only (``appointments.series``): patients book one at a time."""
    first, zone_name, slots = _plan(session, actor, data)
    series = AppointmentSeries(rrule=_rule_text(data.recurrence),
                               timezone=zone_name or str(clinic_timezone()),
                               created_by=actor.user_id)
    session.add(series)
    session.flush()
    booked: list[Appointment] = []
    skipped: list[datetime] = []
    for slot in slots:
        try:
            with session.begin_nested():
                booked.append(scheduling.insert(session, actor, slot, status=data.status,
                                                series_id=series.id,
                                                booking_note=data.booking_note))
        except Conflict:
            skipped.append(slot.start)
    if skipped and not data.skip_conflicts:
        zone = clinic_timezone(zone_name)
        dates = ", ".join(f"{s.astimezone(zone):%a %d %b %H:%M}" for s in skipped)
        raise Conflict(f"{len(skipped)} of {len(slots)} dates clash with other bookings "
                       f"({dates}); nothing was booked", field="recurrence",
                       details=[{"start": s.astimezone(UTC).isoformat()} for s in skipped])
    audit.record(session, actor, "create", "appointment-series", series.id, first.patient_id,
                 detail=f"{len(booked)} booked, {len(skipped)} skipped")
    scheduling.notices().series_booked(session, booked)
    return booked, skipped


def _scope(session: Session, target: Appointment, scope: Scope) -> list[Appointment]:
    if scope == "one" or target.series_id is None:
        return [target]
    query = select(Appointment).where(Appointment.series_id == target.series_id,
                                      Appointment.status.in_(scheduling.MOVABLE))
    if scope == "following":
        query = query.where(Appointment.start_at >= target.start_at)
    return list(session.scalars(query.order_by(Appointment.start_at)))


def edit_series(session: Session, actor: Actor, appointment_id: int,
                data: SeriesEditIn) -> list[Appointment]:
    """Move or change one occurrence, it and the following ones, or all booked ones; each
    keeps its date and takes the same change of wall-clock time, length, practitioner or
    room. Completed, arrived and cancelled occurrences are left as they are. Several moved
    together are told to the patient in one message listing their new dates."""
    target = get(session, Appointment, appointment_id, "appointment")
    actor.require("appointments.change", patient_id=target.patient_id)
    if target.status not in scheduling.MOVABLE:
        raise Conflict(f"an appointment that is {target.status} cannot be moved")
    zone = clinic_timezone(session.scalar(select(Location.timezone)
                                          .where(Location.id == target.location_id))
                           if target.location_id else None)
    shift = timedelta(0)
    if data.start is not None:
        new_local = aware(data.start, "start").astimezone(zone).replace(tzinfo=None)
        shift = new_local - target.start_at.astimezone(zone).replace(tzinfo=None)
    items = _scope(session, target, data.scope)
    # Move the far end first so that occurrences never step on each other on the way.
    items.sort(key=lambda a: a.start_at, reverse=shift > timedelta(0))
    together = len(items) > 1  # the patient hears once, listing the new dates
    changes = []
    for item in items:
        was = (item.start_at, item.practitioner_id, item.location_id)
        local = item.start_at.astimezone(zone).replace(tzinfo=None) + shift
        start = local.replace(tzinfo=zone).astimezone(item.start_at.tzinfo)
        length = (timedelta(minutes=data.duration_minutes) if data.duration_minutes
                  else item.end_at - item.start_at)
        room_id = data.room_id if data.room_id is not None else item.room_id
        location_id = item.location_id
        if data.room_id is not None:
            from ..models import Room

            location_id = get(session, Room, room_id, "room", field="room_id").location_id
        slot = scheduling.Slot(item.patient_id, data.practitioner_id or item.practitioner_id,
                               start, start + length, item.case_id, item.service_id,
                               location_id, room_id)
        scheduling.move(session, actor, item, slot, tell=not together)
        changes.append((item, was))
    if together:
        scheduling.notices().series_moved(session, changes)
    return items


def _cancellable(session: Session, actor: Actor, appointment_id: int,
                 scope: Scope) -> list[Appointment]:
    target = get(session, Appointment, appointment_id, "appointment")
    actor.require("appointments.cancel", patient_id=target.patient_id)
    items = _scope(session, target, scope)
    if target.status not in scheduling.MOVABLE:
        raise Conflict(f"an appointment that is {target.status} cannot be cancelled")
    return items


def cancel_preview(session: Session, actor: Actor, appointment_id: int, scope: Scope
                   ) -> tuple[list[Appointment], list[dict[str, Any]]]:
    """What :func:`cancel_series` would do, doing nothing: the visits it would cancel and
    the messages the patient would be sent (outbox rows: ``channel``, ``recipient``,
    ``subject``, ``body_text``, ``attachments``)."""
    items = _cancellable(session, actor, appointment_id, scope)
    return items, scheduling.notices().series_cancellation(session, items)


def cancel_series(session: Session, actor: Actor, appointment_id: int, scope: Scope,
                  reason: str) -> list[Appointment]:
    """Cancel one occurrence, it and the following ones, or every booked one. Several
    cancelled together are told to the patient in one message listing their dates."""
    items = _cancellable(session, actor, appointment_id, scope)
    together = len(items) > 1
    for item in items:
        scheduling.cancel(session, actor, item.id, reason, tell=not together)
    if together:
        scheduling.notices().series_cancelled(session, items)
    return items
