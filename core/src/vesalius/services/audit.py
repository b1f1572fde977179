"""The append-only audit log: every read and write of clinical and financial data.

Only ids, actions and short non-clinical details are written: never note content, never
measure responses, never free text a clinician typed.

The log is a hash chain (tamper evidence, ASVS 16.4.2): each event stores the SHA-256 of
the event before it (``prev_hash``) and of its own fields (its position ``seq`` among
them) with that link (``hash``), so a
changed, deleted or reordered row breaks the chain at that point; :func:`verify_chain`
finds the first broken link. A list read's event names its list by digest, and the list's
items are checked against that digest, so the chain covers the lists too.

The chain is one line however many workers write. Events are collected in the session and
appended when it commits (:func:`flush`), under a lock held from reading the chain's head
to the commit: SQLite's write lock (the core's transactions are ``BEGIN IMMEDIATE``; a
page view's deferred transaction is made immediate here) and, on PostgreSQL, a transaction
advisory lock. The lock is held only for the append and the commit, not the request's
work. A unique index on ``seq`` makes a fork impossible even for a writer that
bypassed the lock. Appends must run at READ COMMITTED on PostgreSQL (the default).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, func, insert, inspect, or_, select
from sqlalchemy.orm import Session, SessionTransaction

from ..db.statements import insert_new
from ..db.types import utcnow
from ..models import AuditEvent, AuditList, AuditListItem
from .actor import Actor

if TYPE_CHECKING:
    from .audit_anchors import Anchor

_INSERT = insert(AuditEvent.__table__)
_INSERT_ITEMS = insert(AuditListItem.__table__)
#: A list already stored is named again, not written again (race-free on both databases).
#: RETURNING says whether the row is new (rowcount is not reliable across drivers here).
_INSERT_LIST = insert_new(AuditList.__table__, [AuditList.__table__.c.digest])

#: The ``prev_hash`` of the first event of a clinic.
GENESIS = "0" * 64
#: The PostgreSQL advisory lock that serialises appends (7366001 guards migrations).
CHAIN_LOCK = 7366002
#: The fields an event's hash covers, in this order (all but ``id`` and the links).
CHAINED = ("at", "user_id", "role", "action", "resource_type", "resource_id", "patient_id",
           "outcome", "ip", "user_agent", "detail", "list_digest", "seq")

_FIELDS = itemgetter(*CHAINED)
_LOCK = f"SELECT pg_advisory_xact_lock({CHAIN_LOCK})"
_HEAD = "SELECT seq, hash FROM audit_events ORDER BY id DESC LIMIT 1"
_PENDING = "vesalius.audit.pending"
_MARKS = "vesalius.audit.savepoints"


def _canonical(row: Mapping[str, Any]) -> bytes:
    """The event's fields as compact JSON, ``at`` as UTC to the microsecond."""
    values = list(_FIELDS(row))
    if values[0] is not None:
        values[0] = values[0].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()


def link(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The hash of an event: SHA-256 of the previous event's hash and its own fields."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(row)).hexdigest()


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
        "list_digest": None,  # every row has every key: they are inserted together
    }


def _pending(session: Session) -> list[dict[str, object]]:
    if not session.in_transaction():
        session.connection()  # the events belong to a transaction: its rollback drops them
    return session.info.setdefault(_PENDING, [])  # type: ignore[no-any-return]


def record(session: Session, actor: Actor, action: str, resource_type: str,
           resource_id: int | None = None, patient_id: int | None = None,
           detail: str | None = None, outcome: str = "ok") -> None:
    """Add one audit event to the caller's transaction (written when it commits)."""
    _pending(session).append(
        _row(actor, action, resource_type, resource_id, patient_id, detail, outcome))


def record_many(session: Session, actor: Actor, action: str, resource_type: str,
                items: Iterable[tuple[int | None, int | None]],
                detail: str | None = None) -> None:
    """One event per ``(resource_id, patient_id)`` (a list read)."""
    _pending(session).extend(
        _row(actor, action, resource_type, rid, pid, detail, "ok") for rid, pid in items)


