"""The patient portal's reads and changes, always of the signed-in patient's own records.

Every function takes the patient's :class:`Actor` and looks records up *with* their patient
id, so another patient's id is simply not found (404): the portal never tells whether a
record exists. What a patient may do here:

- see their visits (practitioner, service, place, the location's wall clock);
- cancel or move a booked or confirmed visit up to the clinic's portal window before it
  (``portal_change_hours`` of the online-booking policy); a cancellation inside the
  late-cancellation window is a late cancellation and costs the service's fee, which
  :func:`visits` states before the patient confirms (``scheduling.cancel`` bills it);
  a move goes to a time availability offers under the online-booking rules (same
  practitioner, the service's own length, lead time and horizon);
- read the handouts packs print from their signed notes for patients (printouts with
  ``audience="patient"``, a home exercise programme say) and nothing else of the notes;
- read their issued invoices and their receipts, and the messages the clinic sent them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..messaging import kinds
from ..models import (
    Appointment,
    Case,
    Invoice,
    Location,
    Note,
    OutboxMessage,
    Patient,
    Payment,
    Practitioner,
    Service,
)
from ..plugins import get_registry
from . import audit, availability, billing, online_booking, scheduling
from .actor import Actor
from .common import aware, clinic_timezone

#: Statuses of a visit the patient may still cancel or move.
CHANGEABLE = scheduling.MOVABLE
#: Invoice statuses a patient sees (a draft is still the clinic's; a void one is gone).
SHOWN_INVOICES = ("issued",)
MESSAGES_SHOWN = 100
PAST_SHOWN = 50
#: How many days of times a reschedule page offers at once.
OFFER_DAYS = 14


def _me(actor: Actor) -> int:
    actor.require("patients.read", patient_id=actor.patient_id)
    if not actor.is_patient or actor.patient_id is None:
        raise NotFound("the portal is for patients")
    return actor.patient_id


@dataclass(frozen=True)
class Visit:
    """One appointment as the patient reads it."""

    appointment: Appointment
    practitioner: str
    service: str
    location: str
    #: The start and end in the location's time zone.
    start: datetime
    end: datetime
    #: Whether the portal still takes a cancellation or a move, and until when.
    changeable: bool
    change_until: datetime
    #: A cancellation now would be late, and its fee (zero: none).
    late: bool
    fee: Decimal
    #: The service is booked online (a move offers online times).
    movable_online: bool

    @property
    def id(self) -> int:
        return self.appointment.id

    @property
    def status(self) -> str:
        return self.appointment.status


def _visits(session: Session, found: list[Appointment], now: datetime) -> list[Visit]:
    """Names and local times of ``found``: three queries whatever their number."""
    rules = online_booking.policy(session)
    window = timedelta(hours=rules.portal_change_hours)
    late_window = scheduling.late_cancel_window()
    practitioners = dict(session.execute(select(Practitioner.id, Practitioner.display_name)
                                         .where(Practitioner.id.in_(
                                             {a.practitioner_id for a in found}))).all())
    services = {s.id: s for s in session.scalars(select(Service).where(
        Service.id.in_({a.service_id for a in found if a.service_id})))}
    locations = {loc.id: loc for loc in session.scalars(select(Location).where(
        Location.id.in_({a.location_id for a in found if a.location_id})))}
    default_zone = clinic_timezone(None)
    out = []
    for a in found:
        location = locations.get(a.location_id) if a.location_id else None
        zone = clinic_timezone(location.timezone) if location else default_zone
        service = services.get(a.service_id) if a.service_id else None
        fee = service.late_cancel_fee if service is not None else Decimal("0.00")
        late = a.start_at - now < late_window
        out.append(Visit(
            appointment=a, practitioner=practitioners.get(a.practitioner_id, ""),
            service=service.name if service else "Appointment",
            location=location.name if location else "",
            start=a.start_at.astimezone(zone), end=a.end_at.astimezone(zone),
            changeable=a.status in CHANGEABLE and a.start_at - now >= window,
            change_until=(a.start_at - window).astimezone(zone),
            late=late, fee=fee if late else Decimal("0.00"),
            movable_online=bool(service and service.online_bookable)))
    return out


def visits(session: Session, actor: Actor,
           now: datetime | None = None) -> tuple[list[Visit], list[Visit]]:
    """The patient's upcoming visits (soonest first) and past ones (latest first; the
    last :data:`PAST_SHOWN`)."""
    patient_id = _me(actor)
    now = now or utcnow()
    found = scheduling.list_appointments(session, actor, patient_id=patient_id, limit=1000)
    upcoming = [a for a in found if a.start_at >= now and a.status in CHANGEABLE]
    past = [a for a in reversed(found) if a.start_at < now][:PAST_SHOWN]
    shown = _visits(session, upcoming + past, now)
    return shown[:len(upcoming)], shown[len(upcoming):]


def visit(session: Session, actor: Actor, appointment_id: int,
          now: datetime | None = None) -> Visit:
    """One of the patient's visits (404 for anyone else's)."""
    patient_id = _me(actor)
    appointment = session.scalar(select(Appointment).where(
        Appointment.id == appointment_id, Appointment.patient_id == patient_id))
    if appointment is None:
        raise NotFound("no such appointment")
    audit.record(session, actor, "read", "appointment", appointment.id, patient_id)
    return _visits(session, [appointment], now or utcnow())[0]


def _changeable(session: Session, found: Visit, what: str) -> None:
    if found.status not in CHANGEABLE:
        raise Conflict(f"this appointment is {found.status}: it cannot be {what}",
                       field="appointment_id")
    if not found.changeable:
        hours = online_booking.policy(session).portal_change_hours
        raise Invalid(f"appointments are {what} online up to {hours} hours before they "
                      "start: call the clinic", field="appointment_id")


def cancel(session: Session, actor: Actor, appointment_id: int, reason: str = "",
           now: datetime | None = None) -> Appointment:
    """Cancel one of the patient's visits inside the portal window; inside the
    late-cancellation window it is a late cancellation and its fee is drafted."""
    now = now or utcnow()
    found = visit(session, actor, appointment_id, now)
    _changeable(session, found, "cancelled")
    return scheduling.cancel(session, actor, appointment_id,
                             reason.strip()[:300] or "cancelled in the portal", at=now)


def _service(session: Session, found: Visit) -> Service:
    service = (session.get(Service, found.appointment.service_id)
               if found.appointment.service_id else None)
    if service is None or not service.online_bookable:
        raise Invalid("this visit is not moved online: call the clinic", field="start")
    return service


def offers(session: Session, actor: Actor, appointment_id: int, start: datetime | None = None,
           now: datetime | None = None, limit: int = 60) -> list[availability.FreeSlot]:
    """Times the visit may move to: free times of the same practitioner for its service,
    from ``start`` (default: the soonest the online rules allow) for :data:`OFFER_DAYS`,
    inside the online-booking lead time and horizon."""
    now = now or utcnow()
    found = visit(session, actor, appointment_id, now)
    _changeable(session, found, "moved")
    service = _service(session, found)
    rules = online_booking.policy(session)
    earliest = now + timedelta(minutes=rules.lead_minutes)
    latest = now + timedelta(days=rules.horizon_days)
    begin = max(aware(start, "from"), earliest) if start is not None else earliest
    end = min(begin + timedelta(days=OFFER_DAYS), latest)
    if end <= begin:
        return []
    slots = availability.find_slots(session, actor, service, begin, end, limit=limit,
                                    practitioner_ids=[found.appointment.practitioner_id])
    return [s for s in slots if s.start != found.appointment.start_at]


def reschedule(session: Session, actor: Actor, appointment_id: int, start: datetime,
               now: datetime | None = None) -> Appointment:
    """Move one of the patient's visits to ``start``, a time :func:`offers` gives (the
    online-booking rules: lead time, horizon, a free time of the same practitioner). The
    clinic's room choice is dropped, as for online bookings."""
    now = now or utcnow()
    found = visit(session, actor, appointment_id, now)
    _changeable(session, found, "moved")
    actor.require("appointments.book", patient_id=found.appointment.patient_id)
    service = _service(session, found)
    start = aware(start, "start")
    rules = online_booking.policy(session)
    if start < now + timedelta(minutes=rules.lead_minutes):
        raise Invalid("choose a later time: the clinic takes online bookings at least "
                      f"{rules.lead_minutes} minutes ahead", field="start")
    if start > now + timedelta(days=rules.horizon_days):
        raise Invalid(f"choose a time at most {rules.horizon_days} days ahead", field="start")
    appointment = found.appointment
    offered = availability.find_slots(session, actor, service, start,
                                      start + timedelta(minutes=1), limit=1,
                                      practitioner_ids=[appointment.practitioner_id])
    if not offered or offered[0].start != start:
        raise Invalid("that time is not free any more: choose another", field="start")
    slot = scheduling.Slot(appointment.patient_id, appointment.practitioner_id, start,
                           start + timedelta(minutes=service.duration_minutes),
                           appointment.case_id, appointment.service_id,
                           offered[0].location_id, None)
    return scheduling.move(session, actor, appointment, slot)


