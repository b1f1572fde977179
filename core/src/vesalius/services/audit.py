"""The append-only audit log: every read and write of clinical and financial data.

Only ids, actions and short non-clinical details are written: never note content, never
measure responses, never free text a clinician typed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..models import AuditEvent
from .actor import Actor

_INSERT = insert(AuditEvent.__table__)


def _row(actor: Actor, action: str, resource_type: str, resource_id: int | None,
         patient_id: int | None, detail: str | None, outcome: str) -> dict[str, object]:
    return {
        "at": utcnow(),
        "user_id": actor.user_id,
        "role": actor.role,
        "action": action,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "patient_id": patient_id,
        "outcome": outcome,
        "ip": actor.ip,
        "user_agent": actor.user_agent,
        "detail": (detail or None) and detail[:300],
    }


def record(session: Session, actor: Actor, action: str, resource_type: str,
           resource_id: int | None = None, patient_id: int | None = None,
           detail: str | None = None, outcome: str = "ok") -> None:
    """Append one audit event in the caller's transaction."""
    # A Core insert on the caller's connection: the ORM's bulk path costs more than the row.
    session.connection().execute(
        _INSERT, _row(actor, action, resource_type, resource_id, patient_id, detail, outcome))


def record_many(session: Session, actor: Actor, action: str, resource_type: str,
                items: Iterable[tuple[int | None, int | None]],
                detail: str | None = None) -> None:
    """One event per ``(resource_id, patient_id)``, in a single statement (a list read)."""
    rows = [_row(actor, action, resource_type, rid, pid, detail, "ok") for rid, pid in items]
    if rows:
        session.execute(insert(AuditEvent), rows)


def events(session: Session, actor: Actor, *, patient_id: int | None = None,
           user_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
    """The newest events, optionally of one patient or one user (owner only)."""
    actor.require("audit.read")
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(min(limit, 1000))
    if patient_id is not None:
        query = query.where(AuditEvent.patient_id == patient_id)
    if user_id is not None:
        query = query.where(AuditEvent.user_id == user_id)
    return list(session.scalars(query))