def flush(session: Session) -> int:
    """Append the session's recorded events to the chain now; returns how many.

    Runs by itself before every commit. From the first append on, the chain's lock is held
    until the transaction ends, so call it only to read back the events just recorded.
    """
    rows = session.info.get(_PENDING)
    if not rows:
        return 0
    conn = session.connection()
    # The lock and the head go straight to the driver (SQLAlchemy's execution machinery
    # costs more than these two statements; so they are not seen by its events or echo):
    # this runs at every commit that recorded an event.
    raw: Any = conn.connection.dbapi_connection
    cursor = raw.cursor()
    try:
        if conn.dialect.name == "postgresql":
            # One round trip for both (psycopg's pipeline mode): the server still runs the
            # head's read after the lock is granted, so it sees the last holder's append.
            with raw.cursor() as locking, raw.pipeline():
                locking.execute(_LOCK)
                cursor.execute(_HEAD)
        else:
            if not raw.in_transaction:
                # A page view's transaction has not begun (it only read): take the write
                # lock before reading the head, so no other writer appends in between.
                cursor.execute("BEGIN IMMEDIATE")
            cursor.execute(_HEAD)
        head = cursor.fetchone()
    finally:
        cursor.close()
    seq, prev = (head[0] or 0, head[1] or GENESIS) if head is not None else (0, GENESIS)
    for row in rows:
        seq += 1
        row["seq"] = seq
        row["prev_hash"] = prev
        row["hash"] = prev = link(prev, row)
    # A Core insert on the caller's connection: the ORM's bulk path costs more than the rows.
    conn.execute(_INSERT, rows)
    session.info[_PENDING] = []
    marks = session.info.get(_MARKS, {})
    for savepoint in marks:  # the rows are the database's now: its savepoints govern them
        marks[savepoint] = 0
    return len(rows)


# Events recorded in a savepoint that is rolled back are dropped with it, as rows were.
@event.listens_for(Session, "after_transaction_create")
def _savepoint_begins(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[transaction] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        mark = session.info.get(_MARKS, {}).pop(transaction, None)
        if mark is not None:
            del session.info.get(_PENDING, [])[mark:]


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_PENDING, None)
        session.info.pop(_MARKS, None)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        flush(session)


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
    _pending(session).append(row)
    return digest


def list_items(session: Session, actor: Actor, digest: str) -> list[tuple[int | None,
                                                                          int | None]]:
    """The ``(resource_id, patient_id)`` pairs a list read showed, in the order shown."""
    actor.require("audit.read")
    flush(session)
    return [(rid, pid) for rid, pid in session.execute(
        select(AuditListItem.resource_id, AuditListItem.patient_id)
        .where(AuditListItem.list_digest == digest).order_by(AuditListItem.position))]


