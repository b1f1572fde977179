"""Booking from the clinic's public page: the online services and their free slots (no
sign-in, nobody's data), a new visitor's booking held as a request until their e-mail is
verified, and a returning patient's booking under the online-booking rules.

A new visitor's request books nothing: the calendar is not held while the e-mail travels
(a hold would let anyone block a practitioner's day with made-up addresses). Following the
link books the time if it is still free, else offers other times.

The duplicate check never shows a visitor anything about other people: the page and the
e-mail are the same whoever they are. On verification:

- a patient with the same (verified) e-mail and birth date is the visitor: the booking is
  theirs;
- otherwise a new patient is made; when a patient of the same name and birth date exists
  (another e-mail), the new one carries a front-desk alert naming them, for the front desk
  to check and merge.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import Conflict, Invalid, NotFound, ServiceError, TooMany
from ..messaging import kinds, notify
from ..models import (
    Appointment,
    Location,
    OnlineBookingRequest,
    Patient,
    Practitioner,
    PublicRateCounter,
    Service,
    User,
    WorkingHours,
)
from . import audit, availability, online_booking, patients, scheduling, users
from .actor import Actor
from .common import Input, aware

#: Default window of the slots API: two weeks from ``from``.
DEFAULT_SPAN = timedelta(days=14)
#: Most days one slots request may span, and most slots it answers with.
MAX_SPAN_DAYS, MAX_SLOTS = 31, 100
#: How long a verification link holds; an unverified request is deleted a day after.
VERIFY_HOURS = 24
#: The public pages' budget per client address: requests per window (a clinic's own
#: NAT shares an address, so it is generous). ``VESALIUS_PUBLIC_RATE`` overrides it.
RATE_WINDOW = timedelta(minutes=1)
#: Booking requests (each sends an e-mail) per client address and hour.
REQUEST_BUDGET = 10

VERIFICATION = kinds.register(kinds.MessageKind(
    key="email-verification",
    label="Online booking: confirm your e-mail",
    description="Sent to someone booking online for the first time: the link that confirms "
                "their e-mail address and makes the booking.",
    subject="Confirm your booking at {{ clinic }}",
    text="Hello {{ given_name }},\n\n"
         "To book {{ service }} with {{ practitioner }} on {{ date }} at {{ time }}, "
         "confirm your e-mail address by opening this link:\n\n{{ link }}\n\n"
         "The link works for {{ hours }} hours. Nothing is booked until you open it.\n"
         "If you did not ask for this, ignore this e-mail.",
    variables={"given_name": "the name typed on the booking page",
               "clinic": "the clinic's name", "service": "the service",
               "practitioner": "the practitioner", "date": "the day, in words",
               "time": "the start (24-hour clock, the location's time)",
               "link": "the confirmation link", "hours": "how long the link works"},
))

SYSTEM = Actor.system("online booking")


def rate_limit() -> int:
    return int(os.environ.get("VESALIUS_PUBLIC_RATE", "60"))


def site_url() -> str:
    """The clinic's public address for links in messages: ``VESALIUS_PUBLIC_URL``, else the
    address of the request being served, else the local server's."""
    configured = os.environ.get("VESALIUS_PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    from flask import has_request_context, request

    if has_request_context():
        return request.url_root.rstrip("/")
    return "http://localhost:8000"


# -- the rate limit ------------------------------------------------------------------------


def throttle(session: Session, key: str, limit: int | None = None,
             window: timedelta = RATE_WINDOW) -> None:
    """Count one request of ``key`` (e.g. ``slots:<address>``) in the current fixed window;
    :class:`TooMany` (with the wait) once the window's ``limit`` is spent. One upsert,
    atomic on both engines, so the limit holds across server processes."""
    limit = rate_limit() if limit is None else limit
    now = utcnow()
    seconds = int(window.total_seconds())
    start = datetime.fromtimestamp(now.timestamp() // seconds * seconds, tz=now.tzinfo)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = PublicRateCounter.__table__
    statement = insert(table).values(key=key[:100], window_start=start, hits=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key, table.c.window_start],
        set_={"hits": table.c.hits + 1}).returning(table.c.hits)
    hits = session.execute(statement).scalar_one()
    if hits == 1:  # a new window for this key: drop windows long past (indexed)
        session.execute(delete(PublicRateCounter).where(
            PublicRateCounter.window_start < start - max(window, timedelta(hours=1))))
    if hits > limit:
        wait = math.ceil((start + window - now).total_seconds())
        raise TooMany(f"too many requests from your address: try again in {wait} seconds",
                      retry_after=wait)


# -- services and slots --------------------------------------------------------------------


class PublicPractitioner(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str


class PublicService(BaseModel):
    """An online-bookable service as the public page shows it."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    discipline: str
    duration_minutes: int
    #: The price in the clinic's currency, as a decimal string.
    price: Decimal
    #: Who offers it (works at a location and practises its discipline).
    practitioners: list[PublicPractitioner]


class PublicSlot(BaseModel):
    """A free time: no patient data, not even why other times are not free."""

    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime
    practitioner_id: int
    practitioner_name: str
    location_id: int
    location_name: str


class SlotsQuery(Input):
    service_id: int
    from_: datetime | None = Field(default=None, alias="from")
    to: datetime | None = None
    practitioner_id: int | None = None

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              populate_by_name=True)


def online_services(session: Session) -> list[PublicService]:
    """The active online services with the practitioners who offer them: two queries."""
    services = list(session.scalars(
        select(Service).where(Service.active.is_(True), Service.online_bookable.is_(True))
        .order_by(Service.name)))
    working = list(session.scalars(
        select(Practitioner).where(
            Practitioner.active.is_(True),
            Practitioner.id.in_(select(WorkingHours.practitioner_id)
                                .where(WorkingHours.kind == "work")))
        .order_by(Practitioner.display_name, Practitioner.id)))
    return [PublicService(
        id=s.id, name=s.name, discipline=s.discipline, duration_minutes=s.duration_minutes,
        price=s.price,
        practitioners=[PublicPractitioner(id=p.id, name=p.display_name) for p in working
                       if s.discipline in p.disciplines or s.discipline == "general"])
        for s in services]


def online_service(session: Session, service_id: int | None) -> Service:
    """The service, when it is booked online; 404 naming ``service_id`` otherwise (a
    service not offered online is, to the public, no service)."""
    service = session.get(Service, service_id) if service_id else None
    if service is None or not service.active or not service.online_bookable:
        raise NotFound("no online service with this id: see GET /public/services",
                       field="service_id")
    return service


def window(session: Session, start: datetime | None, end: datetime | None
           ) -> tuple[datetime, datetime]:
    """[from, to) as asked (from: now, to: two weeks on), then narrowed to the lead time
    and the horizon. 422 naming ``from`` or ``to`` when they make no window."""
    now = utcnow()
    start = aware(start, "from") if start is not None else now
    end = aware(end, "to") if end is not None else start + DEFAULT_SPAN
    if end <= start:
        raise Invalid("'to' must be after 'from'", field="to")
    if end - start > timedelta(days=MAX_SPAN_DAYS):
        raise Invalid(f"ask for at most {MAX_SPAN_DAYS} days at a time", field="to")
    rules = online_booking.policy(session)
    return (max(start, now + timedelta(minutes=rules.lead_minutes)),
            min(end, now + timedelta(days=rules.horizon_days)))


def slots(session: Session, service_id: int | None, start: datetime | None = None,
          end: datetime | None = None, practitioner_id: int | None = None,
          limit: int = MAX_SLOTS) -> list[PublicSlot]:
    """The first ``limit`` free slots of an online service in [start, end) (see
    :func:`window`), earliest first, for one practitioner or anyone."""
    service = online_service(session, service_id)
    first, last = window(session, start, end)
    if last <= first:
        return []
    found = availability.find_slots(
        session, SYSTEM, service, first, last, limit=limit,
        practitioner_ids=[practitioner_id] if practitioner_id else None)
    names = dict(session.execute(select(Location.id, Location.name).where(
        Location.id.in_({s.location_id for s in found}))).all()) if found else {}
    return [PublicSlot(start=s.start, end=s.end, practitioner_id=s.practitioner_id,
                       practitioner_name=s.practitioner_name, location_id=s.location_id,
                       location_name=names.get(s.location_id, "")) for s in found]


def is_offered(session: Session, service: Service, practitioner_id: int,
               start: datetime) -> bool:
    """Whether ``start`` with ``practitioner_id`` is a slot the public page offers now."""
    first, last = window(session, start, start + timedelta(minutes=1))
    if last <= first or first != start:
        return False
    found = availability.find_slots(session, SYSTEM, service, first, last, limit=1,
                                    practitioner_ids=[practitioner_id])
    return bool(found) and found[0].start == start


# -- a new visitor -------------------------------------------------------------------------


class NewPatientIn(patients.PatientIn):
    """What a first-time visitor types: names, birth date, e-mail and phone (all needed)."""

    birth_date: date
    email: str = Field(min_length=3, max_length=254)
    phone: str = Field(min_length=3, max_length=40)


def request_booking(session: Session, service_id: int, practitioner_id: int,
                    start: datetime, person: NewPatientIn) -> OnlineBookingRequest:
    """Keep a visitor's booking as a request (nothing is booked). 422 naming ``start``
    when the time is not offered (any more)."""
    service = online_service(session, service_id)
    start = aware(start, "start")
    if not is_offered(session, service, practitioner_id, start):
        raise Invalid("this time is no longer free: choose another", field="start")
    session.execute(delete(OnlineBookingRequest).where(  # unverified, long expired
        OnlineBookingRequest.status == "pending",
        OnlineBookingRequest.created_at < utcnow() - timedelta(hours=VERIFY_HOURS + 24)))
    row = OnlineBookingRequest(
        service_id=service.id, practitioner_id=practitioner_id, start_at=start,
        given_name=person.given_name, family_name=person.family_name,
        birth_date=person.birth_date, email=person.email.lower(), phone=person.phone,
        status="pending")
    session.add(row)
    session.flush()
    return row


def send_verification(session: Session, row: OnlineBookingRequest, link: str,
                      clinic: str) -> None:
    """Queue the e-mail with the link that verifies the address (the web page signs it)."""
    context = notify.appointment_context(session, _as_appointment(session, row))
    notify.send_to_address(
        session, kind=VERIFICATION.key, to=row.email,
        dedupe_key=f"email-verification:{row.id}",
        context=context | {"given_name": row.given_name, "link": link, "clinic": clinic,
                           "hours": VERIFY_HOURS})


def _as_appointment(session: Session, row: OnlineBookingRequest) -> Appointment:
    """A transient appointment of the request (never added): the messages' context."""
    service = session.get(Service, row.service_id)
    minutes = service.duration_minutes if service else 0
    location = session.scalar(
        select(WorkingHours.location_id).where(WorkingHours.practitioner_id ==
                                               row.practitioner_id).limit(1))
    return Appointment(start_at=row.start_at, end_at=row.start_at + timedelta(minutes=minutes),
                       practitioner_id=row.practitioner_id, service_id=row.service_id,
                       location_id=location)


@dataclass
class Verified:
    """What following the link did: the patient, and the appointment or why not."""

    request: OnlineBookingRequest
    patient: Patient
    appointment: Appointment | None
    problem: str | None = None
    #: Whether the page may offer to set a portal password (no account with the e-mail).
    may_make_account: bool = False
    others: list[PublicSlot] = field(default_factory=list)


def pending_request(session: Session, request_id: int) -> OnlineBookingRequest:
    row = session.get(OnlineBookingRequest, request_id)
    if row is None:
        raise NotFound("this link is not known (it may have expired)")
    return row


def verify(session: Session, request_id: int) -> Verified:
    """Follow a verified link: find or make the patient, then book the time if it is still
    free. Following it again shows the same outcome (nothing is booked twice)."""
    row = session.scalar(select(OnlineBookingRequest)
                         .where(OnlineBookingRequest.id == request_id)
                         .with_for_update().execution_options(populate_existing=True))
    if row is None:
        raise NotFound("this link is not known (it may have expired)")
    if row.patient_id is None:
        row.patient_id = _patient_for(session, row).id
        row.verified_at = utcnow()
    patient = session.get(Patient, row.patient_id)
    assert patient is not None
    problem = (_book(session, row, row.practitioner_id, row.start_at)
               if row.status == "pending" else None)
    return _outcome(session, row, patient, problem)


def rebook(session: Session, request_id: int, practitioner_id: int,
           start: datetime) -> Verified:
    """After the first time was taken: book another offered time with the same link."""
    row = session.scalar(select(OnlineBookingRequest)
                         .where(OnlineBookingRequest.id == request_id)
                         .with_for_update().execution_options(populate_existing=True))
    if row is None or row.patient_id is None:
        raise NotFound("this link is not known (it may have expired)")
    problem = (_book(session, row, practitioner_id, aware(start, "start"))
               if row.status == "taken" else None)
    patient = session.get(Patient, row.patient_id)
    assert patient is not None
    return _outcome(session, row, patient, problem)


def _book(session: Session, row: OnlineBookingRequest, practitioner_id: int,
          start: datetime) -> str | None:
    """Book the request's patient at ``start``; the refusal's words when it cannot be."""
    as_patient = Actor(user_id=None, role="patient", patient_id=row.patient_id,
                       user_agent="online booking")
    try:
        with session.begin_nested():
            appointment = book_online(session, as_patient, row.service_id, practitioner_id,
                                      start)
    except ServiceError as exc:
        row.status, row.appointment_id = "taken", None
        return exc.message
    row.status, row.appointment_id = "booked", appointment.id
    row.practitioner_id, row.start_at = practitioner_id, start
    return None


def _outcome(session: Session, row: OnlineBookingRequest, patient: Patient,
             problem: str | None) -> Verified:
    appointment = session.get(Appointment, row.appointment_id) if row.appointment_id else None
    has_user = session.scalar(select(User.id).where(
        (User.patient_id == patient.id) | (User.email == row.email)).limit(1))
    others: list[PublicSlot] = []
    if appointment is None:
        try:
            others = slots(session, row.service_id, limit=12)
        except NotFound:  # the service is no longer booked online
            others = []
    if appointment is None:
        problem = problem or "the time you chose is no longer free"
    return Verified(row, patient, appointment, problem, has_user is None, others)


def _patient_for(session: Session, row: OnlineBookingRequest) -> Patient:
    """The duplicate check (see the module's docstring); audited as the online booking."""
    same = session.scalar(
        select(Patient).where(Patient.email_key == row.email.lower(),
                              Patient.birth_date == row.birth_date,
                              Patient.active.is_(True))
        .order_by(Patient.id).limit(1))
    if same is not None:
        audit.record(session, SYSTEM, "match", "patient", same.id, same.id,
                     detail="online booking: same verified e-mail and birth date")
        return same
    namesakes = [p.id for p in patients.find(session, f"{row.family_name}, {row.given_name}",
                                             limit=10)
                 if p.birth_date == row.birth_date
                 and patients.name_key(p.given_name) == patients.name_key(row.given_name)]
    alert = None
    if namesakes:
        ids = ", ".join(f"#{i}" for i in namesakes)
        alert = (f"Possible duplicate of patient {ids} (same name and birth date, other "
                 f"e-mail): booked online. Check and merge.")
    return patients.create(session, SYSTEM, patients.PatientIn(
        given_name=row.given_name, family_name=row.family_name, birth_date=row.birth_date,
        email=row.email, mobile=row.phone, admin_note=alert))


def make_account(session: Session, request_id: int, password: str) -> User:
    """A portal account for the verified visitor (patient role), once."""
    row = pending_request(session, request_id)
    if row.patient_id is None:
        raise Conflict("follow the link in the e-mail first")
    if session.scalar(select(User.id).where((User.patient_id == row.patient_id)
                                            | (User.email == row.email)).limit(1)):
        raise Conflict("you have a portal account already: sign in", field="password")
    patient = session.get(Patient, row.patient_id)
    name = f"{patient.given_name} {patient.family_name}" if patient else row.email
    return users.create_user(session, SYSTEM, users.UserIn(
        email=row.email, role="patient", name=name, password=password,
        patient_id=row.patient_id))


# -- booking ------------------------------------------------------------------------------


def book_online(session: Session, actor: Actor, service_id: int, practitioner_id: int,
                start: datetime) -> Appointment:
    """Book for a patient actor through the online-booking rules, marked ``online``."""
    if not actor.is_patient or actor.patient_id is None:
        raise Invalid("only a patient books online", field="patient_id")
    appointment = scheduling.book(session, actor, scheduling.BookingIn(
        patient_id=actor.patient_id, practitioner_id=practitioner_id,
        service_id=service_id, start=start))
    mark_online(session, appointment)
    return appointment


def mark_online(session: Session, appointment: Appointment) -> None:
    appointment.booked_via = "online"
    session.flush()