# -- handouts (printouts for patients) ---------------------------------------------------


@dataclass(frozen=True)
class Handout:
    note_id: int
    printout_id: str
    title: str
    date_of_service: object
    practitioner: str


def _patient_printouts() -> dict[str, list[str]]:
    """template id -> ids of the printouts packs mark for patients."""
    found: dict[str, list[str]] = {}
    for printout in get_registry().printouts.values():
        if printout.audience == "patient":
            for template_id in printout.templates:
                found.setdefault(template_id, []).append(printout.id)
    return found


def handouts(session: Session, actor: Actor) -> list[Handout]:
    """The patient's handouts from signed notes, latest first. Two queries."""
    patient_id = _me(actor)
    by_template = _patient_printouts()
    if not by_template:
        return []
    rows = session.execute(
        select(Note.id, Note.template_id, Note.date_of_service, Practitioner.display_name)
        .outerjoin(Practitioner, Practitioner.id == Note.practitioner_id)
        .where(Note.patient_id == patient_id, Note.status == "signed",
               Note.template_id.in_(list(by_template)))
        .order_by(Note.date_of_service.desc(), Note.id.desc()).limit(100)).all()
    printouts = get_registry().printouts
    out = [Handout(note_id, pid, printouts[pid].title, day, name or "")
           for note_id, template_id, day, name in rows for pid in by_template[template_id]]
    audit.record_many(session, actor, "read", "handout", [(h.note_id, patient_id)
                                                          for h in out])
    return out


