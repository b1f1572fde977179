"""Queueing messages in the outbox, in the caller's transaction: a message is queued if and
only if the change that caused it commits, and a ``dedupe_key`` already queued (in any
status) queues nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, make_transient_to_detached

from ..db.statements import insert_new
from ..db.types import utcnow
from ..models.messages import CHANNELS, OutboxMessage
from .render import Rendered

_TABLE = OutboxMessage.__table__
_INSERT = insert_new(_TABLE, [_TABLE.c.dedupe_key, _TABLE.c.id], ["dedupe_key"])


def row(*, kind: str, channel: str, to: str, message: Rendered, dedupe_key: str,
        send_after: datetime | None = None, patient_id: int | None = None,
        appointment_id: int | None = None, html: str | None = None,
        attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The outbox row of ``message`` for ``to`` on ``channel`` ("email" uses its subject and
    text, "sms" its sms part, else its text; ``attachments``, each ``{"filename",
    "content_type", "text"}`` or an .ics to make when sent (:func:`.ics.attachment`), go
    with an e-mail only), for :func:`enqueue_all`."""
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
    if appointment_id is not None and patient_id is None:
        raise ValueError("a message about an appointment names its patient (erasure finds it)")
    return {
        "kind": kind, "channel": channel, "recipient": to, "patient_id": patient_id,
        "appointment_id": appointment_id,
        "subject": message.subject if channel == "email" else None,
        "body_text": (message.sms or message.text) if channel == "sms" else message.text,
        "body_html": html if channel == "email" else None,
        "attachments": (attachments or None) if channel == "email" else None,
        "send_after": send_after or utcnow(), "status": "pending", "attempts": 0,
        "last_error": None, "dedupe_key": dedupe_key, "claimed_at": None, "sent_at": None,
    }


def queue_all(session: Session, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Queue the :func:`row` s in one statement; a ``dedupe_key`` queued before (in any
    status, by a concurrent transaction too) queues nothing; each row gets its
    ``created_at``. Returns the new ids by dedupe key (the busiest caller, a booking, needs
    no more: see :func:`enqueue_all`)."""
    if not rows:
        return {}
    session.flush()  # the rows name a patient or an appointment: write those first
    now = utcnow()
    for value in rows:
        value["created_at"] = now
    # ON CONFLICT DO NOTHING (both engines): no look-up first and no savepoint, and a
    # racing transaction's commit of the same key loses quietly instead of failing.
    insert = _INSERT[session.get_bind().dialect.name]
    return {key: new_id for key, new_id in session.connection().execute(insert, rows)}


def enqueue_all(session: Session, rows: Sequence[dict[str, Any]]) -> list[OutboxMessage]:
    """:func:`queue_all`, returning the rows queued, in order, as persistent objects of the
    session."""
    queued = queue_all(session, rows)
    found = []
    for value in rows:
        new_id = queued.pop(value["dedupe_key"], None)  # a key twice in rows: once
        if new_id is None:
            continue
        message = OutboxMessage(id=new_id, **value)
        make_transient_to_detached(message)  # as if loaded: the row exists
        session.add(message)
        found.append(message)
    return found


def enqueue(session: Session, *, kind: str, channel: str, to: str, message: Rendered,
            dedupe_key: str, send_after: datetime | None = None,
            patient_id: int | None = None, appointment_id: int | None = None,
            html: str | None = None,
            attachments: list[dict[str, Any]] | None = None) -> OutboxMessage | None:
    """Queue ``message`` for ``to`` on ``channel`` (see :func:`row`). Returns the row, or
    None when ``dedupe_key`` was queued before."""
    found = enqueue_all(session, [row(
        kind=kind, channel=channel, to=to, message=message, dedupe_key=dedupe_key,
        send_after=send_after, patient_id=patient_id, appointment_id=appointment_id,
        html=html, attachments=attachments)])
    return found[0] if found else None


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
