"""Queueing messages in the outbox, in the caller's transaction: a message is queued if and
only if the change that caused it commits, and a ``dedupe_key`` already queued (in any
status) queues nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..models.messages import CHANNELS, OutboxMessage
from .render import Rendered


def enqueue(session: Session, *, kind: str, channel: str, to: str, message: Rendered,
            dedupe_key: str, send_after: datetime | None = None,
            patient_id: int | None = None, appointment_id: int | None = None,
            html: str | None = None,
            attachments: list[dict[str, str]] | None = None) -> OutboxMessage | None:
    """Queue ``message`` for ``to`` on ``channel`` ("email" uses its subject and text,
    "sms" its sms part, else its text; ``attachments``, each ``{"filename",
    "content_type", "text"}``, go with an e-mail only). Returns the row, or None when
    ``dedupe_key`` was queued before."""
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
    if appointment_id is not None and patient_id is None:
        raise ValueError("a message about an appointment names its patient (erasure finds it)")
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    row = OutboxMessage(
        kind=kind, channel=channel, recipient=to, patient_id=patient_id,
        appointment_id=appointment_id,
        subject=message.subject if channel == "email" else None,
        body_text=(message.sms or message.text) if channel == "sms" else message.text,
        body_html=html if channel == "email" else None,
        attachments=(attachments or None) if channel == "email" else None,
        send_after=send_after or utcnow(), status="pending", attempts=0,
        dedupe_key=dedupe_key)
    try:
        with session.begin_nested():  # a concurrent enqueue of the same key loses quietly
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def cancel_pending(session: Session, *, appointment_id: int | None = None,
                   patient_id: int | None = None, kinds: Iterable[str] | None = None) -> int:
    """Cancel what is still pending for an appointment (or a patient), optionally only some
    kinds (a rescheduled visit's reminders, say). Returns how many were cancelled."""
    if appointment_id is None and patient_id is None:
        raise ValueError("cancel_pending needs an appointment_id or a patient_id")
    stmt = update(OutboxMessage).where(OutboxMessage.status == "pending")
    if appointment_id is not None:
        stmt = stmt.where(OutboxMessage.appointment_id == appointment_id)
    if patient_id is not None:
        stmt = stmt.where(OutboxMessage.patient_id == patient_id)
    if kinds is not None:
        stmt = stmt.where(OutboxMessage.kind.in_(list(kinds)))
    result = session.execute(stmt.values(status="cancelled")
                             .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)
