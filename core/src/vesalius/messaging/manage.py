"""The owner's view of the outbox and what they may do to it: counts by status, the rows of
one status (never a message's body), re-queueing a failed message or one a stopped worker
left "sending", cancelling one still pending. Every action is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, load_only

from ..db.types import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..models.messages import CHANNELS, STATUSES, OutboxMessage
from ..services import audit
from ..services.actor import Actor
from .sender import STALE_AFTER

OM = OutboxMessage
#: A status, or "stale": rows left "sending" by a worker that stopped.
FILTERS = (*STATUSES, "stale")
PAGE_ROWS = 200


@dataclass(frozen=True)
class Overview:
    counts: dict[str, int]  # by status, and "stale"
    rows: list[OutboxMessage]
    total: int  # rows matching the filter (the page shows at most PAGE_ROWS)
    stale_before: datetime


def _stale_before(now: datetime) -> datetime:
    return now - STALE_AFTER


def overview(session: Session, actor: Actor, *, status: str | None = None,
             channel: str | None = None, now: datetime | None = None,
             limit: int = PAGE_ROWS) -> Overview:
    """Counts and the newest rows of ``status`` (default: failed and stale first, then the
    rest) on ``channel``. Three queries whatever the number of rows."""
    actor.require("outbox.manage")
    if status is not None and status not in FILTERS:
        raise Invalid(f"status must be one of {', '.join(FILTERS)}", field="status")
    if channel is not None and channel not in CHANNELS:
        raise Invalid(f"channel must be one of {', '.join(CHANNELS)}", field="channel")
    stale_before = _stale_before(now or utcnow())
    is_stale = (OM.status == "sending") & (OM.claimed_at <= stale_before)
    counted = select(OM.status, func.count(), func.count().filter(is_stale)).group_by(
        OM.status)
    if channel:
        counted = counted.where(OM.channel == channel)
    counts = dict.fromkeys(FILTERS, 0)
    for name, number, stale in session.execute(counted):
        counts[name] = number
        counts["stale"] += stale
    where = []
    if status == "stale":
        where.append(is_stale)
    elif status:
        where.append(OM.status == status)
    if channel:
        where.append(OM.channel == channel)
    listed = (select(OM).where(*where)
              # Never the body: the page has no use for it.
              .options(load_only(OM.id, OM.kind, OM.channel, OM.recipient, OM.subject,
                                 OM.send_after, OM.status, OM.attempts, OM.last_error,
                                 OM.created_at, OM.claimed_at, OM.sent_at, OM.patient_id))
              .order_by(OM.send_after.desc(), OM.id.desc()).limit(limit))
    rows = list(session.scalars(listed))
    total = (counts[status] if status else sum(counts[s] for s in STATUSES))
    audit.record(session, actor, "read", "outbox", detail=(
        f"list status={status or 'all'} channel={channel or 'all'} rows={len(rows)}"))
    return Overview(counts=counts, rows=rows, total=total, stale_before=stale_before)


def _row(session: Session, message_id: int) -> OutboxMessage:
    row = session.get(OM, message_id)
    if row is None:
        raise NotFound(f"no message {message_id} in the outbox", field="message_id")
    return row


def requeue(session: Session, actor: Actor, message_id: int,
            now: datetime | None = None) -> OutboxMessage:
    """Send a failed message again, or one a stopped worker left "sending" (someone has
    checked with the patient that it did not arrive): pending, due now, attempts from 0."""
    actor.require("outbox.manage")
    now = now or utcnow()
    row = _row(session, message_id)
    was = row.status
    allowed = ((OM.status == "failed")
               | ((OM.status == "sending") & (OM.claimed_at <= _stale_before(now))))
    done = session.execute(
        update(OM).where(OM.id == message_id, allowed)
        .values(status="pending", send_after=now, attempts=0, claimed_at=None)
        .execution_options(synchronize_session=False))
    if not done.rowcount:
        raise Conflict("only a failed message, or one left sending by a worker that "
                       "stopped, can be sent again" if was != "sending" else
                       "this message is being sent now: wait a few minutes", field="status")
    session.refresh(row)
    audit.record(session, actor, "requeue", "outbox_message", message_id, row.patient_id,
                 detail=f"was {was}")
    return row


def cancel(session: Session, actor: Actor, message_id: int) -> OutboxMessage:
    """Cancel a message that is still pending (not yet taken by the worker)."""
    actor.require("outbox.manage")
    row = _row(session, message_id)
    done = session.execute(
        update(OM).where(OM.id == message_id, OM.status == "pending")
        .values(status="cancelled").execution_options(synchronize_session=False))
    if not done.rowcount:
        raise Conflict("only a pending message can be cancelled", field="status")
    session.refresh(row)
    audit.record(session, actor, "cancel", "outbox_message", message_id, row.patient_id)
    return row
