"""The ``.ics`` a patient's confirmation, moved-visit notice and cancellation carry, so the
visit lands in (moves in, leaves) their own calendar: the appointment as the practitioners'
feeds show it (:func:`vesalius.services.calendar_feed.appointment_event`: the same UID,
``appt-<id>@<host>``, so a later message replaces the event), with a SEQUENCE that counts
the .ics queued for it before (0 for the confirmation, 1 for the first move, ...).
Administrative facts only: the service, the clinic's location, the times; never a reason
for the visit or a note.

The outbox row holds what the .ics is of (:func:`attachment`); the calendar itself is made
by the worker when it sends the message (:func:`made`), from the visits as they are then:
a booking stays cheap, and what lands in the patient's calendar is never older than the
message that carries it."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..models import Appointment, OutboxMessage
from ..services import calendar_feed
from . import notify

FILENAME = "appointment.ics"


def host() -> str:
    """The UID's host: the clinic's public address (``VESALIUS_PUBLIC_URL``), as the feeds
    served there use, else "vesalius"."""
    url = os.environ.get("VESALIUS_PUBLIC_URL", "").strip()
    return (urlsplit(url).hostname if url else None) or "vesalius"


def attachment(session: Session, appointments: Sequence[Appointment], *,
               cancel: bool = False, new: bool = False) -> dict[str, Any]:
    """The outbox attachment for ``appointments`` (one, or a series' upcoming visits):
    ``{"filename", "content_type", "ics": {...}}``, made into METHOD:PUBLISH, or
    METHOD:CANCEL with the events STATUS:CANCELLED, when sent. ``new``: booked in this
    transaction, so no .ics of theirs was queued before (SEQUENCE 0, nothing to count: a
    booking's statements are counted)."""
    ids = [a.id for a in appointments]
    sent = {} if new else _sent(session, appointments)
    method = "CANCEL" if cancel else "PUBLISH"
    return {"filename": FILENAME, "content_type": f"text/calendar; method={method}",
            "ics": {"appointments": ids, "sequence": [sent.get(i, 0) for i in ids],
                    "cancel": cancel, "stamp": utcnow().isoformat()}}


def _sent(session: Session, appointments: Sequence[Appointment]) -> dict[int, int]:
    """How many .ics were queued before for each visit: the e-mails tied to it, and those
    of a series message (tied to its first visit only) whose .ics carried it. One query."""
    ids = [a.id for a in appointments]
    series = {a.series_id for a in appointments if a.series_id is not None}
    if not series:
        return dict(session.execute(
            select(OutboxMessage.appointment_id, func.count())
            .where(OutboxMessage.appointment_id.in_(ids),
                   OutboxMessage.attachments.is_not(None))
            .group_by(OutboxMessage.appointment_id)).all())
    tied = or_(OutboxMessage.appointment_id.in_(ids), OutboxMessage.appointment_id.in_(
        select(Appointment.id).where(Appointment.series_id.in_(series))))
    counts = dict.fromkeys(ids, 0)
    for appointment_id, attachments in session.execute(
            select(OutboxMessage.appointment_id, OutboxMessage.attachments)
            .where(tied, OutboxMessage.attachments.is_not(None))):
        carried = {i for part in attachments or () for i in
                   (part.get("ics") or {}).get("appointments", ())}
        for i in ids:
            if i == appointment_id or i in carried:
                counts[i] += 1
    return counts


def made(session: Session, attachment: Mapping[str, Any]) -> dict[str, str] | None:
    """An attachment as it is sent: an .ics one made into its text from its visits as they
    are now (None when none of them is left: erased); any other as it is."""
    spec = attachment.get("ics")
    if spec is None:
        return dict(attachment)
    found = {a.id: a for a in session.scalars(
        select(Appointment).where(Appointment.id.in_(spec["appointments"])))}
    stamp, where = datetime.fromisoformat(spec["stamp"]), host()
    events = []
    for appointment_id, sequence in zip(spec["appointments"], spec["sequence"], strict=True):
        appointment = found.get(appointment_id)
        if appointment is None:
            continue
        shown = notify.appointment_context(session, appointment)
        summary = shown["service"] or "Appointment"
        if shown["location"]:
            summary = f"{summary} at {shown['location']}"
        events.append(calendar_feed.appointment_event(
            appointment.id, appointment.start_at, appointment.end_at,
            "cancelled" if spec["cancel"] else appointment.status, summary,
            shown["location"] or None, host=where, stamp=stamp, sequence=sequence))
    if not events:
        return None
    method = "CANCEL" if spec["cancel"] else "PUBLISH"
    return {"filename": attachment["filename"], "content_type": attachment["content_type"],
            "text": calendar_feed.invitation(events, method).decode("utf-8")}
