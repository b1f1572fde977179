"""The ``.ics`` a patient's confirmation, moved-visit notice and cancellation carry, so the
visit lands in (moves in, leaves) their own calendar: the appointment as the practitioners'
feeds show it (:func:`vesalius.services.calendar_feed.appointment_event`: the same UID,
``appt-<id>@<host>``, so a later message replaces the event), with a SEQUENCE that counts
the .ics queued for it before (0 for the confirmation, 1 for the first move, ...).
Administrative facts only: the service, the clinic's location, the times; never a reason
for the visit or a note."""

from __future__ import annotations

import os
from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy import func, select
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
               cancel: bool = False, new: bool = False) -> dict[str, str]:
    """The outbox attachment (``{"filename", "content_type", "text"}``) for ``appointments``
    (one, or a series' upcoming visits): METHOD:PUBLISH, or METHOD:CANCEL with the event
    STATUS:CANCELLED. ``new``: booked in this transaction, so no .ics of theirs was queued
    before (SEQUENCE 0, nothing to count: a booking's statements are counted)."""
    now, where = utcnow(), host()
    ids = [a.id for a in appointments]
    sent = {} if new else dict(session.execute(
        select(OutboxMessage.appointment_id, func.count())
        .where(OutboxMessage.appointment_id.in_(ids), OutboxMessage.attachments.is_not(None))
        .group_by(OutboxMessage.appointment_id)).all())
    events = []
    for appointment in appointments:
        shown = notify.appointment_context(session, appointment)
        summary = shown["service"] or "Appointment"
        if shown["location"]:
            summary = f"{summary} at {shown['location']}"
        events.append(calendar_feed.appointment_event(
            appointment.id, appointment.start_at, appointment.end_at,
            "cancelled" if cancel else appointment.status, summary,
            shown["location"] or None, host=where, stamp=now,
            sequence=sent.get(appointment.id, 0)))
    method = "CANCEL" if cancel else "PUBLISH"
    return {"filename": FILENAME, "content_type": f"text/calendar; method={method}",
            "text": calendar_feed.invitation(events, method).decode("utf-8")}
