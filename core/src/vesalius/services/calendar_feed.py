"""A practitioner's private calendar feed (RFC 5545, made with ``icalendar``): their
appointments from a month back to a year ahead, as events a subscribed calendar keeps in
step. Minimum necessary: no patient name, no reason for the visit, no note; the clinic may
allow the patient's initials. The URL's token is a bearer credential: 256 random bits, kept
only as its SHA-256, revoked when the feed is turned off or renewed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import NotFound
from ..models import Appointment, CalendarFeed, Location, Patient, Practitioner, Service, User
from . import audit
from .actor import Actor

#: What the feed spans around now, and at most how many events it carries.
BACK, AHEAD, MAX_EVENTS = timedelta(days=31), timedelta(days=366), 5000
#: Cancelled visits stay in the feed as STATUS:CANCELLED so subscribed copies drop them.
_STATUS = {"cancelled": "CANCELLED", "late-cancelled": "CANCELLED", "no-show": "CANCELLED",
           "booked": "TENTATIVE"}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live(session: Session, practitioner_id: int) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(
        CalendarFeed.practitioner_id == practitioner_id, CalendarFeed.revoked_at.is_(None)))


def _own(actor: Actor) -> int:
    actor.require("calendar.feed")
    if actor.practitioner_id is None:
        raise NotFound("only a practitioner has a calendar feed")
    return actor.practitioner_id


def turn_on(session: Session, actor: Actor) -> str:
    """A new feed for the actor's own appointments; any earlier URL stops working. Returns
    the token (shown once; only its hash is kept)."""
    practitioner_id = _own(actor)
    revoked = _revoke(session, practitioner_id)
    token = secrets.token_urlsafe(32)
    row = CalendarFeed(practitioner_id=practitioner_id, token_hash=_digest(token),
                       created_by=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "calendar-feed", row.id,
                 detail="renewed" if revoked else None)
    return token


def turn_off(session: Session, actor: Actor) -> bool:
    """Revoke the actor's feed; False when there was none."""
    practitioner_id = _own(actor)
    revoked = _revoke(session, practitioner_id)
    if revoked:
        audit.record(session, actor, "revoke", "calendar-feed", None)
    return revoked > 0


def live_feeds(session: Session, actor: Actor) -> list[tuple[CalendarFeed, str]]:
    """Every feed turned on, with its practitioner's name (the owner's overview)."""
    actor.require("settings.write")
    return [(feed, name) for feed, name in session.execute(
        select(CalendarFeed, Practitioner.display_name)
        .join(Practitioner, Practitioner.id == CalendarFeed.practitioner_id)
        .where(CalendarFeed.revoked_at.is_(None)).order_by(Practitioner.display_name))]


def revoke_for(session: Session, actor: Actor, practitioner_id: int) -> bool:
    """The owner turns off a practitioner's feed (a leaked address, someone leaving)."""
    actor.require("settings.write")
    revoked = _revoke(session, practitioner_id)
    if revoked:
        audit.record(session, actor, "revoke", "calendar-feed", None,
                     detail=f"practitioner {practitioner_id}")
    return revoked > 0


def _revoke(session: Session, practitioner_id: int) -> int:
    result = session.execute(
        update(CalendarFeed).where(CalendarFeed.practitioner_id == practitioner_id,
                                   CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def _initials(given: str, family: str) -> str:
    return "".join(f"{part[0].upper()}." for part in (given, family) if part)


def appointment_event(appointment_id: int, start: datetime, end: datetime, status: str,
                      summary: str, location: str | None, *, host: str, stamp: datetime,
                      sequence: int) -> Event:
    """One appointment as a VEVENT, the same for the practitioner's feed and the patient's
    .ics: UID ``appt-<id>@<host>`` (stable, so a change replaces the event), times in UTC,
    cancelled, late-cancelled and no-show visits STATUS:CANCELLED, booked TENTATIVE."""
    return Event.new(uid=f"appt-{appointment_id}@{host}", start=start.astimezone(UTC),
                     end=end.astimezone(UTC), summary=summary, location=location,
                     stamp=stamp, sequence=sequence, status=_STATUS.get(status, "CONFIRMED"))


def invitation(events: list[Event], method: str) -> bytes:
    """Events as a calendar object to send (RFC 5546): ``PUBLISH`` for a booking or a
    move, ``CANCEL`` for a cancellation."""
    calendar = Calendar.new(prodid="-//Vesalius//Appointment//EN", method=method)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def render(session: Session, token: str, *, initials: bool = False, host: str = "vesalius",
           now: datetime | None = None) -> bytes:
    """The feed the token opens, as iCalendar bytes; NotFound for an unknown or revoked
    token (the same answer for both). One indexed query for the events, whatever the
    size of the calendar."""
    feed = session.scalar(select(CalendarFeed).where(
        CalendarFeed.token_hash == _digest(token), CalendarFeed.revoked_at.is_(None)))
    if feed is None:
        raise NotFound("no such calendar feed")
    now = now or utcnow()
    row = session.execute(
        select(Practitioner.display_name, User.id, User.active)
        .join(User, User.id == Practitioner.user_id)
        .where(Practitioner.id == feed.practitioner_id)).one()
    name, user_id, active = row
    if not active:
        raise NotFound("no such calendar feed")
    events = session.execute(
        select(Appointment.id, Appointment.start_at, Appointment.end_at, Appointment.status,
               Appointment.created_at, Appointment.updated_at, Service.name, Location.name,
               Patient.given_name, Patient.family_name, Patient.preferred_name)
        .join(Patient, Patient.id == Appointment.patient_id)
        .outerjoin(Service, Service.id == Appointment.service_id)
        .outerjoin(Location, Location.id == Appointment.location_id)
        .where(Appointment.practitioner_id == feed.practitioner_id,
               Appointment.start_at >= now - BACK, Appointment.start_at < now + AHEAD)
        .order_by(Appointment.start_at).limit(MAX_EVENTS)).all()
    calendar = Calendar.new(prodid="-//Vesalius//Calendar feed//EN", method="PUBLISH",
                            uid=f"vesalius-feed-{feed.practitioner_id}@{host}",
                            name=f"{name}: appointments")
    for (aid, start, end, status, created, updated, service, location, given, family,
         preferred) in events:
        summary = service or "Appointment"
        if initials:
            summary = f"{summary} ({_initials(preferred or given, family)})"
        event = appointment_event(aid, start, end, status, summary, location, host=host,
                                  # SEQUENCE grows with every change (seconds since
                                  # creation).
                                  stamp=now,
                                  sequence=max(0, int((updated - created).total_seconds())))
        event.add("last-modified", updated)
        calendar.add_component(event)
    if feed.last_read_at is None or now - feed.last_read_at > timedelta(hours=1):
        feed.last_read_at = now
    audit.record(session, Actor(user_id=user_id, role="practitioner",
                                practitioner_id=feed.practitioner_id),
                 "read", "calendar-feed", feed.id, detail=f"{len(events)} events")
    return calendar.to_ical()
