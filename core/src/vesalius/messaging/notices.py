"""What the clinic tells a patient about their appointments and payments, and when: the
confirmation of a booking (one per visit; one listing the dates for a series), the
reminders of the clinic's schedule, the notice of a moved visit, the cancellation, and
the receipt of a payment. Scheduling and billing call in here inside their own
transaction, so a message is queued exactly when the change commits.

Preferences: the confirmation, reminders and moved-visit notice follow the patient's
``reminders_email`` / ``reminders_sms``; the cancellation and the receipt are
transactional (e-mailed to the address on file whatever ``reminders_email`` says; the
cancellation's SMS still needs ``reminders_sms``). Every SMS needs the patient's SMS
consent in force. No message carries clinical content: no case, complaint or diagnosis;
the service's name and the practitioner's are administrative. The confirmation, the
moved-visit notice and the cancellation e-mails carry the visit as an ``.ics``
(:mod:`vesalius.messaging.ics`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..models import Appointment, Invoice, OutboxMessage, Patient, Payment, PaymentAllocation
from ..services.scheduling import location_zone
from . import ics, kinds, notify, outbox, templates
from .dates import long_date, short_date

CONFIRMATION = "appointment-confirmation"
SERIES_CONFIRMATION = "appointment-series-confirmation"
REMINDER = "appointment-reminder"
RESCHEDULED = "appointment-rescheduled"
CANCELLATION = "appointment-cancellation"
RECEIPT = "payment-receipt"
#: What a cancelled (or moved, or no longer upcoming) visit's pending messages are.
UPCOMING = (CONFIRMATION, REMINDER, RESCHEDULED)

_VISIT = {
    "given_name": "The patient's first name (or the name they go by)",
    "date": "The visit's date in words, in the location's time zone",
    "time": "The visit's start, 24-hour clock, in the location's time zone",
    "minutes": "How long the visit lasts, in minutes",
    "practitioner": "The practitioner's name",
    "service": "The service booked (e.g. \"Follow-up visit\")",
    "location": "The location's name",
}

kinds.register(kinds.MessageKind(
    key=CONFIRMATION, label="Appointment confirmation",
    description="Sent when a visit is booked (by the patient online or by the clinic).",
    subject="Your appointment on {{ date }} at {{ time }}",
    text="""Hello {{ given_name }},

Your appointment is booked:

{{ service or "Appointment" }} with {{ practitioner }}
{{ date }} at {{ time }} ({{ minutes }} minutes)
{% if location %}{{ location }}
{% endif %}

If you cannot come, please let us know as early as you can so that someone else can have
the time.

See you soon.""",
    sms="Hi {{ given_name }}, your appointment with {{ practitioner }} is booked for "
        "{{ date }} at {{ time }}{% if location %} ({{ location }}){% endif %}.",
    variables=_VISIT,
    translations={"fr": {
        "subject": "Votre rendez-vous du {{ date }} à {{ time }}",
        "text": """Bonjour {{ given_name }},

Votre rendez-vous est réservé :

{{ service or "Rendez-vous" }} avec {{ practitioner }}
{{ date }} à {{ time }} ({{ minutes }} minutes)
{% if location %}{{ location }}
{% endif %}

Si vous ne pouvez pas venir, prévenez-nous le plus tôt possible afin que quelqu'un d'autre
puisse prendre ce créneau.

À bientôt.""",
        "sms": "Bonjour {{ given_name }}, votre rendez-vous avec {{ practitioner }} est "
               "réservé le {{ date }} à {{ time }}{% if location %} ({{ location }})"
               "{% endif %}.",
    }},
))

kinds.register(kinds.MessageKind(
    key=SERIES_CONFIRMATION, label="Appointment confirmation (series)",
    description="Sent once when the clinic books a series of visits: lists every date.",
    subject="Your {{ count }} appointments with {{ practitioner }}",
    text="""Hello {{ given_name }},

Your appointments are booked:

{{ service or "Appointment" }} with {{ practitioner }}{% if location %}, {{ location }}{% endif %}

{% for when in dates %}
- {{ when }}
{% endfor %}

If you cannot come to one of them, please let us know as early as you can.

See you soon.""",
    sms="Hi {{ given_name }}, {{ count }} appointments with {{ practitioner }} are booked, "
        "the first on {{ dates[0] }}. Details by e-mail or from the clinic.",
    variables={
        "given_name": _VISIT["given_name"], "practitioner": _VISIT["practitioner"],
        "service": _VISIT["service"], "location": _VISIT["location"],
        "dates": "The visits' dates and times, a list (use {% for when in dates %})",
        "count": "How many visits were booked",
    },
    translations={"fr": {
        "subject": "Vos {{ count }} rendez-vous avec {{ practitioner }}",
        "text": """Bonjour {{ given_name }},

Vos rendez-vous sont réservés :