def handout_page(session: Session, actor: Actor, note_id: int, printout_id: str,
                 header: Callable[[Note, Case, Patient], object]) -> str:
    """The handout's HTML page (the pack's, self-contained). ``header`` makes the printout
    header of the note (the web layer's, shared with the staff printout)."""
    from . import notes as note_service

    patient_id = _me(actor)
    note = session.scalar(select(Note).where(Note.id == note_id,
                                             Note.patient_id == patient_id,
                                             Note.status == "signed"))
    if note is None or printout_id not in _patient_printouts().get(note.template_id, []):
        raise NotFound("no such handout")
    case = session.get(Case, note.case_id)
    patient = session.get(Patient, patient_id)
    assert case is not None and patient is not None
    reg = get_registry()
    scores = {m: sc for m, (_p, sc) in note_service.scores_of(
        reg, note.template_id, note.document).items()} if note.template_id in reg.templates \
        else {}
    html = reg.render_printout(printout_id, note_service.context(
        session, note, case, scores, signed_at=note.signed_at), header(note, case, patient))
    audit.record(session, actor, "print", "note", note.id, patient_id, detail=printout_id)
    return html


# -- money and messages ---------------------------------------------------------------


def invoices(session: Session, actor: Actor) -> list[billing.InvoiceView]:
    """The patient's issued invoices, latest first."""
    patient_id = _me(actor)
    return [v for v in reversed(billing.list_invoices(session, actor, patient_id=patient_id))
            if v.invoice.status in SHOWN_INVOICES]


def invoice(session: Session, actor: Actor, invoice_id: int) -> billing.InvoiceView:
    patient_id = _me(actor)
    found = session.scalar(select(Invoice.id).where(
        Invoice.id == invoice_id, Invoice.patient_id == patient_id,
        Invoice.status.in_(SHOWN_INVOICES)))
    if found is None:
        raise NotFound("no such invoice")
    return billing.read_invoice(session, actor, invoice_id)


def payments(session: Session, actor: Actor) -> list[Payment]:
    """The patient's payments (each has a receipt), latest first."""
    return list(reversed(billing.payments_of(session, actor, _me(actor))))


def receipt(session: Session, actor: Actor, payment_id: int) -> billing.Receipt:
    patient_id = _me(actor)
    if session.scalar(select(Payment.id).where(Payment.id == payment_id,
                                               Payment.patient_id == patient_id)) is None:
        raise NotFound("no such receipt")
    return billing.receipt(session, actor, payment_id)


@dataclass(frozen=True)
class Received:
    sent_at: datetime
    channel: str
    label: str
    subject: str | None


def messages(session: Session, actor: Actor) -> list[Received]:
    """What the clinic sent the patient (sent messages only: when, which kind, the
    subject), latest first. One query."""
    patient_id = _me(actor)
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.sent_at, OutboxMessage.channel,
               OutboxMessage.kind, OutboxMessage.subject)
        .where(OutboxMessage.patient_id == patient_id, OutboxMessage.status == "sent")
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
        .limit(MESSAGES_SHOWN)).all()
    audit.record_many(session, actor, "read", "message", [(r.id, patient_id) for r in rows])
    return [Received(r.sent_at, r.channel, _label(r.kind), r.subject) for r in rows]


def _label(key: str) -> str:
    try:
        return kinds.get(key).label
    except KeyError:  # a kind no module registers any more
        return key.replace("-", " ").capitalize()


# -- forms to fill ------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenForm:
    """A form or measure the clinic asked the patient to fill before a visit."""

    title: str
    url: str
    due: datetime | None = None


#: Who lists a patient's open forms: the intake module adds its function here at import
#: (``FORM_SOURCES.append(open_requests)``), each taking (session, actor) and returning
#: :class:`OpenForm` rows of that patient only.
FORM_SOURCES: list[Callable[[Session, Actor], Iterable[OpenForm]]] = []


def open_forms(session: Session, actor: Actor) -> list[OpenForm]:
    """The forms waiting for the patient, soonest due first."""
    _me(actor)
    found = [form for source in FORM_SOURCES for form in source(session, actor)]
    return sorted(found, key=lambda f: (f.due is None, f.due or datetime.min))
