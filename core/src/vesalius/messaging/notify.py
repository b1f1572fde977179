"""Sending a kind of message to a patient: which channels their preferences allow, the
context every appointment message shares (in the location's wall clock), rendering and
queueing in the outbox. Callers pass only administrative facts: never clinical content."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Appointment,
    Consent,
    Location,
    OutboxMessage,
    Patient,
    Practitioner,
    Service,
)
from ..services.common import clinic_timezone
from ..services.scheduling import location_zone
from . import kinds, outbox, templates
from .dates import long_date


def channels_for(patient: Patient, kind: kinds.MessageKind, *,
                 sms_consent: bool = True) -> list[tuple[str, str]]:
    """(channel, address) pairs the patient's preferences allow for ``kind``: e-mail when
    they have an address and take e-mail (or the kind is transactional), SMS when the kind
    has an SMS text and they take SMS on a number they gave, with their SMS consent in
    force (``sms_consent``: see :func:`sms_consent`)."""
    found: list[tuple[str, str]] = []
    if patient.email and (patient.reminders_email or kind.transactional):
        found.append(("email", patient.email))
    number = patient.mobile or patient.phone
    if kind.sms and number and patient.reminders_sms and sms_consent:
        found.append(("sms", number))
    return found


def sms_consent(session: Session, patient_id: int) -> bool:
    """Whether the patient's latest consent of kind "sms" is a grant (none: no)."""
    return bool(session.scalar(
        select(Consent.granted).where(Consent.patient_id == patient_id, Consent.kind == "sms")
        .order_by(Consent.recorded_at.desc(), Consent.id.desc()).limit(1)))


def appointment_context(session: Session, appointment: Appointment,
                        language: str = "en") -> dict[str, Any]:
    """What every appointment message may say: names, place, and the start in the
    location's time zone (the date in words of ``language``, 24-hour clock). Worked out
    once per transaction for a visit's state (a booking queues several messages)."""
    known = templates.per_transaction(session, "vesalius.messages.visits", dict)
    key = (appointment.id, appointment.start_at, appointment.end_at,
           appointment.practitioner_id, appointment.service_id, appointment.location_id,
           language)
    if appointment.id is None or key not in known:
        found = _appointment_context(session, appointment, language)
        if appointment.id is None:
            return found
        known[key] = found
    return dict(known[key])


def _appointment_context(session: Session, appointment: Appointment,
                         language: str) -> dict[str, Any]:
    location = (session.get(Location, appointment.location_id)
                if appointment.location_id else None)
    zone = (clinic_timezone(location.timezone) if location is not None
            else location_zone(session, None))
    start = appointment.start_at.astimezone(zone)
    practitioner = session.get(Practitioner, appointment.practitioner_id)
    service = session.get(Service, appointment.service_id) if appointment.service_id else None
    return {
        "date": long_date(start, language),
        "time": f"{start:%H:%M}",
        "minutes": int((appointment.end_at - appointment.start_at).total_seconds() // 60),
        "practitioner": practitioner.display_name if practitioner else "",
        "service": service.name if service else "",
        "location": location.name if location else "",
    }


def patient_context(patient: Patient) -> dict[str, Any]:
    return {"given_name": patient.preferred_name or patient.given_name}


def send(session: Session, *, kind: str, patient: Patient, dedupe_key: str,
         appointment: Appointment | None = None, context: Mapping[str, Any] | None = None,
         send_after: datetime | None = None,
         attachments: list[dict[str, Any]] | None = None) -> list[OutboxMessage]:
    """Queue ``kind`` to ``patient`` on every channel their preferences (and SMS consent)
    allow, in their language (else the clinic's) with the clinic's templates. The dedupe
    key gets the channel appended, so one call queues each channel once. ``attachments``
    go with the e-mail only."""
    return outbox.enqueue_all(session, messages(
        session, kind=kind, patient=patient, dedupe_key=dedupe_key, appointment=appointment,
        context=context, send_after=send_after, attachments=attachments))


def messages(session: Session, *, kind: str, patient: Patient, dedupe_key: str,
             appointment: Appointment | None = None, context: Mapping[str, Any] | None = None,
             send_after: datetime | None = None,
             attachments: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The outbox rows :func:`send` queues, for :func:`.outbox.enqueue_all` (a caller
    queueing several kinds at once writes them in one statement)."""
    message_kind = kinds.get(kind)
    channels = channels_for(patient, message_kind)
    if any(channel == "sms" for channel, _ in channels) and not sms_consent(session,
                                                                            patient.id):
        channels = channels_for(patient, message_kind, sms_consent=False)
    if not channels:
        return []
    choice = templates.choose(session, message_kind,
                              templates.language_of(session, patient.language))
    full = patient_context(patient)
    if appointment is not None:
        full |= appointment_context(session, appointment, choice.language)
    full |= dict(context or {})
    rendered = templates.render_with(message_kind, choice, full)
    return [outbox.row(kind=kind, channel=channel, to=address, message=rendered,
                       dedupe_key=f"{dedupe_key}:{channel}", send_after=send_after,
                       patient_id=patient.id,
                       appointment_id=appointment.id if appointment else None,
                       attachments=attachments)
            for channel, address in channels]


def send_to_address(session: Session, *, kind: str, to: str, dedupe_key: str,
                    context: Mapping[str, Any], send_after: datetime | None = None,
                    language: str | None = None) -> OutboxMessage | None:
    """Queue an e-mail of ``kind`` to an address with no patient behind it yet (the
    verification link of someone booking online for the first time), with the clinic's
    templates in ``language`` (a BCP-47 tag; else the clinic's default)."""
    message_kind = kinds.get(kind)
    choice = templates.choose(session, message_kind, templates.language_of(session, language))
    rendered = templates.render_with(message_kind, choice, context)
    return outbox.enqueue(session, kind=kind, channel="email", to=to, message=rendered,
                          dedupe_key=dedupe_key, send_after=send_after)
