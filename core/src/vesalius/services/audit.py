"""The append-only audit log: every read and write of clinical and financial data.

Only ids, actions and short non-clinical details are written: never note content, never
measure responses, never free text a clinician typed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..db.types import utcnow
from ..models import AuditEvent, AuditList, AuditListItem
from .actor import Actor

_INSERT = insert(AuditEvent.__table__)
_INSERT_ITEMS = insert(AuditListItem.__table__)
#: A list already stored is named again, not written again (race-free on both databases).
#: RETURNING says whether the row is new (rowcount is not reliable across drivers here).
_INSERT_LIST = {
    "sqlite": sqlite.insert(AuditList.__table__).on_conflict_do_nothing()
    .returning(AuditList.__table__.c.digest),
    "postgresql": postgresql.insert(AuditList.__table__).on_conflict_do_nothing()
    .returning(AuditList.__table__.c.digest),
}


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
        # Core executemany on the caller's connection (the ORM bulk path costs more).
        session.connection().execute(_INSERT, rows)


def list_digest(resource_type: str, items: list[tuple[int | None, int | None]]) -> str:
    """The name of a list of records: SHA-256 of its type and its ordered id pairs."""
    text = resource_type + "\n" + ",".join(f"{rid}:{pid}" for rid, pid in items)
    return hashlib.sha256(text.encode()).hexdigest()


def record_list(session: Session, actor: Actor, action: str, resource_type: str,
                items: Iterable[tuple[int | None, int | None]],
                detail: str | None = None) -> str | None:
    """One event for a list read (who, when, from where) naming the list of
    ``(resource_id, patient_id)`` it showed; the list's items are written the first time
    that exact list is read, so a page read again costs one row. Returns the list's digest
    (None when the list was empty: nothing was shown)."""
    pairs = list(items)
    if not pairs:
        return None
    digest = list_digest(resource_type, pairs)
    conn = session.connection()
    added = conn.execute(_INSERT_LIST[conn.dialect.name], {
        "digest": digest, "resource_type": resource_type, "size": len(pairs)}).first()
    if added is not None:
        conn.execute(_INSERT_ITEMS, [
            {"list_digest": digest, "position": n, "resource_id": rid, "patient_id": pid}
            for n, (rid, pid) in enumerate(pairs)])
    row = _row(actor, action, resource_type, None, None, detail, "ok")
    row["list_digest"] = digest
    conn.execute(_INSERT, row)
    return digest


def list_items(session: Session, actor: Actor, digest: str) -> list[tuple[int | None,
                                                                          int | None]]:
    """The ``(resource_id, patient_id)`` pairs a list read showed, in the order shown."""
    actor.require("audit.read")
    return [(rid, pid) for rid, pid in session.execute(
        select(AuditListItem.resource_id, AuditListItem.patient_id)
        .where(AuditListItem.list_digest == digest).order_by(AuditListItem.position))]


def events(session: Session, actor: Actor, *, patient_id: int | None = None,
           user_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
    """The newest events, optionally of one patient or one user (owner only). A patient's
    events include the list reads that showed one of their records."""
    actor.require("audit.read")
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(min(limit, 1000))
    if patient_id is not None:
        query = query.where(or_(
            AuditEvent.patient_id == patient_id,
            AuditEvent.list_digest.in_(select(AuditListItem.list_digest)
                                       .where(AuditListItem.patient_id == patient_id))))
    if user_id is not None:
        query = query.where(AuditEvent.user_id == user_id)
    return list(session.scalars(query))
