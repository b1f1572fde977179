"""Waitlist offers: when a slot frees, the waiting patients it suits are offered it by
message; the first to accept gets it, the others are told it is gone.

:func:`offer_freed` is called by the cancellation itself (in its transaction): each
matching entry (:func:`vesalius.services.waitlist.matches`, in the location's wall clock)
gets an offer row and a "waitlist-offer" message with a link. The link carries the offer's
id and 128 random bits whose SHA-256 the row keeps; the row decides whether the offer
still holds: it expires at the earlier of :func:`offer_hours` after the offer and the
slot's start minus the online-booking lead time.

Accepting books through :func:`vesalius.services.scheduling.book` (the database's overlap
guard is the judge, whoever else books the time meanwhile). Accepts of one slot queue
behind each other (an advisory lock on PostgreSQL, SQLite's write lock), so the second
finds the slot gone; once taken, the other offers turn "gone" and their patients get a
"waitlist-gone" message.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import NotFound, ServiceError
from ..messaging import kinds, notify
from ..models import Appointment, Case, Patient, WaitlistEntry, WaitlistOffer
from . import audit, online_booking, scheduling, waitlist
from .actor import Actor

#: Advisory-lock key space of accepting offers of one practitioner's slots (see
#: scheduling's 7301/7302 and online booking's 7303).
LOCK_OFFERS = 7304
_LOCK = text("SELECT pg_advisory_xact_lock(:space, :key)")
#: Most offers one freed slot sends (the longest-waiting first).
MAX_OFFERS = 20

OFFER = kinds.register(kinds.MessageKind(
    key="waitlist-offer",
    label="Waitlist: a time is free",
    description="Sent to patients on the waitlist when a time they could come to frees up; "
                "the first to accept through the link gets it.",
    subject="A time is free: {{ date }} at {{ time }}",
    text="Hello {{ given_name }},\n\n"
         "A time you were waiting for is free: {{ service }} with {{ practitioner }} on "
         "{{ date }} at {{ time }} ({{ location }}).\n\n"
         "To take it, open this link: {{ link }}\n\n"
         "The first patient to accept gets it. The offer holds until {{ expires }}.",
    sms="{{ date }} {{ time }} with {{ practitioner }} is free. First to accept gets it: "
        "{{ link }}",
    variables={"given_name": "the patient's first (or preferred) name",
               "service": "the service", "practitioner": "the practitioner",
               "date": "the day, in words", "time": "the start (24-hour clock)",
               "location": "the location", "link": "the link that accepts the offer",
               "expires": "when the offer ends (day and time)"},
))
GONE = kinds.register(kinds.MessageKind(
    key="waitlist-gone",
    label="Waitlist: the time was taken",
    description="Sent to the other patients offered a freed time once someone accepted it; "
                "they stay on the waitlist.",
    subject="The time on {{ date }} at {{ time }} was taken",
    text="Hello {{ given_name }},\n\n"
         "The time we offered you ({{ service }} with {{ practitioner }} on {{ date }} at "
         "{{ time }}) has been taken. You are still on our waitlist: we will write again "
         "when another time frees up.",
    sms="The time {{ date }} {{ time }} was taken. You are still on our waitlist.",
    variables={"given_name": "the patient's first (or preferred) name",
               "service": "the service", "practitioner": "the practitioner",
               "date": "the day, in words", "time": "the start (24-hour clock)",
               "location": "the location"},
))

SYSTEM = Actor.system("waitlist offers")


def offer_hours() -> float:
    """How long an offer holds at most (``VESALIUS_WAITLIST_OFFER_HOURS``, 12 unless set)."""
    return float(os.environ.get("VESALIUS_WAITLIST_OFFER_HOURS", "12"))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _slot(offer: WaitlistOffer) -> Appointment:
    """A transient appointment of the offered time (never added): the messages' context."""
    return Appointment(start_at=offer.start_at, end_at=offer.end_at,
                       practitioner_id=offer.practitioner_id, service_id=offer.service_id,
                       location_id=offer.location_id)