{{ service or "Rendez-vous" }} avec {{ practitioner }}{% if location %}, {{ location }}{% endif %}

{% for when in dates %}
- {{ when }}
{% endfor %}

Si vous ne pouvez pas venir à l'un d'eux, prévenez-nous le plus tôt possible.

À bientôt.""",
        "sms": "Bonjour {{ given_name }}, {{ count }} rendez-vous avec {{ practitioner }} "
               "sont réservés, le premier le {{ dates[0] }}. Détails par courriel ou "
               "auprès de la clinique.",
    }},
))

kinds.register(kinds.MessageKind(
    key=REMINDER, label="Appointment reminder",
    description="Sent before each visit, at the times of the clinic's reminder schedule.",
    subject="Reminder: your appointment on {{ date }} at {{ time }}",
    text="""Hello {{ given_name }},

A reminder of your appointment:

{{ service or "Appointment" }} with {{ practitioner }}
{{ date }} at {{ time }}
{% if location %}{{ location }}
{% endif %}

If you cannot come, please let us know as soon as you can.""",
    sms="Reminder: {{ given_name }}, your appointment with {{ practitioner }} is on "
        "{{ date }} at {{ time }}{% if location %} ({{ location }}){% endif %}.",
    variables=_VISIT,
    translations={"fr": {
        "subject": "Rappel : votre rendez-vous du {{ date }} à {{ time }}",
        "text": """Bonjour {{ given_name }},

Un rappel de votre rendez-vous :

{{ service or "Rendez-vous" }} avec {{ practitioner }}
{{ date }} à {{ time }}
{% if location %}{{ location }}
{% endif %}

Si vous ne pouvez pas venir, prévenez-nous dès que possible.""",
        "sms": "Rappel : {{ given_name }}, votre rendez-vous avec {{ practitioner }} est le "
               "{{ date }} à {{ time }}{% if location %} ({{ location }}){% endif %}.",
    }},
))

kinds.register(kinds.MessageKind(
    key=RESCHEDULED, label="Appointment moved",
    description="Sent when a booked visit moves to another time, practitioner or "
                "location.",
    subject="Your appointment has moved to {{ date }} at {{ time }}",
    text="""Hello {{ given_name }},

Your appointment on {{ old_date }} at {{ old_time }} has moved. It is now:

{{ service or "Appointment" }} with {{ practitioner }}
{{ date }} at {{ time }} ({{ minutes }} minutes)
{% if location %}{{ location }}
{% endif %}

If the new time does not suit you, please let us know.""",
    sms="Hi {{ given_name }}, your appointment has moved to {{ date }} at {{ time }} with "
        "{{ practitioner }}{% if location %} ({{ location }}){% endif %}.",
    variables=_VISIT | {"old_date": "The date it was booked for before",
                        "old_time": "The time it was booked for before"},
    translations={"fr": {
        "subject": "Votre rendez-vous est déplacé au {{ date }} à {{ time }}",
        "text": """Bonjour {{ given_name }},

Votre rendez-vous du {{ old_date }} à {{ old_time }} a été déplacé. Il a maintenant lieu :

{{ service or "Rendez-vous" }} avec {{ practitioner }}
{{ date }} à {{ time }} ({{ minutes }} minutes)
{% if location %}{{ location }}
{% endif %}

Si ce nouvel horaire ne vous convient pas, prévenez-nous.""",
        "sms": "Bonjour {{ given_name }}, votre rendez-vous est déplacé au {{ date }} à "
               "{{ time }} avec {{ practitioner }}{% if location %} ({{ location }})"
               "{% endif %}.",
    }},
))

kinds.register(kinds.MessageKind(
    key=CANCELLATION, label="Appointment cancellation",
    description="Sent when an upcoming visit is cancelled (by the patient or the clinic). "
                "Transactional: e-mailed even to patients who turned reminders off.",
    subject="Your appointment on {{ date }} at {{ time }} is cancelled",
    text="""Hello {{ given_name }},

Your appointment with {{ practitioner }} on {{ date }} at {{ time }} is cancelled.

If you would like another time, book online or contact us.""",
    sms="Hi {{ given_name }}, your appointment with {{ practitioner }} on {{ date }} at "
        "{{ time }} is cancelled.",
    variables=_VISIT, transactional=True,
    translations={"fr": {
        "subject": "Votre rendez-vous du {{ date }} à {{ time }} est annulé",
        "text": """Bonjour {{ given_name }},

Votre rendez-vous avec {{ practitioner }} du {{ date }} à {{ time }} est annulé.

