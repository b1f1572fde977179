"""What the clinic tells a patient about their appointments and payments, and when: the
confirmation of a booking (one per visit; one listing the dates for a series), the
reminders of the clinic's schedule, the notice of a moved visit, the cancellation, and
the receipt of a payment. Several visits of a series cancelled or moved together get one
message listing their dates (:func:`series_cancelled`, :func:`series_moved`). Scheduling
and billing call in here inside their own transaction, so a message is queued exactly
when the change commits.

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

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..models import (
    Appointment,
    Invoice,
    Location,
    OutboxMessage,
    Patient,
    Payment,
    PaymentAllocation,
    Practitioner,
    Service,
)
from ..services.scheduling import location_zone
from . import ics, kinds, notify, outbox, templates
from .dates import long_date, short_date

CONFIRMATION = "appointment-confirmation"
SERIES_CONFIRMATION = "appointment-series-confirmation"
REMINDER = "appointment-reminder"
RESCHEDULED = "appointment-rescheduled"
SERIES_RESCHEDULED = "appointment-series-rescheduled"
CANCELLATION = "appointment-cancellation"
SERIES_CANCELLATION = "appointment-series-cancellation"
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

#: The variables of a message about several visits of a series (no time of its own).
_SERIES = {
    "given_name": _VISIT["given_name"], "practitioner": _VISIT["practitioner"],
    "service": _VISIT["service"], "location": _VISIT["location"],
    "dates": "The visits' dates and times, a list (use {% for when in dates %})",
}

#: How a message about several visits lists them, by language.
_LIST = {
    "en": '{{ service or "Appointment" }} with {{ practitioner }}'
          '{% if location %}, {{ location }}{% endif %}'
          "\n\n{% for when in dates %}\n- {{ when }}\n{% endfor %}",
    "fr": '{{ service or "Rendez-vous" }} avec {{ practitioner }}'
          '{% if location %}, {{ location }}{% endif %}'
          "\n\n{% for when in dates %}\n- {{ when }}\n{% endfor %}",
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

""" + _LIST["en"] + """

If you cannot come to one of them, please let us know as early as you can.

See you soon.""",
    sms="Hi {{ given_name }}, {{ count }} appointments with {{ practitioner }} are booked, "
        "the first on {{ dates[0] }}. Details by e-mail or from the clinic.",
    variables=_SERIES | {"count": "How many visits were booked"},
    translations={"fr": {
        "subject": "Vos {{ count }} rendez-vous avec {{ practitioner }}",
        "text": """Bonjour {{ given_name }},

Vos rendez-vous sont réservés :

""" + _LIST["fr"] + """

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
    key=SERIES_RESCHEDULED, label="Appointment moved (series)",
    description="Sent once when the clinic moves several visits of a series together "
                "(this and the following ones, or all): lists their new dates.",
    subject="Your {{ count }} appointments with {{ practitioner }} have moved",
    text="""Hello {{ given_name }},

Your appointments have moved. They are now:

""" + _LIST["en"] + """

If the new times do not suit you, please let us know.""",
    sms="Hi {{ given_name }}, your {{ count }} appointments with {{ practitioner }} have "
        "moved; the first is now on {{ dates[0] }}. Details by e-mail or from the clinic.",
    variables=_SERIES | {"count": "How many visits moved"},
    translations={"fr": {
        "subject": "Vos {{ count }} rendez-vous avec {{ practitioner }} sont déplacés",
        "text": """Bonjour {{ given_name }},

Vos rendez-vous ont été déplacés. Ils ont maintenant lieu :

""" + _LIST["fr"] + """

Si ces nouveaux horaires ne vous conviennent pas, prévenez-nous.""",
        "sms": "Bonjour {{ given_name }}, vos {{ count }} rendez-vous avec {{ practitioner }} "
               "sont déplacés ; le premier a maintenant lieu le {{ dates[0] }}. Détails par "
               "courriel ou auprès de la clinique.",
    }},
))

kinds.register(kinds.MessageKind(
    key=SERIES_CANCELLATION, label="Appointment cancellation (series)",
    description="Sent once when the clinic cancels several visits of a series together "
                "(this and the following ones, or all): lists their dates. "
                "Transactional: e-mailed even to patients who turned reminders off.",
    subject="Your {{ count }} appointments with {{ practitioner }} are cancelled",
    text="""Hello {{ given_name }},

These appointments are cancelled:

""" + _LIST["en"] + """

If you would like other times, book online or contact us.""",
    sms="Hi {{ given_name }}, your {{ count }} appointments with {{ practitioner }} from "
        "{{ dates[0] }} are cancelled.",
    variables=_SERIES | {"count": "How many visits were cancelled"}, transactional=True,
    translations={"fr": {
        "subject": "Vos {{ count }} rendez-vous avec {{ practitioner }} sont annulés",
        "text": """Bonjour {{ given_name }},

Ces rendez-vous sont annulés :

""" + _LIST["fr"] + """

Pour d'autres rendez-vous, réservez en ligne ou contactez-nous.""",
        "sms": "Bonjour {{ given_name }}, vos {{ count }} rendez-vous avec {{ practitioner }} "
               "à partir du {{ dates[0] }} sont annulés.",
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
    cancelling the series from that visit on before it goes out also withdraws it
    (:func:`series_cancelled`)."""
    upcoming = _upcoming_of(appointments)
    if not upcoming:
        return []
    return outbox.enqueue_all(session, _series_message(
        session, SERIES_CONFIRMATION, upcoming, f"confirmation:series:{upcoming[0].series_id}"))


def _upcoming_of(appointments: Sequence[Appointment]) -> list[Appointment]:
    now = utcnow()
    return sorted((a for a in appointments if _upcoming(a, now)), key=lambda a: a.start_at)


def _series_message(session: Session, kind: str, upcoming: Sequence[Appointment],
                    dedupe_key: str, *, cancel: bool = False) -> list[dict[str, Any]]:
    """The outbox rows of one message of ``kind`` about several visits (in order) listing
    their dates, tied to the first, with one .ics carrying each visit (METHOD:CANCEL with
    ``cancel``)."""
    first = upcoming[0]
    patient = _patient(session, first)
    if patient is None:
        return []
    language = templates.language_of(session, patient.language)
    held = _parties(session, upcoming)  # noqa: F841  (referenced: see _parties)
    dates = []
    for appointment in upcoming:
        shown = notify.appointment_context(session, appointment, language)
        dates.append(f"{shown['date']} {shown['time']}")
    return notify.messages(session, kind=kind, patient=patient, dedupe_key=dedupe_key,
                           appointment=first, context={"dates": dates, "count": len(dates)},
                           attachments=[ics.attachment(session, upcoming, cancel=cancel)])


def _parties(session: Session, appointments: Sequence[Appointment]) -> list[object]:
    """The visits' locations, practitioners and services, loaded in one query each: each
    visit's words look them up by id, and the session's identity map keeps an object only
    while something refers to it, so the caller holds this list while it words them (a
    series' dates then cost no query each)."""
    held: list[object] = []
    for model, column in ((Location, "location_id"), (Practitioner, "practitioner_id"),
                          (Service, "service_id")):
        ids = {getattr(a, column) for a in appointments} - {None}
        if ids:
            held += session.scalars(select(model).where(model.id.in_(ids))).all()
    return held


#: Where a visit was before a move: its start, practitioner and location.
Was = tuple[datetime, int, int | None]


def _moved(appointment: Appointment, was: Was) -> bool:
    """Whether the patient has news: a move of the room alone is none."""
    return was != (appointment.start_at, appointment.practitioner_id, appointment.location_id)


def moved(session: Session, appointment: Appointment, was: Was, *,
          tell: bool = True) -> list[OutboxMessage]:
    """A visit moved (``was``: where it was before): the pending reminders (and a
    confirmation not yet sent) are withdrawn, the new time's reminders queued, and the
    patient told of the new time (unless not ``tell``: a series' visits moved together
    are told once, :func:`series_moved`). A move of the room alone says nothing."""
    if not _moved(appointment, was):
        return []
    outbox.cancel_pending(session, appointment_id=appointment.id, kinds=UPCOMING)
    if not _upcoming(appointment, utcnow()):
        return []
    patient = _patient(session, appointment)
    if patient is None:
        return []
    queued = _rescheduled(session, appointment, was, patient) if tell else []
    return queued + queue_reminders(session, appointment, patient)


def _rescheduled(session: Session, appointment: Appointment, was: Was,
                 patient: Patient) -> list[OutboxMessage]:
    """The notice of one moved visit, naming its time before and after."""
    start, _practitioner_id, location_id = was
    language = templates.language_of(session, patient.language)
    was_at = start.astimezone(location_zone(session, location_id))
    before = {"date": long_date(was_at, language), "time": f"{was_at:%H:%M}"}
    key = _generation(session, appointment.id, RESCHEDULED,
                      f"rescheduled:appointment:{appointment.id}", once=False)
    return notify.send(session, kind=RESCHEDULED, patient=patient, dedupe_key=str(key),
                       appointment=appointment,
                       context={"old_date": before["date"], "old_time": before["time"]},
                       attachments=[ics.attachment(session, [appointment])])


def series_moved(session: Session, changes: Sequence[tuple[Appointment, Was]]
                 ) -> list[OutboxMessage]:
    """Visits of a series moved together (each by :func:`moved` with ``tell=False``, which
    moved their reminders): one notice listing the new dates of those still ahead that
    the patient has news of, with one .ics carrying each; a single such visit gets its
    own notice, naming its time before."""
    upcoming = _upcoming_of([a for a, was in changes if _moved(a, was)])
    if len(upcoming) == 1:
        (appointment,) = upcoming
        patient = _patient(session, appointment)
        was = next(w for a, w in changes if a is appointment)
        return _rescheduled(session, appointment, was, patient) if patient else []
    if not upcoming:
        return []
    first = upcoming[0]
    key = _generation(session, first.id, SERIES_RESCHEDULED,
                      f"rescheduled:series:{first.series_id}:{first.id}", once=False)
    return outbox.enqueue_all(session, _series_message(session, SERIES_RESCHEDULED, upcoming,
                                                       str(key)))


def status_changed(session: Session, appointment: Appointment, old: str, new: str, *,
                   tell: bool = True) -> list[OutboxMessage]:
    """A visit's status moved on. Cancelled (late or not): what was pending for it is
    withdrawn and, if it was still ahead, the cancellation queued (unless not ``tell``: a
    series' visits cancelled together are told once, :func:`series_cancelled`). No-show,
    arrived, completed: its pending reminders are withdrawn. A no-show undone: its
    reminders are queued again (those still ahead)."""
    if new in ("booked", "confirmed"):
        if old == "no-show":
            return queue_reminders(session, appointment)
        return []
    outbox.cancel_pending(session, appointment_id=appointment.id, kinds=UPCOMING)
    if (not tell or new not in ("cancelled", "late-cancelled")
            or not _upcoming(appointment, utcnow())):
        return []
    return outbox.enqueue_all(session, _cancellation(session, appointment))


def _cancellation(session: Session, appointment: Appointment) -> list[dict[str, Any]]:
    """The outbox rows of one visit's cancellation, its .ics cancelling the event (once
    per visit)."""
    patient = _patient(session, appointment)
    if patient is None:
        return []
    return notify.messages(session, kind=CANCELLATION, patient=patient,
                           dedupe_key=f"cancellation:appointment:{appointment.id}",
                           appointment=appointment,
                           attachments=[ics.attachment(session, [appointment], cancel=True)])


def series_cancelled(session: Session, appointments: Sequence[Appointment]
                     ) -> list[OutboxMessage]:
    """Visits of a series cancelled together (each by :func:`status_changed` with
    ``tell=False``, which withdrew what was pending for it): the messages of
    :func:`series_cancellation`, queued. A series' confirmation or moved-visits notice
    still pending and tied to one of them (its first date) is withdrawn. The dedupe key
    names the series and the first visit (a cancelled visit stays cancelled), so a retry
    queues nothing."""
    session.execute(update(OutboxMessage).where(
        OutboxMessage.status == "pending",
        OutboxMessage.appointment_id.in_([a.id for a in appointments]),
        OutboxMessage.kind.in_((SERIES_CONFIRMATION, SERIES_RESCHEDULED)))
        .values(status="cancelled").execution_options(synchronize_session=False))
    return outbox.enqueue_all(session, series_cancellation(session, appointments))


def series_cancellation(session: Session, appointments: Sequence[Appointment]
                        ) -> list[dict[str, Any]]:
    """What cancelling these visits together tells the patient, as outbox rows (queued by
    :func:`series_cancelled`; shown before by the calendar's series-cancel page): one
    cancellation listing those still ahead, with one .ics cancelling each; a single one
    ahead gets its own cancellation; none ahead, nothing."""
    upcoming = _upcoming_of(appointments)
    if len(upcoming) == 1:
        return _cancellation(session, upcoming[0])
    if not upcoming:
        return []
    first = upcoming[0]
    return _series_message(session, SERIES_CANCELLATION, upcoming,
                           f"cancellation:series:{first.series_id}:{first.id}", cancel=True)


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