def offer_freed(session: Session, appointment: Appointment) -> list[WaitlistOffer]:
    """Offer ``appointment``'s freed time to the waiting patients it suits (called in the
    cancellation's transaction). Nothing when the time is closer than the lead time."""
    now = utcnow()
    lead = timedelta(minutes=online_booking.policy(session).lead_minutes)
    expires = min(now + timedelta(hours=offer_hours()), appointment.start_at - lead)
    if expires <= now:
        return []
    from .public_booking import site_url

    made: list[tuple[WaitlistOffer, str]] = []
    for entry in waitlist.matches(session, SYSTEM, appointment)[:MAX_OFFERS]:
        secret = secrets.token_urlsafe(16)
        offer = WaitlistOffer(
            entry_id=entry.id, patient_id=entry.patient_id,
            practitioner_id=appointment.practitioner_id,
            service_id=appointment.service_id or entry.service_id,
            location_id=appointment.location_id, start_at=appointment.start_at,
            end_at=appointment.end_at, token_hash=_hash(secret), status="offered",
            expires_at=expires)
        try:
            with session.begin_nested():  # offered this slot before (cancelled twice)
                session.add(offer)
                session.flush()
        except IntegrityError:  # the unique (entry, slot) refused it: offered before
            continue
        made.append((offer, secret))
    base = site_url()
    for offer, secret in made:
        patient = session.get(Patient, offer.patient_id)
        if patient is None:
            continue
        context = notify.appointment_context(session, _slot(offer))
        zone = scheduling.location_zone(session, offer.location_id)
        until = offer.expires_at.astimezone(zone)
        notify.send(session, kind=OFFER.key, patient=patient,
                    dedupe_key=f"waitlist-offer:{offer.id}",
                    context=context | {"link": f"{base}/book/offer/{offer.id}/{secret}",
                                       "expires": f"{until:%A} {until.day} {until:%B} "
                                                  f"{until:%H:%M}"})
        audit.record(session, SYSTEM, "offer", "waitlist", offer.entry_id, offer.patient_id,
                     detail=f"offer {offer.id}")
    return [offer for offer, _ in made]


def find(session: Session, offer_id: int, secret: str) -> WaitlistOffer:
    """The offer the link names; 404 for an unknown id or a wrong secret alike."""
    offer = session.get(WaitlistOffer, offer_id)
    if offer is None or not hmac.compare_digest(offer.token_hash, _hash(secret)):
        raise NotFound("this offer link is not known")
    return offer


def state(offer: WaitlistOffer, now: datetime | None = None) -> str:
    """"open", "accepted" (by this patient), "gone" (someone else's) or "expired"."""
    if offer.status == "offered":
        return "expired" if (now or utcnow()) >= offer.expires_at else "open"
    return offer.status


@dataclass(frozen=True)
class Answer:
    """What accepting did: ``state`` is "accepted" (``appointment`` is theirs), "gone" or
    "expired"."""

    offer: WaitlistOffer
    state: str
    appointment: Appointment | None = None


def accept(session: Session, offer_id: int, secret: str) -> Answer:
    """Book the offered time for the offer's patient, unless the offer expired or the
    time was taken (by another offer or any other booking). Accepting again answers the
    same."""
    offer = find(session, offer_id, secret)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK, {"space": LOCK_OFFERS, "key": offer.practitioner_id})
        session.refresh(offer)  # as the accept before this one left it
    now = utcnow()
    current = state(offer, now)
    if current == "accepted":
        return Answer(offer, current, session.get(Appointment, offer.appointment_id))
    if current == "expired":
        offer.status = "expired"
    if current != "open":
        return Answer(offer, current)
    entry = session.get(WaitlistEntry, offer.entry_id)
    case_id = entry.case_id if entry is not None else None
    if case_id is not None and getattr(session.get(Case, case_id), "status", None) != "open":
        case_id = None
    try:
        with session.begin_nested():
            appointment = scheduling.book(session, SYSTEM, scheduling.BookingIn(
                patient_id=offer.patient_id, practitioner_id=offer.practitioner_id,
                start=offer.start_at, end=offer.end_at, service_id=offer.service_id,
                location_id=offer.location_id, case_id=case_id))
    except ServiceError:  # booked meanwhile (the database's overlap guard said so)
        offer.status, offer.answered_at = "gone", now
        _tell_others(session, offer)
        return Answer(offer, "gone")
    appointment.booked_via = "online"
    offer.status, offer.answered_at, offer.appointment_id = "accepted", now, appointment.id
    if entry is not None and entry.status == "waiting":
        waitlist.take(session, SYSTEM, entry.id, appointment)
    audit.record(session, SYSTEM, "accept", "waitlist", offer.entry_id, offer.patient_id,
                 detail=f"offer {offer.id}")
    session.flush()
    _tell_others(session, offer)
    return Answer(offer, "accepted", appointment)


def _tell_others(session: Session, taken: WaitlistOffer) -> None:
    """The slot is gone: every other open offer of it turns "gone", and its patient is
    told (once)."""
    others = list(session.scalars(
        select(WaitlistOffer).where(WaitlistOffer.practitioner_id == taken.practitioner_id,
                                    WaitlistOffer.start_at == taken.start_at,
                                    WaitlistOffer.status == "offered",
                                    WaitlistOffer.id != taken.id)))
    for offer in others:
        offer.status, offer.answered_at = "gone", utcnow()
        patient = session.get(Patient, offer.patient_id)
        if patient is not None:
            notify.send(session, kind=GONE.key, patient=patient,
                        dedupe_key=f"waitlist-gone:{offer.id}",
                        context=notify.appointment_context(session, _slot(offer)))
    session.flush()