Pour un autre rendez-vous, réservez en ligne ou contactez-nous.""",
        "sms": "Bonjour {{ given_name }}, votre rendez-vous avec {{ practitioner }} du "
               "{{ date }} à {{ time }} est annulé.",
    }},
))

kinds.register(kinds.MessageKind(
    key=RECEIPT, label="Payment receipt",
    description="Sent when the clinic records a payment from the patient. Transactional: "
                "e-mailed even to patients who turned reminders off; never by SMS.",
    subject="Receipt: payment of {{ amount }} received",
    text="""Hello {{ given_name }},

Thank you: we received your payment of {{ amount }} on {{ received_on }}.
{% if invoice_number %}
It was applied to invoice {{ invoice_number }}.
{% endif %}
{% if portal_link %}

Your invoices and receipts are in the patient portal: {{ portal_link }}
{% endif %}""",
    variables={
        "given_name": _VISIT["given_name"],
        "amount": "The amount paid (e.g. 85.00)",
        "received_on": "The day it was received, in words",
        "invoice_number": "The number(s) of the invoice(s) it paid, comma separated "
                          "(empty when it is kept as credit)",
        "portal_link": "The address of the patient portal (empty when the clinic has not "
                       "set VESALIUS_PUBLIC_URL)",
    },
    transactional=True,
    translations={"fr": {
        "subject": "Reçu : paiement de {{ amount }} reçu",
        "text": """Bonjour {{ given_name }},

Merci : nous avons reçu votre paiement de {{ amount }} le {{ received_on }}.
{% if invoice_number %}
Il a été appliqué à la facture {{ invoice_number }}.
{% endif %}
{% if portal_link %}