def events(session: Session, actor: Actor, *, patient_id: int | None = None,
           user_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
    """The newest events, optionally of one patient or one user (owner only). A patient's
    events include the list reads that showed one of their records."""
    actor.require("audit.read")
    flush(session)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(min(limit, 1000))
    if patient_id is not None:
        query = query.where(or_(
            AuditEvent.patient_id == patient_id,
            AuditEvent.list_digest.in_(select(AuditListItem.list_digest)
                                       .where(AuditListItem.patient_id == patient_id))))
    if user_id is not None:
        query = query.where(AuditEvent.user_id == user_id)
    return list(session.scalars(query))


# -- verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found. ``first_broken_id`` is the first event whose link
    does not hold (``reason`` says why); ``checked`` counts the events found intact before
    it (all of them when ``ok``). ``ok`` with a ``reason``: there was nothing to check (a
    database whose schema predates the chain).

    Given anchors (:mod:`.audit_anchors`), the chain must also reach the newest one and
    match every one it reaches: ``cut`` counts the events missing after the head (the
    tail was deleted), and an anchor whose position holds another hash names that event
    as ``first_broken_id`` (the log was rewritten and re-hashed after the anchor)."""

    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str | None = None
    #: The newest event's id and hash: write them down elsewhere to detect a log whose
    #: newest events were removed or whose tail was rewritten and re-hashed.
    head_id: int | None = None
    head_hash: str | None = None
    #: Distinct lists whose items were checked against their digest.
    lists_checked: int = 0
    #: Anchors given and found to match the chain.
    anchors_checked: int = 0
    #: The newest anchor given (position and time), whether or not the chain reaches it.
    anchor_seq: int | None = None
    anchor_at: datetime | None = None
    #: Events missing after the head: the newest anchor's position less the head's.
    cut: int = 0

    def summary(self) -> str:
        """One line for people and logs."""
        if self.ok:
            head = f"; head {self.head_id} {self.head_hash}" if self.head_id else ""
            anchored = (f"; reaches the newest anchor (position {self.anchor_seq}, "
                        f"{_when(self.anchor_at)})" if self.anchor_seq is not None else "")
            return (f"audit chain intact: {self.checked} events, {self.lists_checked} "
                    f"lists{head}{anchored}")
        if self.cut:
            return f"audit chain cut: {self.reason}"
        return (f"audit chain broken at event {self.first_broken_id}: {self.reason} "
                f"({self.checked} events intact before it)")


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "?"


_EVENT_COLUMNS = [AuditEvent.__table__.c[name] for name in ("id", *CHAINED, "prev_hash",
                                                             "hash")]


def _events(session: Session, batch: int) -> Iterator[Mapping[str, Any]]:
    """Every event in id order, ``batch`` rows at a time (memory stays bounded)."""
    after = 0
    while True:
        rows = session.execute(select(*_EVENT_COLUMNS).where(AuditEvent.id > after)
                               .order_by(AuditEvent.id).limit(batch)).mappings().all()
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1]["id"]


def _misplaced(session: Session, row: Mapping[str, Any], expected: int,
               prev_id: int | None) -> str:
    """Why ``row`` is not the event that should follow ``prev_id`` (looked up on failure)."""
    before = f"event {prev_id}" if prev_id is not None else "the start of the log"
    if row["seq"] is not None and row["seq"] > expected:
        holder = session.scalar(select(AuditEvent.id).where(AuditEvent.seq == expected))
        if holder is None:
            return (f"deleted: the event(s) after {before} are missing (positions "
                    f"{expected} to {row['seq'] - 1})")
        return (f"reordered: it holds position {row['seq']}, but event {holder} holds "
                f"position {expected}, which follows {before}")
    if row["seq"] is not None and row["seq"] < expected:
        return f"reordered: it holds position {row['seq']}, already passed after {before}"
    return (f"changed: its link does not match {before} (that event was changed and "
            f"re-hashed, or this one's link was edited)")


def _chain(session: Session, batch: int, anchored: Mapping[int, Anchor],
           mismatches: list[tuple[int, Anchor]]) -> tuple[int, int | None, str | None,
                                                          int | None, str | None]:
    """Walk the chain; an anchored position holding another hash goes to
    ``mismatches`` as ``(event id, anchor)``."""
    checked, prev_id, prev_hash = 0, None, GENESIS
    for row in _events(session, batch):
        if anchored and not mismatches and (held := anchored.get(row["seq"])) is not None \
                and held.hash != row["hash"]:
            mismatches.append((row["id"], held))
        if row["hash"] is None or row["prev_hash"] is None or row["seq"] is None:
            return checked, row["id"], "unsealed: the event has no hash", prev_id, prev_hash
        if row["seq"] != checked + 1 or row["prev_hash"] != prev_hash:
            return (checked, row["id"], _misplaced(session, row, checked + 1, prev_id),
                    prev_id, prev_hash)
        if link(prev_hash, row) != row["hash"]:
            return (checked, row["id"], "changed: its fields do not match its hash",
                    prev_id, prev_hash)
        checked, prev_id, prev_hash = checked + 1, row["id"], row["hash"]
    return checked, None, None, prev_id, prev_hash


def _lists(session: Session, batch: int) -> tuple[int, int | None, str | None]:
    """Check every stored list against its digest, and that every list an event names is
    stored. Returns the lists checked and the first event naming a broken list."""
    broken: dict[str, str] = {}
    missing = session.execute(
        select(AuditEvent.id, AuditEvent.list_digest)
        .where(AuditEvent.list_digest.is_not(None),
               ~select(AuditList.digest).where(AuditList.digest == AuditEvent.list_digest)
               .exists())
        .order_by(AuditEvent.id).limit(1)).first()
    if missing is not None:
        broken[missing.list_digest] = "deleted: the list it names is missing"
    checked, after = 0, ""
    lists_per_batch = max(1, batch // 20)  # a list holds up to a page of records
    while True:
        heads = session.execute(select(AuditList.digest, AuditList.resource_type,
                                       AuditList.size)
                                .where(AuditList.digest > after)
                                .order_by(AuditList.digest).limit(lists_per_batch)).all()
        if not heads:
            break
        items: dict[str, list[tuple[int, int | None, int | None]]] = {}
        for digest, position, rid, pid in session.execute(
                select(AuditListItem.list_digest, AuditListItem.position,
                       AuditListItem.resource_id, AuditListItem.patient_id)
                .where(AuditListItem.list_digest.in_([h.digest for h in heads]))
                .order_by(AuditListItem.list_digest, AuditListItem.position)):
            items.setdefault(digest, []).append((position, rid, pid))
        for head in heads:
            shown = items.get(head.digest, [])
            if ([p for p, _, _ in shown] != list(range(head.size)) or list_digest(
                    head.resource_type, [(r, p) for _, r, p in shown]) != head.digest):
                broken.setdefault(head.digest, "changed: the list it names does not match "
                                               "its digest")
        checked += len(heads)
        after = heads[-1].digest
    if not broken:
        return checked, None, None
    first = session.execute(
        select(AuditEvent.id, AuditEvent.list_digest)
        .where(AuditEvent.list_digest.in_(list(broken))).order_by(AuditEvent.id).limit(1)
    ).first()
    if first is None:  # a changed list that no event names: nothing was read through it
        return checked, None, None
    return checked, first.id, f"{broken[first.list_digest]} ({first.list_digest[:12]})"


def verify_chain(session: Session, *, batch: int = 2000,
                 anchors: Iterable[Anchor] = ()) -> ChainReport:
    """Check the whole audit log: every event's hash against its fields and the event
    before it, in id order, and every list read's items against the digest its event
    names. Streams ``batch`` rows at a time. Stops at the first broken chain link.

    ``anchors`` (already checked against their HMAC: :func:`.audit_anchors.read`) are
    matched as the walk passes their positions, at no extra query: the chain must reach
    the newest and hold each one's hash at its position.

    It only reads. On SQLite, give it a session that does not hold the write lock while
    the clinic is open (the core's sessions begin ``IMMEDIATE``; ``vesalius audit verify``
    uses :func:`vesalius.web.sessions.deferred_engine` with ``read_only=True``)."""
    columns = {c["name"] for c in inspect(session.connection()).get_columns("audit_events")}
    if "hash" not in columns:  # e.g. a restored backup taken before the chain existed
        return ChainReport(ok=True, checked=0,
                           reason="nothing to check: this database predates the audit chain")
    anchored: dict[int, Anchor] = {}
    for anchor in anchors:  # the newest anchor of a position speaks for it
        if anchor.seq not in anchored or anchor.at > anchored[anchor.seq].at:
            anchored[anchor.seq] = anchor
    newest = anchored[max(anchored)] if anchored else None
    mismatches: list[tuple[int, Anchor]] = []
    checked, broken_id, reason, head_id, head_hash = _chain(session, batch, anchored,
                                                            mismatches)
    lists_checked, list_broken_id, list_reason = _lists(session, batch)
    if list_broken_id is not None and (broken_id is None or list_broken_id < broken_id):
        checked = session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.id < list_broken_id)) or 0
        broken_id, reason = list_broken_id, list_reason
    found = {"lists_checked": lists_checked, "anchor_seq": newest and newest.seq,
             "anchor_at": newest and newest.at}
    if broken_id is None and mismatches:
        event_id, anchor = mismatches[0]
        broken_id = event_id
        checked = session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.id < event_id)) or 0
        reason = (f"rewritten: it does not match the anchor of position {anchor.seq} taken "
                  f"{_when(anchor.at)} (after then, events up to it were changed and re-hashed, or "
                  f"removed and others written in their place)")
    if broken_id is not None:
        return ChainReport(ok=False, checked=checked, first_broken_id=broken_id,
                           reason=reason, **found)
    matched = sum(1 for seq in anchored if seq <= checked)
    if newest is not None and newest.seq > checked:
        cut = newest.seq - checked
        ends = (f"event {head_id} at position {checked}" if head_id is not None
                else "no event")
        return ChainReport(
            ok=False, checked=checked, head_id=head_id, head_hash=head_hash,
            anchors_checked=matched, cut=cut, reason=(
                f"the last {cut} events were removed after {_when(newest.at)} (the anchor "
                f"taken then vouches for {newest.seq} events; the log now ends at "
                f"{ends})"), **found)
    return ChainReport(ok=True, checked=checked, head_id=head_id, head_hash=head_hash
                       if head_id is not None else None, anchors_checked=matched, **found)