Vos factures et reçus sont dans le portail patient : {{ portal_link }}
{% endif %}""",
    }},
))


def _patient(session: Session, appointment: Appointment) -> Patient | None:
    return session.get(Patient, appointment.patient_id)


def _upcoming(appointment: Appointment, now: datetime) -> bool:
    return appointment.start_at > now


def _generation(session: Session, appointment_id: int, kind: str, base: str, *,
                once: bool = True) -> str | None:
    """A fresh dedupe key for ``base`` ("reminder:appointment:42:1440:<start>"): ``base#1``
    the first time, ``base#2`` when the earlier one was cancelled (a visit moved away and
    back); with ``once``, None when one is queued or sent already (nothing to do)."""
    taken = [(key, status) for key, status in session.execute(
        select(OutboxMessage.dedupe_key, OutboxMessage.status)
        .where(OutboxMessage.appointment_id == appointment_id, OutboxMessage.kind == kind))
        if key.startswith(base + "#")]
    if once and any(status != "cancelled" for _, status in taken):
        return None
    generations = {key[len(base) + 1:].split(":")[0] for key, _ in taken}
    return f"{base}#{len(generations) + 1}"


def queue_reminders(session: Session, appointment: Appointment,
                    patient: Patient | None = None, *, new: bool = False
                    ) -> list[OutboxMessage]:
    """The reminders of the clinic's schedule for ``appointment`` (those still ahead:
    ``send_after = start - offset``, skipped once that is past). ``new``: the visit was
    booked in this transaction, so no earlier reminder of it can exist."""
    return outbox.enqueue_all(session, _reminders(session, appointment, patient, new=new))


def _reminders(session: Session, appointment: Appointment, patient: Patient | None = None,
               *, new: bool = False) -> list[dict[str, Any]]:
    """The outbox rows of :func:`queue_reminders`."""
    patient = patient or _patient(session, appointment)
    if patient is None:
        return []
    now, rows = utcnow(), []
    stamp = f"{appointment.start_at:%Y%m%dT%H%M}"
    for minutes in templates.settings(session).reminder_minutes:
        due = appointment.start_at - timedelta(minutes=minutes)
        if due <= now:
            continue
        base = f"reminder:appointment:{appointment.id}:{minutes}:{stamp}"
        key = f"{base}#1" if new else _generation(session, appointment.id, REMINDER, base)
        if key is not None:
            rows += notify.messages(session, kind=REMINDER, patient=patient, dedupe_key=key,
                                    appointment=appointment, send_after=due)
    return rows


def booked(session: Session, appointment: Appointment) -> int:
    """A visit was booked: its confirmation (unless part of a series: see
    :func:`series_booked`) and its reminders, queued in one statement; how many messages.
    Nothing for a visit already in the past (a clinic entering yesterday's walk-in)."""
    if not _upcoming(appointment, utcnow()):
        return 0
    patient = _patient(session, appointment)
    if patient is None or not (patient.email or patient.mobile or patient.phone):
        return 0
    rows = []
    if appointment.series_id is None:
        rows += notify.messages(session, kind=CONFIRMATION, patient=patient,
                                dedupe_key=f"confirmation:appointment:{appointment.id}",
                                appointment=appointment,
                                attachments=[ics.attachment(session, [appointment],
                                                            new=True)])
    return len(outbox.queue_all(session, rows + _reminders(session, appointment, patient,
                                                           new=True)))


def series_booked(session: Session, appointments: Sequence[Appointment]
                  ) -> list[OutboxMessage]:
    """A series was booked: one confirmation listing its upcoming dates (each visit's
    reminders were queued as it was booked). Tied to the first upcoming visit, so that
    cancelling that visit before it goes out also withdraws it."""
    now = utcnow()
    upcoming = sorted((a for a in appointments if _upcoming(a, now)), key=lambda a: a.start_at)
    if not upcoming:
        return []
    first = upcoming[0]
    patient = _patient(session, first)
    if patient is None:
        return []
    language = templates.language_of(session, patient.language)
    dates = []
    for appointment in upcoming:
        shown = notify.appointment_context(session, appointment, language)
        dates.append(f"{shown['date']} {shown['time']}")
    return notify.send(session, kind=SERIES_CONFIRMATION, patient=patient,
                       dedupe_key=f"confirmation:series:{first.series_id}",
                       appointment=first, context={"dates": dates, "count": len(dates)},
                       attachments=[ics.attachment(session, upcoming)])


def moved(session: Session, appointment: Appointment,
          was: tuple[datetime, int, int | None]) -> list[OutboxMessage]:
    """A visit moved (``was``: its start, practitioner and location before): the pending
    reminders (and a confirmation not yet sent) are withdrawn, the new time's reminders
    queued, and the patient told of the new time. A move of the room alone says
    nothing."""
    start, practitioner_id, location_id = was
    if (start, practitioner_id, location_id) == (
            appointment.start_at, appointment.practitioner_id, appointment.location_id):
        return []
    outbox.cancel_pending(session, appointment_id=appointment.id, kinds=UPCOMING)
    if not _upcoming(appointment, utcnow()):
        return []
    patient = _patient(session, appointment)
    if patient is None:
        return []
    language = templates.language_of(session, patient.language)
    was_at = start.astimezone(location_zone(session, location_id))
    before = {"date": long_date(was_at, language), "time": f"{was_at:%H:%M}"}
    key = _generation(session, appointment.id, RESCHEDULED,
                      f"rescheduled:appointment:{appointment.id}", once=False)
    queued = notify.send(session, kind=RESCHEDULED, patient=patient, dedupe_key=str(key),
                         appointment=appointment,
                         context={"old_date": before["date"], "old_time": before["time"]},
                         attachments=[ics.attachment(session, [appointment])])
    return queued + queue_reminders(session, appointment, patient)


def status_changed(session: Session, appointment: Appointment, old: str, new: str
                   ) -> list[OutboxMessage]:
    """A visit's status moved on. Cancelled (late or not): what was pending for it is
    withdrawn and, if it was still ahead, the cancellation queued. No-show, arrived,
    completed: its pending reminders are withdrawn. A no-show undone: its reminders are
    queued again (those still ahead)."""
    if new in ("booked", "confirmed"):
        if old == "no-show":
            return queue_reminders(session, appointment)
        return []
    outbox.cancel_pending(session, appointment_id=appointment.id, kinds=UPCOMING)
    if new not in ("cancelled", "late-cancelled") or not _upcoming(appointment, utcnow()):
        return []
    patient = _patient(session, appointment)
    if patient is None:
        return []
    return notify.send(session, kind=CANCELLATION, patient=patient,
                       dedupe_key=f"cancellation:appointment:{appointment.id}",
                       appointment=appointment,
                       attachments=[ics.attachment(session, [appointment], cancel=True)])


def portal_link() -> str:
    """The patient portal's address, from ``VESALIUS_PUBLIC_URL`` (the clinic's public
    address, e.g. https://clinic.example.org); empty when it is not set."""
    base = os.environ.get("VESALIUS_PUBLIC_URL", "").strip().rstrip("/")
    return f"{base}/portal/" if base else ""


def payment_recorded(session: Session, payment: Payment) -> list[OutboxMessage]:
    """A payment from the patient (not an insurer's, not a refund): the receipt, naming
    the amount and the invoices it paid (never their lines)."""
    if payment.method == "insurer" or payment.amount <= 0 or payment.refund_of_id:
        return []
    patient = session.get(Patient, payment.patient_id)
    if patient is None:
        return []
    numbers = [n for n in session.scalars(
        select(Invoice.number).join(PaymentAllocation,
                                    PaymentAllocation.invoice_id == Invoice.id)
        .where(PaymentAllocation.payment_id == payment.id).order_by(Invoice.number)
        .distinct()) if n]
    language = templates.language_of(session, patient.language)
    return notify.send(session, kind=RECEIPT, patient=patient,
                       dedupe_key=f"receipt:payment:{payment.id}",
                       context={"amount": f"{payment.amount:.2f}",
                                "received_on": short_date(payment.received_on, language),
                                "invoice_number": ", ".join(numbers),
                                "portal_link": portal_link()})
